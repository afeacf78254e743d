"""A citizen's rating, feedback or complaint on their dossier, and the
supervisor's answer.

A rating (1–5, once) is for a dossier whose result was handed over;
feedback and complaints may come at any time. Each keeps the stage the
dossier was at, goes to the supervisors of the office that handles it (at
the office or at the province above it), and is listed for them until it
is answered — by a supervisor whose own dossier it is not (the four-eyes
rule of dossiers/permissions.py); the answer goes back to the citizen.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens import notifications
from citizens.models import Feedback
from dossiers import permissions, tasks
from dossiers.errors import Invalid, NotAllowed, NotPossible
from dossiers.models import Dossier, State
from portal.models import Membership, Office

Kind = Feedback.Kind
MAX_COMMENT = 2000


def may_rate(dossier: Dossier) -> bool:
    return dossier.state == State.RETURNED and not dossier.feedback.filter(kind=Kind.RATING).exists()


def rate(dossier: Dossier, citizen, rating: int, comment: str = "") -> Feedback:
    """The citizen rates the service once the result is in their hands."""
    _check_owner(dossier, citizen)
    if dossier.state != State.RETURNED:
        raise NotPossible(_("You can rate the service once the result has been handed over to you."))
    if rating not in range(1, 6):
        raise Invalid(_("Choose a rating from 1 to 5."))
    try:
        with transaction.atomic():
            return _save(dossier, citizen, Kind.RATING, comment, rating=rating)
    except IntegrityError:
        raise NotPossible(_("You have already rated the service for this dossier.")) from None


def send(dossier: Dossier, citizen, kind: str, comment: str) -> Feedback:
    """Feedback or a complaint, at any stage."""
    _check_owner(dossier, citizen)
    if kind not in (Kind.FEEDBACK, Kind.COMPLAINT):
        raise Invalid(_("Say whether this is feedback or a complaint."))
    if not comment.strip():
        raise Invalid(_("Write what happened, so the supervisor can look into it."))
    with transaction.atomic():
        return _save(dossier, citizen, kind, comment)


def _save(dossier: Dossier, citizen, kind: str, comment: str, rating: int | None = None) -> Feedback:
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise Invalid(_("Keep it under %(limit)s characters.") % {"limit": MAX_COMMENT})
    feedback = Feedback.objects.create(
        dossier=dossier, author=citizen, kind=kind, rating=rating, comment=comment, stage=dossier.state
    )
    for notification in notifications.for_feedback(feedback):
        tasks.after_commit(tasks.enqueue_notification, notification.pk)
    return feedback


def _check_owner(dossier: Dossier, citizen) -> None:
    if dossier.citizen_id is None or dossier.citizen_id != citizen.pk:
        raise NotAllowed(_("Only the citizen who submitted the dossier can write about it here."))


def for_supervisor(user) -> QuerySet[Feedback]:
    """What `user` may read and answer: the feedback on dossiers of the
    offices they oversee as supervisor or lead as approver."""
    offices = Office.objects.visible_to(user, roles=Membership.REPORTING_ROLES)
    return Feedback.objects.filter(dossier__competent_office__in=offices).select_related(
        "dossier",
        "dossier__procedure",
        "dossier__competent_office",
        "dossier__received_by",
        "dossier__specialist",
        "dossier__approver",
        "answered_by",
    )


def summary(feedback: QuerySet[Feedback]) -> dict:
    """Ratings count and average, and how many wait for an answer."""
    return feedback.aggregate(
        ratings=Count("pk", filter=Q(kind=Kind.RATING)),
        average=Avg("rating", filter=Q(kind=Kind.RATING)),
        waiting=Count("pk", filter=Q(answered_at=None) & ~Q(kind=Kind.RATING))
        + Count("pk", filter=Q(answered_at=None, kind=Kind.RATING) & ~Q(comment="")),
    )


def answer(feedback: Feedback, supervisor, text: str) -> Feedback:
    """The supervisor's answer, once; the citizen is told."""
    text = text.strip()
    if not text:
        raise Invalid(_("Write the answer the citizen will read."))
    with transaction.atomic():
        locked = for_supervisor(supervisor).select_for_update(of=("self",)).filter(pk=feedback.pk).first()
        if locked is None:
            raise NotAllowed(_("This feedback is about another office's dossier."))
        reason = permissions.objection(locked.dossier, supervisor, "answer")
        if reason:
            raise NotAllowed(reason)  # nobody answers about their own dossier
        if locked.answered_at is not None:
            raise NotPossible(_("This was answered already, by %(name)s.") % {"name": locked.answered_by})
        locked.answer, locked.answered_by, locked.answered_at = text, supervisor, timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        for notification in notifications.for_answer(locked):
            tasks.after_commit(tasks.enqueue_notification, notification.pk)
    return locked

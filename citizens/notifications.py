"""The messages of the citizens' e-services: a rating, feedback or
complaint for the supervisors, their answer for the citizen, the link a
parent gets when a hospital reports a birth, and the reminder that an
unfinished application is about to be deleted. Written as `Notification` rows
(dossiers/notifications.py) in the transaction of the change, from the
templates of templates/citizens/messages/."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils import translation

from citizens.models import Draft, Feedback, LifeEvent
from dossiers import notifications
from dossiers.models import Notification
from portal.models import Membership

Kind = Notification.Kind
FOLDER = "citizens"


def for_feedback(feedback: Feedback) -> list[Notification]:
    """A rating, feedback or complaint: the supervisors of the office that
    handles the dossier, at the office or above it."""
    office = feedback.dossier.competent_office
    supervisors = Membership.objects.filter(
        Q(office=office) | Q(office_id=office.parent_id), role=Membership.Role.SUPERVISOR, user__is_active=True
    )
    recipients = sorted({email for email in supervisors.values_list("user__email", flat=True) if email})
    return notifications.emails(
        Kind.FEEDBACK, recipients, {"feedback": feedback}, dossier=feedback.dossier, folder=FOLDER
    )


def for_answer(feedback: Feedback) -> list[Notification]:
    """The supervisor answered: the applicant, by email, or else by SMS."""
    dossier = feedback.dossier
    context = {"dossier": dossier, "feedback": feedback, "site_url": settings.SITE_URL}
    if dossier.applicant_email:
        return notifications.emails(Kind.ANSWER, [dossier.applicant_email], context, dossier=dossier, folder=FOLDER)
    if dossier.applicant_phone:
        return [notifications.sms(Kind.ANSWER, dossier.applicant_phone, context, dossier=dossier, folder=FOLDER)]
    return []


def for_life_event(event: LifeEvent) -> list[Notification]:
    """A partner reported a life event: the parent gets the link to the
    application prepared for them, by SMS, and by email if known."""
    context = {"event": event, "site_url": settings.SITE_URL}
    written = [notifications.sms(Kind.LIFE_EVENT, event.parent_phone, context, dossier=None, folder=FOLDER)]
    if event.parent_email:
        written += notifications.emails(Kind.LIFE_EVENT, [event.parent_email], context, dossier=None, folder=FOLDER)
    return written


def for_draft_expiry(draft: Draft) -> list[Notification]:
    """An unfinished application will be deleted soon: its citizen, by
    email and by SMS, as the account gives them."""
    citizen = draft.citizen
    context = {"draft": draft, "deletion_on": draft.deletion_on, "site_url": settings.SITE_URL}
    written = []
    if citizen.email:
        written += notifications.emails(Kind.DRAFT_EXPIRY, [citizen.email], context, dossier=None, folder=FOLDER)
    if citizen.phone:
        written.append(notifications.sms(Kind.DRAFT_EXPIRY, citizen.phone, context, dossier=None, folder=FOLDER))
    return written


def code_text(event: LifeEvent, code: str) -> str:
    """The text with the one-time code that proves the parent holds the
    reported phone. Not kept as a notification: the code is written nowhere
    but in the text itself."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"event": event, "code": code, "minutes": 10}
        return notifications.render("life_event_code.sms.txt", context, FOLDER).replace("\n", " ")

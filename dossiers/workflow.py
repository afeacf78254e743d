"""The one write path for dossiers: open one, and act on one.

`perform` locks the dossier's row, checks that it has not changed since the
actor looked at it, that the action is possible from its state and that this
person may take it, runs the transition, saves, writes the audit event,
updates the report's rollups and queues the notifications, in one
transaction; the notifications go out once it commits. The counter pages and the API both call it; nothing else changes
a dossier's state.
"""

from __future__ import annotations

import datetime as dt
import inspect
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from dossiers import notifications, slips, stats, tasks
from dossiers.models import FINISHED_STATES, Attachment, Dossier, DossierDocument, DossierEvent, Pause
from dossiers.uploads import EXTENSIONS
from portal.models import Membership, Office
from procedures.models import Procedure

# Action name (what people and the API say) → transition method.
ACTIONS = {
    "receive": "receive",
    "request_supplement": "request_supplement",
    "supplement": "supplement",
    "refuse": "refuse",
    "appraise": "appraise",
    "reject": "reject",
    "approve": "approve",
    "stamp": "stamp",
    "return": "return_result",
    "withdraw": "withdraw",
    "apologise": "apologise",
}
# What the buttons say.
ACTION_LABELS = {
    "receive": gettext_lazy("Receive"),
    "request_supplement": gettext_lazy("Request a supplement"),
    "supplement": gettext_lazy("Record the supplement"),
    "refuse": gettext_lazy("Refuse"),
    "appraise": gettext_lazy("Appraise"),
    "reject": gettext_lazy("Reject"),
    "approve": gettext_lazy("Approve"),
    "stamp": gettext_lazy("Stamp and issue"),
    "return": gettext_lazy("Hand over the result"),
    "withdraw": gettext_lazy("Withdraw"),
    "apologise": gettext_lazy("Apologise and re-appoint"),
}
# What the timeline says happened.
EVENT_LABELS = {
    "submit": gettext_lazy("Submitted"),
    "receive": gettext_lazy("Received"),
    "request_supplement": gettext_lazy("Supplement requested"),
    "supplement": gettext_lazy("Supplement received"),
    "refuse": gettext_lazy("Refused"),
    "appraise": gettext_lazy("Appraised"),
    "reject": gettext_lazy("Rejected"),
    "approve": gettext_lazy("Approved"),
    "stamp": gettext_lazy("Stamped and issued"),
    "return": gettext_lazy("Result handed over"),
    "withdraw": gettext_lazy("Withdrawn"),
    "apologise": gettext_lazy("Apology and new appointment"),
    "attach": gettext_lazy("File attached"),
}
# Events whose note is written for the citizen (the reasons they must read);
# the other notes are for staff.
NOTES_FOR_CITIZEN = {"request_supplement", "refuse", "reject", "withdraw", "apologise", "attach"}
# Actions whose note is required (the reasons go to the citizen).
NOTE_REQUIRED = {"request_supplement", "refuse", "reject", "apologise", "withdraw"}


class ActionError(Exception):
    """An action that cannot be taken, with a message for the person, and
    what the API answers (`http_status`, `code`)."""

    http_status = 400
    code = "invalid"

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or [message]


class NotPossible(ActionError):
    """Not possible from the dossier's state."""

    http_status = 409
    code = "not_possible"


class NotAllowed(ActionError):
    """Possible, but not for this person."""

    http_status = 403
    code = "forbidden"


class Conflict(ActionError):
    """Someone else changed the dossier first."""

    http_status = 409
    code = "conflict"


class Invalid(ActionError):
    """A rule of the action is broken (a reason missing, a document not ticked)."""


def perform(
    dossier: Dossier | int,
    action: str,
    *,
    actor,
    note: str = "",
    version: int | None = None,
    new_appointment: dt.datetime | None = None,
    documents: set[int] | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Take `action` on a dossier as `actor`; raise an ActionError if it
    cannot be taken, leaving the dossier as it was. `documents` are the
    positions of the documents ticked as handed in, for `receive`."""
    if action not in ACTIONS:
        raise NotPossible(_("There is no action called “%(action)s”.") % {"action": action})
    at = at or timezone.now()
    note = (note or "").strip()
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update()
            .select_related("procedure", "receiving_office", "competent_office")
            .prefetch_related("documents")
            .get(pk=pk)
        )
        if version is not None and dossier.version != version:
            raise Conflict(
                _("Dossier %(code)s changed since you opened it (now: %(state)s). Look at it again before acting.")
                % {"code": dossier.code, "state": dossier.get_state_display()}
            )
        method = getattr(dossier, ACTIONS[action])
        if not can_proceed(method):
            raise NotPossible(
                _("“%(action)s” is not possible for a dossier in the state “%(state)s”.")
                % {"action": ACTION_LABELS[action], "state": dossier.get_state_display()}
            )
        if not has_transition_perm(method, actor):
            raise NotAllowed(
                _("You may not “%(action)s” dossier %(code)s: it needs another role or another office.")
                % {"action": ACTION_LABELS[action], "code": dossier.code}
            )
        offered = {
            "actor": actor,
            "at": at,
            "note": note,
            "new_appointment": new_appointment,
            "documents": documents,
            "calendar": dossier.competent_office.calendar(),
        }
        accepted = inspect.signature(method).parameters
        from_state = dossier.state
        before = stats.facts_of(dossier)
        try:
            with transaction.atomic():
                method(**{name: value for name, value in offered.items() if name in accepted})
        except ValidationError as error:
            raise Invalid(" ".join(error.messages), error.messages) from None
        dossier.version += 1
        dossier.save()
        details = record_side_rows(dossier, action, note, documents)
        event = record_event(dossier, action, from_state, actor=actor, at=at, note=note, details=details)
        stats.record(dossier, before, stats.facts_of(dossier))
        slip = slips.issue_for(dossier, action, event)
        if slip is not None:
            transaction.on_commit(partial(tasks.enqueue_slip, slip.pk), robust=True)
        queue_notifications(dossier, action, note)
    return dossier


def record_side_rows(dossier: Dossier, action: str, note: str, documents: set[int] | None) -> dict:
    """Save what the transition decided besides the dossier's own fields:
    the documents ticked at receipt, the pause it opened or closed. Returns
    the details the audit event keeps."""
    details: dict = {}
    if action == "receive" and documents is not None:
        DossierDocument.objects.bulk_update(dossier.documents.all(), ["is_received"])
        details["documents_received"] = sorted(documents)
    if action == "apologise":
        details["new_appointment"] = timezone.localtime(dossier.appointment_at).isoformat()
    if action == "request_supplement" and dossier.paused_at is not None:
        Pause.objects.create(dossier=dossier, reason=note, started_at=dossier.paused_at, due_before=dossier.due_at)
    ended = getattr(dossier, "ended_pause", None)
    if ended is not None:
        _started, until, paused = ended
        Pause.objects.filter(dossier=dossier, ended_at=None).update(
            ended_at=until, working_seconds=int(paused.total_seconds()), due_after=dossier.due_at
        )
        details["paused_working_seconds"] = int(paused.total_seconds())
    return details


def record_event(dossier: Dossier, action: str, from_state: str, *, actor, at, note="", details=None):
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_state=from_state,
        to_state=dossier.state,
        actor=actor,
        at=at,
        note=note,
        details=details or {},
    )


def queue_notifications(dossier: Dossier, action: str, note: str) -> None:
    """Write the notifications with the change; send them after it commits."""
    for notification in notifications.for_action(dossier, action, note):
        # robust: a broker that is down must not turn a committed action into
        # an error page; the retry sweep sends what stayed pending.
        transaction.on_commit(partial(tasks.enqueue_notification, notification.pk), robust=True)


# Files ------------------------------------------------------------------------

ATTACHING_ROLES = (Membership.Role.CLERK, Membership.Role.SPECIALIST, Membership.Role.APPROVER)


def attach(
    dossier: Dossier,
    *,
    content: bytes,
    name: str,
    checked,
    document: DossierDocument | None,
    actor,
    at: dt.datetime | None = None,
) -> Attachment:
    """Add a file (a scan at the counter, an upload by the citizen) to a
    dossier still being handled, with an audit event; `checked` is what
    `uploads.check_upload` found in it. Nothing is kept if anything fails."""
    at = at or timezone.now()
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update()
            .select_related("receiving_office", "competent_office")
            .get(pk=dossier.pk)
        )
        if dossier.state in FINISHED_STATES:
            raise NotPossible(_("Dossier %(code)s is closed: no file can be added.") % {"code": dossier.code})
        staff = any(
            actor.has_role(role, office)
            for role in ATTACHING_ROLES
            for office in (dossier.receiving_office, dossier.competent_office)
        )
        if not (staff or (dossier.citizen_id == actor.pk and dossier.state in OPEN_TO_CITIZEN_FILES)):
            raise NotAllowed(_("You may not add files to dossier %(code)s.") % {"code": dossier.code})
        attachment = Attachment(
            dossier=dossier,
            document=document,
            original_name=name[:255],
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
            uploaded_at=at,
        )
        stored_as = f"{dossier.code}-{checked.sha256[:12]}.{EXTENSIONS[checked.content_type]}"
        attachment.file.save(stored_as, ContentFile(content), save=False)
        try:
            attachment.save()
            record_event(
                dossier,
                "attach",
                dossier.state,
                actor=actor,
                at=at,
                note=attachment.original_name,
                details={"document": document.position if document else None, "sha256": checked.sha256},
            )
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


# A citizen adds files while the counter has not received the dossier, or
# when it asked for a supplement.
OPEN_TO_CITIZEN_FILES = ("submitted", "supplement_requested")


# Opening a dossier ------------------------------------------------------------


def open_dossier(
    *,
    procedure: Procedure,
    receiving_office: Office,
    channel: str,
    applicant: dict,
    actor,
    competent_office: Office | None = None,
    delivery: str = "counter",
    delivery_address: str = "",
    received_documents: set[int] | None = None,
    citizen=None,
    receive: bool = False,
    at: dt.datetime | None = None,
) -> Dossier:
    """Create a dossier under the procedure's current terms for `channel`.

    Online, it waits in `submitted` for the counter. At the counter
    (`receive=True`) it is received at once, which needs every mandatory
    document ticked; if anything fails, nothing is created.
    `received_documents` holds the positions (1-based) of the ticked documents.
    """
    at = at or timezone.now()
    competent_office = competent_office or receiving_office
    _check_offices(procedure, receiving_office, competent_office)
    if receive and not actor.has_role(Membership.Role.CLERK, receiving_office):
        raise NotAllowed(_("Only a clerk of %(office)s receives dossiers there.") % {"office": receiving_office})
    try:
        terms = procedure.terms_for(channel)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages)) from None
    received_documents = received_documents or set()

    with transaction.atomic():
        dossier = Dossier.objects.create(
            code=mint_code(competent_office, timezone.localdate(at)),
            procedure=procedure,
            receiving_office=receiving_office,
            competent_office=competent_office,
            citizen=citizen,
            channel=channel,
            delivery=delivery,
            delivery_address=delivery_address,
            time_limit_amount=terms["time_limit"]["amount"],
            time_limit_unit=terms["time_limit"]["unit"],
            fees=terms["fees"],
            stage_shares=terms["stages"],
            submitted_at=at,
            **{f"applicant_{key}": value for key, value in applicant.items()},
        )
        DossierDocument.objects.bulk_create(DossierDocument.from_terms(dossier, terms["documents"], received_documents))
        record_event(dossier, "submit", "", actor=actor, at=at)
        if receive:
            dossier = perform(dossier, "receive", actor=actor, at=at)
    return dossier


def _check_offices(procedure: Procedure, receiving: Office, competent: Office) -> None:
    if not procedure.is_active:
        raise Invalid(_("Procedure %(code)s is not in service.") % {"code": procedure.code})
    if competent == receiving:
        return
    if not procedure.is_location_independent:
        raise Invalid(
            _("Procedure %(code)s is handled only by the office that receives it.") % {"code": procedure.code}
        )
    if competent.province != receiving.province:
        raise Invalid(
            _("Any counter of the province may receive this procedure, but %(office)s is in another province.")
            % {"office": competent}
        )


# Dossier codes ----------------------------------------------------------------

_NEXT_NUMBER = """
    INSERT INTO dossiers_codesequence (office_id, day, last) VALUES (%s, %s, 1)
    ON CONFLICT (office_id, day) DO UPDATE SET last = dossiers_codesequence.last + 1
    RETURNING last
"""


def mint_code(office: Office, day: dt.date) -> str:
    """The next dossier code of `office` for `day`: OFFICE-YYMMDD-NNNN.

    The code is given when the dossier is opened, so that a citizen who
    submits online has the reference at once, as the national portal gives
    it; its date is then the day of submission, the day of receipt for a
    walk-in dossier. One atomic upsert (PostgreSQL and SQLite ≥ 3.35 alike): two clerks
    receiving at the same instant get consecutive numbers, and a rolled back
    dossier gives its number back with its transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER, [office.pk, day])
        (number,) = cursor.fetchone()
    return f"{office.code}-{day:%y%m%d}-{number:04d}"


def available_actions(dossier: Dossier, user) -> list[str]:
    """The actions `user` may take on `dossier` now, in the order of the
    lifecycle, for the buttons of the dossier page."""
    names = {t.name for t in dossier.get_available_user_state_transitions(user)}
    return [action for action, method in ACTIONS.items() if method in names]

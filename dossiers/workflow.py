"""The one write path for dossiers: open one, act on one, attach a file.

`perform` locks the dossier's row and checks, in this order, that this
person could take the action at all (403, before anything about the state
is told), that the dossier has not changed since they looked at it (409),
that the action is possible from its state and its conditions hold (409),
that this person may take it now (403), that the four-eyes rule does not
hold them back (`permissions.objection`: not their own dossier, not the
decision on what they appraised; 403 with the reason), and that the
reasons the action needs are given (400). It then runs the transition with an `Act`, saves,
records its `Outcome` (documents ticked, pauses), writes the audit event,
updates the report's rollups, issues the slip and writes the notifications —
in one transaction; the slip and the notifications go out once it commits,
as one task.
A working calendar that is not loaded for a year it reaches refuses the
whole action (503). The counter pages, the citizens' pages and the API all
call it; nothing else changes a dossier's state.

The module is long because it is that one path: opening a dossier with its
checks (offices, answers, time-limit case), the transitions, and attaching
files, each with the locking and the trail they share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from dossiers import fees, intake, notifications, payments, permissions, postal, quotas, results, rollups, slips, tasks
from dossiers.actions import ACTION_LABELS, ACTIONS, DOCUMENTS_MAY_GIVE_REASON, reason_missing
from dossiers.acts import Act, Outcome
from dossiers.errors import CalendarNotReady, Conflict, Invalid, NotAllowed, NotPossible, SigningNotReady
from dossiers.models import (
    Attachment,
    Delivery,
    Dossier,
    DossierDocument,
    DossierEvent,
    ExemptionStatus,
    Pause,
    PaymentMethod,
    RequestedDocument,
    State,
)
from dossiers.states import FINISHED, OPEN_TO_CITIZEN_FILES
from dossiers.supplements import Asked, describe
from dossiers.uploads import EXTENSIONS, CheckedFile, check_upload
from portal import signing
from portal.calendar import CalendarMissing
from portal.models import Membership, Office
from procedures.models import Procedure

# The actions that neither tick documents nor issue a slip listing them: the
# dossier's documents are not read with it (anything that still asks for them
# reads them then).
WITHOUT_DOCUMENTS = frozenset({"appraise", "approve", "stamp"})


def perform(
    dossier: Dossier | int,
    action: str,
    *,
    actor: Any,
    note: str = "",
    version: int | None = None,
    new_appointment: dt.datetime | None = None,
    documents: set[int] | frozenset[int] | None = None,
    requested: list[Asked] | tuple[Asked, ...] = (),
    at: dt.datetime | None = None,
    result: results.Draft | None = None,
    postal_item: str = "",
    posted_on: dt.date | None = None,
) -> Dossier:
    """Take `action` on a dossier as `actor`; raise an ActionError if it
    cannot be taken, leaving the dossier as it was. `documents` are the
    positions of the documents ticked as handed in, for `receive`, or as
    brought on paper among those a supplement request asked for, for `supplement`;
    `requested`, the documents of the checklist a supplement request asks for;
    `result`, the result issued at `stamp` (checked, and the office's
    signing asked, before the transaction: dossiers/results.py);
    `postal_item` and `posted_on`, for `return` of a result by post, the
    envelope's item number and the day it went to the postal service."""
    if action not in ACTIONS:
        raise Invalid(_("There is no action called “%(action)s”.") % {"action": action})
    if requested and action not in DOCUMENTS_MAY_GIVE_REASON:
        raise Invalid(_("Only a supplement request names documents to add or correct."))
    postal_item = postal.normalise(postal_item)
    if (postal_item or posted_on) and action != "return":
        raise Invalid(_("Only the hand-over of a result to the postal service carries a postal item number."))
    at = at or timezone.now()
    note = (note or "").strip()
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    if result is not None:
        if action != "stamp":
            raise Invalid(str(results.ATTACHED_AT_STAMP))
        unlocked = Dossier.objects.select_related("procedure", "receiving_office", "competent_office").get(pk=pk)
        result = results.check(unlocked, result)
        results.ready(unlocked)
    try:
        return _perform(
            pk, action, actor, note, version, new_appointment, documents, requested, at, result, postal_item, posted_on
        )
    except IntegrityError:
        if not postal_item:
            raise
        # Recorded for another dossier at the same instant (the constraint's word).
        raise Invalid(_item_taken(postal_item)) from None


def _item_taken(postal_item: str) -> str:
    return _("The postal item number %(number)s is already recorded for another dossier.") % {"number": postal_item}


def _perform(
    pk: int,
    action: str,
    actor: Any,
    note: str,
    version: int | None,
    new_appointment: dt.datetime | None,
    documents: set[int] | frozenset[int] | None,
    requested: list[Asked] | tuple[Asked, ...],
    at: dt.datetime,
    result: results.Draft | None,
    postal_item: str,
    posted_on: dt.date | None,
) -> Dossier:
    with transaction.atomic():
        # The dossier's row alone is locked, not those of its offices and procedure.
        locked = Dossier.objects.select_for_update(of=("self",)).select_related(
            "procedure", "receiving_office__parent", "competent_office"
        )
        if action not in WITHOUT_DOCUMENTS:
            locked = locked.prefetch_related("documents")
        dossier = locked.get(pk=pk)
        method = getattr(dossier, ACTIONS[action])
        _check(dossier, action, method, actor, version)
        missing = reason_missing(action, note, names_documents=bool(requested)) or results.missing(
            dossier, action, result
        )
        if missing:
            raise Invalid(missing)
        if postal_item and Dossier.objects.filter(postal_item_number=postal_item).exclude(pk=dossier.pk).exists():
            raise Invalid(_item_taken(postal_item))
        posted = (postal_item, posted_on)
        try:
            _take(
                dossier, action, method, actor, at, note, new_appointment, documents, tuple(requested), result, posted
            )
        except CalendarMissing as missing:
            # Anything that counts working time, the slips included: refused
            # whole, the transaction rolled back.
            raise CalendarNotReady(str(missing)) from None
    return dossier


def _take(
    dossier: Dossier,
    action: str,
    method: Any,
    actor: Any,
    at: dt.datetime,
    note: str,
    new_appointment: dt.datetime | None,
    documents: set[int] | frozenset[int] | None,
    requested: tuple[Asked, ...] = (),
    result: results.Draft | None = None,
    posted: tuple[str, dt.date | None] = ("", None),
    *,
    new: bool = False,
) -> None:
    """Run the transition and record everything it changes. `new`: the
    dossier was created in this transaction (it has no pauses and no
    counted events yet)."""
    if action in slips.ISSUED_BY:
        # The slip is signed after the commit: an office that cannot sign
        # is told before anything changes, not after.
        try:
            signing.ready(dossier.receiving_office)
        except signing.SigningUnavailable as unavailable:
            raise SigningNotReady(str(unavailable)) from None
    act = Act(
        actor=actor,
        at=at,
        office=dossier.competent_office,
        note=note,
        new_appointment=new_appointment,
        documents=None if documents is None else frozenset(documents),
        requested=requested,
        postal_item=posted[0],
        posted_on=posted[1],
    )
    from_state = dossier.state
    own_before = rollups.own_facts(dossier)
    try:
        # Transitions change the dossier object only; the caller's
        # transaction undoes anything else if one fails.
        outcome = method(act)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), error.messages) from None
    # The report's facts are read only when the counts may change, and
    # before anything is written.
    before = None
    if rollups.may_change(own_before, rollups.own_facts(dossier), outcome, action):
        before = own_before if new else rollups.with_history(dossier, own_before)
    dossier.version += 1
    # The event first, so that the dossier is saved once with its new trail head.
    event = record_event(
        dossier, action, from_state, actor=actor, at=at, note=note, details=outcome.details, after_head=True
    )
    dossier.save()
    # What the citizen is told and the pause is kept for: the reason written,
    # then the documents asked for.
    told = "\n".join(part for part in (note, describe(outcome.requested)) if part)
    record_outcome(dossier, outcome, told)
    RequestedDocument.objects.bulk_create(
        RequestedDocument(
            dossier=dossier, request=event, document=document, problem=item.problem, note=item.note.strip()
        )
        for document, item in outcome.requested
    )
    if outcome.brought:
        RequestedDocument.objects.filter(pk__in=[item.pk for item in outcome.brought]).update(answered_at=at)
    if before is not None:
        rollups.record(dossier, before, rollups.after(before, dossier, outcome, action, at))
    # After the dossier's save: a refund's events chain after the action's.
    payments.refund_on(dossier, action, actor=actor, at=at, note=note)
    if result is not None:
        results.issue(dossier, result, event)
    slip = slips.issue_for(dossier, action, event)
    written = notifications.for_action(dossier, action, told)
    if slip is not None or written:
        # One task for all of it, queued once the change commits.
        tasks.after_commit(tasks.enqueue_outputs, slip and slip.pk, [notification.pk for notification in written])


def _check(dossier: Dossier, action: str, method: Any, actor: Any, version: int | None) -> None:
    """Raise the error that says why `actor` cannot take `action` now."""
    label = ACTION_LABELS[action]
    if not permissions.may_ever(method, dossier, actor):
        # Before anything about the state: a stranger learns nothing.
        raise NotAllowed(
            _("You may not “%(action)s” dossier %(code)s: it needs another role or another office.")
            % {"action": label, "code": dossier.code}
        )
    if version is not None and dossier.version != version:
        raise Conflict(
            _("Dossier %(code)s changed since you opened it (now: %(state)s). Look at it again before acting.")
            % {"code": dossier.code, "state": dossier.get_state_display()}
        )
    if not can_proceed(method, check_conditions=False):
        raise NotPossible(
            _("“%(action)s” is not possible for a dossier in the state “%(state)s”.")
            % {"action": label, "state": dossier.get_state_display()}
        )
    transition = method._django_fsm.get_transition(dossier.state)
    for condition in transition.conditions or ():
        if not condition(dossier):
            raise NotPossible(
                _("“%(action)s” is not possible for dossier %(code)s: %(reason)s")
                % {"action": label, "code": dossier.code, "reason": getattr(condition, "reason", "")}
            )
    if not has_transition_perm(method, actor):
        raise NotAllowed(
            _("You may not “%(action)s” dossier %(code)s at this stage: it needs another role or another office.")
            % {"action": label, "code": dossier.code}
        )
    reason = permissions.objection(dossier, actor, action)
    if reason:
        raise NotAllowed(reason)


def record_outcome(dossier: Dossier, outcome: Outcome, note: str) -> None:
    """Save what the transition decided besides the dossier's own fields:
    the documents ticked at receipt, the pause it opened or closed."""
    if outcome.documents_ticked is not None:
        DossierDocument.objects.bulk_update(dossier.documents.all(), ["is_received"])
    if outcome.pause_started and dossier.paused_at is not None:
        Pause.objects.create(dossier=dossier, reason=note, started_at=dossier.paused_at, due_before=dossier.due_at)
    if outcome.pause_ended is not None:
        Pause.objects.filter(dossier=dossier, ended_at=None).update(
            ended_at=outcome.pause_ended.ended_at,
            working_seconds=int(outcome.pause_ended.working_time.total_seconds()),
            due_after=dossier.due_at,
        )


def record_event(
    dossier: Dossier,
    action: str,
    from_state: str,
    *,
    actor: Any,
    at: dt.datetime,
    note: str = "",
    details: dict[str, Any] | None = None,
    after_head: bool = False,
) -> DossierEvent:
    """Write the audit event. `after_head`: the caller holds the dossier's
    row locked since it read it in this transaction (or created it), and
    saves the dossier afterwards with the new trail head
    (`DossierEvent.save_after_head`)."""
    event = DossierEvent(
        dossier=dossier,
        action=action,
        from_state=from_state,
        to_state=dossier.state,
        actor=actor,
        at=at,
        note=note,
        details=details or {},
    )
    if after_head:
        event.save_after_head()
    else:
        event.save()
    return event


# Files ------------------------------------------------------------------------


def attach(
    dossier: Dossier,
    *,
    content: bytes,
    name: str,
    checked: CheckedFile,
    document: DossierDocument | None,
    actor: Any,
    at: dt.datetime | None = None,
    from_draft: bool = False,
) -> Attachment:
    """Add a file (a scan at the counter, an upload by the citizen, a
    partner's file through the API) to a dossier still being handled, with
    an audit event; `checked` is what `uploads.check_upload` found in it.
    A document with a file counts as handed in, whichever door the file came
    through: its tick is set (the clerk confirms the ticks at receipt).
    The citizen's files are held to their quotas (`quotas`), except those
    of the draft the dossier is opened from (`from_draft`: held to them
    when uploaded). Nothing is kept if anything fails."""
    at = at or timezone.now()
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("receiving_office", "competent_office")
            .get(pk=dossier.pk)
        )
        staff = permissions.works_on(dossier, actor)
        if not (staff or permissions.owner(dossier, actor)):
            raise NotAllowed(
                permissions.objection(dossier, actor, "attach")
                or _("You may not add files to dossier %(code)s.") % {"code": dossier.code}
            )
        if dossier.state in FINISHED or not (staff or dossier.state in OPEN_TO_CITIZEN_FILES):
            raise NotPossible(
                _("Dossier %(code)s takes no files now (%(state)s).")
                % {"code": dossier.code, "state": dossier.get_state_display()}
            )
        if document is not None and document.dossier_id != dossier.pk:
            raise Invalid(_("This dossier has no such document."))
        if not staff and not from_draft:
            quotas.check(checked.size, quotas.held_in_dossier(dossier, document, actor))
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
            if document is not None and dossier.state == State.SUPPLEMENT_REQUESTED:
                # The reply to a supplement request, matched to the document it asked for.
                RequestedDocument.objects.of_last_request(dossier).filter(document=document, answered_at=None).update(
                    answered_at=at, answer=attachment
                )
            if document is not None and not document.is_received:
                document.is_received = True
                document.save(update_fields=["is_received"])
                # A page opened before the file came would send the old ticks:
                # it is out of date now.
                Dossier.objects.filter(pk=dossier.pk).update(version=dossier.version + 1)
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


def record_download(attachment: Attachment, *, actor: Any) -> DossierEvent:
    """Write in the trail that a member of staff took a copy of a file the
    dossier holds (a citizen's personal papers): who, when, which file. The
    dossier does not change (it stays in its state, its version does not
    move) and its citizen's timeline leaves the entry out. Slips are not
    written: they are the office's own papers, printed for every dossier,
    and hold nothing the dossier's page does not show."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=attachment.dossier_id)
        return record_event(
            dossier,
            "download",
            dossier.state,
            actor=actor,
            at=timezone.now(),
            note=attachment.original_name,
            details={"attachment": attachment.pk, "sha256": attachment.sha256},
        )


def attach_upload(dossier: Dossier, *, upload: Any, document: DossierDocument | None, actor: Any) -> Attachment:
    """Check an uploaded file by its content (raising ValidationError, with
    nothing stored, if it is refused), then `attach` it."""
    checked = check_upload(upload)
    upload.seek(0)
    return attach(
        dossier, content=upload.read(), name=upload.name or "file", checked=checked, document=document, actor=actor
    )


# Opening a dossier ------------------------------------------------------------


def open_dossier(
    *,
    procedure: Procedure,
    receiving_office: Office,
    channel: str,
    applicant: dict[str, str],
    actor: Any,
    competent_office: Office | None = None,
    delivery: str = "counter",
    delivery_address: str = "",
    received_documents: set[int] | None = None,
    answers: dict[str, bool] | None = None,
    citizen: Any = None,
    receive: bool = False,
    at: dt.datetime | None = None,
    time_limit_case: str | None = None,
    counts: Mapping[int, tuple[object, object]] | None = None,
    fee_received: object = None,
    fee_receipt_number: object = "",
    fee_case: object = "",
    fee_quantities: Mapping[str, object] | None = None,
    fee_exemption: object = None,
    exemption_confirmed: bool = False,
    incoming_item_number: object = "",
) -> Dossier:
    """Create a dossier under the procedure's current terms for `channel`.

    Online, it waits in `submitted` for the counter. At the counter
    (`receive=True`) it is received at once, which needs every mandatory
    document ticked; if anything fails, nothing is created.
    `received_documents` holds the numbers of the ticked documents in the
    procedure's list; `answers` the applicant's yes/no answers to each of
    the procedure's questions (none when it asks none), which choose the
    documents the dossier needs. `time_limit_case` chooses among the
    channel's time limits when the procedure publishes several (default:
    the one without a case, else the first); the fees are those in force on
    the day. At the counter, `counts` holds the originals and copies taken
    in of ticked documents, by number (a blank or missing one: as the
    procedure asks), and `fee_received` / `fee_receipt_number` the fee
    collected: checked by dossiers/intake.py, refused whole, and recorded as
    a cash payment (dossiers/payments.py) with the dossier. What the fees
    owed depend on — `fee_case`, `fee_quantities` by unit, the id of the
    `fee_exemption` claimed — is checked by dossiers/fees.py; at the counter
    the clerk who saw the proof confirms the exemption at once
    (`exemption_confirmed`), online it waits for the counter. A dossier
    received by post (`channel` "post") needs the `incoming_item_number`
    of its envelope; no other has one.
    """
    at = at or timezone.now()
    competent_office = competent_office or receiving_office
    _check_offices(procedure, receiving_office, competent_office)
    lacking = Delivery.needs(delivery, delivery_address, applicant.get("email", ""))
    if lacking:
        messages = list(lacking.values())
        raise Invalid(messages[0], messages)
    if receive and not actor.has_role(Membership.Role.CLERK, receiving_office):
        raise NotAllowed(_("Only a clerk of %(office)s receives dossiers there.") % {"office": receiving_office})
    try:
        terms = procedure.terms_for(channel, answers or {}, case=time_limit_case, on=timezone.localdate(at))
    except ValidationError as error:
        raise Invalid(error.messages[0], error.messages) from None
    choices = fees.check_choices(
        terms["fees"],
        on=timezone.localdate(at),
        case=fee_case,
        quantities=fee_quantities,
        exemption=fee_exemption,
        exemptions=procedure.exemptions() if fee_exemption not in (None, "") else (),
    )
    exemption_status = ""
    if choices.exemption is not None:
        confirmed = receive and exemption_confirmed
        exemption_status = ExemptionStatus.CONFIRMED if confirmed else ExemptionStatus.CLAIMED
    received_documents = received_documents or set()
    version = procedure.version_in_force()
    taken: dict[int, intake.Count] = {}
    fee = intake.Fee()
    if receive:
        listed = terms["documents"]
        taken = intake.check_counts(
            counts or {},
            [(doc["position"], doc["name"], doc.get("kind") == "show") for doc in listed],
            received_documents,
            {doc["position"]: intake.Count(doc["originals"], doc["copies"]) for doc in listed},
        )
        fee = intake.check_fee(fee_received, fee_receipt_number)
    incoming_item = intake.check_incoming_item(channel, incoming_item_number)

    with transaction.atomic():
        dossier = Dossier.objects.create(
            code=mint_code(competent_office, timezone.localdate(at)),
            procedure=procedure,
            receiving_office=receiving_office,
            competent_office=competent_office,
            citizen=citizen,
            channel=channel,
            delivery=delivery,
            delivery_address=delivery_address if delivery == Delivery.POST else "",
            time_limit_amount=terms["time_limit"]["amount"],
            time_limit_unit=terms["time_limit"]["unit"],
            time_limit_case=terms["time_limit"]["case"],
            fees=terms["fees"],
            fee_case=choices.case,
            fee_quantities=choices.quantities,
            fee_reductions=terms["fee_reductions"],
            fee_exemption=choices.exemption.as_claim() if choices.exemption else None,
            fee_exemption_status=exemption_status,
            procedure_version=version.number if version else None,
            stage_shares=terms["stages"],
            answers=terms["answers"],
            submitted_at=at,
            incoming_item_number=incoming_item,
            payment_due=procedure.payment_due,
            **{f"applicant_{key}": value for key, value in applicant.items()},
        )
        # As the database gives them back (the terms hold the time limit as text).
        values = dossier.__dict__
        for field in Dossier._meta.concrete_fields:
            values[field.attname] = field.to_python(values[field.attname])
        documents = DossierDocument.from_terms(dossier, terms["documents"], received_documents)
        for document in documents:
            if receive:
                count = taken.get(document.position, intake.Count(0, 0))
                document.originals_received, document.copies_received = count.originals, count.copies
        DossierDocument.objects.bulk_create(documents)
        details: dict[str, Any] = (
            {"fee_received_vnd": fee.amount_vnd, "fee_receipt_number": fee.receipt_number} if receive else {}
        )
        if choices.exemption is not None:
            details["fee_exemption"] = {**choices.exemption.as_claim(), "status": exemption_status}
        if incoming_item:
            details["incoming_item_number"] = incoming_item
        # The dossier's row is this transaction's own: nobody else sees it yet.
        record_event(dossier, "submit", "", actor=actor, at=at, details=details, after_head=True)
        if fee.amount_vnd:
            # The fee taken at intake is a payment like any other, before the
            # receipt: where the procedure wants it paid first, it is. Its
            # event chains through the head in the database: written first,
            # read back after.
            Dossier.objects.filter(pk=dossier.pk).update(trail_head=dossier.trail_head)
            payments.take(dossier, fee, PaymentMethod.CASH, actor=actor, at=at)
            dossier.trail_head = Dossier.objects.values_list("trail_head", flat=True).get(pk=dossier.pk)
        if receive:
            _receive_new(dossier, documents, actor=actor, at=at)
        else:
            Dossier.objects.filter(pk=dossier.pk).update(trail_head=dossier.trail_head)
    return dossier


def _receive_new(dossier: Dossier, documents: list[DossierDocument], *, actor: Any, at: dt.datetime) -> None:
    """`perform(dossier, "receive")` on a dossier just created in this
    transaction, with its documents as written: the same checks and the
    same trail, without reading back what was just written (the new trail
    head is saved with the receipt)."""
    prefetched = dossier.documents.all()
    prefetched._result_cache = sorted(documents, key=lambda document: document.position)
    prefetched._prefetch_done = True  # type: ignore[attr-defined]
    dossier._prefetched_objects_cache = {"documents": prefetched}  # type: ignore[attr-defined]
    method = getattr(dossier, ACTIONS["receive"])
    _check(dossier, "receive", method, actor, None)
    try:
        _take(dossier, "receive", method, actor, at, "", None, None, new=True)
    except CalendarMissing as missing:
        raise CalendarNotReady(str(missing)) from None


def _check_offices(procedure: Procedure, receiving: Office, competent: Office) -> None:
    if not procedure.is_offered:
        raise Invalid(_("Procedure %(code)s is not in service.") % {"code": procedure.code})
    if not procedure.is_received_here:
        raise Invalid(
            _("Procedure %(code)s is handled by a ministry or another agency, not at the one-stop counters.")
            % {"code": procedure.code}
        )
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


def available_actions(dossier: Dossier, user: Any) -> list[str]:
    """The actions `user` may take on `dossier` now, in the order of the
    lifecycle: what the dossier page offers as buttons, and what the API
    lists. The screens ask this instead of copying the machine's rules."""
    return [action for action, reason in offered_actions(dossier, user) if not reason]


def offered_actions(dossier: Dossier, user: Any) -> list[tuple[str, str]]:
    """The actions `user`'s roles let them take on `dossier` now, each with
    the reason the four-eyes rule holds them back ("" when it does not): the
    page shows those with a reason, not as a button."""
    names = {t.name for t in dossier.get_available_user_state_transitions(user)}  # type: ignore[attr-defined]
    return [
        (action, permissions.objection(dossier, user, action)) for action, method in ACTIONS.items() if method in names
    ]

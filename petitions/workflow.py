"""The one write path of the line: a case opened from any door (`receive`)
and every action on one (`perform`).

`receive` refuses an empty or abusive message, a phone that is not one and
a flood from one sender (LINE_SENDER_ATTEMPTS per LINE_WINDOW_SECONDS, per
phone, email or client address: 429 with when to try again, and the
message is not kept) — each with its reason and nothing stored; otherwise it
gives the case its code, its limits on the province's calendar, the first
event of its trail, and queues the receipt to the citizen.

`perform` locks the case's row and checks, in this order, that the action
exists, that the person may take it (403), that the case has not changed
since they looked (409), that the action is possible from its state (409)
and that what it needs is given (400); it then runs the transition, sets
the clock (rules.py), saves, writes the `CaseEvent` and queues what the
citizen is told — in one transaction. The pages, the SMS webhook and the API
all call these two; nothing else changes a case.

The module is long because every action of the line — routing, asking for
more, answering (from the catalogue too), approving, rating, reopening,
publishing — checks its own inputs and clock here, in the one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from dossiers.errors import ActionError, CalendarNotReady, Conflict, Invalid, NotAllowed, NotPossible
from petitions import catalogue, classify, messages, redact, rules
from petitions.models import Case, CaseEvent, Channel, Kind, OfficeLine, State, may_answer_from_catalogue
from portal import limits
from portal.calendar import CalendarMissing
from portal.models import Office
from portal.phones import PHONE_MESSAGE, clean_phone
from procedures.models import Procedure, PublishedQuestion

MAX_TEXT = 2000
CODE_PREFIX = "PA"
# The actions staff take, and those the citizen takes (proved by the door:
# signed in as the case's citizen, an SMS from its phone, a tracked session).
STAFF_ACTIONS = ("dispatch", "transfer", "decline", "ask_more", "answer", "approve", "send_back", "publish", "attach")
CITIZEN_ACTIONS = ("rate", "reopen", "supply")
NEEDS_NOTE = ("transfer", "decline", "send_back", "reopen", "ask_more", "supply")
# The published wording of a question and of its answer.
MAX_PUBLISHED = 5000


class TooManyMessages(ActionError):
    http_status = 429
    code = "throttled"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            _(
                "Too many messages from this sender: this one was not recorded. Send it again in %(minutes)s "
                "minutes, or call the switchboard."
            )
            % {"minutes": minutes}
        )
        self.retry_after = retry_after


def check_text(text: str) -> str:
    """The message as kept; Invalid if it is empty, too long or abusive."""
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Write what happened: the message is empty."))
    if len(text) > MAX_TEXT:
        raise Invalid(_("Keep it under %(limit)s characters.") % {"limit": MAX_TEXT})
    if classify.is_abusive(text):
        raise Invalid(_("The message contains insults, so it was not recorded. Write it again without them."))
    return text


def receive(
    *,
    channel: str,
    text: str,
    province: Office,
    name: str = "",
    phone: str = "",
    email: str = "",
    place: str = "",
    procedure: Procedure | None = None,
    office: Office | None = None,
    kind: str = "",
    citizen: Any = None,
    actor: Any = None,
    sender: str = "",
    consents_to_publish: bool = False,
    at: dt.datetime | None = None,
) -> Case:
    """Open a case. `sender` is what a flood is counted by beyond the phone
    and the email (the client address of a web form or a partner system)."""
    text = check_text(text)
    try:
        phone = clean_phone(phone)
    except ValidationError:
        raise Invalid(str(PHONE_MESSAGE)) from None
    email = (email or "").strip().lower()
    if not phone and not email:
        raise Invalid(_("Give a phone number or an email address, so that the answer can reach you."))
    if kind and kind not in Kind.values:
        raise Invalid(_("Choose the type of the case."))
    if channel != Channel.PHONE:  # the operator on a call is no flood
        _count_sender([key for key in (phone, email, sender) if key])
    at = at or timezone.now()
    if not kind or (office is None and procedure is None):
        suggestion = classify.suggest(text, province)
        kind = kind or suggestion.kind
        procedure = procedure or suggestion.procedure
        office = office or suggestion.office
    try:
        with transaction.atomic():
            calendar = province.calendar()
            case = Case(
                code=mint_code(at.astimezone(timezone.get_current_timezone()).date()),
                kind=kind,
                channel=channel,
                name=(name or "").strip()[:200],
                phone=phone,
                email=email,
                citizen=citizen if getattr(citizen, "is_authenticated", False) else None,
                text=text,
                place=(place or "").strip()[:300],
                province=province,
                procedure=procedure,
                office_concerned=office,
                consents_to_publish=bool(consents_to_publish),
                received_at=at,
                clock_started_at=at,
                decline_due_at=rules.decline_due(calendar, at).due_at,
                due_at=rules.answer_due(calendar, at).due_at,
            )
            case.save()
            _record(case, "receive", "", actor=actor, at=at, details={"channel": channel})
            messages.received(case)
    except CalendarMissing as missing:
        raise CalendarNotReady(str(missing)) from None
    return case


def _count_sender(keys: list[str]) -> None:
    waits = [limits.LINE_SENDER.retry_after(key) for key in keys if limits.LINE_SENDER.reached(key)]
    if waits:
        raise TooManyMessages(max(waits))
    for key in keys:
        if not limits.LINE_SENDER.take(key):
            raise TooManyMessages(limits.LINE_SENDER.retry_after(key))


def perform(
    case: Case | int,
    action: str,
    *,
    actor: Any = None,
    citizen_proved: bool = False,
    note: str = "",
    version: int | None = None,
    kind: str = "",
    procedure: Procedure | None = None,
    office_concerned: Office | None = None,
    office: Office | None = None,
    named_officer: Any = None,
    answer: str = "",
    satisfied: bool | None = None,
    cite_procedure: Procedure | None = None,
    cite_version: int | None = None,
    question: str = "",
    published: PublishedQuestion | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Take `action` on a case; raise an ActionError, leaving it as it was,
    if it cannot be taken. Staff actions need `actor`; the citizen's need
    `citizen_proved` from the door that checked who they are.

    An answer from the catalogue names the procedure and the version of its
    record it was read from (`cite_procedure`, `cite_version`): its text is
    the record's (or the officer's, if written), and ends with the citation.
    `publish` takes the published wording (`question`, `answer`); `attach`
    the published question the case asked again (`published`)."""
    if action not in STAFF_ACTIONS + CITIZEN_ACTIONS:
        raise Invalid(_("There is no action called “%(action)s”.") % {"action": action})
    at = at or timezone.now()
    note = (note or "").strip()
    pk = case.pk if isinstance(case, Case) else case
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("province", "answering_office").get(pk=pk)
        method = _method(case, action)
        if action in CITIZEN_ACTIONS:
            if not citizen_proved:
                raise NotAllowed(_("Only the person who sent the case can do this."))
        elif actor is None or not (_could(case, method, actor) or _cites(case, action, actor, cite_procedure)):
            raise NotAllowed(_("Your roles do not allow this on this case."))
        if version is not None and version != case.version:
            raise Conflict(_("Someone changed this case while you were looking at it. Look again, then act."))
        if not can_proceed(method):
            raise NotPossible(
                _("This cannot be done now: the case is “%(state)s”.") % {"state": case.get_state_display()}
            )
        if action in NEEDS_NOTE and not note:
            raise Invalid(_("Write the reason."))
        from_state = case.state
        try:
            given = Given(
                kind,
                procedure,
                office_concerned,
                office,
                named_officer,
                answer,
                satisfied,
                cite_procedure,
                cite_version,
                question,
                published,
                note,
            )
            details = _apply(case, action, method, actor, at, given)
        except CalendarMissing as missing:
            raise CalendarNotReady(str(missing)) from None
        case.version += 1
        case.save()
        _record(case, action, from_state, actor=actor, at=at, note=note, details=details)
        if case.state == State.ANSWERED and from_state != State.ANSWERED:
            messages.answered(case)
        elif case.state == State.DECLINED:
            messages.declined(case, note)
        elif action == "ask_more":
            messages.asked_more(case, note)
    return case


def offered_actions(case: Case, user: Any) -> list[str]:
    """The staff actions `user` may take on `case` now: the page's buttons
    and the API's list."""
    result = []
    for action in STAFF_ACTIONS:
        method = _method(case, action)
        if can_proceed(method) and _could(case, method, user):
            result.append(action)
    return result


def _cites(case: Case, action: str, actor: Any, cite_procedure: Procedure | None) -> bool:
    """An answer from the catalogue, by someone who may send one."""
    return action == "answer" and cite_procedure is not None and may_answer_from_catalogue(case, actor)


def _method(case: Case, action: str) -> Any:
    if action == "answer":
        needs = case.answering_office is not None and OfficeLine.requires_approval_at(case.answering_office)
        return case.submit_answer if needs else case.answer_now
    return getattr(case, action)


def _could(case: Case, method: Any, actor: Any) -> bool:
    """The role check of the transition, whatever the state (a 403 before
    anything about the state is told)."""
    if case.named_officer_id is not None and case.named_officer_id == getattr(actor, "pk", None):
        return False  # the officer complained about has no hand in the complaint
    checks = {t.permission for t in method._django_fsm.transitions.values() if t.permission}
    return any(check(case, actor) for check in checks) if checks else has_transition_perm(method, actor)


@dataclass(frozen=True)
class Given:
    """What a staff member or the citizen gave with an action."""

    kind: str = ""
    procedure: Procedure | None = None
    office_concerned: Office | None = None
    office: Office | None = None
    named_officer: Any = None
    answer: str = ""
    satisfied: bool | None = None
    cite_procedure: Procedure | None = None
    cite_version: int | None = None
    question: str = ""
    published: PublishedQuestion | None = None
    note: str = ""


def _apply(case: Case, action: str, method: Any, actor: Any, at: dt.datetime, given: Given) -> dict[str, Any]:
    kind, procedure, answer, satisfied = given.kind, given.procedure, given.answer, given.satisfied
    details: dict[str, Any] = {}
    if action == "dispatch":
        if kind not in Kind.values:
            raise Invalid(_("Choose the type of the case."))
        office = _check_office(case, given.office)
        method()
        case.kind, case.procedure, case.answering_office = kind, procedure, office
        case.office_concerned = given.office_concerned or case.office_concerned
        case.named_officer = given.named_officer if kind == Kind.COMPLAINT else None
        # The limit counts from receipt: routing is the line's own time.
        case.due_at = rules.answer_due(office.calendar(), case.received_at).due_at
        details = {"office": office.code, "kind": kind, "procedure": procedure.code if procedure else ""}
    elif action == "transfer":
        office = _check_office(case, given.office)
        if office == case.answering_office:
            raise Invalid(_("The case is already with %(office)s.") % {"office": office})
        details = {"from_office": case.answering_office.code if case.answering_office else "", "office": office.code}
        method()
        # Decree 20/2008: the limit counts from receipt by the office that must answer.
        case.answering_office, case.clock_started_at = office, at
        case.due_at = rules.answer_due(office.calendar(), at).due_at
    elif action == "decline":
        method()
    elif action == "answer":
        answer, source = (answer or "").strip(), None
        if given.cite_procedure is not None or given.cite_version is not None:
            source = catalogue.cited(given.cite_procedure, given.cite_version)
            answer = f"{answer}\n{source.citation}" if answer else source.text
        if not answer:
            raise Invalid(_("Write the answer the citizen will read."))
        method()
        case.answer, case.drafted_by = answer, actor
        case.answer_source = source.version if source else None
        if source is not None and case.procedure_id is None:
            case.procedure = source.procedure
        if case.state == State.ANSWERED:
            _answered(case, at)
        details = {"answer": answer}
        if source is not None:
            details["source"] = {"procedure": source.procedure.code, "version": source.version.number}
    elif action == "ask_more":
        office = case.answering_office or case.province
        calendar = office.calendar()
        until = rules.ask_more_until(calendar, case.clock_started_at)
        if at > until:
            raise NotPossible(
                _(
                    "More information may be asked within 5 working days of receiving the case (until "
                    "%(until)s); answer with what you have."
                )
                % {"until": f"{timezone.localtime(until):%H:%M %d/%m/%Y}"}
            )
        method()
        case.info_asked_at = at
        details = {"due_before": case.due_at.isoformat() if case.due_at else ""}
    elif action == "supply":
        method()
        office = case.answering_office or case.province
        if case.due_at is not None and case.info_asked_at is not None:
            case.due_at = rules.resumed_due(office.calendar(), case.due_at, case.info_asked_at, at)
        case.info_supplied_at = at
        details = {"due_at": case.due_at.isoformat() if case.due_at else ""}
    elif action in ("publish", "attach"):
        details = _publish(case, action, method, actor, at, given)
    elif action == "approve":
        if actor is not None and case.drafted_by_id == actor.pk:
            raise NotAllowed(_("The leader who approves an answer is not the one who drafted it."))
        method()
        _answered(case, at)
    elif action == "send_back":
        method()
    elif action == "rate":
        if satisfied is None:
            raise Invalid(_("Say whether the answer satisfies you."))
        method()
        case.is_satisfied, case.rated_at = satisfied, at
        details = {"satisfied": satisfied}
    elif action == "reopen":
        if case.reopen_until is None or at > case.reopen_until or case.answering_office is None:
            raise NotPossible(_("The time to reopen this case has passed."))
        details = {"previous_answer": case.answer}
        method()
        case.reopened_at, case.is_satisfied, case.answered_at = at, False, None
        case.clock_started_at = at
        case.due_at = rules.answer_due(case.answering_office.calendar(), at).due_at
    return details


def _answered(case: Case, at: dt.datetime) -> None:
    case.answered_at = at
    office = case.answering_office or case.province
    case.reopen_until = rules.may_reopen_until(office.calendar(), at)
    if case.is_publishable and case.consents_to_publish and case.published_as_id is None:
        case.publish_due_at = rules.publish_due(office.calendar(), at)


def _publish(case: Case, action: str, method: Any, actor: Any, at: dt.datetime, given: Given) -> dict[str, Any]:
    """Publish the answer as the procedure's question and answer, or count
    the case on one published before."""
    if not case.is_publishable:
        raise NotPossible(_("Only a question or feedback on a procedure's rules is published with its answer."))
    if case.published_as_id is not None:
        raise NotPossible(_("This case is already on the procedure's questions and answers."))
    procedure = given.procedure or case.procedure
    if action == "attach":
        published = given.published
        if published is None:
            raise Invalid(_("Choose the published question this case asks again."))
        if procedure is not None and published.procedure_id != procedure.pk:
            raise Invalid(_("That question is published under another procedure."))
        method()
        PublishedQuestion.objects.filter(pk=published.pk).update(asked=F("asked") + 1)
        case.published_as, case.publish_due_at = published, None
        return {"published": published.pk, "procedure": published.procedure.code}
    if not case.consents_to_publish:
        raise NotPossible(_("The citizen did not agree to publishing: the answer stays private."))
    if procedure is None:
        raise Invalid(_("Say which procedure the question is published under."))
    names = [case.name]
    question = redact.redact((given.question or "").strip(), names)
    answer = redact.redact((given.answer or "").strip(), names)
    if not question or not answer:
        raise Invalid(_("Write the question and the answer as they will be published."))
    if len(question) > MAX_PUBLISHED or len(answer) > MAX_PUBLISHED:
        raise Invalid(_("Keep the question and the answer under %(limit)s characters each.") % {"limit": MAX_PUBLISHED})
    method()
    version = case.answer_source if case.answer_source and case.answer_source.procedure_id == procedure.pk else None
    published = PublishedQuestion.objects.create(
        procedure=procedure,
        question=question,
        answer=answer,
        version=version or procedure.version_in_force(),
        published_at=at,
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    on_time = case.publish_due_at is None or at <= case.publish_due_at
    case.published_as = published
    return {"published": published.pk, "procedure": procedure.code, "on_time": on_time}


def _check_office(case: Case, office: Office | None) -> Office:
    if office is None:
        raise Invalid(_("Choose the office that answers."))
    if office.pk != case.province_id and office.parent_id != case.province_id:
        raise Invalid(_("%(office)s is not an office of %(province)s.") % {"office": office, "province": case.province})
    return office


def _record(
    case: Case,
    action: str,
    from_state: str,
    *,
    actor: Any,
    at: dt.datetime,
    note: str = "",
    details: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_state=from_state,
        to_state=case.state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at,
        note=note,
        details=details or {},
    )


_NEXT_NUMBER = """
    INSERT INTO petitions_casesequence (day, last) VALUES (%s, 1)
    ON CONFLICT (day) DO UPDATE SET last = petitions_casesequence.last + 1
    RETURNING last
"""


def mint_code(day: dt.date) -> str:
    """The next case code of `day`: PA-YYMMDD-NNNN (phản ánh), one atomic
    upsert as dossiers' codes are made (dossiers/workflow.py `mint_code`)."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER, [day])
        (number,) = cursor.fetchone()
    return f"{CODE_PREFIX}-{day:%y%m%d}-{number:04d}"

"""The dossier's whole state space, walked at random: every action, by every
kind of person, on a handful of dossiers, from whatever state they reach.

A Hypothesis state machine opens dossiers (online by the citizen, at the
counter by its clerk, and at another commune's counter for a
location-independent procedure; a clerk's own application; a walk-in naming
the approver), lets time pass in working hours, nights, weekends and
holidays, and has anyone — the citizen who owns the dossier, another
citizen, the receiving clerk, a clerk of another office, the specialist,
the approver, one account that is both specialist and approver, a clerk
who is also an applicant, the province supervisor — try any action through
`workflow.perform`, with empty, blank or real notes (Vietnamese included),
ticked documents, new appointments before and after the current one, pages
fresh or out of date, and files sent by the citizen or scanned by staff.

What it proves, against a model written here from the rules (the Dossier
docstring, dossiers/permissions.py) and not from the code:

- every attempt either succeeds or is refused with exactly the `ActionError`
  the rules give — a stranger `NotAllowed` (403) before anything about the
  state, an out-of-date page `Conflict`, an impossible step `NotPossible`
  (409), the four-eyes rule `NotAllowed` (nobody acts as staff on their own
  dossier; whoever appraised does not approve or reject), a broken rule
  `Invalid` (400) — never any other exception;
- a refusal changes nothing: the dossier, its trail, its files, its pauses
  and the report's rollups stay as they were; a success moves the dossier to
  the state the lifecycle names and writes exactly one audit event;
- the dossier always holds together: a due date exactly when received, the
  clock paused only while waiting for a supplement after receipt, with one
  open pause row then and none otherwise, a finish time exactly when
  finished, the trail a path from state to state;
- the citizen's view of the trail never shows a file staff attached, nor
  who at the office downloaded a file;
- the trail is one unbroken hash chain, whatever was written in it (every
  kind of note included), its head the last event;
- `available_actions` offers a person exactly the actions the rules let them
  take now (and an offered action, tried and rolled back, is never refused
  for the state or the person);
- whenever a supervisor reads the timeliness report, the rollups give the
  same numbers as the recount from the dossiers, row by row.

STATE_SPACE_EXAMPLES=500 runs more examples, STATE_SPACE_STEPS=60 longer
ones (the defaults keep the file well under a minute on SQLite).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from dossiers import audit, workflow
from dossiers.actions import ACTIONS, NOTE_REQUIRED
from dossiers.errors import ActionError, Conflict, Invalid, NotAllowed, NotPossible
from dossiers.models import Attachment, DailyTally, Dossier, DossierDocument, DossierEvent, Pause
from dossiers.states import FINISHED, OPEN_TO_CITIZEN_FILES, State
from dossiers.timeliness import Timeliness
from portal.models import Membership
from reports import recount, stats
from reports.periods import Period
from tests.factories import (
    PDF,
    ProcedureFactory,
    UserFactory,
    received_dossier,
    staff_member,
    submitted_online,
    what_the_hand_over_needs,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
S = State

SETTINGS = settings(
    max_examples=int(os.environ.get("STATE_SPACE_EXAMPLES", "30")),
    stateful_step_count=int(os.environ.get("STATE_SPACE_STEPS", "40")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.strptime(f"{day} {time}", "%d/%m/%Y %H:%M").replace(tzinfo=HCM)


# The rules, as the model knows them ---------------------------------------------

# Kinds of person a dossier knows (anyone else is a stranger to it).
OWNER = "owner"
RECEIVING_CLERK = "receiving clerk"
COMPETENT_CLERK = "competent clerk"
SPECIALIST = "specialist"
APPROVER = "approver"

# The people: their office ("A", "B", the province) and roles there. Lan
# applies online; Hùng is another citizen; Long is both specialist and
# approver; Thu is a clerk who applies online for herself; a walk-in may name
# Hoa, the approver, by her ID number; Tuấn oversees both communes.
PEOPLE = {
    "lan": (None, ()),
    "hung": (None, ()),
    "chi": ("A", ("clerk",)),
    "binh": ("B", ("clerk",)),
    "son": ("A", ("specialist",)),
    "hoa": ("A", ("approver",)),
    "long": ("A", ("specialist", "approver")),
    "thu": ("A", ("clerk",)),
    "tuan": ("province", ("supervisor",)),
}
HOA_ID_NUMBER = "079085001234"

RESUMES = "the state the request interrupted"
SAME = "the same state"
# Where each action leads from each state it can be taken in (the lifecycle
# drawn in the Dossier docstring).
LEADS = {
    "receive": {S.SUBMITTED: S.RECEIVED},
    "request_supplement": dict.fromkeys((S.SUBMITTED, S.RECEIVED, S.APPRAISED), S.SUPPLEMENT_REQUESTED),
    "supplement": {S.SUPPLEMENT_REQUESTED: RESUMES},
    # Refused at the counter: only before receipt (also while waiting for a
    # supplement asked at intake).
    "refuse": dict.fromkeys((S.SUBMITTED, S.SUPPLEMENT_REQUESTED), S.REFUSED),
    "appraise": {S.RECEIVED: S.APPRAISED},
    "reject": dict.fromkeys((S.RECEIVED, S.APPRAISED), S.REJECTED),
    "approve": {S.APPRAISED: S.APPROVED},
    "stamp": {S.APPROVED: S.STAMPED},
    "return": {S.STAMPED: S.RETURNED},
    "withdraw": dict.fromkeys((S.SUBMITTED, S.RECEIVED, S.APPRAISED, S.APPROVED, S.SUPPLEMENT_REQUESTED), S.WITHDRAWN),
    # Only once received: before that there is no appointment to move.
    "apologise": dict.fromkeys((S.RECEIVED, S.APPRAISED, S.APPROVED, S.SUPPLEMENT_REQUESTED), SAME),
}
# The way forward, and the ways a dossier is held up or stopped.
ONWARD = ("receive", "supplement", "appraise", "approve", "stamp", "return")
ASIDE = ("request_supplement", "apologise", "refuse", "reject", "withdraw")
# What the API answers each refusal with.
STATUS = {NotAllowed: 403, Conflict: 409, NotPossible: 409, Invalid: 400}
# The reasons go to the citizen: they must be written.
NEEDS_A_REASON = {"request_supplement", "refuse", "reject", "apologise", "withdraw"}
MANDATORY_DOCUMENT = 1  # ProcedureFactory: 1 the form (mandatory), 2 a power of attorney


@dataclass(eq=False)
class Expected:
    """What the test expects of one dossier, kept from the rules alone."""

    pk: int
    name: str  # as the steps Hypothesis prints call it
    owner: str | None
    receiving: str
    competent: str
    delivery: str
    state: str
    received: bool
    version: int
    events: int
    ticked: set[int]
    resumes: str = ""
    requests_during_processing: int = 0
    reappointments: int = 0
    last_request_at: dt.datetime | None = None
    citizen_uploads: list[dt.datetime] = field(default_factory=list)
    applicant: str | None = None  # who among the people it names as its applicant
    appraised_by: str | None = None

    def __repr__(self) -> str:
        return self.name

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.name)  # as Hypothesis prints a drawn dossier


def roles_on(dossier: Expected, name: str) -> set[str]:
    office, held = PEOPLE[name]
    roles = {OWNER} if dossier.owner == name else set()
    for role in held:
        if role == "clerk" and office == dossier.receiving:
            roles.add(RECEIVING_CLERK)
        if role == "clerk" and office == dossier.competent:
            roles.add(COMPETENT_CLERK)
        if role in (SPECIALIST, APPROVER) and office == dossier.competent:
            roles.add(role)
    return roles


def works_on(dossier: Expected, name: str) -> bool:
    """Staff of one of the dossier's offices (a supervisor looks, does not
    act), unless it is their own dossier."""
    office, held = PEOPLE[name]
    working = any(role in ("clerk", SPECIALIST, APPROVER) for role in held)
    return working and office in (dossier.receiving, dossier.competent) and dossier.applicant != name


def who_may(action: str, state: str, dossier: Expected) -> set[str]:
    """Who takes `action` from `state`."""
    if action == "request_supplement":
        # At intake the receiving counter asks; during processing the
        # competent office, whose clock it stops.
        return {RECEIVING_CLERK} if state == S.SUBMITTED else {SPECIALIST, COMPETENT_CLERK}
    if action == "reject":
        return {APPROVER} if state == S.APPRAISED else {SPECIALIST}
    if action == "return":
        # Collected where it was handed in; posted or sent by the office that decided.
        return {RECEIVING_CLERK} if dossier.delivery == "counter" else {COMPETENT_CLERK}
    return {
        "receive": {RECEIVING_CLERK},
        "supplement": {OWNER, RECEIVING_CLERK, COMPETENT_CLERK},
        "refuse": {RECEIVING_CLERK},
        "appraise": {SPECIALIST},
        "approve": {APPROVER},
        "stamp": {COMPETENT_CLERK, APPROVER},
        "withdraw": {OWNER, RECEIVING_CLERK},
        "apologise": {APPROVER},
    }[action]


def refusal(dossier: Expected, action: str, name: str, *, stale: bool = False) -> type[ActionError] | None:
    """Why the rules refuse `name` the `action` now, whatever its details;
    None if they let them try."""
    roles = roles_on(dossier, name)
    sources = LEADS[action]
    if not any(roles & who_may(action, source, dossier) for source in sources):
        return NotAllowed  # a stranger to the action learns nothing about the state
    if stale:
        return Conflict
    if dossier.state not in sources:
        return NotPossible
    if action == "refuse" and S.SUBMITTED not in (dossier.state, dossier.resumes):
        return NotPossible  # received already
    if action == "apologise" and not dossier.received:
        return NotPossible
    if not roles & who_may(action, dossier.state, dossier):
        return NotAllowed  # not at this stage
    if dossier.applicant == name and not roles & {OWNER} & who_may(action, dossier.state, dossier):
        return NotAllowed  # their own dossier: only what its citizen may do
    if action in ("approve", "reject") and dossier.state == S.APPRAISED and dossier.appraised_by == name:
        return NotAllowed  # four eyes: whoever appraised does not decide
    return None


def breaks_a_rule(
    dossier: Expected,
    action: str,
    name: str,
    *,
    note: str,
    documents: frozenset[int] | None,
    new_appointment: dt.datetime | None,
    current_appointment: dt.datetime | None,
) -> bool:
    """Whether the details of an attempt the rules let through break a rule
    of the action (which the write path answers with Invalid)."""
    if action in NEEDS_A_REASON and not note.strip():
        return True
    if action == "receive":
        ticked = dossier.ticked if documents is None else set(documents)
        return MANDATORY_DOCUMENT not in ticked
    if action == "supplement" and OWNER in roles_on(dossier, name) and not works_on(dossier, name):
        # Sent online: a file since the request must come with it.
        return not any(sent >= dossier.last_request_at for sent in dossier.citizen_uploads)
    if action == "apologise":
        # Once only, and to a later appointment.
        too_early = new_appointment is None or new_appointment <= current_appointment
        return dossier.reappointments >= 1 or too_early
    return False


def attach_refusal(dossier: Expected, name: str) -> type[ActionError] | None:
    """Staff add files while the dossier is being handled; its citizen
    before receipt or when a supplement is asked for."""
    staff = works_on(dossier, name)
    if not (staff or dossier.owner == name):
        return NotAllowed
    if dossier.state in FINISHED or not (staff or dossier.state in OPEN_TO_CITIZEN_FILES):
        return NotPossible
    return None


def test_the_model_reads_the_same_lifecycle_as_the_code():
    """The model's table above and the code's transitions name the same
    (action, source) pairs and the same reasons to write."""
    state_field = Dossier._meta.get_field("state")
    by_method = {method: action for action, method in ACTIONS.items()}
    pairs = {(by_method[t.name], t.source) for t in state_field.get_all_transitions(Dossier)}
    assert pairs == {(action, source) for action, sources in LEADS.items() for source in sources}
    assert set(NOTE_REQUIRED) == NEEDS_A_REASON


# What the machine draws ----------------------------------------------------------

# Working days just before a public holiday, or a plain Monday: Tết 2026 is
# 14–22/02, then 30/04–01/05, 02/09 and New Year's Day 2027.
STARTS = [
    at("05/01/2026", "07:30"),
    at("11/02/2026", "09:00"),
    at("28/04/2026", "15:00"),
    at("31/08/2026", "10:00"),
    at("30/12/2026", "16:00"),
]
# A handful of dossiers: at most three in progress at once, six in all.
IN_PROGRESS, IN_ALL = 3, 6
# Time stops here: the calendar's holidays are seeded for 2025–2027.
LAST_MOVE = at("01/06/2027", "00:00")
# Before each step, time passes: not at all, minutes or hours, days.
LATER_ON = st.one_of(
    st.just(dt.timedelta(0)),
    st.integers(1, 9 * 60).map(lambda minutes: dt.timedelta(minutes=minutes)),  # within a day, into the night
    st.integers(1, 3).map(lambda days: dt.timedelta(days=days)),  # overnight, over a weekend
    st.integers(4, 12).map(lambda days: dt.timedelta(days=days, hours=2)),  # past a due date, across Tết
)
NOTES = st.one_of(
    st.just(""),
    st.sampled_from(["   ", "\n\t "]),
    st.sampled_from(
        [
            "Thiếu giấy chứng sinh bản chính",
            "Công dân xin rút hồ sơ",
            "Cần xác minh thêm tại địa phương",
            "Missing the birth certificate",
        ]
    ),
    # Anything a form lets through (forms refuse NUL characters).
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
)
# The details of a step taken in turn: a reason, the form ticked, a later appointment.
REASONS = st.sampled_from(["Thiếu giấy chứng sinh bản chính", "Công dân xin rút hồ sơ", "Đủ điều kiện"])
FORMS_TICKED = st.sampled_from([None, frozenset({1}), frozenset({1, 2})])
LATER = st.integers(1, 240).map(lambda hours: dt.timedelta(hours=hours))
PEOPLE_NAMES = st.sampled_from(list(PEOPLE))
# At the counter and by post (the item number given at the hand-over); an
# electronic result needs a result document at every stamp, which
# tests/test_results.py walks.
DELIVERIES = st.sampled_from(["counter", "post"])
TICKS = st.one_of(st.none(), st.frozensets(st.sampled_from([1, 2])))
# Relative to the current appointment: before, the same moment, after, or none given.
SHIFTS = st.one_of(st.none(), st.integers(-48, 240).map(lambda hours: dt.timedelta(hours=hours)))
FILE_NAMES = st.sampled_from(["to-khai.pdf", "giấy ủy quyền.pdf", "scan.pdf"])
# Who sees every dossier of the walk (all handled by commune A) and may download its files.
ITS_OFFICE = st.sampled_from(["chi", "son", "hoa", "tuan"])


@dataclass(frozen=True)
class Cast:
    people: dict
    office_a: object
    office_b: object
    procedure: object
    anywhere: object  # location-independent


@dataclass(frozen=True)
class Snapshot:
    """Everything a refused step must leave as it was."""

    row: dict
    pauses: list
    ticked: list
    events: int
    files: int
    rollups: list


def snapshot(pk: int) -> Snapshot:
    return Snapshot(
        row=Dossier.objects.filter(pk=pk).values().get(),
        pauses=list(Pause.objects.filter(dossier_id=pk).order_by("pk").values_list()),
        ticked=list(DossierDocument.objects.filter(dossier_id=pk).order_by("position").values_list("is_received")),
        events=DossierEvent.objects.filter(dossier_id=pk).count(),
        files=Attachment.objects.filter(dossier_id=pk).count(),
        rollups=list(DailyTally.objects.order_by("pk").values_list()),
    )


class DossierLives(RuleBasedStateMachine):
    """One example: a few dossiers and the people around them, in a
    transaction rolled back at the end."""

    dossiers = Bundle("dossiers")

    def __init__(self, cast: Cast):
        super().__init__()
        self.cast = cast
        self.tracked: list[Expected] = []
        # The dossier the last step acted on: the only one that can have changed.
        self.touched: Expected | None = None
        self.now = self.first = STARTS[0]
        self.last_read: tuple[dt.date, int] | None = None
        self._example = transaction.atomic()
        self._example.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._example.__exit__(None, None, None)

    @initialize(start=st.sampled_from(STARTS))
    def the_day_begins(self, start):
        """The first moment: a working morning, often just before a holiday."""
        self.now = self.first = start

    # Dossiers come in ---------------------------------------------------------

    def track(self, dossier: Dossier, owner: str | None, applicant: str | None = None) -> Expected:
        expected = Expected(
            pk=dossier.pk,
            name=f"dossiers_{len(self.tracked)}",
            owner=owner,
            receiving="A" if dossier.receiving_office == self.cast.office_a else "B",
            competent="A" if dossier.competent_office == self.cast.office_a else "B",
            delivery=dossier.delivery,
            state=dossier.state,
            received=dossier.received_at is not None,
            version=dossier.version,
            events=dossier.events.count(),
            ticked=set(dossier.documents.filter(is_received=True).values_list("position", flat=True)),
            applicant=applicant or owner,
        )
        self.tracked.append(expected)
        self.touched = expected
        return expected

    def may_open_one(self) -> bool:
        in_progress = [d for d in self.tracked if d.state not in FINISHED]
        return len(in_progress) < IN_PROGRESS and len(self.tracked) < IN_ALL

    @staticmethod
    def delivered(delivery: str) -> dict:
        return {"delivery": delivery, "delivery_address": "Số 5 ngõ Huế, Hà Nội" if delivery == "post" else ""}

    @precondition(lambda self: self.may_open_one())
    @rule(target=dossiers, delivery=DELIVERIES)
    def the_citizen_applies_online(self, delivery):
        dossier = submitted_online(
            self.cast.procedure, self.cast.office_a, self.cast.people["lan"], at=self.now, **self.delivered(delivery)
        )
        expected = self.track(dossier, owner="lan")
        assert (expected.state, expected.version, expected.events, expected.ticked) == (S.SUBMITTED, 1, 1, set())
        return expected

    @precondition(lambda self: self.may_open_one())
    @rule(target=dossiers, delivery=DELIVERIES)
    def a_clerk_applies_online_for_herself(self, delivery):
        """Thu, a clerk of A, applies at her own counter from her own account."""
        dossier = submitted_online(
            self.cast.procedure, self.cast.office_a, self.cast.people["thu"], at=self.now, **self.delivered(delivery)
        )
        return self.track(dossier, owner="thu")

    @precondition(lambda self: self.may_open_one())
    @rule(target=dossiers, delivery=DELIVERIES)
    def the_clerk_takes_in_the_approvers_own_dossier(self, delivery):
        """A walk-in giving Hoa's ID number: her own business, at her office."""
        dossier = received_dossier(
            self.cast.procedure,
            self.cast.office_a,
            self.cast.people["chi"],
            details={"name": "Đỗ Thị Hoa", "id_number": HOA_ID_NUMBER, "phone": ""},
            at=self.now,
            **self.delivered(delivery),
        )
        return self.track(dossier, owner=None, applicant="hoa")

    @precondition(lambda self: self.may_open_one())
    # A dossier received by post needs its envelope's item number: tests/test_postal.py.
    @rule(target=dossiers, channel=st.sampled_from(["in_person"]), delivery=DELIVERIES)
    def the_clerk_takes_one_in_at_the_counter(self, channel, delivery):
        dossier = received_dossier(
            self.cast.procedure,
            self.cast.office_a,
            self.cast.people["chi"],
            channel=channel,
            at=self.now,
            **self.delivered(delivery),
        )
        expected = self.track(dossier, owner=None)
        assert (expected.state, expected.version, expected.events, expected.ticked) == (S.RECEIVED, 2, 2, {1})
        return expected

    @precondition(lambda self: self.may_open_one())
    @rule(target=dossiers, delivery=DELIVERIES)
    def commune_b_takes_one_in_for_commune_a(self, delivery):
        """A location-independent procedure: received at B's counter, handled by A."""
        dossier = received_dossier(
            self.cast.anywhere,
            self.cast.office_b,
            self.cast.people["binh"],
            competent_office=self.cast.office_a,
            at=self.now,
            **self.delivered(delivery),
        )
        expected = self.track(dossier, owner=None)
        assert (expected.receiving, expected.competent, expected.state) == ("B", "A", S.RECEIVED)
        return expected

    def wait(self, step: dt.timedelta) -> None:
        """Time passes before a step (and stops at LAST_MOVE)."""
        self.now = min(self.now + step, LAST_MOVE)

    # People act ------------------------------------------------------------------

    def turns(self, kinds: tuple[str, ...]) -> dict[Expected, dict[str, list[str]]]:
        """For each dossier, the actions of `kinds` the rules let someone
        take now, and who."""
        found = {}
        for dossier in self.tracked:
            actions = {
                action: people
                for action in kinds
                if (people := [name for name in PEOPLE if refusal(dossier, action, name) is None])
            }
            if actions:
                found[dossier] = actions
        return found

    def take_a_turn(self, data, kinds: tuple[str, ...]):
        self.wait(data.draw(LATER_ON, label="after"))
        turns = self.turns(kinds)
        dossier = data.draw(st.sampled_from(list(turns)), label="dossier")
        action = data.draw(st.sampled_from(list(turns[dossier])), label="action")
        by = data.draw(st.sampled_from(turns[dossier][action]), label="by")
        self.attempt(
            dossier,
            action,
            by,
            note=data.draw(REASONS, label="note"),
            version=data.draw(st.sampled_from([None, dossier.version]), label="version"),
            documents=data.draw(FORMS_TICKED, label="ticked") if action == "receive" else None,
            shift=data.draw(LATER, label="shift") if action == "apologise" else None,
        )

    @precondition(lambda self: self.turns(ONWARD))
    @rule(data=st.data())
    def a_dossier_moves_on(self, data):
        """Someone whose turn it is takes a dossier a step along its way,
        with the details the step asks for (which may still break a rule:
        the form not ticked, no file sent with the supplement)."""
        self.take_a_turn(data, ONWARD)

    @precondition(lambda self: self.turns(ASIDE))
    @rule(data=st.data())
    def someone_holds_a_dossier_up_or_stops_it(self, data):
        """Someone whose turn it is asks for a supplement, apologises,
        refuses, rejects or withdraws, with a reason (a second apology
        still breaks a rule)."""
        self.take_a_turn(data, ASIDE)

    @rule(
        dossier=dossiers,
        action=st.sampled_from(list(ACTIONS)),
        by=PEOPLE_NAMES,
        note=NOTES,
        page=st.sampled_from(["no page", "fresh page", "stale page"]),
        ticked=TICKS,
        shift=SHIFTS,
        after=LATER_ON,
    )
    def anyone_tries_anything(self, dossier, action, by, note, page, ticked, shift, after):
        """Any action by anyone, from whatever state, with any details (the
        ticks and the appointment are ignored by the actions that do not ask
        for them)."""
        self.wait(after)
        version = {"no page": None, "fresh page": dossier.version, "stale page": dossier.version - 1}[page]
        self.attempt(dossier, action, by, note=note, version=version, documents=ticked, shift=shift)

    def attempt(self, dossier: Expected, action: str, by: str, *, note="", version=None, documents=None, shift=None):
        self.touched = dossier
        before = snapshot(dossier.pk)
        current = before.row["appointment_at"] or before.row["due_at"]
        new_appointment = None if shift is None else (current or self.now) + shift
        expected = refusal(dossier, action, by, stale=version is not None and version != dossier.version)
        if expected is None and breaks_a_rule(
            dossier,
            action,
            by,
            note=note,
            documents=documents,
            new_appointment=new_appointment,
            current_appointment=current,
        ):
            expected = Invalid
        attempted = f"{action!r} by {by} on {dossier.name} in {dossier.state}"
        try:
            workflow.perform(
                dossier.pk,
                action,
                actor=self.cast.people[by],
                note=note,
                version=version,
                documents=documents,
                new_appointment=new_appointment,
                at=self.now,
                **what_the_hand_over_needs(dossier, action),
            )
        except ActionError as error:
            assert type(error) is expected, (
                f"{attempted}: {type(error).__name__} ({error.message}), expected {expected}"
            )
            assert error.http_status == STATUS[expected] and error.message
            assert snapshot(dossier.pk) == before, f"{attempted} was refused but changed something"
            return
        assert expected is None, f"{attempted} was taken; the rules say {expected.__name__}"
        self.took(dossier, action, by, note=note, documents=documents)

    def took(self, dossier: Expected, action: str, by: str, *, note: str, documents):
        """Move the model as the rules say, and check the one event written."""
        was = dossier.state
        target = LEADS[action][was]
        if action == "receive":
            dossier.received = True
            if documents is not None:
                dossier.ticked = set(documents)
        if action == "request_supplement":
            dossier.resumes = was
            dossier.last_request_at = self.now
            dossier.requests_during_processing += was != S.SUBMITTED
        if action == "apologise":
            dossier.reappointments += 1
        if action == "appraise":
            dossier.appraised_by = by
        if target == RESUMES:
            target, dossier.resumes = dossier.resumes, ""
        if target != SAME:
            dossier.state = target
        dossier.version += 1
        dossier.events += 1
        written = DossierEvent.objects.filter(dossier_id=dossier.pk).latest("pk")
        assert (written.action, written.from_state, written.to_state, written.actor_id, written.at, written.note) == (
            action,
            was,
            dossier.state,
            self.cast.people[by].pk,
            self.now,
            note.strip(),
        )

    @rule(dossier=dossiers, by=PEOPLE_NAMES, name=FILE_NAMES, document=st.sampled_from([None, 1, 2]), after=LATER_ON)
    def someone_attaches_a_file(self, dossier, by, name, document, after):
        """A citizen's upload, a clerk's scan — or a stranger's attempt."""
        self.wait(after)
        self.touched = dossier
        before = snapshot(dossier.pk)
        expected = attach_refusal(dossier, by)
        target = None if document is None else DossierDocument.objects.get(dossier_id=dossier.pk, position=document)
        # attach_upload stamps the file with the clock: the clock of this world.
        with mock.patch("django.utils.timezone.now", return_value=self.now):
            try:
                workflow.attach_upload(
                    Dossier.objects.get(pk=dossier.pk),
                    upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"),
                    document=target,
                    actor=self.cast.people[by],
                )
            except ActionError as error:
                assert type(error) is expected, f"a file by {by} on {dossier.name} in {dossier.state}: {error.message}"
                assert snapshot(dossier.pk) == before
                return
        assert expected is None, f"a file by {by} on {dossier.name} in {dossier.state} was taken"
        dossier.events += 1
        if document is not None and document not in dossier.ticked:
            # The file ticks the document: a page opened before is out of date.
            dossier.ticked.add(document)
            dossier.version += 1
        if dossier.owner == by:
            dossier.citizen_uploads.append(self.now)
        assert Attachment.objects.filter(dossier_id=dossier.pk).count() == before.files + 1

    @rule(dossier=dossiers, by=ITS_OFFICE, after=LATER_ON)
    def someone_at_the_office_downloads_a_file(self, dossier, by, after):
        """Written in the trail, in whatever state; nothing else moves."""
        self.wait(after)
        attachment = Attachment.objects.filter(dossier_id=dossier.pk).order_by("pk").last()
        if attachment is None:
            self.touched = None
            return
        self.touched = dossier
        with mock.patch("django.utils.timezone.now", return_value=self.now):
            workflow.record_download(attachment, actor=self.cast.people[by])
        dossier.events += 1
        written = DossierEvent.objects.filter(dossier_id=dossier.pk).latest("pk")
        assert (written.action, written.from_state, written.to_state, written.actor_id, written.note) == (
            "download",
            dossier.state,
            dossier.state,
            self.cast.people[by].pk,
            attachment.original_name,
        )

    @rule(dossier=dossiers, by=PEOPLE_NAMES)
    def whatever_is_offered_can_be_taken(self, dossier, by):
        """Each button the page shows, pressed (in a transaction rolled
        back), is never refused for the state or the person."""
        self.touched = None
        user = self.cast.people[by]
        before = snapshot(dossier.pk)
        for action in workflow.available_actions(Dossier.objects.get(pk=dossier.pk), user):
            with transaction.atomic():
                try:
                    workflow.perform(
                        dossier.pk,
                        action,
                        actor=user,
                        note="Lý do",
                        documents={1},
                        new_appointment=self.now + dt.timedelta(days=60),
                        at=self.now,
                    )
                except Invalid:
                    pass  # a rule of the action (apologised once already, no file sent)
                except (NotAllowed, NotPossible, Conflict) as error:
                    raise AssertionError(
                        f"{action!r} was offered to {by} on {dossier.name}: {error.message}"
                    ) from error
                transaction.set_rollback(True)
        assert snapshot(dossier.pk) == before

    # Reading the report ------------------------------------------------------------

    def as_of(self) -> tuple[dt.date, int]:
        """The day, and how many changes the dossiers have seen."""
        return self.now.date(), sum(d.version + d.events for d in self.tracked)

    @precondition(lambda self: self.as_of() != self.last_read)
    @rule(span=st.sampled_from(["since the first step", "this month", "last month"]))
    def a_supervisor_reads_the_report(self, span):
        """The rollups the write path keeps give the numbers the dossiers
        give (read when something has changed since the last reading, or
        another day has come)."""
        self.touched = None
        self.last_read = self.as_of()
        today = self.now.date()
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        period = {
            "since the first step": Period(self.first.date(), today),
            "this month": Period.month(today.year, today.month),
            "last month": Period.month(last_month.year, last_month.month),
        }[span]
        offices = [self.cast.office_a, self.cast.office_b]
        rolled = stats.report(period, offices, today=today)
        counted = recount.naive_report(period, offices, today=today)
        assert [(r.label, r.counts) for r in rolled.rows] == [(r.label, r.counts) for r in counted.rows]
        for row in rolled.rows:
            # What came in (carried over or received) went out (finished) or is still open.
            assert row["carried_over"] + row["received"] == row["finished"] + row["open"], row.label

    # What always holds --------------------------------------------------------------

    @invariant()
    def the_dossier_last_acted_on_holds_together(self):
        """Checked after every step on the dossier it acted on (the others
        have not moved)."""
        if self.touched is None:
            return
        dossier = Dossier.objects.select_related("receiving_office", "competent_office").get(pk=self.touched.pk)
        self.its_fields_agree(dossier, self.touched)
        self.the_overdue_queue_agrees_with_its_timeliness(dossier, self.now.date())
        self.its_trail_is_a_path_through_the_states(self.touched)
        self.its_citizen_never_sees_the_files_staff_attached(self.touched)
        self.its_trail_is_one_chain(dossier)
        self.everyone_is_offered_exactly_what_the_rules_let_them_do(dossier, self.touched)

    @staticmethod
    def its_fields_agree(dossier: Dossier, expected: Expected):
        assert (dossier.state, dossier.version) == (expected.state, expected.version)
        assert dossier.resume_state == expected.resumes
        # The clock has a due date exactly when it has started.
        assert (dossier.received_at is not None) == (dossier.due_at is not None) == expected.received
        # Paused only while waiting for the citizen, after receipt; one open pause row then.
        if dossier.paused_at is not None:
            assert dossier.state == S.SUPPLEMENT_REQUESTED and dossier.received_at is not None
        open_pauses = list(dossier.pauses.filter(ended_at=None).values_list("started_at", flat=True))
        assert open_pauses == ([] if dossier.paused_at is None else [dossier.paused_at])
        # Each request during processing stopped the clock once.
        assert dossier.supplement_requests == dossier.pauses.count() == expected.requests_during_processing
        # Finished exactly when decided or ended.
        assert (dossier.finished_at is not None) == (dossier.state in FINISHED)

    @staticmethod
    def the_overdue_queue_agrees_with_its_timeliness(dossier: Dossier, today: dt.date):
        listed = Dossier.objects.overdue(today).filter(pk=dossier.pk).exists()
        assert listed == (dossier.timeliness(on=today) == Timeliness.OVERDUE)

    @staticmethod
    def its_trail_is_a_path_through_the_states(expected: Expected):
        trail = list(DossierEvent.objects.filter(dossier_id=expected.pk).values_list("from_state", "to_state"))
        assert len(trail) == expected.events
        states = ["", *(to for _from, to in trail)]
        assert [from_state for from_state, _to in trail] == states[:-1]
        assert states[-1] == expected.state

    def its_citizen_never_sees_the_files_staff_attached(self, expected: Expected):
        if expected.owner is None:
            return
        citizen = self.cast.people[expected.owner]
        events = DossierEvent.objects.filter(dossier_id=expected.pk)
        seen = events.seen_by_citizen(citizen)
        assert not seen.filter(action="attach").exclude(actor=citizen).exists()
        assert not seen.filter(action="download").exists()
        # ... and sees every step and every file of their own.
        own_files = events.filter(action="attach", actor=citizen)
        assert seen.count() == events.exclude(action__in=("attach", "download")).count() + own_files.count()

    @staticmethod
    def its_trail_is_one_chain(dossier: Dossier):
        links = DossierEvent.objects.filter(dossier=dossier).order_by("pk").values_list(*audit.LINK_FIELDS)
        assert audit.first_break((audit.Link(*link) for link in links), dossier.trail_head) is None

    def everyone_is_offered_exactly_what_the_rules_let_them_do(self, dossier: Dossier, expected: Expected):
        for name, user in self.cast.people.items():
            allowed = [action for action in ACTIONS if refusal(expected, action, name) is None]
            assert workflow.available_actions(dossier, user) == allowed, name


@pytest.mark.usefixtures("vn_holidays")
def test_every_action_by_everyone_from_every_reachable_state(office_a, office_b, lan, chi, binh, son, hoa, tuan):
    hung = UserFactory(username="hung", full_name="Trịnh Văn Hùng")
    long = staff_member("long", "Mạc Văn Long", office_a, Membership.Role.SPECIALIST)
    Membership.objects.create(user=long, office=office_a, role=Membership.Role.APPROVER)
    thu = staff_member("thu", "Đinh Thị Thu", office_a, Membership.Role.CLERK)
    hoa.id_number = HOA_ID_NUMBER
    hoa.save(update_fields=["id_number"])
    people = {"lan": lan, "hung": hung, "chi": chi, "binh": binh, "son": son, "hoa": hoa, "long": long, "thu": thu}
    cast = Cast(
        people={**people, "tuan": tuan},
        office_a=office_a,
        office_b=office_b,
        procedure=ProcedureFactory(code="1.000001", name="Thủ tục thử nghiệm"),
        anywhere=ProcedureFactory(code="2.000635", name="Chứng thực bản sao", is_location_independent=True),
    )
    assert set(cast.people) == set(PEOPLE)
    run_state_machine_as_test(lambda: DossierLives(cast), settings=SETTINGS)

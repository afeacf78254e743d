"""A believable history of dossiers, for the demo.

Each dossier is simulated step by step on its office's real calendar, with
the rules the portal enforces (playing ten thousand histories through
`workflow.perform` would take minutes; tests/test_synthetic.py proves
instead that every dossier written here carries on through `perform` to a
finish, as one the counter had handled would): the clock starts at receipt, a supplement
during processing pauses it and moves the due date by the paused working
time, the finish is the stamp (or the rejection), an apology re-appoints
once, refused and withdrawn dossiers end early. Whatever has not happened by
"now" has not happened: recent dossiers are still open. The mix is mostly
early, some on time, a few late; the shares are named below.

Rows are written with bulk inserts, in dossier-code order per office and
day, and the code sequences are left where a live counter would continue.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dossiers import rollups
from dossiers.models import CodeSequence, Delivery, Dossier, DossierDocument, DossierEvent, Pause, State
from portal.calendar import Calendar, TimeLimit
from portal.models import Membership, Office, User
from procedures.models import Procedure

# The mix (shares of all dossiers).
ONLINE_SHARE = 0.42
POST_SHARE = 0.04
REFUSED_AT_INTAKE = 0.03
SUPPLEMENT_AT_INTAKE = 0.05
SUPPLEMENT_IN_PROCESSING = 0.08
SECOND_SUPPLEMENT = 0.08  # of those with one
WITHDRAWN = 0.02
REJECTED = 0.03
LATE = 0.035
ON_DUE_DAY = 0.07
APOLOGY_WHEN_LATE = 0.6
NOT_COLLECTED = 0.03

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Hải", "Xuân", "Kim"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
         "Thắng", "Trang", "Trung", "Tú", "Tuấn", "Uyên", "Vân", "Việt", "Yến"]  # fmt: skip
SUPPLEMENT_REASONS = [
    "Thiếu bản chính giấy tờ tùy thân để đối chiếu",
    "Tờ khai chưa ghi đủ thông tin, cần ký lại",
    "Cần bổ sung văn bản ủy quyền có chứng thực",
    "Ảnh chụp giấy tờ bị mờ, không đọc được",
]
REFUSAL_REASONS = ["Thủ tục không thuộc thẩm quyền của xã", "Người nộp không bổ sung được hồ sơ theo yêu cầu"]
REJECTION_REASONS = ["Không đủ điều kiện theo quy định", "Thông tin kê khai không khớp với Cơ sở dữ liệu dân cư"]
APOLOGY_REASONS = ["Cần xác minh thêm thông tin với cơ quan liên quan", "Cán bộ thụ lý nghỉ ốm đột xuất"]
# A pause: from, until, working seconds, reason, due before, due after.
PauseRow = tuple[dt.datetime, dt.datetime | None, int, str, dt.datetime, dt.datetime | None]


@dataclass
class Staff:
    clerks: list[User]
    specialists: list[User]
    approvers: list[User]


@dataclass
class Simulated:
    office: Office
    procedure: Procedure
    channel: str
    submitted_at: dt.datetime
    applicant: dict
    delivery: str
    steps: list[tuple[str, dt.datetime, User | None, str, dict]] = field(default_factory=list)
    pauses: list[PauseRow] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    state: str = State.SUBMITTED


def _working_moment(calendar: Calendar, day: dt.date, rng: random.Random) -> dt.datetime | None:
    spans = calendar.spans_on(day)
    if not spans:
        return None
    start, end = spans[rng.randrange(len(spans))]
    begin = dt.datetime.combine(day, start, tzinfo=calendar.tz)
    length = (dt.datetime.combine(day, end, tzinfo=calendar.tz) - begin).total_seconds()
    return begin + dt.timedelta(seconds=int(rng.random() * length * 0.95))


def _limit_span(calendar: Calendar, start: dt.datetime, limit: TimeLimit) -> dt.timedelta:
    """The limit as working time from `start` (for the simulation's pacing)."""
    due = calendar.deadline(start, limit).due_at
    return max(calendar.working_time_between(start, due), dt.timedelta(hours=1))


def simulate(
    rng: random.Random,
    office: Office,
    calendar: Calendar,
    procedure: Procedure,
    staff: Staff,
    submitted_day: dt.date,
    now: dt.datetime,
) -> Simulated | None:
    """One dossier's life, as far as it got by `now`."""
    submitted_at = _working_moment(calendar, submitted_day, rng)
    if submitted_at is None or submitted_at >= now:
        return None
    channels = {c.channel: c for c in procedure.channels.all()}
    roll = rng.random()
    if roll < ONLINE_SHARE and "online" in channels:
        channel = "online"
    elif roll < ONLINE_SHARE + POST_SHARE and "post" in channels:
        channel = "post"
    else:
        channel = "in_person" if "in_person" in channels else next(iter(channels))
    limit = channels[channel].time_limit
    clerk = rng.choice(staff.clerks)
    sim = Simulated(
        office=office,
        procedure=procedure,
        channel=channel,
        submitted_at=submitted_at,
        applicant=_applicant(rng),
        # No electronic result: the history has no result documents to hand over.
        delivery=rng.choices([Delivery.COUNTER, Delivery.POST], [0.9, 0.1])[0],
    )
    # Where the result goes needs what `Delivery.needs` says.
    if sim.delivery == Delivery.POST:
        sim.applicant["delivery_address"] = sim.applicant["applicant_address"]
    sim.steps.append(("submit", submitted_at, clerk if channel == "in_person" else None, "", {}))

    def at_or_stop(moment: dt.datetime) -> bool:
        return moment < now

    moment = submitted_at
    if channel != "in_person":
        # The counter checks online and postal submissions within hours.
        moment = calendar.add_working_time(moment, dt.timedelta(minutes=rng.randint(20, 300)))
        if not at_or_stop(moment):
            return sim
        if rng.random() < REFUSED_AT_INTAKE:
            sim.steps.append(("refuse", moment, clerk, rng.choice(REFUSAL_REASONS), {}))
            sim.fields["finished_at"] = moment
            sim.state = State.REFUSED
            return sim
        if rng.random() < SUPPLEMENT_AT_INTAKE:
            sim.steps.append(("request_supplement", moment, clerk, rng.choice(SUPPLEMENT_REASONS), {}))
            sim.state = State.SUPPLEMENT_REQUESTED
            sim.fields["resume_state"] = State.SUBMITTED
            back = calendar.add_working_time(moment, dt.timedelta(hours=rng.randint(4, 24)))
            if not at_or_stop(back):
                return sim
            sim.steps.append(("supplement", back, clerk, "", {}))
            sim.fields["resume_state"] = ""
            moment = calendar.add_working_time(back, dt.timedelta(minutes=rng.randint(10, 120)))
            if not at_or_stop(moment):
                sim.state = State.SUBMITTED
                return sim

    received_at = moment
    deadline = calendar.deadline(received_at, limit)
    due_at = deadline.due_at
    sim.steps.append(("receive", received_at, clerk, "", {}))
    sim.state = State.RECEIVED
    sim.fields.update(received_at=received_at, due_at=due_at, appointment_at=due_at, received_by=clerk)
    span = _limit_span(calendar, received_at, limit)

    # How the dossier ends, decided up front and played out in time.
    late = rng.random() < LATE
    on_due_day = not late and rng.random() < ON_DUE_DAY
    specialist = rng.choice(staff.specialists)
    approver = rng.choice([a for a in staff.approvers if a != specialist] or staff.approvers)  # four eyes
    supplements = 0
    if rng.random() < SUPPLEMENT_IN_PROCESSING:
        supplements = 2 if rng.random() < SECOND_SUPPLEMENT else 1

    cursor = received_at
    for _ in range(supplements):
        cursor = calendar.add_working_time(cursor, span * rng.uniform(0.05, 0.25))
        if not at_or_stop(cursor):
            return sim
        reason = rng.choice(SUPPLEMENT_REASONS)
        sim.steps.append(("request_supplement", cursor, specialist, reason, {}))
        sim.state = State.SUPPLEMENT_REQUESTED
        sim.fields["resume_state"] = State.RECEIVED
        sim.fields["supplement_requests"] = sim.fields.get("supplement_requests", 0) + 1
        back = calendar.add_working_time(cursor, dt.timedelta(hours=rng.randint(3, 40)))
        if not at_or_stop(back):
            sim.pauses.append((cursor, None, 0, reason, due_at, None))
            sim.fields["paused_at"] = cursor
            return sim
        paused = calendar.working_time_between(cursor, back)
        moved = calendar.add_working_time(due_at, paused)
        sim.pauses.append((cursor, back, int(paused.total_seconds()), reason, due_at, moved))
        due_at = moved
        sim.fields["due_at"] = sim.fields["appointment_at"] = due_at
        sim.fields["paused_seconds"] = sim.fields.get("paused_seconds", 0) + int(paused.total_seconds())
        sim.steps.append(("supplement", back, clerk, "", {}))
        sim.state = State.RECEIVED
        sim.fields["resume_state"] = ""
        cursor = back

    # When the result is decided: early, on the due day, or late.
    remaining = calendar.working_time_between(cursor, due_at)
    due_day = due_at.astimezone(calendar.tz).date()
    if late:
        day = due_day
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            day = calendar.next_working_day(day)
        finish = _working_moment(calendar, day, rng)
    elif on_due_day:
        opening = calendar.next_opening(dt.datetime.combine(due_day, dt.time(0), tzinfo=calendar.tz))
        finish = opening + (due_at - opening) * rng.uniform(0.1, 0.95)
    else:
        finish = calendar.add_working_time(cursor, remaining * rng.uniform(0.25, 0.85))
        if finish.astimezone(calendar.tz).date() >= due_day:
            finish = calendar.add_working_time(cursor, remaining * 0.2)
    finish = max(finish, cursor + dt.timedelta(minutes=20))

    if rng.random() < WITHDRAWN:
        moment = cursor + (finish - cursor) * rng.uniform(0.1, 0.6)
        if at_or_stop(moment):
            sim.steps.append(("withdraw", moment, clerk, "Công dân có đơn xin rút hồ sơ", {}))
            sim.fields["finished_at"] = moment
            sim.state = State.WITHDRAWN
        return sim

    appraised = cursor + (finish - cursor) * rng.uniform(0.45, 0.7)
    approved = appraised + (finish - appraised) * rng.uniform(0.4, 0.8)
    if late and rng.random() < APOLOGY_WHEN_LATE:
        apology = max(cursor, due_at - dt.timedelta(hours=rng.randint(2, 20)))
        if at_or_stop(apology):
            new = calendar.next_opening(finish + dt.timedelta(hours=rng.randint(1, 30)))
            new = calendar.closing_time(new.astimezone(calendar.tz).date())
            sim.steps.append(
                ("apologise", apology, approver, rng.choice(APOLOGY_REASONS), {"new_appointment": new.isoformat()})
            )
            sim.fields.update(appointment_at=new, reappointments=1)
            appraised, approved = (
                max(appraised, apology + dt.timedelta(minutes=5)),
                max(approved, apology + dt.timedelta(minutes=10)),
            )

    if rng.random() < REJECTED:
        if at_or_stop(appraised):
            sim.steps.append(("reject", appraised, specialist, rng.choice(REJECTION_REASONS), {}))
            sim.fields.update(finished_at=appraised, specialist=specialist)
            sim.state = State.REJECTED
        return sim
    for action, moment, actor, state in (
        ("appraise", appraised, specialist, State.APPRAISED),
        ("approve", approved, approver, State.APPROVED),
        ("stamp", finish, rng.choice([clerk, approver]), State.STAMPED),
    ):
        if not at_or_stop(moment):
            return sim
        sim.steps.append((action, moment, actor, "", {}))
        sim.state = state
    sim.fields.update(specialist=specialist, approver=approver, finished_at=finish)
    if rng.random() < NOT_COLLECTED:
        return sim
    handed = calendar.add_working_time(finish, dt.timedelta(hours=rng.uniform(0.5, 20)))
    if at_or_stop(handed):
        sim.steps.append(("return", handed, clerk, "", {}))
        sim.fields["returned_at"] = handed
        sim.state = State.RETURNED
    return sim


def _applicant(rng: random.Random) -> dict:
    family, middle, given = rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)
    return {
        "applicant_name": f"{family} {middle} {given}",
        "applicant_id_number": f"037{rng.randint(0, 1):d}{rng.randint(50, 99):02d}{rng.randint(0, 999999):06d}",
        "applicant_phone": f"09{rng.randint(10000000, 99999999)}",
        "applicant_email": "",
        "applicant_address": f"Thôn {rng.randint(1, 12)}, {rng.choice(['Hoa Lư', 'Gia Viễn', 'Tam Điệp'])}",
    }


def generate(
    count: int,
    offices: list[Office],
    procedures: list[Procedure],
    *,
    weights: list[float] | None = None,
    months: int = 12,
    seed: int = 2026,
    now: dt.datetime | None = None,
    batch: int = 2000,
) -> int:
    """Write about `count` dossiers received over the last `months` months at
    `offices` (commune counters with clerks, specialists and approvers), for
    `procedures` drawn with `weights` (falling with the rank by default)."""
    rng = random.Random(seed)
    now = now or timezone.now()
    calendars = {office.pk: office.calendar() for office in offices}
    staff = {office.pk: _staff(office) for office in offices}
    first_day = (now - dt.timedelta(days=round(months * 30.44))).astimezone(calendars[offices[0].pk].tz).date()
    days = [first_day + dt.timedelta(days=n) for n in range((now.date() - first_day).days + 1)]
    working = {pk: [d for d in days if cal.is_working_day(d)] for pk, cal in calendars.items()}
    weights = weights or [1.0 / (1 + rank * 0.15) for rank in range(len(procedures))]

    simulated: list[Simulated] = []
    attempts = 0
    while len(simulated) < count and attempts < count * 3:
        attempts += 1
        office = rng.choice(offices)
        day = rng.choice(working[office.pk])
        procedure = rng.choices(procedures, weights)[0]
        sim = simulate(rng, office, calendars[office.pk], procedure, staff[office.pk], day, now)
        if sim is not None:
            simulated.append(sim)
    simulated.sort(key=lambda s: (s.office.pk, s.submitted_at))
    _write(simulated, batch)
    # Written in bulk, not action by action: count the report's rollups again.
    rollups.rebuild()
    return len(simulated)


def _staff(office: Office) -> Staff:
    members = defaultdict(list)
    for membership in Membership.objects.filter(office=office).select_related("user"):
        members[membership.role].append(membership.user)
    return Staff(members["clerk"], members["specialist"], members["approver"])


def _write(simulated: list[Simulated], batch: int) -> None:
    sequences: dict[tuple[int, dt.date], int] = defaultdict(int)
    taken = {
        (row.office_id, row.day): row.last
        for row in CodeSequence.objects.filter(office__in={s.office for s in simulated})
    }
    with transaction.atomic():
        for chunk in _chunks(simulated, batch):
            dossiers = []
            for sim in chunk:
                day = timezone.localdate(sim.submitted_at)
                key = (sim.office.pk, day)
                sequences[key] = max(sequences[key], taken.get(key, 0)) + 1
                terms = sim.procedure.terms_for(sim.channel)
                dossier = Dossier(
                    code=f"{sim.office.code}-{day:%y%m%d}-{sequences[key]:04d}",
                    procedure=sim.procedure,
                    receiving_office=sim.office,
                    competent_office=sim.office,
                    channel=sim.channel,
                    delivery=sim.delivery,
                    delivery_address=sim.applicant.pop("delivery_address", ""),
                    time_limit_amount=Decimal(terms["time_limit"]["amount"]),
                    time_limit_unit=terms["time_limit"]["unit"],
                    fees=terms["fees"],
                    stage_shares=terms["stages"],
                    submitted_at=sim.submitted_at,
                    version=len(sim.steps),
                    # A simulated history: its transitions were played out above.
                    state=sim.state,
                    **sim.applicant,
                    **sim.fields,
                )
                dossier._terms = terms
                dossiers.append(dossier)
            Dossier.objects.bulk_create(dossiers)
            documents, events, pauses = [], [], []
            for dossier, sim in zip(dossiers, chunk, strict=True):
                # The mandatory documents, and every other optional one.
                listed = dossier._terms["documents"]
                received = {n for n, doc in enumerate(listed, start=1) if doc["is_mandatory"] or n % 2 == 0}
                documents += DossierDocument.from_terms(dossier, listed, received)
                state = ""
                for action, at, actor, note, details in sim.steps:
                    target = _TARGET.get(action, state)
                    if action == "supplement":
                        target = _resume(sim.steps, at)
                    events.append(
                        DossierEvent(
                            dossier=dossier,
                            action=action,
                            from_state=state,
                            to_state=target,
                            actor=actor,
                            at=at,
                            note=note,
                            details=details,
                        )
                    )
                    state = target
                for started, ended, seconds, reason, due_before, due_after in sim.pauses:
                    pauses.append(
                        Pause(
                            dossier=dossier,
                            reason=reason,
                            started_at=started,
                            ended_at=ended,
                            working_seconds=seconds if ended else None,
                            due_before=due_before,
                            due_after=due_after,
                        )
                    )
            DossierDocument.objects.bulk_create(documents)
            DossierEvent.objects.bulk_create(events)
            Pause.objects.bulk_create(pauses)
        for (office_pk, day), last in sequences.items():
            CodeSequence.objects.update_or_create(office_id=office_pk, day=day, defaults={"last": last})


_TARGET = {
    "submit": State.SUBMITTED,
    "receive": State.RECEIVED,
    "request_supplement": State.SUPPLEMENT_REQUESTED,
    "refuse": State.REFUSED,
    "appraise": State.APPRAISED,
    "reject": State.REJECTED,
    "approve": State.APPROVED,
    "stamp": State.STAMPED,
    "return": State.RETURNED,
    "withdraw": State.WITHDRAWN,
}


def _resume(steps, at) -> str:
    """Where a supplement returns to: submitted before receipt, received after."""
    received = any(action == "receive" and moment < at for action, moment, *_ in steps)
    return State.RECEIVED if received else State.SUBMITTED


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

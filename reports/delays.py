"""Why late: which step used up a late dossier's time — each stage's working
time against its share of the time limit, the clock's pauses left out — and
how long the clock stood paused waiting for the citizen, by reason.

The stages and their shares are the procedure's (Phiếu kiểm soát quá trình):
the counter's receipt and the specialist's appraisal run from receipt to the
appraisal, so they share one span here; then approval, then the stamp. The
return comes after the finish and is not timed. A stage not finished yet runs
until `until` (the finish, or now).

`stage_times` and `worst` are pure (moments, shares and a calendar in,
durations out); `stage_delays` reads the late dossiers of a period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from dossiers import tallies
from dossiers.models import Dossier, DossierEvent
from portal.calendar import Calendar, CalendarMissing
from reports.periods import Period
from reports.recount import dossiers_for

# Stage → the share kinds it covers.
STAGES: dict[str, tuple[str, ...]] = {
    "appraise": ("receive", "appraise"),
    "approve": ("approve",),
    "stamp": ("stamp",),
}


@dataclass(frozen=True)
class StageTime:
    stage: str
    spent: dt.timedelta
    allotted: dt.timedelta

    @property
    def overrun(self) -> dt.timedelta:
        return max(self.spent - self.allotted, dt.timedelta(0))


def stage_times(
    *,
    received_at: dt.datetime,
    first_due_at: dt.datetime,
    ends: dict[str, dt.datetime],
    until: dt.datetime,
    pauses: Iterable[tuple[dt.datetime, dt.datetime | None]],
    shares: dict[str, Decimal | float | int | str],
    calendar: Calendar,
) -> list[StageTime]:
    """The stages a dossier went through, or is in, with the working time
    each took (pauses left out) and the time its share allowed."""
    span = calendar.working_time_between(received_at, first_due_at)
    pauses = list(pauses)
    times, start = [], received_at
    for stage, kinds in STAGES.items():
        end = ends.get(stage, until)
        paused = sum(
            (
                calendar.working_time_between(max(begun, start), min(ended or until, end))
                for begun, ended in pauses
                if begun < end and (ended or until) > start
            ),
            dt.timedelta(0),
        )
        share = sum((Decimal(str(shares.get(kind, 0))) for kind in kinds), Decimal(0))
        allotted = span * float(share / 100)
        times.append(
            StageTime(stage, max(calendar.working_time_between(start, end) - paused, dt.timedelta(0)), allotted)
        )
        if stage not in ends:
            break
        start = end
    return times


def worst(times: list[StageTime]) -> StageTime | None:
    """The stage that overran its share the most, if any did."""
    over = [t for t in times if t.overrun > dt.timedelta(0)]
    return max(over, key=lambda t: t.overrun) if over else None


# The late dossiers of a period ----------------------------------------------------


@dataclass
class Delays:
    """Where the late dossiers of a period lost their time."""

    dossiers: list[tuple[Dossier, list, object]]  # (dossier, stage times, worst stage)
    by_stage: dict[str, dict]  # stage → {"dossiers": n, "overrun": timedelta}
    pauses: list[tuple[str, int, dt.timedelta]]  # (reason, how many, working time)
    # Why some dossiers could not be timed: a year whose calendar is not loaded.
    uncounted: dict[str, int] = field(default_factory=dict)  # message → dossiers


def stage_delays(period: Period, offices, *, today: dt.date | None = None, sector_id: int | None = None) -> Delays:
    """For the dossiers finished late in the period or overdue at its end,
    which stage overran its share of the time limit, and how long the clock
    stood paused, by reason (waiting for the citizen is not the office's).
    Every one is listed, the earliest due first: the page shows them a
    page at a time (each is timed anyway, for the totals)."""
    today = today or timezone.localdate()
    base = Dossier.objects.filter(competent_office__in=list(offices))
    if sector_id is not None:
        base = base.filter(procedure__sector_id=sector_id)
    pks = set(dossiers_for("finished_late", period, base, today=today).values_list("pk", flat=True))
    pks |= set(dossiers_for("open_overdue", period, base, today=today).values_list("pk", flat=True))
    found = (
        Dossier.objects.filter(pk__in=pks)
        .select_related("procedure", "competent_office")
        .prefetch_related("pauses")
        .order_by("due_at", "pk")
    )
    ends: dict[int, dict[str, dt.datetime]] = defaultdict(dict)
    events = DossierEvent.objects.filter(dossier_id__in=pks, action__in=("appraise", "approve", "stamp", "reject"))
    for pk, action, at in events.order_by("at").values_list("dossier_id", "action", "at"):
        if action == "reject":  # a rejection ends the stage it happened in
            action = next((stage for stage in STAGES if stage not in ends[pk]), "stamp")
        ends[pk].setdefault(action, at)
    calendars: dict[int, object] = {}
    now = timezone.now()
    listed, by_stage = [], {stage: {"dossiers": 0, "overrun": dt.timedelta(0)} for stage in STAGES}
    reasons: dict[str, list] = defaultdict(lambda: [0, dt.timedelta(0)])
    uncounted: dict[str, int] = defaultdict(int)
    for dossier in found:
        office = dossier.competent_office
        calendar = calendars.setdefault(office.pk, office.calendar())
        pauses = list(dossier.pauses.all())
        first_due = tallies.first_due_at(pauses, dossier.due_at)
        try:
            times = stage_times(
                received_at=dossier.received_at,
                first_due_at=first_due,
                ends=ends[dossier.pk],
                until=dossier.finished_at or now,
                pauses=[(p.started_at, p.ended_at) for p in pauses],
                shares=dossier.stage_shares,
                calendar=calendar,
            )
            spent = [
                pause.working_time if pause.ended_at else calendar.working_time_between(pause.started_at, now)
                for pause in pauses
            ]
        except CalendarMissing as missing:
            uncounted[str(missing)] += 1
            continue
        for time in times:
            if time.overrun:
                by_stage[time.stage]["dossiers"] += 1
                by_stage[time.stage]["overrun"] += time.overrun
        for pause, working_time in zip(pauses, spent, strict=True):
            reasons[pause.reason][0] += 1
            reasons[pause.reason][1] += working_time
        listed.append((dossier, times, worst(times)))
    ordered = sorted(((r, n, t) for r, (n, t) in reasons.items()), key=lambda item: -item[2])
    return Delays(listed, by_stage, ordered, dict(uncounted))

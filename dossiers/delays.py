"""Which step used up a late dossier's time: each stage's working time against
its share of the time limit, the clock's pauses left out.

The stages and their shares are the procedure's (Phiếu kiểm soát quá trình):
the counter's receipt and the specialist's appraisal run from receipt to the
appraisal, so they share one span here; then approval, then the stamp. The
return comes after the finish and is not timed. A stage not finished yet runs
until `until` (the finish, or now).

Pure: moments, shares and a calendar in, durations out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from portal.calendar import Calendar

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

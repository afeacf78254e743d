"""What one dossier adds to the timeliness report, day by day.

The report (DESIGN "Timeliness report per counter", Biểu II.06a) counts, per
office and sector, what happened on each day — received by channel, finished
early, on time or late, supplement requests, refusals, withdrawals, apologies —
and how many dossiers were open at the end of each day, within their deadline
or overdue. `contribution` gives one dossier's share of those counts as
(day, column) → change; the rollup tables hold the sum over all dossiers, so
acting on a dossier only adds the difference between its contribution before
and after.

The open columns are changes, not levels: the level at the end of a day is the
sum of the changes up to it. A running dossier's move from "within" to
"overdue" on the day after its due date is written ahead, when the due date
becomes known; acting on the dossier later takes it back if it no longer holds.

The state of a dossier at the end of a past day is rebuilt from its pauses
(`open_class_at`) and judged by `timeliness.classify`, the one place where
timeliness is decided. Pure: facts in, counts out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dossiers.states import DECIDED, WAITING, State
from dossiers.timeliness import Timeliness, classify

RECEIVED = {"online": "received_online", "in_person": "received_in_person", "post": "received_post"}
FINISHED = {
    Timeliness.EARLY: "finished_early",
    Timeliness.ON_TIME: "finished_on_time",
    Timeliness.LATE: "finished_late",
}
OPEN = {Timeliness.WITHIN: "within_change", Timeliness.OVERDUE: "overdue_change"}
EVENTS = ("supplement_requests", "refusals", "withdrawals", "apologies")
COLUMNS = (*RECEIVED.values(), *FINISHED.values(), *EVENTS, *OPEN.values())


@dataclass(frozen=True)
class PauseFacts:
    started_at: dt.datetime
    ended_at: dt.datetime | None
    due_before: dt.datetime | None
    due_after: dt.datetime | None


@dataclass(frozen=True)
class Facts:
    """What the report needs to know of a dossier."""

    state: str
    channel: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    supplement_requests: int
    pauses: tuple[PauseFacts, ...] = ()
    # Every supplement request (at intake and during processing) and apology.
    requested_at: tuple[dt.datetime, ...] = ()
    apologised_at: tuple[dt.datetime, ...] = ()


Contribution = dict[tuple[dt.date, str], int]


def _end_of(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)


def finished_class(facts: Facts, tz: dt.tzinfo) -> Timeliness | None:
    """Early, on time or late, for a dossier received and then finished
    (decided or withdrawn); None otherwise."""
    if facts.received_at is None or facts.finished_at is None:
        return None
    if facts.state not in DECIDED and facts.state != State.WITHDRAWN:
        return None
    return classify(
        state=facts.state,
        due_at=facts.due_at,
        finished_at=facts.finished_at,
        supplement_requests=facts.supplement_requests,
        on=facts.finished_at.astimezone(tz).date(),
        tz=tz,
    )


def first_due_at(pauses: Sequence[PauseFacts], due_at: dt.datetime | None) -> dt.datetime | None:
    """The due date set at receipt, before any pause moved it (`due_at`, the
    dossier's current one, when it was never paused). Pause rows of the
    model carry the same fields."""
    if pauses:
        return min(pauses, key=lambda p: p.started_at).due_before
    return due_at


def open_class_at(facts: Facts, day: dt.date, tz: dt.tzinfo) -> Timeliness | None:
    """Within the deadline or overdue, for a dossier open at the end of
    `day`, as it stood then; None if it was not open (not received yet, or
    already finished)."""
    end = _end_of(day, tz)
    if facts.received_at is None or facts.received_at >= end:
        return None
    if facts.finished_at is not None and facts.finished_at < end:
        return None
    started = [p for p in facts.pauses if p.started_at < end]
    ended = [p for p in started if p.ended_at is not None and p.ended_at < end]
    paused = next((p for p in started if p.ended_at is None or p.ended_at >= end), None)
    due = (
        max(ended, key=lambda p: p.ended_at or p.started_at).due_after
        if ended
        else first_due_at(facts.pauses, facts.due_at)
    )
    return classify(
        state=WAITING if paused else State.RECEIVED,
        due_at=due,
        finished_at=None,
        supplement_requests=len(started),
        paused_at=paused.started_at if paused else None,
        on=day,
        tz=tz,
    )


def contribution(facts: Facts, tz: dt.tzinfo) -> Contribution:
    """The dossier's share of the daily counts, as (day, column) → change."""
    counts: Contribution = {}

    def add(moment_or_day: dt.datetime | dt.date, column: str, change: int = 1) -> None:
        day = moment_or_day.astimezone(tz).date() if isinstance(moment_or_day, dt.datetime) else moment_or_day
        key = (day, column)
        counts[key] = counts.get(key, 0) + change
        if counts[key] == 0:
            del counts[key]

    if facts.received_at is not None:
        add(facts.received_at, RECEIVED[facts.channel])
    finished = finished_class(facts, tz)
    if finished is not None and facts.finished_at is not None:
        add(facts.finished_at, FINISHED[finished])
    if facts.finished_at is not None and facts.state == State.REFUSED:
        add(facts.finished_at, "refusals")
    if facts.finished_at is not None and facts.state == State.WITHDRAWN:
        add(facts.finished_at, "withdrawals")
    for moment in facts.requested_at:
        add(moment, "supplement_requests")
    for moment in facts.apologised_at:
        add(moment, "apologies")

    previous: Timeliness | None = None
    for day in sorted(_turning_days(facts, tz)):
        now = open_class_at(facts, day, tz)
        if now != previous:
            if previous is not None:
                add(day, OPEN[previous], -1)
            if now is not None:
                add(day, OPEN[now])
            previous = now
    return counts


def _turning_days(facts: Facts, tz: dt.tzinfo) -> set[dt.date]:
    """The days on which the open class can change: receipt, each pause's
    start and end, the day after each due date in force, the finish."""
    if facts.received_at is None:
        return set()

    def day(moment: dt.datetime) -> dt.date:
        return moment.astimezone(tz).date()

    days = {day(facts.received_at)}
    dues = [first_due_at(facts.pauses, facts.due_at)]
    for pause in facts.pauses:
        days.add(day(pause.started_at))
        if pause.ended_at is not None:
            days.add(day(pause.ended_at))
            dues.append(pause.due_after)
    days |= {day(due) + dt.timedelta(days=1) for due in dues if due is not None}
    if facts.finished_at is not None:
        days.add(day(facts.finished_at))
    return days


def difference(before: Contribution, after: Contribution) -> Contribution:
    """What changes in the counts when a dossier goes from `before` to `after`."""
    change = dict(after)
    for key, value in before.items():
        change[key] = change.get(key, 0) - value
    return {key: value for key, value in change.items() if value}


def by_day(change: Contribution) -> dict[dt.date, dict[str, int]]:
    days: dict[dt.date, dict[str, int]] = {}
    for (day, column), value in change.items():
        days.setdefault(day, {})[column] = value
    return days


def total(contributions: Iterable[Contribution]) -> Contribution:
    summed: Contribution = {}
    for counts in contributions:
        for key, value in counts.items():
            summed[key] = summed.get(key, 0) + value
    return {key: value for key, value in summed.items() if value}

"""The report's rollups, kept up to date by the write path: in the
transaction of every action, `record` adds to the daily and monthly tallies
what changed in the dossier's contribution (dossiers/tallies.py says what a
dossier contributes); `rebuild` recounts them all from the dossiers after a
bulk import or to repair them (`manage.py rebuild_tallies`).

Most actions change no count (appraise, approve, return): `may_change`
tells them from the dossier's own fields and the transition's outcome, and
they neither read the dossier's pauses and events nor touch a tally. The
others read its pauses and events once, before the change is written, and
`after` derives what they become from the outcome, as the write path stores
it (`workflow.record_outcome`, the audit event).

What the supervisors read from these tables is reports/stats.py's business.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dossiers import tallies
from dossiers.acts import Outcome
from dossiers.models import BalancedMonth, DailyTally, Dossier, DossierEvent, MonthlyTally, OpenBalance, Pause
from dossiers.models.rollups import TallyColumns
from dossiers.states import DECIDED, ENDED_ON_TIME, State
from dossiers.tallies import Facts, PauseFacts

# The events the report counts, by their column.
EVENT_ACTIONS = {"request_supplement": "supplement_requests", "apologise": "apologies"}


def tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


def facts_of(dossier: Dossier) -> Facts:
    """The report's facts about a dossier, as the database holds them now."""
    return with_history(dossier, own_facts(dossier))


def own_facts(dossier: Dossier) -> Facts:
    """The facts the dossier's own fields hold, without its pauses and
    events (no query)."""
    return _facts(dossier.__dict__, (), [])


def with_history(dossier: Dossier, facts: Facts) -> Facts:
    """`facts` with the dossier's pauses and counted events as the database
    holds them now (two queries)."""
    pauses = tuple(
        PauseFacts(started_at, ended_at, due_before, due_after)
        for started_at, ended_at, due_before, due_after in Pause.objects.filter(dossier=dossier)
        .order_by("started_at")
        .values_list("started_at", "ended_at", "due_before", "due_after")
    )
    events = DossierEvent.objects.filter(dossier=dossier, action__in=EVENT_ACTIONS).values_list("action", "at")
    return _facts(facts.__dict__, pauses, list(events))


def _counted(facts: Facts) -> tuple[Any, ...]:
    """What `tallies.contribution` reads of a dossier's own fields. The
    state matters only once the dossier is finished, and then only as
    finished on time by nature, decided, refused or withdrawn."""
    state = facts.state
    kind = (
        None
        if facts.finished_at is None
        else (state in ENDED_ON_TIME, state in DECIDED, state == State.REFUSED, state == State.WITHDRAWN)
    )
    return (kind, facts.channel, facts.received_at, facts.due_at, facts.finished_at, facts.supplement_requests)


def may_change(before: Facts, after: Facts, outcome: Outcome, action: str) -> bool:
    """Whether an action may change the dossier's contribution: its own
    facts (`own_facts` before and after the transition) differ where the
    counts read them, it opened or closed a pause, or its event is counted."""
    return (
        _counted(before) != _counted(after)
        or outcome.pause_started
        or outcome.pause_ended is not None
        or action in EVENT_ACTIONS
    )


def after(before: Facts, dossier: Dossier, outcome: Outcome, action: str, at: dt.datetime) -> Facts:
    """The facts once the action is written, from `before` (read with
    `with_history` before the change) and the outcome, as
    `workflow.record_outcome` stores the pauses and the audit event the
    counted actions."""
    pauses = list(before.pauses)
    if outcome.pause_ended is not None:
        ended = outcome.pause_ended.ended_at
        pauses = [
            PauseFacts(p.started_at, ended, p.due_before, dossier.due_at) if p.ended_at is None else p for p in pauses
        ]
    if outcome.pause_started and dossier.paused_at is not None:
        pauses.append(PauseFacts(dossier.paused_at, None, dossier.due_at, None))
    pauses.sort(key=lambda p: p.started_at)
    requested, apologised = before.requested_at, before.apologised_at
    if action == "request_supplement":
        requested = (*requested, at)
    elif action == "apologise":
        apologised = (*apologised, at)
    own = own_facts(dossier)
    return Facts(**{**own.__dict__, "pauses": tuple(pauses), "requested_at": requested, "apologised_at": apologised})


def _facts(values: dict[str, Any], pauses: tuple[PauseFacts, ...], events: list[tuple[str, dt.datetime]]) -> Facts:
    return Facts(
        state=values["state"],
        channel=values["channel"],
        received_at=values["received_at"],
        due_at=values["due_at"],
        finished_at=values["finished_at"],
        supplement_requests=values["supplement_requests"],
        pauses=pauses,
        requested_at=tuple(at for action, at in events if action == "request_supplement"),
        apologised_at=tuple(at for action, at in events if action == "apologise"),
    )


def record(dossier: Dossier, before: Facts, after: Facts) -> None:
    """Add to the rollups what changed in the dossier's contribution; called
    in the transaction of the change."""
    change = tallies.difference(tallies.contribution(before, tz()), tallies.contribution(after, tz()))
    if change:
        _add(dossier.competent_office_id, dossier.procedure.sector_id, tallies.by_day(change))


def _add(office_id: int, sector_id: int, days: dict[dt.date, dict[str, int]]) -> None:
    months: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, columns in days.items():
        for column, value in columns.items():
            months[day.replace(day=1)][column] += value
    _upsert(DailyTally, "day", office_id, sector_id, days)
    _upsert(MonthlyTally, "month", office_id, sector_id, months)
    opened = [day for day, columns in days.items() if set(columns) & set(tallies.OPEN.values())]
    if opened:
        # Balances of months after a change no longer hold (only a change
        # dated in the past, as tests and imports make, finds any).
        earliest = min(opened)
        BalancedMonth.objects.filter(month__gt=earliest).delete()
        OpenBalance.objects.filter(month__gt=earliest).delete()


def _upsert(
    model: type[TallyColumns],
    span: str,
    office_id: int,
    sector_id: int,
    rows: Mapping[dt.date, Mapping[str, int]],
) -> None:
    """Add `rows` (day or month → column → change) to the tally: one
    statement, however many days the change touches."""
    table = model._meta.db_table
    names = ", ".join(tallies.COLUMNS)
    marks = "(" + ", ".join(["%s"] * (3 + len(tallies.COLUMNS))) + ")"
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in tallies.COLUMNS)
    sql = (
        f"INSERT INTO {table} (office_id, sector_id, {span}, {names}) VALUES {', '.join([marks] * len(rows))} "
        f"ON CONFLICT (office_id, sector_id, {span}) DO UPDATE SET {updates}"
    )
    values: list[Any] = []
    for when, columns in sorted(rows.items()):
        values += [office_id, sector_id, when, *(columns.get(c, 0) for c in tallies.COLUMNS)]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _insert(
    model: type[TallyColumns], span: str, rows: dict[tuple[int, int, dt.date], dict[str, int]], batch: int = 10000
) -> None:
    """Plain multi-row inserts: millions of rows in a bulk rebuild."""
    table, names = model._meta.db_table, ", ".join(tallies.COLUMNS)
    marks = ", ".join(["%s"] * (3 + len(tallies.COLUMNS)))
    sql = f"INSERT INTO {table} (office_id, sector_id, {span}, {names}) VALUES ({marks})"
    values: list[tuple[Any, ...]] = [
        (*key, *(columns.get(c, 0) for c in tallies.COLUMNS)) for key, columns in rows.items()
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch):
            cursor.executemany(sql, values[start : start + batch])


def rebuild(*, chunk: int = 5000) -> int:
    """Recount the rollups from every dossier (after a bulk import, or to
    repair them); returns the number of dossiers read."""
    daily: dict[tuple[int, int, dt.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    fields = (
        *("pk", "competent_office_id", "procedure__sector_id", "state", "channel"),
        *("received_at", "due_at", "finished_at", "supplement_requests"),
    )
    seen, last = 0, 0
    while True:
        rows = list(Dossier.objects.filter(pk__gt=last).order_by("pk").values(*fields)[:chunk])
        if not rows:
            break
        last = rows[-1]["pk"]
        pks = [row["pk"] for row in rows]
        pauses: dict[int, list[PauseFacts]] = defaultdict(list)
        for pk, started_at, ended_at, due_before, due_after in (
            Pause.objects.filter(dossier_id__in=pks)
            .order_by("started_at")
            .values_list("dossier_id", "started_at", "ended_at", "due_before", "due_after")
        ):
            pauses[pk].append(PauseFacts(started_at, ended_at, due_before, due_after))
        events: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
        for pk, action, at in DossierEvent.objects.filter(dossier_id__in=pks, action__in=EVENT_ACTIONS).values_list(
            "dossier_id", "action", "at"
        ):
            events[pk].append((action, at))
        for row in rows:
            facts = _facts(row, tuple(pauses[row["pk"]]), events[row["pk"]])
            for (day, column), value in tallies.contribution(facts, tz()).items():
                daily[row["competent_office_id"], row["procedure__sector_id"], day][column] += value
        seen += len(rows)
    monthly: dict[tuple[int, int, dt.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (office, sector, day), columns in daily.items():
        for column, value in columns.items():
            monthly[office, sector, day.replace(day=1)][column] += value
    with transaction.atomic():
        for model in (DailyTally, MonthlyTally, OpenBalance, BalancedMonth):
            model.objects.all().delete()
        _insert(DailyTally, "day", daily)
        _insert(MonthlyTally, "month", monthly)
    return seen

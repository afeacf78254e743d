"""Timeliness statistics per one-stop counter: the one module that says what
the report's numbers are. The dashboard, the exports and the API ask `report`.

For a period (reports/periods.py) and a set of offices, by office or by
sector (Biểu II.06a, Circular 01/2020/TT-VPCP):

- received in the period, online, in person and by post; carried over = open
  when the period began;
- finished in the period (decided — stamped or rejected — or withdrawn after
  receipt): early, on time, late, as `timeliness.classify` says;
- still open at its end: within the deadline or overdue, as the dossier stood
  at the end of the last day;
- supplement requests (at intake and during processing), refusals,
  withdrawals and apologies made in the period;
- the shares of the finished dossiers that were early, on time and late,
  and the on-time rate = early + on time, in percent to two decimals
  (`shares`: the one rule every page, file and the API show).

A dossier counts for its competent office: the office answerable for its
deadline (the receiving counter differs only for a location-independent
procedure). A period that has not ended is reported as of today.

`report` reads the rollups (`DailyTally`, `MonthlyTally`, `OpenBalance`),
which the write path keeps (dossiers/rollups.py): no request scans the
dossier table. reports/recount.py recounts the same numbers from the
dossiers themselves; tests and bench/ hold the two equal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dossiers import tallies
from dossiers.models import BalancedMonth, DailyTally, MonthlyTally, OpenBalance
from portal.models import Office
from portal.replicas import primary_reads
from procedures.models import Sector
from reports.periods import Period, begun, months_back

# The report's numbers, in the order of the official form.
MEASURES = {
    "received_online": _("Received online"),
    "received_in_person": _("Received in person"),
    "received_post": _("Received by post"),
    "received": _("Received"),
    "carried_over": _("Carried over"),
    "finished_early": _("Finished early"),
    "finished_on_time": _("Finished on time"),
    "finished_late": _("Finished late"),
    "finished": pgettext_lazy("report", "Finished"),
    "open_within": _("Open, within the deadline"),
    "open_overdue": _("Open, overdue"),
    "open": _("Open at the end"),
    "supplement_requests": _("Supplement requests"),
    "refusals": _("Refusals"),
    "withdrawals": _("Withdrawals"),
    "apologies": _("Apologies"),
}
FLOWS = (*tallies.RECEIVED.values(), *tallies.FINISHED.values(), *tallies.EVENTS)
GROUPS = {"office": "competent_office_id", "sector": "procedure__sector_id"}


# Shares --------------------------------------------------------------------

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Shares:
    """The finished dossiers that were early, on time and late, in percent
    with two decimals; they add up to exactly 100.00."""

    early: Decimal
    on_time: Decimal
    late: Decimal

    @property
    def on_time_rate(self) -> Decimal:
        """Early + on time: the province's on-time rate (and 100.00 − late)."""
        return self.early + self.on_time


def shares(early: int, on_time: int, late: int) -> Shares | None:
    """The three shares of `early + on_time + late` finished dossiers, in
    percent to two decimals; None when none finished.

    Rounded by the largest remainder method so that they add up to 100.00:
    each share is first cut down to whole hundredths of a percent, then the
    hundredths still missing go one each to the shares that lost the most
    in the cut (on a tie, in the order early, on time, late). 1/1/1 thus
    reads 33.34 / 33.33 / 33.33, where rounding each alone would give 99.99.
    """
    counts = (early, on_time, late)
    finished = sum(counts)
    if finished <= 0:
        return None
    # In hundredths of a percent: count × 10,000 / finished, as a whole
    # part and a remainder (integers: no floating-point error).
    parts = [divmod(count * 10_000, finished) for count in counts]
    units = [whole for whole, _rest in parts]
    missing = 10_000 - sum(units)
    by_remainder = sorted(range(3), key=lambda i: (-parts[i][1], i))
    for i in by_remainder[:missing]:
        units[i] += 1
    early_share, on_time_share, late_share = (Decimal(unit) * HUNDREDTH for unit in units)
    return Shares(early_share, on_time_share, late_share)


# Rows ----------------------------------------------------------------------


@dataclass
class Row:
    """One line of the report: an office, a sector, or the total."""

    key: int | None
    label: str
    counts: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, measure: str) -> int:
        # A KeyError for anything else: templates then look for an attribute.
        return self.counts[measure]

    @property
    def shares(self) -> Shares | None:
        """Early, on time and late as shares of the finished; None when
        nothing finished."""
        return shares(self["finished_early"], self["finished_on_time"], self["finished_late"])

    @property
    def on_time_rate(self) -> Decimal | None:
        """(Early + on time) / finished, in percent to two decimals; None
        when nothing finished."""
        found = self.shares
        return None if found is None else found.on_time_rate

    def add(self, other: Row) -> None:
        for measure, value in other.counts.items():
            self.counts[measure] = self.counts.get(measure, 0) + value


def _complete(counts: dict[str, int]) -> dict[str, int]:
    """Every measure, sums included."""
    full = {measure: counts.get(measure, 0) for measure in MEASURES}
    full["received"] = full["received_online"] + full["received_in_person"] + full["received_post"]
    full["finished"] = full["finished_early"] + full["finished_on_time"] + full["finished_late"]
    full["open"] = full["open_within"] + full["open_overdue"]
    return full


@dataclass
class Report:
    period: Period
    as_of: dt.date
    by: str
    rows: list[Row]
    total: Row


def _assemble(
    period: Period,
    as_of: dt.date,
    by: str,
    counts: dict[int, dict[str, int]],
    keys: list[int],
    labels: dict[int, str],
) -> Report:
    rows = [Row(key, labels.get(key, "?"), _complete(counts.get(key, {}))) for key in keys]
    rows += [Row(key, labels.get(key, "?"), _complete(c)) for key, c in counts.items() if key not in set(keys)]
    total = Row(None, str(_("Total")), _complete({}))
    for row in rows:
        total.add(row)
    return Report(period, as_of, by, rows, total)


def _labels(by: str, offices: Iterable[Office]) -> tuple[list[int], dict[int, str]]:
    if by == "office":
        listed = list(offices)
        return [o.pk for o in listed], {o.pk: o.name for o in listed}
    sectors = {s.pk: s.name for s in Sector.objects.all()}
    return [], sectors


# The report from the rollups -------------------------------------------------


def report(period: Period, offices: Iterable[Office], *, by: str = "office", today: dt.date | None = None) -> Report:
    """The report for `period` over `offices`, one row per office (all of
    them, even those with nothing to count) or per sector (those with
    something), and a total row."""
    today = today or timezone.localdate()
    span = begun(period, today).until(today)
    offices = list(offices)
    office_ids = [o.pk for o in offices]
    group = "office_id" if by == "office" else "sector_id"
    counts: dict[int, dict[str, int]] = defaultdict(dict)

    for key, values in _flows(span, office_ids, group).items():
        counts[key].update(values)
    balanced: set[dt.date] = set()
    for key, (within, overdue) in _open_levels(span.end, office_ids, group, balanced).items():
        counts[key]["open_within"] = within
        counts[key]["open_overdue"] = overdue
    for key, (within, overdue) in _open_levels(span.start - dt.timedelta(days=1), office_ids, group, balanced).items():
        counts[key]["carried_over"] = within + overdue
    keys, labels = _labels(by, offices)
    counts = {key: value for key, value in counts.items() if key in keys or any(value.values())}
    return _assemble(period, span.end, by, counts, keys, labels)


def backlog(offices: Iterable[Office], *, today: dt.date | None = None, known: Report | None = None) -> list[Row]:
    """What is open at each office at the end of `today`, within the deadline
    and overdue (the other measures left at 0): the open levels of `report`
    alone, or those of `known` when it is a report by office as of today."""
    today = today or timezone.localdate()
    offices = list(offices)
    if known is not None and known.by == "office" and known.as_of == today:
        return known.rows
    counts: dict[int, dict[str, int]] = {}
    for key, (within, overdue) in _open_levels(today, [o.pk for o in offices], "office_id", set()).items():
        counts[key] = {"open_within": within, "open_overdue": overdue}
    keys, labels = _labels("office", offices)
    return _assemble(Period(today, today), today, "office", counts, keys, labels).rows


def trend(offices: Iterable[Office], *, months: int = 12, today: dt.date | None = None) -> list[tuple[Period, Row]]:
    """What was received and finished in each of the last `months` months,
    oldest first: one query on the monthly rollup (flows only, no open levels)."""
    periods = list(reversed(months_back(today or timezone.localdate(), months)))
    monthly = MonthlyTally.objects.filter(office_id__in=[o.pk for o in offices], month__in=[p.start for p in periods])
    sums = _sum(monthly, "month", FLOWS)
    return [(period, Row(None, str(period), _complete(sums.get(period.start, {})))) for period in periods]


def _sum(queryset: QuerySet[Any], group: str, columns: Iterable[str]) -> dict[Any, dict[str, int]]:
    """The sum of each column per value of `group` (an id, or a month)."""
    rows = queryset.values(group).annotate(**{column: Sum(column) for column in columns})
    return {row[group]: {column: row[column] or 0 for column in columns} for row in rows}


def _merge(into: dict[int, dict[str, int]], more: dict[int, dict[str, int]]) -> None:
    for key, values in more.items():
        target = into.setdefault(key, {})
        for column, value in values.items():
            target[column] = target.get(column, 0) + value


def _flows(span: Period, office_ids: list[int], group: str) -> dict[int, dict[str, int]]:
    """The flow columns over `span`: whole months from the monthly rollup,
    the rest from the daily one."""
    whole, days = [], []
    for month in span.months():
        if month == Period.month(month.start.year, month.start.month):
            whole.append(month.start)
        else:
            days.append(month)
    result: dict[int, dict[str, int]] = {}
    if whole:
        monthly = MonthlyTally.objects.filter(office_id__in=office_ids, month__in=whole)
        _merge(result, _sum(monthly, group, FLOWS))
    if days:
        window = Q()
        for part in days:
            window |= Q(day__gte=part.start, day__lte=part.end)
        _merge(result, _sum(DailyTally.objects.filter(window, office_id__in=office_ids), group, FLOWS))
    return result


def _open_levels(day: dt.date, office_ids: list[int], group: str, balanced: set[dt.date]) -> dict[int, tuple[int, int]]:
    """Open dossiers at the end of `day`, within and overdue: the balance
    when its month began plus the month's daily changes up to it.
    `balanced`: the months whose balances this request already made sure of."""
    month = day.replace(day=1)
    following = day + dt.timedelta(days=1)
    if following.day == 1 and following <= timezone.localdate():
        # The last day of a past month: its level is the next month's opening.
        month = following
    levels: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    if month not in balanced:
        ensure_balances(month)
        balanced.add(month)
    balances = (
        OpenBalance.objects.filter(office_id__in=office_ids, month=month)
        .values(group)
        .annotate(within=Sum("within"), overdue=Sum("overdue"))
    )
    for row in balances:
        levels[row[group]][0] += row["within"]
        levels[row[group]][1] += row["overdue"]
    if month > day:
        return {key: (within, overdue) for key, (within, overdue) in levels.items()}
    changes = DailyTally.objects.filter(office_id__in=office_ids, day__gte=month, day__lte=day)
    for key, values in _sum(changes, group, tallies.OPEN.values()).items():
        levels[key][0] += values["within_change"]
        levels[key][1] += values["overdue_change"]
    return {key: (within, overdue) for key, (within, overdue) in levels.items()}


def ensure_balances(month: dt.date) -> None:
    """Store the open balances at the start of `month` (all offices), from
    the last stored month before it, if they are not stored yet. Read from
    the primary, even in a report that reads a replica: what is stored here
    is never recomputed."""
    with primary_reads():
        _ensure_balances(month)


def _ensure_balances(month: dt.date) -> None:
    if BalancedMonth.objects.filter(month=month).exists():
        return
    previous = BalancedMonth.objects.filter(month__lt=month).order_by("-month").first()
    balances: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    changes = MonthlyTally.objects.filter(month__lt=month)
    if previous is not None:
        for row in OpenBalance.objects.filter(month=previous.month).values(
            "office_id", "sector_id", "within", "overdue"
        ):
            balances[row["office_id"], row["sector_id"]] = [row["within"], row["overdue"]]
        changes = changes.filter(month__gte=previous.month)
    sums = changes.values("office_id", "sector_id").annotate(
        within_sum=Sum("within_change"), overdue_sum=Sum("overdue_change")
    )
    for summed in sums:
        balance = balances[summed["office_id"], summed["sector_id"]]
        balance[0] += summed["within_sum"]
        balance[1] += summed["overdue_sum"]
    try:
        with transaction.atomic():
            BalancedMonth.objects.create(month=month)
            OpenBalance.objects.bulk_create(
                OpenBalance(office_id=office, sector_id=sector, month=month, within=within, overdue=overdue)
                for (office, sector), (within, overdue) in balances.items()
                if within or overdue
            )
    except IntegrityError:
        pass  # another request stored the same month first

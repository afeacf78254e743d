"""Timeliness statistics per one-stop counter: the one module that says what
the report's numbers are. The dashboard, the exports and the API ask `report`.

For a period (local dates, both ends included) and a set of offices, by
office or by sector (Biểu II.06a, Circular 01/2020/TT-VPCP):

- received in the period, online, in person and by post; carried over = open
  when the period began;
- finished in the period (decided — stamped or rejected — or withdrawn after
  receipt): early, on time, late, as `timeliness.classify` says;
- still open at its end: within the deadline or overdue, as the dossier stood
  at the end of the last day;
- supplement requests (at intake and during processing), refusals,
  withdrawals and apologies made in the period;
- on-time rate = (early + on time) / finished.

A dossier counts for its competent office: the office answerable for its
deadline (the receiving counter differs only for a location-independent
procedure). A period that has not ended is reported as of today.

`report` reads the rollups (`DailyTally`, `MonthlyTally`, `OpenBalance`),
which `record` keeps up to date in the same transaction as every action:
no request scans the dossier table. `naive_report` recounts the same numbers
from the dossiers themselves, in SQL; tests and bench/ hold the two equal.
`dossiers_for` lists the dossiers behind any number, with the same filters.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dossiers import tallies
from dossiers.models import (
    BalancedMonth,
    DailyTally,
    Dossier,
    DossierEvent,
    MonthlyTally,
    OpenBalance,
    Pause,
)
from dossiers.tallies import DECIDED, Facts, PauseFacts
from dossiers.timeliness import SUPPLEMENT_REQUESTS_BEFORE_OVERDUE, start_of_day
from portal.models import Membership, Office
from procedures.models import Sector

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
EVENT_ACTIONS = {"request_supplement": "supplement_requests", "apologise": "apologies"}
GROUPS = {"office": "competent_office_id", "sector": "procedure__sector_id"}


def tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


# Periods -------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period ends after it starts.")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), dt.date(year, month, month_calendar.monthrange(year, month)[1]))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = cls.month(year, 3 * quarter - 2)
        return cls(first.start, cls.month(year, 3 * quarter).end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026-11" (a month), "2026-Q3" (a quarter), "2026" (a year)."""
        try:
            if "-Q" in text:
                year, quarter = text.split("-Q")
                if int(quarter) not in (1, 2, 3, 4):
                    raise ValueError
                return cls.quarter(int(year), int(quarter))
            if "-" in text:
                year, month = text.split("-")
                return cls.month(int(year), int(month))
            return cls.year(int(text))
        except (ValueError, TypeError):
            raise ValueError(f"Not a period: {text!r}.") from None

    @property
    def name(self) -> str:
        """The short name `parse` reads back, or "from–to"."""
        for candidate in (
            f"{self.start:%Y-%m}",
            f"{self.start.year}-Q{(self.start.month + 2) // 3}",
            f"{self.start.year}",
        ):
            if Period.parse(candidate) == self:
                return candidate
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    def __str__(self) -> str:
        name = self.name
        if "–" in name:
            return name
        if "-Q" in name:
            return str(_("Quarter %(quarter)s/%(year)s") % {"quarter": name[-1], "year": name[:4]})
        if "-" in name:
            return f"{self.start:%m/%Y}"
        return str(_("Year %(year)s") % {"year": name})

    def until(self, today: dt.date) -> Period:
        """The part of the period that has happened by `today`."""
        return Period(self.start, min(self.end, max(today, self.start)))

    def months(self) -> list[Period]:
        """The calendar months the period touches, cut to the period."""
        spans, first = [], self.start.replace(day=1)
        while first <= self.end:
            month = Period.month(first.year, first.month)
            spans.append(Period(max(month.start, self.start), min(month.end, self.end)))
            first = month.end + dt.timedelta(days=1)
        return spans


def months_back(today: dt.date, count: int) -> list[Period]:
    """This month and the `count - 1` before it, newest first."""
    periods, first = [], today.replace(day=1)
    for _n in range(count):
        periods.append(Period.month(first.year, first.month))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return periods


def recent_periods(today: dt.date, months: int = 12) -> list[Period]:
    """The periods a supervisor picks from: this and the last months, this
    and the last quarters, this and last year."""
    periods = months_back(today, months)
    quarter = (today.month + 2) // 3
    for n in range(4):
        q, year = quarter - n, today.year
        if q < 1:
            q, year = q + 4, year - 1
        periods.append(Period.quarter(year, q))
    periods += [Period.year(today.year), Period.year(today.year - 1)]
    return periods


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
    def on_time_rate(self) -> float | None:
        """(Early + on time) / finished, in percent; None when nothing finished."""
        finished = self["finished"]
        return None if not finished else 100 * (self["finished_early"] + self["finished_on_time"]) / finished

    @property
    def early_rate(self) -> float | None:
        return None if not self["finished"] else 100 * self["finished_early"] / self["finished"]

    @property
    def late_rate(self) -> float | None:
        return None if not self["finished"] else 100 * self["finished_late"] / self["finished"]

    @property
    def overdue_open_rate(self) -> float | None:
        return None if not self["open"] else 100 * self["open_overdue"] / self["open"]

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


def _assemble(period, as_of, by, counts: dict[int, dict[str, int]], keys, labels) -> Report:
    rows = [Row(key, labels.get(key, "?"), _complete(counts.get(key, {}))) for key in keys]
    rows += [Row(key, labels.get(key, "?"), _complete(c)) for key, c in counts.items() if key not in set(keys)]
    total = Row(None, str(_("Total")), _complete({}))
    for row in rows:
        total.add(row)
    return Report(period, as_of, by, rows, total)


def _labels(by: str, offices) -> tuple[list[int], dict[int, str]]:
    if by == "office":
        offices = list(offices)
        return [o.pk for o in offices], {o.pk: o.name for o in offices}
    sectors = {s.pk: s.name for s in Sector.objects.all()}
    return [], sectors


def report_offices(user) -> list[Office]:
    """The counters whose figures `user` may see: those a supervisor
    oversees, the office an approver leads."""
    visible = Office.objects.visible_to(user, roles=Membership.REPORTING_ROLES)
    return list(visible.filter(level=Office.Level.COMMUNE).order_by("name"))


# The report from the rollups -------------------------------------------------


def report(period: Period, offices, *, by: str = "office", today: dt.date | None = None) -> Report:
    """The report for `period` over `offices`, one row per office (all of
    them, even those with nothing to count) or per sector (those with
    something), and a total row."""
    today = today or timezone.localdate()
    if period.start > today:
        raise ValueError("The period has not begun.")
    span = period.until(today)
    office_ids = [o.pk for o in offices]
    group = "office_id" if by == "office" else "sector_id"
    counts: dict[int, dict[str, int]] = defaultdict(dict)

    for key, values in _flows(span, office_ids, group).items():
        counts[key].update(values)
    for key, (within, overdue) in _open_levels(span.end, office_ids, group).items():
        counts[key]["open_within"] = within
        counts[key]["open_overdue"] = overdue
    for key, (within, overdue) in _open_levels(span.start - dt.timedelta(days=1), office_ids, group).items():
        counts[key]["carried_over"] = within + overdue
    keys, labels = _labels(by, offices)
    counts = {key: value for key, value in counts.items() if key in keys or any(value.values())}
    return _assemble(period, span.end, by, counts, keys, labels)


def trend(offices, *, months: int = 12, today: dt.date | None = None) -> list[tuple[Period, Row]]:
    """What was received and finished in each of the last `months` months,
    oldest first: one query on the monthly rollup (flows only, no open levels)."""
    periods = list(reversed(months_back(today or timezone.localdate(), months)))
    monthly = MonthlyTally.objects.filter(office_id__in=[o.pk for o in offices], month__in=[p.start for p in periods])
    sums = _sum(monthly, "month", FLOWS)
    return [(period, Row(None, str(period), _complete(sums.get(period.start, {})))) for period in periods]


def _sum(queryset, group: str, columns: Iterable[str]) -> dict[int, dict[str, int]]:
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


def _open_levels(day: dt.date, office_ids: list[int], group: str) -> dict[int, tuple[int, int]]:
    """Open dossiers at the end of `day`, within and overdue: the balance
    when its month began plus the month's daily changes up to it."""
    month = day.replace(day=1)
    following = day + dt.timedelta(days=1)
    if following.day == 1 and following <= timezone.localdate():
        # The last day of a past month: its level is the next month's opening.
        month = following
    levels: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    ensure_balances(month)
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
    the last stored month before it, if they are not stored yet."""
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
    rows = changes.values("office_id", "sector_id").annotate(w=Sum("within_change"), o=Sum("overdue_change"))
    for row in rows:
        balance = balances[row["office_id"], row["sector_id"]]
        balance[0] += row["w"]
        balance[1] += row["o"]
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


# Keeping the rollups ----------------------------------------------------------


def facts_of(dossier: Dossier) -> Facts:
    """The report's facts about a dossier, as the database holds them now."""
    pauses = tuple(
        PauseFacts(p.started_at, p.ended_at, p.due_before, p.due_after)
        for p in Pause.objects.filter(dossier=dossier).order_by("started_at")
    )
    events = DossierEvent.objects.filter(dossier=dossier, action__in=EVENT_ACTIONS).values_list("action", "at")
    return _facts(dossier.__dict__, pauses, list(events))


def _facts(values: dict, pauses: tuple[PauseFacts, ...], events: list[tuple[str, dt.datetime]]) -> Facts:
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
        _upsert(DailyTally, "day", office_id, sector_id, day, columns)
        for column, value in columns.items():
            months[day.replace(day=1)][column] += value
    for month, columns in months.items():
        _upsert(MonthlyTally, "month", office_id, sector_id, month, columns)
    opened = [day for day, columns in days.items() if set(columns) & set(tallies.OPEN.values())]
    if opened:
        # Balances of months after a change no longer hold (only a change
        # dated in the past, as tests and imports make, finds any).
        earliest = min(opened)
        BalancedMonth.objects.filter(month__gt=earliest).delete()
        OpenBalance.objects.filter(month__gt=earliest).delete()


def _upsert(model, span: str, office_id: int, sector_id: int, when: dt.date, columns: dict[str, int]) -> None:
    table = model._meta.db_table
    names = ", ".join(tallies.COLUMNS)
    marks = ", ".join(["%s"] * len(tallies.COLUMNS))
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in tallies.COLUMNS)
    sql = (
        f"INSERT INTO {table} (office_id, sector_id, {span}, {names}) VALUES (%s, %s, %s, {marks}) "
        f"ON CONFLICT (office_id, sector_id, {span}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [office_id, sector_id, when, *(columns.get(c, 0) for c in tallies.COLUMNS)])


def _insert(model, span: str, rows: dict[tuple[int, int, dt.date], dict[str, int]], batch: int = 10000) -> None:
    """Plain multi-row inserts: millions of rows in a bulk rebuild."""
    table, names = model._meta.db_table, ", ".join(tallies.COLUMNS)
    marks = ", ".join(["%s"] * (3 + len(tallies.COLUMNS)))
    sql = f"INSERT INTO {table} (office_id, sector_id, {span}, {names}) VALUES ({marks})"
    values = [(*key, *(columns.get(c, 0) for c in tallies.COLUMNS)) for key, columns in rows.items()]
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch):
            cursor.executemany(sql, values[start : start + batch])


def rebuild(*, chunk: int = 5000) -> int:
    """Recount the rollups from every dossier (after a bulk import, or to
    repair them); returns the number of dossiers read."""
    daily: dict[tuple[int, int, dt.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    fields = ("pk", "competent_office_id", "procedure__sector_id", "state", "channel")
    fields += ("received_at", "due_at", "finished_at", "supplement_requests")
    seen, last = 0, 0
    while True:
        rows = list(Dossier.objects.filter(pk__gt=last).order_by("pk").values(*fields)[:chunk])
        if not rows:
            break
        last = rows[-1]["pk"]
        pks = [row["pk"] for row in rows]
        pauses: dict[int, list[PauseFacts]] = defaultdict(list)
        for p in (
            Pause.objects.filter(dossier_id__in=pks)
            .order_by("started_at")
            .values_list("dossier_id", "started_at", "ended_at", "due_before", "due_after")
        ):
            pauses[p[0]].append(PauseFacts(*p[1:]))
        events: dict[int, list] = defaultdict(list)
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


# The same numbers, recounted from the dossiers ---------------------------------


def _between(span: Period) -> tuple[dt.datetime, dt.datetime]:
    return start_of_day(span.start), start_of_day(span.end + dt.timedelta(days=1))


def _open_then(queryset: QuerySet, day: dt.date) -> QuerySet:
    """Dossiers open at the end of `day`, annotated with how they stood then
    (the SQL twin of `tallies.open_class_at`)."""
    end = start_of_day(day + dt.timedelta(days=1))
    pauses = Pause.objects.filter(dossier=OuterRef("pk"))
    started = pauses.filter(started_at__lt=end)
    return (
        queryset.filter(received_at__lt=end)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=end))
        .annotate(
            requests_then=Coalesce(
                Subquery(started.order_by().values("dossier").annotate(n=Count("pk")).values("n")), Value(0)
            ),
            paused_since=Subquery(
                started.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=end)).values("started_at")[:1]
            ),
            due_then=Coalesce(
                Subquery(pauses.filter(ended_at__lt=end).order_by("-ended_at").values("due_after")[:1]),
                Subquery(pauses.order_by("started_at").values("due_before")[:1]),
                F("due_at"),
            ),
        )
    )


def _overdue_then(day: dt.date) -> Q:
    too_many = Q(requests_then__gt=SUPPLEMENT_REQUESTS_BEFORE_OVERDUE)
    stopped_late = Q(paused_since__isnull=False, paused_since__date__gt=F("due_then__date"))
    running_late = Q(paused_since__isnull=True, due_then__lt=start_of_day(day))
    return too_many | stopped_late | running_late


_DECIDED_IN_TIME = Q(state__in=DECIDED, supplement_requests__lte=SUPPLEMENT_REQUESTS_BEFORE_OVERDUE)
_FINISHED = {
    "finished_early": _DECIDED_IN_TIME & Q(finished_at__date__lt=F("due_at__date")),
    "finished_on_time": (_DECIDED_IN_TIME & Q(finished_at__date=F("due_at__date"))) | Q(state="withdrawn"),
    "finished_late": Q(state__in=DECIDED)
    & (Q(supplement_requests__gt=SUPPLEMENT_REQUESTS_BEFORE_OVERDUE) | Q(finished_at__date__gt=F("due_at__date"))),
}


def dossiers_for(measure: str, period: Period, queryset: QuerySet | None = None, *, today=None) -> QuerySet:
    """The dossiers behind a number of the report."""
    queryset = Dossier.objects.all() if queryset is None else queryset
    span = period.until(today or timezone.localdate())
    start, end = _between(span)
    received = Q(received_at__gte=start, received_at__lt=end)
    finished = Q(finished_at__gte=start, finished_at__lt=end)
    if measure == "received":
        return queryset.filter(received)
    if measure.startswith("received_"):
        channel = {v: k for k, v in tallies.RECEIVED.items()}[measure]
        return queryset.filter(received, channel=channel)
    if measure == "finished":
        condition = Q()
        for q in _FINISHED.values():
            condition |= q
        return queryset.filter(finished, condition, received_at__isnull=False)
    if measure in _FINISHED:
        return queryset.filter(finished, _FINISHED[measure], received_at__isnull=False)
    if measure in ("refusals", "withdrawals"):
        return queryset.filter(finished, state="refused" if measure == "refusals" else "withdrawn")
    if measure in ("supplement_requests", "apologies"):
        action = {v: k for k, v in EVENT_ACTIONS.items()}[measure]
        events = DossierEvent.objects.filter(action=action, at__gte=start, at__lt=end)
        return queryset.filter(pk__in=events.values("dossier_id"))
    if measure == "carried_over":
        return _open_then(queryset, span.start - dt.timedelta(days=1))
    if measure in ("open", "open_within", "open_overdue"):
        opened = _open_then(queryset, span.end)
        if measure == "open":
            return opened
        overdue = _overdue_then(span.end)
        return opened.filter(overdue) if measure == "open_overdue" else opened.exclude(overdue)
    raise ValueError(f"No measure called {measure!r}.")


def naive_report(period: Period, offices, *, by: str = "office", today: dt.date | None = None) -> Report:
    """`report`, recounted from the dossier, pause and event tables."""
    today = today or timezone.localdate()
    if period.start > today:
        raise ValueError("The period has not begun.")
    span = period.until(today)
    key = GROUPS[by]
    base = Dossier.objects.filter(competent_office__in=list(offices))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def count(queryset: QuerySet, measure: str | None, split: str | None = None, names=None) -> None:
        rows = queryset.order_by().values(key, *([split] if split else [])).annotate(n=Count("pk", distinct=True))
        for row in rows:
            name = names[row[split]] if split else measure
            counts[row[key]][name] += row["n"]

    start, end = _between(span)
    count(dossiers_for("received", span, base, today=today), None, "channel", tallies.RECEIVED)
    classes = Case(*(When(q, then=Value(m)) for m, q in _FINISHED.items()), output_field=CharField())
    finished = dossiers_for("finished", span, base, today=today).annotate(cls=classes)
    count(finished, None, "cls", {m: m for m in _FINISHED})
    count(dossiers_for("refusals", span, base, today=today), "refusals")
    count(dossiers_for("withdrawals", span, base, today=today), "withdrawals")
    event_key = "dossier__competent_office_id" if by == "office" else "dossier__procedure__sector_id"
    events = DossierEvent.objects.filter(dossier__in=base, action__in=EVENT_ACTIONS, at__gte=start, at__lt=end)
    for row in events.values(event_key, "action").annotate(n=Count("pk")):
        counts[row[event_key]][EVENT_ACTIONS[row["action"]]] += row["n"]
    count(dossiers_for("open_within", span, base, today=today), "open_within")
    count(dossiers_for("open_overdue", span, base, today=today), "open_overdue")
    count(dossiers_for("carried_over", span, base, today=today), "carried_over")
    keys, labels = _labels(by, offices)
    return _assemble(period, span.end, by, {k: dict(v) for k, v in counts.items()}, keys, labels)


# Why late: per-stage delay and pauses -------------------------------------------


@dataclass
class Delays:
    """Where the late dossiers of a period lost their time."""

    dossiers: list[tuple[Dossier, list, object]]  # (dossier, stage times, worst stage)
    by_stage: dict[str, dict]  # stage → {"dossiers": n, "overrun": timedelta}
    pauses: list[tuple[str, int, dt.timedelta]]  # (reason, how many, working time)
    more: int = 0  # late dossiers left out of the list


def stage_delays(
    period: Period, offices, *, today: dt.date | None = None, limit: int = 500, sector_id: int | None = None
) -> Delays:
    """For the dossiers finished late in the period or overdue at its end,
    which stage overran its share of the time limit, and how long the clock
    stood paused, by reason (waiting for the citizen is not the office's)."""
    from dossiers import delays

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
            action = next((stage for stage in delays.STAGES if stage not in ends[pk]), "stamp")
        ends[pk].setdefault(action, at)
    calendars: dict[int, object] = {}
    now = timezone.now()
    listed, by_stage = [], {stage: {"dossiers": 0, "overrun": dt.timedelta(0)} for stage in delays.STAGES}
    reasons: dict[str, list] = defaultdict(lambda: [0, dt.timedelta(0)])
    for n, dossier in enumerate(found):
        office = dossier.competent_office
        calendar = calendars.setdefault(office.pk, office.calendar())
        pauses = list(dossier.pauses.all())
        first_due = tallies.first_due_at(pauses, dossier.due_at)
        times = delays.stage_times(
            received_at=dossier.received_at,
            first_due_at=first_due,
            ends=ends[dossier.pk],
            until=dossier.finished_at or now,
            pauses=[(p.started_at, p.ended_at) for p in pauses],
            shares=dossier.stage_shares,
            calendar=calendar,
        )
        for time in times:
            if time.overrun:
                by_stage[time.stage]["dossiers"] += 1
                by_stage[time.stage]["overrun"] += time.overrun
        for pause in pauses:
            spent = pause.working_time if pause.ended_at else calendar.working_time_between(pause.started_at, now)
            reasons[pause.reason][0] += 1
            reasons[pause.reason][1] += spent
        if n < limit:
            listed.append((dossier, times, delays.worst(times)))
    ordered = sorted(((r, n, t) for r, (n, t) in reasons.items()), key=lambda item: -item[2])
    return Delays(listed, by_stage, ordered, max(len(pks) - limit, 0))

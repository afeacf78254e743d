"""The working calendar: deadlines and working time at a one-stop office.

This module is pure: it takes values (the office's weekly hours, its days off
and make-up working days) and returns values. `Office.calendar()` builds a
`Calendar` from the database; everything else asks the calendar.

The rules (DESIGN "Working calendar", DOMAIN §1.4):

- Working time is office hours on working days: by default Monday to Friday
  07:00–11:30 and 13:30–17:00, i.e. 8 hours, which is one working day; an
  office may also open on Saturday morning, and those hours count too.
- A day off (public holiday, compensatory day, emergency closure) has no hours,
  even if it is a Saturday; a make-up working day (the Saturday that pays for
  a bridged holiday) is worked with the weekday hours.
- Working days and working hours are counted in working time (1.5 working days
  = 12 working hours). The deadline is the moment the limit is used up, so a
  limit that is used up at closing time ends at closing time, not at the next
  opening.
- Calendar days end at the close of the N-th day after the clock starts; a
  deadline never lands on a day off, it moves to the close of the next working
  day.
- Months end at the close of the same date N months after the clock starts,
  or of the month's last day when it is shorter (31/01 + 1 month = 28/02),
  moved like calendar days to the next working day if that is a day off
  (Civil Code 2015 Art. 147–148, the rule the law uses for any period in
  months; 14 national records publish limits in "Tháng").
- "Same day" ends at the close of the day of receipt if the clock starts
  before 15:00, otherwise at the close of the next working day (birth
  registration, 1.001193; copies of civil-status extracts, 2.000635).
- Receipt outside office hours starts the clock at the next opening.
- A calendar built with `known_years` (as `Office.calendar()` builds it)
  counts only through those years: any other raises `CalendarMissing`,
  because a year whose public holidays were never loaded would silently
  count Tết as a working week.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

Span = tuple[dt.time, dt.time]

WORKING_DAY = dt.timedelta(hours=8)
SAME_DAY_CUTOFF = dt.time(15, 0)
DEFAULT_WEEKDAY_HOURS: tuple[Span, ...] = (
    (dt.time(7, 0), dt.time(11, 30)),
    (dt.time(13, 30), dt.time(17, 0)),
)
# A calendar with no working day in this many days is misconfigured; stop
# instead of looping for ever.
_HORIZON_DAYS = 3 * 366


class CalendarMissing(Exception):
    """A deadline or a span of working time reaches into a year whose public
    holidays are not loaded."""

    def __init__(self, year: int, country: str = "") -> None:
        self.year, self.country = year, country
        super().__init__(
            _(
                "The working calendar of %(year)s is not set up yet, so no deadline can be counted into it: "
                "an administrator loads its public holidays (manage.py seed_holidays --country %(country)s "
                "--years %(year)s), then checks them."
            )
            % {"year": year, "country": country or "VN"}
        )


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    MONTHS = "months", _("months")
    SAME_DAY = "same_day", _("same day (15:00 cut-off)")


@dataclass(frozen=True)
class TimeLimit:
    """A procedure's time limit for one channel: an amount and a unit."""

    amount: Decimal
    unit: TimeUnit

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", Decimal(self.amount))
        object.__setattr__(self, "unit", TimeUnit(self.unit))
        if self.amount < 0:
            raise ValueError("a time limit cannot be negative")
        if self.unit == TimeUnit.MONTHS and self.amount != int(self.amount):
            raise ValueError("a time limit in months is a whole number of months")

    def working_time(self) -> dt.timedelta:
        """The limit as working time, for the two units counted that way."""
        if self.unit == TimeUnit.WORKING_DAYS:
            hours = self.amount * 8
        elif self.unit == TimeUnit.WORKING_HOURS:
            hours = self.amount
        else:
            raise ValueError(f"{self.unit} is not counted in working time")
        return dt.timedelta(seconds=int(hours * 3600))

    def __str__(self) -> str:
        amount = format_amount(self.amount)
        count = int(self.amount) if self.amount == int(self.amount) else 2
        if self.unit == TimeUnit.WORKING_DAYS:
            template = ngettext("%(amount)s working day", "%(amount)s working days", count)
        elif self.unit == TimeUnit.WORKING_HOURS:
            template = ngettext("%(amount)s working hour", "%(amount)s working hours", count)
        elif self.unit == TimeUnit.CALENDAR_DAYS:
            template = ngettext("%(amount)s calendar day", "%(amount)s calendar days", count)
        elif self.unit == TimeUnit.MONTHS:
            template = ngettext("%(amount)s month", "%(amount)s months", count)
        else:
            return str(_("same day (15:00 cut-off)"))
        return template % {"amount": amount}


def format_amount(amount: Decimal) -> str:
    """1 → "1", 1.50 → "1.5": no trailing zeros."""
    text = f"{Decimal(amount):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class WorkingWeek:
    """Office hours of an ordinary week: the same spans Monday to Friday,
    optionally a Saturday morning, nothing on Sunday."""

    weekday: tuple[Span, ...] = DEFAULT_WEEKDAY_HOURS
    saturday: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        for spans in (self.weekday, self.saturday):
            previous_end = dt.time(0, 0)
            for start, end in spans:
                if not previous_end <= start < end:
                    raise ValueError("office hours must be increasing, non-empty spans")
                previous_end = end
        if not self.weekday:
            raise ValueError("an office needs weekday hours")


@dataclass(frozen=True)
class ClosedPeriod:
    """A run of consecutive days without office hours that holds at least one
    day off, named after its days off: "Tết Nguyên Đán, 14/02–22/02"."""

    first_day: dt.date
    last_day: dt.date
    name: str

    def __str__(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.name} {self.first_day:%d/%m}"
        return f"{self.name} {self.first_day:%d/%m}–{self.last_day:%d/%m}"


@dataclass(frozen=True)
class Deadline:
    """A deadline and what it was computed from, so that it can explain itself."""

    limit: TimeLimit
    received_at: dt.datetime
    clock_started_at: dt.datetime
    due_at: dt.datetime
    closed_periods: tuple[ClosedPeriod, ...] = field(default=())


class Calendar:
    """The working calendar of one office."""

    def __init__(
        self,
        week: WorkingWeek | None = None,
        days_off: Mapping[dt.date, str] | None = None,
        working_days: Mapping[dt.date, str] | None = None,
        tz: dt.tzinfo | str = "Asia/Ho_Chi_Minh",
        *,
        known_years: Collection[int] | None = None,
        country: str = "",
    ) -> None:
        self.week = week or WorkingWeek()
        self.days_off = dict(days_off or {})
        self.working_days = dict(working_days or {})
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        # None: every year counts as known (a calendar built by hand, in tests).
        self.known_years = None if known_years is None else frozenset(known_years)
        self.country = country

    # Days -----------------------------------------------------------------

    def spans_on(self, day: dt.date) -> tuple[Span, ...]:
        """Office hours on one day (empty on a day off)."""
        if self.known_years is not None and day.year not in self.known_years:
            raise CalendarMissing(day.year, self.country)
        if day in self.days_off:
            return ()
        if day in self.working_days:
            return self.week.weekday
        weekday = day.weekday()
        if weekday < 5:
            return self.week.weekday
        if weekday == 5:
            return self.week.saturday
        return ()

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self.spans_on(day))

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        for offset in range(1, _HORIZON_DAYS):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_HORIZON_DAYS} days after {day}")

    def closing_time(self, day: dt.date) -> dt.datetime:
        """The end of office hours on a working day."""
        spans = self.spans_on(day)
        if not spans:
            raise ValueError(f"{day} is not a working day")
        return dt.datetime.combine(day, spans[-1][1], tzinfo=self.tz)

    # Working time ---------------------------------------------------------

    def working_intervals(self, start: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Non-empty stretches of office hours from `start` on, in order."""
        start = self._local(start)
        day = start.date()
        for _offset in range(_HORIZON_DAYS):
            for open_at, close_at in self.spans_on(day):
                begin = dt.datetime.combine(day, open_at, tzinfo=self.tz)
                end = dt.datetime.combine(day, close_at, tzinfo=self.tz)
                begin = max(begin, start)
                if begin < end:
                    yield begin, end
            day += dt.timedelta(days=1)
        raise ValueError(f"no office hours within {_HORIZON_DAYS} days after {start}")

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself during office hours, otherwise the next opening."""
        begin, _end = next(self.working_intervals(moment))
        return begin

    def add_working_time(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """The moment `amount` of working time after `start` is used up."""
        if amount < dt.timedelta(0):
            raise ValueError("cannot add negative working time")
        if not amount:
            # Nothing to add: a due date at closing time stays at closing time.
            return self._local(start)
        remaining = amount
        for begin, end in self.working_intervals(start):
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
        raise AssertionError("unreachable: working_intervals raises first")

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time from `start` to `end` (zero if `end` is not later)."""
        total = dt.timedelta(0)
        end = self._local(end)
        if end <= start:
            return total
        for begin, close in self.working_intervals(start):
            if begin >= end:
                break
            total += min(close, end) - begin
            if close >= end:
                break  # done: no need to look at the next day (it may be in a year not loaded)
        return total

    # Deadlines ------------------------------------------------------------

    def deadline(self, received_at: dt.datetime, limit: TimeLimit) -> Deadline:
        """When a dossier received at `received_at` under `limit` is due."""
        received_at = self._local(received_at)
        clock_started_at = self.next_opening(received_at)
        if limit.unit in (TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS):
            due_at = self.add_working_time(clock_started_at, limit.working_time())
        elif limit.unit == TimeUnit.CALENDAR_DAYS:
            due_day = clock_started_at.date() + dt.timedelta(days=int(limit.amount))
            if not self.is_working_day(due_day):
                due_day = self.next_working_day(due_day)
            due_at = self.closing_time(due_day)
        elif limit.unit == TimeUnit.MONTHS:
            due_day = add_months(clock_started_at.date(), int(limit.amount))
            if not self.is_working_day(due_day):
                due_day = self.next_working_day(due_day)
            due_at = self.closing_time(due_day)
        else:
            day = clock_started_at.date()
            if clock_started_at.time() >= SAME_DAY_CUTOFF:
                day = self.next_working_day(day)
            due_at = self.closing_time(day)
        return Deadline(
            limit=limit,
            received_at=received_at,
            clock_started_at=clock_started_at,
            due_at=due_at,
            closed_periods=tuple(self.closed_periods(received_at.date(), due_at.date())),
        )

    def closed_periods(self, first_day: dt.date, last_day: dt.date) -> list[ClosedPeriod]:
        """The runs of closed days, holding a day off, that touch the given days.

        A run reaches over the weekends next to it, as people say it: Tết 2026
        is 14/02–22/02 although the days off proper are 16/02–20/02.
        """
        periods: list[ClosedPeriod] = []
        day = first_day
        while day <= last_day:
            if day in self.days_off:
                begin = day
                while not self.is_working_day(begin - dt.timedelta(days=1)):
                    begin -= dt.timedelta(days=1)
                end = day
                while not self.is_working_day(end + dt.timedelta(days=1)):
                    end += dt.timedelta(days=1)
                names = [self.days_off[d] for d in _days(begin, end) if d in self.days_off]
                periods.append(ClosedPeriod(begin, end, _common_name(names)))
                day = end + dt.timedelta(days=1)
            else:
                day += dt.timedelta(days=1)
        return periods

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("the calendar needs timezone-aware datetimes")
        return moment.astimezone(self.tz)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same date `months` later, or that month's last day when it is
    shorter: 31/01/2026 + 1 → 28/02/2026; 30/11/2026 + 3 → 28/02/2027."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _common_name(names: list[str]) -> str:
    """One name for a run of days off: the shared words of their names
    ("Giao thừa Tết Nguyên Đán", "Mùng hai Tết Nguyên Đán" → "Tết Nguyên Đán"),
    or the distinct names joined when they share nothing worth saying."""
    distinct = list(dict.fromkeys(names))
    if len(distinct) == 1:
        return distinct[0]
    shared = _longest_common_words(distinct)
    if len(shared) >= 2 or (shared and shared[0].lower() not in _GENERIC_WORDS):
        return " ".join(shared)
    return " + ".join(distinct)


_GENERIC_WORDS = {"ngày", "nghỉ", "day", "holiday", "off", "(observed)", "(nghỉ", "bù)"}


def _longest_common_words(names: list[str]) -> list[str]:
    first, *others = [name.split() for name in names]
    best: list[str] = []
    for i in range(len(first)):
        for j in range(len(first), i + len(best), -1):
            candidate = first[i:j]
            if all(_contains(words, candidate) for words in others):
                best = candidate
                break
    return best


def _contains(words: list[str], part: list[str]) -> bool:
    return any(words[k : k + len(part)] == part for k in range(len(words) - len(part) + 1))

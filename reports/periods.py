"""Periods of the timeliness report: a month, a quarter, a year or any
dates, both ends included, in the portal's time zone; the periods a
supervisor picks from; and the one rule for a period someone asks for
(`requested`), which the report pages and the API both apply."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class PeriodError(ValueError):
    """A period nobody can report on, with the field to blame ("start",
    "end") and a message for the person."""

    def __init__(self, message: object, field: str = "") -> None:
        super().__init__(str(message))
        self.message, self.field = str(message), field


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


def requested(start: dt.date | None, end: dt.date | None, today: dt.date) -> Period:
    """The period from `start` to `end` as someone asked for it; raise
    PeriodError saying what is wrong: a missing day, a last day before the
    first, a period that has not begun, or one before the portal's time."""
    if start is None or end is None:
        raise PeriodError(_("Give both the first and the last day of the period."), "start" if start is None else "end")
    if end < start:
        raise PeriodError(_("The last day comes before the first."), "end")
    return begun(Period(start, end), today)


def begun(period: Period, today: dt.date) -> Period:
    """`period`, if it has begun by `today` and starts after EARLIEST."""
    if period.start > today:
        raise PeriodError(_("This period has not begun."), "start")
    if period.start < EARLIEST:
        raise PeriodError(_("Reports start on %(day)s at the earliest.") % {"day": f"{EARLIEST:%d/%m/%Y}"}, "start")
    return period


# No dossier predates the one-stop mechanism (Decision 93/2007/QĐ-TTg); a
# period starting earlier is a typo, and would make the report read decades.
EARLIEST = dt.date(2000, 1, 1)

"""How long an online dossier has waited for the counter's check.

An online dossier waits from its submission until a clerk receives it (or
asks for more, or refuses it). The wait is counted in the receiving
office's working time, as deadlines are: a dossier sent on Friday at 16:00
and still waiting on Monday at 09:00 has waited three working hours (16:00
to 17:00 on Friday, 07:00 to 09:00 on Monday), not three days. More than
half a working day (`LONG_WAIT`) and the workspace counts it apart, so that
Friday's submissions do not sit unseen until someone opens the list.

Pure: values in, values out; the calendar is the office's
(`Office.calendar()`), read once per page.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import ngettext

from dossiers.states import State
from portal.calendar import WORKING_DAY, Calendar, CalendarMissing

LONG_WAIT = WORKING_DAY / 2
# How far back `waiting_since` looks for office hours (a month of holidays and more).
_LOOK_BACK_DAYS = 60


def since(state: str, submitted_at: dt.datetime | None) -> dt.datetime | None:
    """When the dossier started waiting for the counter: its submission,
    while it is still `submitted`; None once the counter has taken it up."""
    return submitted_at if state == State.SUBMITTED else None


def waited(calendar: Calendar | None, start: dt.datetime | None, now: dt.datetime) -> dt.timedelta | None:
    """Working time from `start` to `now` at the office of `calendar`; None
    when there is no wait or the calendar of a year it spans is not loaded."""
    if calendar is None or start is None:
        return None
    try:
        return calendar.working_time_between(start, now)
    except CalendarMissing:
        return None


def is_long(wait: dt.timedelta | None) -> bool:
    return wait is not None and wait > LONG_WAIT


def waiting_since(calendar: Calendar, now: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The moment before which a dossier has waited more than `amount` of
    working time by `now`: a dossier submitted at `t` has waited longer
    exactly when `t` is earlier. Walks back through office hours; raises
    CalendarMissing when it reaches a year not loaded."""
    now = now.astimezone(calendar.tz)
    remaining = amount
    day = now.date()
    for _offset in range(_LOOK_BACK_DAYS):
        for open_at, close_at in reversed(calendar.spans_on(day)):
            begin = dt.datetime.combine(day, open_at, tzinfo=calendar.tz)
            end = min(dt.datetime.combine(day, close_at, tzinfo=calendar.tz), now)
            if end <= begin:
                continue
            # Strictly less: when `amount` ends exactly at an opening, the
            # night before it adds nothing, and the moment is the closing before.
            if remaining < end - begin:
                return end - remaining
            remaining -= end - begin
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0), tzinfo=calendar.tz)


def describe(wait: dt.timedelta) -> str:
    """The wait in words: working days (one decimal) from a day on, working
    hours under a day, minutes under an hour — "1,5 ngày làm việc"."""
    if wait >= WORKING_DAY:
        days = _one_decimal(wait / WORKING_DAY)
        return ngettext("%(amount)s working day", "%(amount)s working days", 1 if days == 1 else 2) % {
            "amount": _amount(days)
        }
    if wait >= dt.timedelta(hours=1):
        hours = _one_decimal(wait / dt.timedelta(hours=1))
        return ngettext("%(amount)s working hour", "%(amount)s working hours", 1 if hours == 1 else 2) % {
            "amount": _amount(hours)
        }
    minutes = int(wait.total_seconds() // 60)
    return ngettext("%(amount)s working minute", "%(amount)s working minutes", minutes) % {"amount": minutes}


def _one_decimal(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _amount(value: Decimal) -> str:
    """1 → "1", 1.5 → "1,5" in Vietnamese (the decimal mark of the language)."""
    return str(int(value)) if value == value.to_integral_value() else number_format(value, decimal_pos=1)

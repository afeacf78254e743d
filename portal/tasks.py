"""Background work of the organisation: keeping the working calendar a year
ahead. Scheduled each 1 January (portal/migrations/0008); safe to run again."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from portal.models import CalendarDay, HolidaysUnknown, Office


def holiday_countries() -> list[str]:
    """The countries whose holidays close an active office, and the default one."""
    used = set(Office.objects.filter(is_active=True).values_list("holiday_country", flat=True))
    return sorted(used | {settings.HOLIDAY_COUNTRY})


def load_public_holidays_ahead() -> str:
    """Load the public holidays of this year and the next for every country
    in use: deadlines received in December reach into January."""
    year = timezone.localdate().year
    loaded = []
    for country in holiday_countries():
        try:
            CalendarDay.seed_public_holidays(country, [year, year + 1])
        except HolidaysUnknown:
            continue  # entered by hand, or not at all: the system check says so
        loaded.append(country)
    return f"{', '.join(loaded)} {year}–{year + 1}"

"""Public holidays of a country and year, from the `holidays` package.

The package lists days off, compensatory days and substituted days off, but
not the make-up working Saturdays that pay for a substituted day: those show
only in the substituted day's English name, "Day off (substituted from
04/26/2025)". They are read from there, so that the calendar knows the
Saturday is worked.
"""

import datetime as dt
import re
from dataclasses import dataclass

import holidays
from django.utils.translation import gettext as _

_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@dataclass(frozen=True)
class PublicDay:
    date: dt.date
    is_working_day: bool
    name: str


def public_days(country: str, year: int, language: str | None = None) -> list[PublicDay]:
    """The days off and make-up working days of `country` in `year`, named in
    `language` where the package has it, else in the country's own language."""
    english = holidays.country_holidays(country, years=year, language="en_US")
    languages = getattr(english, "supported_languages", ())
    local_language = language if language in languages else english.default_language
    local = holidays.country_holidays(country, years=year, language=local_language)
    days = [PublicDay(date, False, local.get(date, name)) for date, name in sorted(english.items())]
    for date, name in sorted(english.items()):
        for match in _SUBSTITUTED.finditer(name):
            month, day, year_ = (int(part) for part in match.groups())
            worked = dt.date(year_, month, day)
            days.append(PublicDay(worked, True, _("Make-up working day for %(date)s") % {"date": f"{date:%d/%m/%Y}"}))
    return sorted(days, key=lambda d: d.date)

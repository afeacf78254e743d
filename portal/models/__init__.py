"""The organisation's models: people, offices and staff roles, the working
calendar's exceptional days and loaded years, and API keys."""

from portal.models.calendar_days import CalendarDay, CalendarYear, HolidaysUnknown
from portal.models.offices import (
    Membership,
    Office,
    OfficeQuerySet,
    calendars_of,
    default_holiday_country,
    default_language,
    office_code_validator,
)
from portal.models.people import User
from portal.models.tokens import ApiToken, ApiTokenQuerySet

__all__ = [
    "ApiToken",
    "ApiTokenQuerySet",
    "CalendarDay",
    "CalendarYear",
    "HolidaysUnknown",
    "Membership",
    "Office",
    "OfficeQuerySet",
    "User",
    "calendars_of",
    "default_holiday_country",
    "default_language",
    "office_code_validator",
]

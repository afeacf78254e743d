"""The portal's own system checks: its settings for deployment
(`manage.py check --deploy`), and a working calendar loaded a year ahead
(every `manage.py check`, `migrate` and `runserver`; a WSGI server runs no
checks, so the deployment steps in the README run `check --deploy`)."""

from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """QR codes on slips and links in messages point at SITE_URL."""
    host = urlparse(settings.SITE_URL).hostname or ""
    if host in {"localhost", "127.0.0.1", "::1"} or not settings.SITE_URL.startswith("https://"):
        return [
            Warning(
                "SITE_URL is not a public https address; the QR codes on slips and the links in messages use it.",
                hint="Set SITE_URL, e.g. https://motcua.example.gov.vn",
                id="portal.W001",
            )
        ]
    return []


@register("calendar")
def calendar_years_loaded(app_configs, **kwargs):
    """Deadlines are counted only through years whose public holidays are
    loaded; this year and the next must be, for every country in use."""
    from portal.models import CalendarYear
    from portal.tasks import holiday_countries

    year = timezone.localdate().year
    try:
        missing = CalendarYear.missing(holiday_countries(), [year, year + 1])
    except DatabaseError:
        return []  # no tables yet: `migrate` loads the calendar
    return [
        Warning(
            f"The public holidays of {country} for {missing_year} are not loaded: no deadline can be counted "
            "into that year.",
            hint=f"manage.py seed_holidays --country {country} --years {missing_year}, then check the days "
            "in the administration site (Calendar days).",
            id="portal.W002",
        )
        for country, missing_year in missing
    ]

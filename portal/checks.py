"""The portal's own system checks: its settings for deployment
(`manage.py check --deploy`); with DEBUG off, messages that really leave and
a cache every worker shares (errors: `check`, `migrate` and `runserver`
refuse to go on); and a working calendar loaded a year ahead (every
`manage.py check`, `migrate` and `runserver`; a WSGI server runs no checks,
so the deployment steps in the README run `check --deploy`)."""

from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone
from django.utils.module_loading import import_string

from portal import mail, sms


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


@register(Tags.security)
def messages_leave(app_configs, **kwargs):
    """With DEBUG off an email or SMS marked sent must have left: a console,
    memory or file backend marks it sent and keeps it here (and writes a
    citizen's one-time code to the log). Only ALLOW_CONSOLE_MESSAGES, for a
    demonstration server, lets the console backends through, with a warning.
    In development (DEBUG on) the console backends are the point."""
    if settings.DEBUG:
        return []
    found = []
    if settings.EMAIL_BACKEND in mail.NOT_SENT:
        found.append(
            _kept_here(
                "EMAIL_BACKEND",
                settings.EMAIL_BACKEND,
                console=settings.EMAIL_BACKEND in mail.CONSOLE,
                numbers=("E001", "W003"),
                hint="Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST, EMAIL_PORT, "
                "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS.",
            )
        )
    try:
        backend = import_string(settings.SMS_BACKEND)
    except ImportError as error:
        return [
            *found,
            Error(
                f"SMS_BACKEND {settings.SMS_BACKEND} cannot be imported: {error}",
                hint="Set SMS_BACKEND to the dotted path of the gateway's class, which has send(phone, text).",
                id="portal.E004",
            ),
        ]
    if isinstance(backend, type) and issubclass(backend, sms.NOT_SENT):
        found.append(
            _kept_here(
                "SMS_BACKEND",
                settings.SMS_BACKEND,
                console=issubclass(backend, sms.ConsoleBackend),
                numbers=("E002", "W004"),
                hint="Set SMS_BACKEND to the dotted path of the SMS gateway's class, which has send(phone, text) "
                "and raises when the gateway refuses the message.",
            )
        )
    return found


def _kept_here(setting: str, backend: str, *, console: bool, numbers: tuple[str, str], hint: str):
    error, warning = numbers
    if console and getattr(settings, "ALLOW_CONSOLE_MESSAGES", False):
        return Warning(
            f"{setting} is {backend} and ALLOW_CONSOLE_MESSAGES is set: messages, one-time codes included, go to "
            "the log and reach nobody.",
            hint=f"Right for a demonstration server only. {hint}",
            id=f"portal.{warning}",
        )
    demo = " A demonstration server that reaches nobody may set ALLOW_CONSOLE_MESSAGES=true instead." if console else ""
    return Error(
        f"{setting} is {backend}: no message leaves this machine, yet each is marked sent.",
        hint=hint + demo,
        id=f"portal.{error}",
    )


PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches)
def cache_is_shared(app_configs, **kwargs):
    """Every attempt limit (sign-in, tracking, /verify/, one-time codes, the
    API's rates) lives in the default cache: in memory, each worker would
    count on its own, and four workers would allow four times the tries."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The default cache is {backend}: each worker keeps its own, so every attempt limit is multiplied "
            "by the number of workers (or, with DummyCache, not kept at all).",
            hint="Leave CACHE_URL unset for the database cache (its table is created by migrate), or set "
            "CACHE_URL=redis://host:6379/1.",
            id="portal.E003",
        )
    ]


@register(Tags.security, deploy=True)
def signatures_are_real(app_configs, **kwargs):
    """Slips and results signed by the development CA are not legally
    valid: production installs each office's certificate (portal/signing.py)."""
    found = []
    if settings.PDF_SIGNING_DEVELOPMENT_CA:
        found.append(
            Warning(
                "Documents are signed by the development certificate authority: they are not legally valid.",
                hint="Install each office's PKCS#12 file in PDF_SIGNING_KEYS_DIR, list the issuing authorities in "
                "PDF_SIGNING_TRUST_ROOTS and set PDF_SIGNING_DEVELOPMENT_CA=false.",
                id="portal.W005",
            )
        )
    if not settings.PDF_SIGNING_PASSPHRASE:
        found.append(
            Warning(
                "The offices' key files are not protected by a passphrase.",
                hint="Set PDF_SIGNING_PASSPHRASE (from the environment, never in the repository).",
                id="portal.W006",
            )
        )
    return found

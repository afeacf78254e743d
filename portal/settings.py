"""Settings for the one-stop portal, read from environment variables.

With no environment at all the portal runs for development: SQLite in the
project folder, the ORM broker for background tasks, DEBUG on and a
development secret key. Setting SECRET_KEY switches DEBUG off unless DEBUG is
set explicitly, and the portal refuses to start with DEBUG off and the
development key. The README lists every variable.

The module is long because it is the one settings module (CONVENTIONS §2):
every setting of every app is here, beside the reason for its default.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
DEBUG = env_bool("DEBUG", SECRET_KEY == DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: set SECRET_KEY to a long random value, or DEBUG=true for development."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "django_q",
    "portal",
    "procedures",
    "dossiers",
    "citizens",
    "reports",
    "api",
    "petitions",
]

MIDDLEWARE = [
    # First: a body over REQUEST_MAX_BYTES is refused before anything reads it.
    "portal.middleware.LimitRequestBody",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.RefuseNulCharacters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.SecurityHeaders",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "citizens.views.kiosk.kiosk_context",
            ],
        },
    },
]

# SQLite by default; PostgreSQL (the production choice) through DATABASE_URL.
# In production a worker keeps its connection for a minute instead of opening
# one per request (a PostgreSQL connection costs a few milliseconds and a
# process on the server); before reusing one it checks that the connection
# still works, so a database restart or a proxy's idle cut costs one
# reconnect, not a failed request. The development server opens a thread
# per request: there every connection closes with its request.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task cluster write at the same time: WAL lets
    # readers go on during a write, IMMEDIATE takes the write lock up front so
    # that two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# A read replica for the reports and exports (portal/replicas.py): with
# REPLICA_DATABASE_URL set, the report pages, the report API and the exports
# made in the task cluster read from it; every write, and every other read,
# stays on the primary. Nothing migrates the replica: replication does.
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["REPLICA_DATABASE_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
DATABASE_ROUTERS = ["portal.replicas.ReportReadsRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = ["portal.auth.RoleBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        # A citizen's username is their phone number or email address: the
        # message then names what they typed ("too similar to the phone number").
        "OPTIONS": {"user_attributes": ("phone", "email", "full_name", "username")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.CommonLocalPasswordValidator"},
    {"NAME": "portal.passwords.PersonalNumberValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Vietnamese by default; Thai and English for everyone else. Source strings
# are English.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English")), ("th", _("Thai"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# Working calendar: the country whose public holidays seed the calendar of a
# new office (an ISO code the `holidays` package knows: VN, TH, ...).
HOLIDAY_COUNTRY = os.environ.get("HOLIDAY_COUNTRY", "VN")

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Citizens' scans and issued slips: never served as media, only through the
# views that check who may see them.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
# Digital signatures (portal/signing.py): one PKCS#12 file per office in the
# keys folder, never in the database. The development CA signs out of the box
# and is refused by `check --deploy` (portal/checks.py).
PDF_SIGNING_BACKEND = os.environ.get("PDF_SIGNING_BACKEND", "portal.signing.Pkcs12Files")
PDF_SIGNING_KEYS_DIR = Path(os.environ.get("PDF_SIGNING_KEYS_DIR", BASE_DIR / "var" / "keys"))
PDF_SIGNING_PASSPHRASE = os.environ.get("PDF_SIGNING_PASSPHRASE", "development" if DEBUG else "")
PDF_SIGNING_DEVELOPMENT_CA = env_bool("PDF_SIGNING_DEVELOPMENT_CA", True)
PDF_SIGNING_TRUST_ROOTS = [name for name in os.environ.get("PDF_SIGNING_TRUST_ROOTS", "").split(",") if name]
PDF_SIGNING_TSA_URL = os.environ.get("PDF_SIGNING_TSA_URL", "")

# Files on the filesystem by default; on S3-compatible object storage
# (django-storages) when S3_BUCKET is set: public files under media/, the
# private ones under private/, never public (each handed out by the portal's
# own views, as on the filesystem).
S3_BUCKET = os.environ.get("S3_BUCKET", "")


def _s3(location: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "location": location,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": location != "media",
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": (_s3("media") if S3_BUCKET else {"BACKEND": "django.core.files.storage.FileSystemStorage"}),
    "private": (
        _s3("private")
        if S3_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Messages: with DEBUG on the console backends write them to the log (the
# phone number and address masked); with DEBUG off the portal refuses to
# start unless EMAIL_BACKEND and SMS_BACKEND really send (portal/checks.py).
# ALLOW_CONSOLE_MESSAGES=true lets a demonstration server without a gateway
# run with DEBUG off: its messages, one-time codes included, go to the log
# and reach nobody.
ALLOW_CONSOLE_MESSAGES = env_bool("ALLOW_CONSOLE_MESSAGES", False)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "portal.mail.ConsoleBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
# SMS: a class with send(phone, text) for the gateway (portal/sms.py).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "portal.sms.ConsoleBackend")

# The cache holds every attempt limit (sign-in, tracking, /verify/, API
# rates): it must be shared by every worker. Redis when CACHE_URL is set,
# otherwise a table in the database (created by `migrate`); a system check
# refuses per-process memory with DEBUG off.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
    )
}
# The reverse proxies in front of the portal: how many, and the header they
# append the client's address to (portal/clients.py). 0 ignores the header.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "X-Forwarded-For")

# Background work: the ORM broker by default, Redis when REDIS_URL is set.
# "retry" must exceed "timeout" or a slow task is picked up twice.
Q_CLUSTER = {
    "name": "portal",
    # One worker per core by default: a task is Python (a PDF, an XLSX) more
    # than waiting.
    "workers": env_int("Q_WORKERS", os.cpu_count() or 2),
    "timeout": 60,
    "retry": 120,
    "max_attempts": 5,
    "poll": 0.2,
    "catch_up": False,
    "sync": env_bool("Q_SYNC", False),
    "save_limit": 1000,
}
if os.environ.get("REDIS_URL"):
    Q_CLUSTER["redis"] = os.environ["REDIS_URL"]
else:
    Q_CLUSTER["orm"] = "default"

# The REST API (/api/v1/, see api/rest.py). Keys from POST /api/v1/auth/token/
# last API_TOKEN_DAYS days. Rates per client address (anonymous) or account.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
# A partner system's key (manage.py issue_api_key) expires too.
PARTNER_KEY_DAYS = env_int("PARTNER_KEY_DAYS", 365)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.rest.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.rest.SignedIn"],
    "DEFAULT_THROTTLE_CLASSES": ["api.rest.AccountThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_USER_RATE", "1200/min"),
        "public": os.environ.get("API_PUBLIC_RATE", "120/min"),
        "sign_in": os.environ.get("API_SIGN_IN_RATE", "10/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "api.rest.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "api.rest.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.rest.handle_exception",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "One-stop portal API",
    "DESCRIPTION": (
        "The procedure catalogue, dossiers and their transitions, official slips, public tracking, "
        "timeliness reports, and life events reported by partner systems. Errors always answer "
        '{"error": {"code", "message", "fields"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.document_errors"],
    "ENUM_NAME_OVERRIDES": {
        "OfficeLevelEnum": "portal.models.Office.Level",
        "ProcedureLevelEnum": "procedures.models.Procedure.Level",
        "DocumentKindEnum": "procedures.models.RequiredDocument.Kind",
        "ProcedureStatusEnum": "procedures.models.Procedure.Status",
        "DossierActionEnum": "api.serializers.ACTION_CHOICES",
        "PaymentStateEnum": "dossiers.models.PaymentState",
        "PaymentMethodEnum": "dossiers.models.PaymentMethod",
        **{"ChannelEnum": "procedures.models.Channel", "StateEnum": "dossiers.states.State"},
        **{f"LineCase{name}Enum": f"petitions.models.{name}" for name in ("Kind", "State", "Channel")},
    },
}

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=true.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Sent by SecurityMiddleware (these are Django's defaults, said out loud);
# Content-Security-Policy, Permissions-Policy and Cache-Control come from
# portal.middleware.SecurityHeaders.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind a front server that passes the public host name on in
# X-Forwarded-Host (deploy/nginx.conf); ALLOWED_HOSTS still applies to it.
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)

# Kiosk mode for a terminal in a commune hall: large type, and a reset after
# this many seconds without use. KIOSK_MODE makes the whole site a kiosk;
# otherwise /kiosk/ turns it on for one browser.
KIOSK_MODE = env_bool("KIOSK_MODE", False)
KIOSK_IDLE_SECONDS = env_int("KIOSK_IDLE_SECONDS", 120)
# The office (its code) whose counter a kiosk stands at: its start page shows
# the procedures that counter receives most. /kiosk/?office=CODE sets it for
# one terminal; without either, the dossiers of every office count.
KIOSK_OFFICE = os.environ.get("KIOSK_OFFICE", "")
# The birth registration a hospital's report of a birth prepares (citizens/life_events.py).
BIRTH_REGISTRATION_PROCEDURE = os.environ.get("BIRTH_REGISTRATION_PROCEDURE", "1.001193")
# An agency that will miss a due date may re-appoint this many times with an
# apology (Decree 107/2021: once); the original due date stays the measure.
DOSSIER_MAX_REAPPOINTMENTS = env_int("DOSSIER_MAX_REAPPOINTMENTS", 1)

# Fees paid online (dossiers/gateways.py): a gateway speaking the VNPay 2.1.0
# protocol, one merchant per province. PAYMENT_MERCHANTS names each province
# office's merchant code (TmnCode) and secret: "H12=PORTALH12:secret,H13=...";
# "*" stands for every province without its own. Secrets stay in the
# environment: never in the database, never in a log line.
# PAYMENT_SIMULATOR installs the local gateway simulator (gatewaysim/) at
# /gateway-sim/ and, unless the gateway's addresses are given, sends
# payments there: for development, demonstrations and tests only.
PAYMENT_SIMULATOR = env_bool("PAYMENT_SIMULATOR", False)


def _merchants(text: str) -> dict[str, tuple[str, str]]:
    merchants = {}
    for item in text.split(","):
        province, _eq, rest = item.strip().partition("=")
        code, _colon, secret = rest.partition(":")
        if province and code and secret:
            merchants[province.strip()] = (code.strip(), secret.strip())
        elif item.strip():
            raise ImproperlyConfigured("PAYMENT_MERCHANTS: write each as PROVINCE=TMNCODE:SECRET, separated by commas")
    return merchants


PAYMENT_MERCHANTS = _merchants(os.environ.get("PAYMENT_MERCHANTS", ""))
if PAYMENT_SIMULATOR and not PAYMENT_MERCHANTS:
    PAYMENT_MERCHANTS = {"*": ("PORTALSIM", "simulator-secret-for-development-only")}
_GATEWAY = f"{SITE_URL}/gateway-sim" if PAYMENT_SIMULATOR else "https://sandbox.vnpayment.vn"
PAYMENT_GATEWAY_URL = os.environ.get("PAYMENT_GATEWAY_URL", f"{_GATEWAY}/paymentv2/vpcpay.html")
PAYMENT_GATEWAY_API_URL = os.environ.get("PAYMENT_GATEWAY_API_URL", f"{_GATEWAY}/merchant_webapi/api/transaction")
# An attempt the gateway has not answered is asked about after this long,
# and expires once the gateway says it was never paid.
PAYMENT_ATTEMPT_MINUTES = env_int("PAYMENT_ATTEMPT_MINUTES", 15)
# Where the simulator sends its notifications (the gateway's IPN address,
# set in the merchant's account at the real one), and how late a late one is.
PAYMENT_SIMULATOR_IPN_URL = os.environ.get("PAYMENT_SIMULATOR_IPN_URL", f"{SITE_URL}/payments/ipn/")
PAYMENT_SIMULATOR_LATE_SECONDS = env_int("PAYMENT_SIMULATOR_LATE_SECONDS", 5)
if PAYMENT_SIMULATOR:
    INSTALLED_APPS.append("gatewaysim")
# The series (ký hiệu) printed on the office's fee receipts; {year}: two digits.
FEE_RECEIPT_SERIES = os.environ.get("FEE_RECEIPT_SERIES", "BL{year}E")
# Uploads (scans and citizens' files), checked by content before anything is stored.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_MAX_PAGES = env_int("UPLOAD_MAX_PAGES", 50)
# An image (or an image inside a PDF) above this many pixels is refused before
# it is decoded: 40 megapixels decode to 120 MB in colour.
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)
# What a PDF's streams may inflate to, all together (dossiers/uploads/).
UPLOAD_MAX_DECOMPRESSED_BYTES = env_int("UPLOAD_MAX_DECOMPRESSED_BYTES", 100 * 1024 * 1024)
# What a citizen may keep before a counter takes the files in hand
# (dossiers/quotas.py): files per document, bytes per application (a draft,
# or what is added to a dossier between two requests of the counter), and
# bytes of all the drafts of one account.
UPLOAD_MAX_FILES_PER_DOCUMENT = env_int("UPLOAD_MAX_FILES_PER_DOCUMENT", 10)
APPLICATION_MAX_BYTES = env_int("APPLICATION_MAX_BYTES", 50 * 1024 * 1024)
ACCOUNT_DRAFTS_MAX_BYTES = env_int("ACCOUNT_DRAFTS_MAX_BYTES", 100 * 1024 * 1024)
# The clerks of a counter hear of new online dossiers in one digest at most
# this often, during office hours (dossiers/tasks.py).
SUBMISSION_DIGEST_MINUTES = env_int("SUBMISSION_DIGEST_MINUTES", 30)
# Exports made in the background (a long dossier register) are kept this
# many hours after they are made, then deleted (reports/tasks.py).
EXPORT_KEEP_HOURS = env_int("EXPORT_KEEP_HOURS", 24)
# An unfinished online application left alone this many days is deleted
# with its files; its citizen is reminded this many days before.
DRAFT_EXPIRY_DAYS = env_int("DRAFT_EXPIRY_DAYS", 30)
DRAFT_REMINDER_DAYS = env_int("DRAFT_REMINDER_DAYS", 7)
# The largest request body of all, refused with 413 before it is read
# (portal/middleware.py): every form of the portal carries one file, so two
# uploads' worth and a margin for the fields.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 2 * UPLOAD_MAX_BYTES + 5 * 1024 * 1024)
# File fields in one request. Empty ones count too, and the administration's
# procedure page has one per required document (55 for the largest
# procedure of the national catalogue).
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 100)
# Public dossier tracking: wrong guesses allowed at one dossier code, and
# lookups allowed per client address, in a window.
TRACKING_ATTEMPTS = env_int("TRACKING_ATTEMPTS", 10)
TRACKING_ADDRESS_ATTEMPTS = env_int("TRACKING_ADDRESS_ATTEMPTS", 100)
TRACKING_WINDOW_SECONDS = env_int("TRACKING_WINDOW_SECONDS", 600)
# The feedback line (petitions/): messages per sender in a window; the SMS
# gateway's webhook secret (empty: every call refused) and format.
LINE_SENDER_ATTEMPTS = env_int("LINE_SENDER_ATTEMPTS", 5)
LINE_WINDOW_SECONDS = env_int("LINE_WINDOW_SECONDS", 3600)
LINE_SMS_SECRET = os.environ.get("LINE_SMS_SECRET", "")
LINE_SMS_INBOUND = os.environ.get("LINE_SMS_INBOUND", "petitions.inbound.JsonGateway")
# Checking slip codes at /verify/: lookups per client address in a window.
VERIFY_ATTEMPTS = env_int("VERIFY_ATTEMPTS", 60)
VERIFY_WINDOW_SECONDS = env_int("VERIFY_WINDOW_SECONDS", 600)
# One-time codes texted or emailed to someone not signed in (registering,
# setting a new password): messages to one phone number or email address,
# and asked from one client address, in a window.
CODE_RECIPIENT_ATTEMPTS = env_int("CODE_RECIPIENT_ATTEMPTS", 5)
CODE_ADDRESS_ATTEMPTS = env_int("CODE_ADDRESS_ATTEMPTS", 30)
CODE_WINDOW_SECONDS = env_int("CODE_WINDOW_SECONDS", 3600)
# Signing in (web, administration site and API alike): wrong passwords for
# one account, and from one client address, before a lockout that ends by
# itself after SIGN_IN_LOCKOUT_SECONDS.
SIGN_IN_ACCOUNT_FAILURES = env_int("SIGN_IN_ACCOUNT_FAILURES", 5)
SIGN_IN_ADDRESS_FAILURES = env_int("SIGN_IN_ADDRESS_FAILURES", 50)
SIGN_IN_LOCKOUT_SECONDS = env_int("SIGN_IN_LOCKOUT_SECONDS", 900)
# Roles that must sign in in two steps (a code from an authenticator app);
# superusers must too. Anyone else on staff may choose to.
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", ["approver", "supervisor", "catalogue_admin", "office_admin"])
# Codes to choose a new password: how many one account may be sent in a window.
PASSWORD_RESET_CODES = env_int("PASSWORD_RESET_CODES", 5)
PASSWORD_RESET_WINDOW_SECONDS = env_int("PASSWORD_RESET_WINDOW_SECONDS", 3600)

# No log line holds a whole phone number, an email address, a one-time
# code or a message's text, except the console backends of development; the
# development server's request lines lose their query strings (portal/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_query_strings": {"()": "portal.logs.WithoutQueryStrings"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["without_query_strings"],
            "level": "INFO",
            "propagate": False,
        },
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

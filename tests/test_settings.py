"""Settings come from the environment with safe defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.checks import cache_is_shared, messages_leave

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "motcua.example.gov.vn",
    "DATABASE_URL": "sqlite:////tmp/portal-deploy-check.sqlite3",
    "SITE_URL": "https://motcua.example.gov.vn",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.gov.vn",
    "SMS_BACKEND": "tests.gateways.SmsGateway",
    "PDF_SIGNING_DEVELOPMENT_CA": "false",
    "PDF_SIGNING_PASSPHRASE": "a-passphrase-from-the-province",
}


def manage(*args, **env) -> subprocess.CompletedProcess:
    # The browser tests set the last; the others are the test's to give.
    dropped = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_BACKEND", "SMS_BACKEND"}
    dropped |= {"CACHE_URL", "ALLOW_CONSOLE_MESSAGES", "DB_CONN_MAX_AGE"}
    dropped |= {"PDF_SIGNING_DEVELOPMENT_CA", "PDF_SIGNING_PASSPHRASE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_check_passes_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_portal_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_secret_key_alone_switches_debug_off():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_deployment_check_asks_for_a_public_site_address():
    local = {**PRODUCTION, "SITE_URL": "http://127.0.0.1:8000"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **local)
    assert result.returncode != 0
    assert "portal.W001" in result.stderr + result.stdout


def test_the_deployment_check_refuses_the_development_certificate_authority():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **without("PDF_SIGNING_DEVELOPMENT_CA"))
    assert result.returncode != 0
    assert "portal.W005" in result.stderr + result.stdout and "not legally valid" in result.stderr + result.stdout


def without(*names: str) -> dict[str, str]:
    return {name: value for name, value in PRODUCTION.items() if name not in names}


def test_with_debug_off_the_portal_refuses_to_start_with_messages_that_never_leave():
    for command in (("check",), ("migrate", "--plan")):
        result = manage(*command, **without("EMAIL_BACKEND", "SMS_BACKEND"))
        assert result.returncode != 0, command
        assert "portal.E001" in result.stderr and "portal.E002" in result.stderr
        assert "EMAIL_BACKEND is portal.mail.ConsoleBackend: no message leaves this machine" in result.stderr
        assert "Set SMS_BACKEND to the dotted path of the SMS gateway's class" in result.stderr


def test_a_demonstration_server_may_say_out_loud_that_its_messages_go_to_the_log():
    demo = {**without("EMAIL_BACKEND", "SMS_BACKEND"), "ALLOW_CONSOLE_MESSAGES": "true"}
    started = manage("check", **demo)
    assert started.returncode == 0, started.stderr
    assert "portal.W003" in started.stdout + started.stderr and "portal.W004" in started.stdout + started.stderr
    deploy = manage("check", "--deploy", "--fail-level", "WARNING", **demo)
    assert deploy.returncode != 0 and "reach nobody" in deploy.stderr


def test_development_runs_with_the_console_backends():
    result = manage("check", DEBUG="true", DATABASE_URL=PRODUCTION["DATABASE_URL"])
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("email", "sms", "found"),
    [
        ("django.core.mail.backends.locmem.EmailBackend", "tests.gateways.SmsGateway", ["portal.E001"]),
        ("django.core.mail.backends.dummy.EmailBackend", "tests.gateways.SmsGateway", ["portal.E001"]),
        ("django.core.mail.backends.console.EmailBackend", "tests.gateways.SmsGateway", ["portal.E001"]),
        ("django.core.mail.backends.smtp.EmailBackend", "portal.sms.MemoryBackend", ["portal.E002"]),
        ("django.core.mail.backends.smtp.EmailBackend", "portal.sms.NoSuchGateway", ["portal.E004"]),
        ("django.core.mail.backends.smtp.EmailBackend", "tests.gateways.SmsGateway", []),
    ],
)
def test_the_message_check_names_each_backend_that_keeps_messages(settings, email, sms, found):
    settings.DEBUG = False
    settings.EMAIL_BACKEND, settings.SMS_BACKEND = email, sms
    assert [problem.id for problem in messages_leave(None)] == found
    # The escape hatch is for the console backends only: a memory backend loses messages outright.
    settings.ALLOW_CONSOLE_MESSAGES = True
    assert [problem.id for problem in messages_leave(None)] == [
        "portal.W003" if "console" in email and number == "portal.E001" else number for number in found
    ]


def test_with_debug_off_the_cache_must_be_shared_by_every_worker(settings):
    settings.DEBUG = False
    for backend in ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"):
        settings.CACHES = {"default": {"BACKEND": backend}}
        [problem] = cache_is_shared(None)
        assert problem.id == "portal.E003" and "CACHE_URL" in problem.hint
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
    }
    assert cache_is_shared(None) == []
    settings.DEBUG = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert cache_is_shared(None) == []


def test_production_keeps_database_connections_and_checks_them_before_reuse():
    read = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    assert manage("shell", "-c", read, **PRODUCTION).stdout.split()[-2:] == ["60", "True"]
    assert manage("shell", "-c", read, **PRODUCTION, DB_CONN_MAX_AGE="0").stdout.split()[-2:] == ["0", "True"]
    development = manage("shell", "-c", read, DEBUG="true", DATABASE_URL=PRODUCTION["DATABASE_URL"])
    assert development.stdout.split()[-2:] == ["0", "True"]


def test_files_stay_on_the_filesystem_unless_a_bucket_is_named():
    code = (
        "from django.core.files.storage import storages; "
        "print(type(storages['default']).__name__, type(storages['private']).__name__)"
    )
    result = manage("shell", "-c", code, **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == "FileSystemStorage FileSystemStorage"


def test_a_bucket_puts_files_on_s3_compatible_storage_the_private_ones_signed():
    bucket = {
        "S3_BUCKET": "motcua-files",
        "S3_ENDPOINT_URL": "https://s3.example.gov.vn",
        "S3_ACCESS_KEY_ID": "key",
        "S3_SECRET_ACCESS_KEY": "secret",
        "S3_REGION": "hn-1",
    }
    code = (
        "from django.core.files.storage import storages; "
        "public, private = storages['default'], storages['private']; "
        "print(type(public).__name__, public.bucket_name, public.location, public.querystring_auth); "
        "print(type(private).__name__, private.location, private.querystring_auth, private.default_acl); "
        # A signed address is made locally, without asking the storage anything.
        "print(private.url('scans/a.pdf').split('?')[0])"
    )
    result = manage("shell", "-c", code, **PRODUCTION, **bucket)
    assert result.returncode == 0, result.stderr
    public, private, address = result.stdout.strip().splitlines()[-3:]
    assert public == "S3Storage motcua-files media False"
    assert private == "S3Storage private True None"
    assert address == "https://s3.example.gov.vn/motcua-files/private/scans/a.pdf"


def test_a_replica_address_adds_the_replica_and_nothing_migrates_it():
    replica = {"REPLICA_DATABASE_URL": "postgres://reader@replica.example.gov.vn:5432/portal"}
    code = (
        "from django.conf import settings; from django.db import router; "
        "r = settings.DATABASES['replica']; "
        "print(r['HOST'], r['CONN_MAX_AGE'], r['CONN_HEALTH_CHECKS'], router.allow_migrate('replica', 'dossiers'))"
    )
    result = manage("shell", "-c", code, **PRODUCTION, **replica)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "replica.example.gov.vn 60 True False"


def test_the_production_shape_keeps_connections_and_trusts_the_front_server_only_when_told():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], settings.USE_X_FORWARDED_HOST, "
        "getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    plain = manage("shell", "-c", code, **PRODUCTION)
    assert plain.stdout.strip().splitlines()[-1] == "60 True False None"
    proxied = manage("shell", "-c", code, **PRODUCTION, USE_X_FORWARDED_HOST="true", SECURE_PROXY_SSL_HEADER="true")
    assert proxied.stdout.strip().splitlines()[-1] == "60 True True ('HTTP_X_FORWARDED_PROTO', 'https')"

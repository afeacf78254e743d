"""Settings come from the environment with safe defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "motcua.example.gov.vn",
    "DATABASE_URL": "sqlite:////tmp/portal-deploy-check.sqlite3",
    "SITE_URL": "https://motcua.example.gov.vn",
}


def manage(*args, **env) -> subprocess.CompletedProcess:
    dropped = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set the last
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

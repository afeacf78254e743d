"""The portal's settings with the bare baseline installed: for the
benchmarks only (DJANGO_SETTINGS_MODULE=bench.bare.settings)."""

from portal.settings import *  # noqa: F403
from portal.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.bare.apps.BareConfig"]
ROOT_URLCONF = "bench.bare.urls"

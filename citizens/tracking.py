"""Public tracking of a dossier by its code and the last four digits of the
phone number on it, for the web page and the API alike: one rule for what
matches, one limit on attempts per client address shared by both."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from dossiers.models import Dossier
from portal.phones import last_digits


def find(code: str, phone_last4: str) -> Dossier | None:
    """The dossier, or None whether the code or the digits are wrong: a
    guess learns nothing from the answer."""
    dossier = Dossier.objects.select_related("procedure", "receiving_office").filter(code=code.strip().upper()).first()
    if dossier is None or last_digits(dossier.applicant_phone) != phone_last4:
        return None
    return dossier


def allow_attempt(address: str) -> bool:
    """Count one attempt from `address`; False once it has made
    TRACKING_ATTEMPTS within TRACKING_WINDOW_SECONDS."""
    key = f"track:{address}"
    cache.add(key, 0, settings.TRACKING_WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.TRACKING_WINDOW_SECONDS)
        attempts = 1
    return attempts <= settings.TRACKING_ATTEMPTS

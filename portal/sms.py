"""Sending SMS through a pluggable backend (settings.SMS_BACKEND).

A backend is a class with `send(phone, text)` that raises on failure; in
production it is the gateway's. The console backend is for development: it
writes the message to the log in full Unicode (Vietnamese SMS keep their
diacritics: a UCS-2 message, 70 characters a part) so that a developer can
read a one-time code, but never the whole phone number. A system check
(portal/checks.py) refuses it, and the memory backend of the tests, with
DEBUG off: there a message marked sent must have left.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from portal.phones import mask_phone

logger = logging.getLogger("portal.sms")


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s (not sent: console backend): %s", mask_phone(phone), text)


class MemoryBackend:
    """Keeps messages in `outbox`, for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.outbox.append((phone, text))


# Backends that keep a message on this machine instead of sending it.
NOT_SENT = (ConsoleBackend, MemoryBackend)


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)

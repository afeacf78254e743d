"""Sending SMS through a pluggable backend (settings.SMS_BACKEND).

A backend is a class with `send(phone, text)` that raises on failure. The
console backend writes the message to the log, in full Unicode: Vietnamese
SMS keep their diacritics (a UCS-2 message, 70 characters a part).
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("dossiers.sms")


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class MemoryBackend:
    """Keeps messages in `outbox`, for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)

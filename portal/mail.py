"""Email for development: the console backend writes who a message is for
(masked), its subject and its text to the log, so that a developer can read
a one-time code; Django's own prints the whole MIME message, every address
in full. A system check (portal/checks.py) refuses any backend that keeps
messages on this machine when DEBUG is off.
"""

from __future__ import annotations

import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("portal.mail")

# Django's backends that never send: with DEBUG off a message marked sent
# must have left.
NOT_SENT = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "portal.mail.ConsoleBackend",
}
CONSOLE = {"django.core.mail.backends.console.EmailBackend", "portal.mail.ConsoleBackend"}


def mask_email(address: str) -> str:
    """ "l**@example.org": the domain, and the first letter of the name."""
    name, at, domain = address.strip().rpartition("@")
    if not at:
        return "*" * len(address)
    return f"{name[:1]}{'*' * max(2, len(name) - 1)}@{domain}"


class ConsoleBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            recipients = ", ".join(mask_email(address) for address in message.recipients())
            logger.info("Email to %s (not sent: console backend): %s\n%s", recipients, message.subject, message.body)
        return len(email_messages)

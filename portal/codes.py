"""One-time codes that prove someone holds a phone or an email address: the
one rule for every code the portal sends (claiming a reported birth,
citizens/life_events.py; registering an account and setting a new password,
portal/accounts.py).

Six digits, good for VALID_FOR and TRIES wrong entries, a new one at most
once per RESEND_AFTER. Only an HMAC of the code is kept, keyed with
SECRET_KEY and naming what the code is for, so that a code for one thing
proves nothing about another; the code itself exists only in the message
that carries it. Messages to one phone or address, and from one client
address, are limited (CODE_RECIPIENT_ATTEMPTS, CODE_ADDRESS_ATTEMPTS per
CODE_WINDOW_SECONDS): nobody can make the portal text a stranger over and
over, or pay for a flood of SMS.

A code waiting to be entered by someone not signed in (registration, a new
password) is a `Waiting` in their session.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import limits
from portal.mail import mask_email
from portal.phones import mask_phone
from portal.sms import send_sms

DIGITS = 6
VALID_FOR = dt.timedelta(minutes=10)
TRIES = 5
RESEND_AFTER = dt.timedelta(minutes=1)

logger = logging.getLogger(__name__)


def new() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def digest(purpose: str, code: str) -> str:
    """The HMAC kept instead of the code; `purpose` names what the code
    proves ("life-event|42")."""
    message = f"{purpose}|{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class Verdict(enum.Enum):
    MATCH = "match"
    WRONG = "wrong"  # counts as a try
    SPENT = "spent"  # expired, tried too often, or none sent: ask for a new one


def judge(
    stored: str, purpose: str, code: str, *, sent_at: dt.datetime | None, attempts: int, now: dt.datetime
) -> Verdict:
    fresh = sent_at is not None and now - sent_at <= VALID_FOR
    if not stored or not fresh or attempts >= TRIES:
        return Verdict.SPENT
    if hmac.compare_digest(stored, digest(purpose, code.strip())):
        return Verdict.MATCH
    return Verdict.WRONG


def refusal(verdict: Verdict, attempts: int) -> str:
    """What the person is told; `attempts` counts the wrong try just made."""
    if verdict is Verdict.SPENT:
        return _("This code is no longer valid: ask for a new one.")
    left = TRIES - attempts
    if left > 0:
        return _("That is not the code we sent. %(left)s tries left with this code.") % {"left": left}
    return _("That is not the code we sent. Ask for a new one.")


def masked(destination: str) -> str:
    return mask_email(destination) if "@" in destination else mask_phone(destination)


def check_limits(destination: str, address: str) -> None:
    """Count one message to `destination` asked from `address`; raise
    ValidationError (saying how long to wait) past either limit."""
    key = destination.lower()
    waits = [limits.CODE_RECIPIENT.retry_after(key), limits.CODE_ADDRESS.retry_after(address)]
    if not max(waits):
        if limits.CODE_RECIPIENT.take(key) and limits.CODE_ADDRESS.take(address):
            return
        waits = [limits.CODE_RECIPIENT.retry_after(key), limits.CODE_ADDRESS.retry_after(address)]
    minutes = max(1, -(-max(waits) // 60))
    raise ValidationError(
        ngettext(
            "Too many codes were asked for this number or address, or from your connection. "
            "Try again in %(minutes)d minute.",
            "Too many codes were asked for this number or address, or from your connection. "
            "Try again in %(minutes)d minutes.",
            minutes,
        )
        % {"minutes": minutes},
        code="too_many",
    )


def deliver(destination: str, *, text: str, subject: str) -> None:
    """Send now (the person is waiting, and the code is written nowhere
    else): an SMS to a phone number, an email to an address. A gateway that
    fails is logged without the destination or the text, and the person is
    asked to try again."""
    try:
        if "@" in destination:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [destination])
        else:
            send_sms(destination, text)
    except Exception as error:
        logger.warning("A one-time code message could not be sent: %s", type(error).__name__)
        raise ValidationError(_("We could not send the message just now. Try again in a few minutes.")) from None


@dataclass
class Waiting:
    """A code sent to someone not signed in, kept in their session under
    `key` until they enter it: where it went, its HMAC and its counts, and
    what the flow needs afterwards (`data`)."""

    key: str
    destination: str
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    digest: str = ""
    sent_at: float = 0.0
    attempts: int = 0
    verified: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def purpose(self) -> str:
        # Bound to this session's request: a code proves nothing elsewhere.
        return f"{self.key}|{self.nonce}"

    @property
    def masked_destination(self) -> str:
        return masked(self.destination)

    @property
    def by_email(self) -> bool:
        return "@" in self.destination

    @classmethod
    def load(cls, session: SessionBase, key: str) -> Waiting | None:
        stored = session.get(key)
        try:
            return cls(key=key, **stored) if isinstance(stored, dict) else None
        except TypeError:  # kept by an older version: start again
            return None

    def save(self, session: SessionBase) -> None:
        session[self.key] = {name: value for name, value in asdict(self).items() if name != "key"}

    def forget(self, session: SessionBase) -> None:
        session.pop(self.key, None)

    def new_code(self) -> str:
        """A fresh code; the old one is spent."""
        code = new()
        self.digest, self.sent_at, self.attempts = digest(self.purpose, code), time.time(), 0
        self.verified = False
        return code

    def is_fresh(self) -> bool:
        return bool(self.sent_at) and time.time() - self.sent_at <= VALID_FOR.total_seconds()

    def resend_wait(self) -> int:
        """Seconds before another code may be sent (0: now)."""
        return max(0, int(self.sent_at + RESEND_AFTER.total_seconds() - time.time() + 0.999))

    def enter(self, session: SessionBase, code: str) -> None:
        """The code as typed: marks this waiting code verified, or raises
        ValidationError with what to do (the wrong try is counted)."""
        now = time.time()
        verdict = judge(
            self.digest,
            self.purpose,
            code,
            sent_at=dt.datetime.fromtimestamp(self.sent_at, dt.UTC) if self.sent_at else None,
            attempts=self.attempts,
            now=dt.datetime.fromtimestamp(now, dt.UTC),
        )
        if verdict is Verdict.MATCH:
            self.verified, self.digest = True, ""
        elif verdict is Verdict.WRONG:
            self.attempts += 1
        self.save(session)
        if verdict is not Verdict.MATCH:
            raise ValidationError(refusal(verdict, self.attempts), code=verdict.value)

"""Two-step sign-in for staff: a password, then a six-digit code from an
authenticator app (TOTP, RFC 6238: 30-second steps, one step of drift
either way). Optional for anyone on staff; required for the roles in
TWO_FACTOR_ROLES (by default those who approve results or manage the
catalogue and staff) and for superusers, who set it up the first time they
sign in after the password. A code is good once: the step it belongs to is
remembered, so a code seen over a shoulder cannot be replayed. Wrong codes
count toward the sign-in lockout like wrong passwords.

The shared secret must be readable to check a code, so it is kept as is;
the database is personal data already and is protected as such.
"""

from __future__ import annotations

import time

import pyotp
import segno
from django.conf import settings

from portal import limits
from portal.auth import account_key
from portal.models import User

ISSUER = "Một cửa"


def required_for(user: User) -> bool:
    roles = set(settings.TWO_FACTOR_ROLES)
    return user.is_superuser or any(m.role in roles for m in user.memberships.all())


def enabled(user: User) -> bool:
    return bool(user.totp_secret)


def asks(user: User) -> bool:
    """Signing in takes a second step."""
    return enabled(user) or required_for(user)


def new_secret() -> str:
    return pyotp.random_base32()


def qr_code(user: User, secret: str) -> str:
    """The setup QR code, as a data: URI of an SVG image."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _step(secret: str, code: str, now: float) -> int | None:
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    for drift in (0, -1, 1):
        step = int(now // totp.interval) + drift
        if totp.at(step * totp.interval) == code:
            return step
    return None


def check(user: User, code: str, *, secret: str | None = None) -> bool:
    """Whether `code` is good now for `user` (with `secret`, the one being
    set up). A good code is spent; a wrong one counts toward the lockout."""
    step = _step(secret or user.totp_secret, code, time.time())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        limits.SIGN_IN_ACCOUNT.hit(account_key(user, ""))
        return False
    user.totp_last_step = step
    if secret:
        user.totp_secret = secret
    user.save(update_fields=["totp_last_step", "totp_secret"])
    return True


def reset(user: User) -> None:
    """A lost phone: the account sets up its authenticator again at its next sign-in."""
    user.totp_secret, user.totp_last_step = "", None
    user.save(update_fields=["totp_secret", "totp_last_step"])

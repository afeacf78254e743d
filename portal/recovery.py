"""Getting back into an account, and changing its password.

Someone who forgot their password types the phone number, email address or
username they sign in with. If there is such an account, a six-digit code
goes to the phone (by SMS) or to the email address it registered; the page
says the same whether or not there is one, so it tells nobody who has an
account. The code is good for ten minutes and five tries; only its HMAC is
kept, in the shared cache. With the code, a new password that passes the
password rules replaces the old one: every session and every API key of
the old one ends (the sessions through Django's session hash, the keys in
`User.save`), the sign-in lockout of the account is lifted, and the account
is told on the same channel that its password changed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from portal import limits
from portal.auth import account_key, find_account
from portal.models import User
from portal.phones import is_phone

CODE_SECONDS = 600
CODE_TRIES = 5
RESET_CODES = limits.Limit("reset-codes", "PASSWORD_RESET_CODES", "PASSWORD_RESET_WINDOW_SECONDS")


class RecoveryError(Exception):
    """Said to the person as it is."""


def _digest(user: User, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"reset|{user.pk}|{code}".encode(), hashlib.sha256).hexdigest()


def _cache_key(user: User) -> str:
    return f"password-reset:{user.pk}"


def _tell(user: User, identifier: str, text: str, subject: str) -> None:
    """On the channel the person typed: the phone if they typed one (or a
    username of an account with a phone), else the email address."""
    by_phone = (is_phone(identifier) or "@" not in identifier) and user.phone
    if by_phone:
        import_string(settings.SMS_BACKEND)().send(user.phone, text)
    elif user.email:
        send_mail(subject, text, None, [user.email])


def send_code(identifier: str) -> None:
    """Send a reset code to the account `identifier` names, if there is one
    that can receive it. Raises RecoveryError when too many were asked for."""
    identifier = identifier.strip()
    user = find_account(identifier)
    if not RESET_CODES.take(account_key(user, identifier)):
        raise RecoveryError(
            _("Too many codes were asked for this account. Try again in %(minutes)s minutes.")
            % {"minutes": max(1, RESET_CODES.retry_after(account_key(user, identifier)) // 60)}
        )
    if user is None or not user.is_active or not (user.phone or user.email):
        return
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(
        _cache_key(user), {"digest": _digest(user, code), "tries": 0, "until": time.time() + CODE_SECONDS}, CODE_SECONDS
    )
    text = _(
        "%(code)s is your code to choose a new password for the one-stop portal. It is valid 10 minutes. "
        "Nobody from the office will ever ask you for it."
    ) % {"code": code}
    _tell(user, identifier, text, _("Your code to choose a new password"))


def reset_password(identifier: str, code: str, password: str) -> User:
    """Check the code and set the new password; raise RecoveryError, or
    Django's ValidationError for a password the rules refuse."""
    user = find_account(identifier.strip())
    state = cache.get(_cache_key(user)) if user is not None else None
    if user is None or state is None or state["tries"] >= CODE_TRIES or state["until"] < time.time():
        raise RecoveryError(_("This code is not valid or has expired. Ask for a new one."))
    if not hmac.compare_digest(state["digest"], _digest(user, code.strip())):
        state["tries"] += 1
        cache.set(_cache_key(user), state, max(1, int(state["until"] - time.time())))
        left = CODE_TRIES - state["tries"]
        if left:
            raise RecoveryError(_("That is not the code we sent. %(left)s tries left with this code.") % {"left": left})
        raise RecoveryError(_("That is not the code we sent. Ask for a new one."))
    password_validation.validate_password(password, user)
    cache.delete(_cache_key(user))
    set_password(user, password, identifier=identifier)
    return user


def set_password(user: User, password: str, *, identifier: str = "") -> None:
    """The new password, for a reset or a change: the old one's keys end
    (User.save), its lockout is lifted, and the account is told."""
    user.set_password(password)
    user.save()
    limits.SIGN_IN_ACCOUNT.clear(account_key(user, identifier))
    _tell(
        user,
        identifier or user.phone or user.email,
        _(
            "The password of your one-stop portal account was changed. If it was not you, "
            "choose a new one with “Forgot your password?” and tell your commune's counter."
        ),
        _("Your password was changed"),
    )

"""Creating an account, and setting a new password, for someone not signed
in. Both prove the phone number (or email address) with a one-time code
before anything happens (portal/codes.py), and both answer the same whether
or not an account already uses that number or address: neither tells a
stranger who has an account here.

Registering: the details and the password's hash wait in the session with
the HMAC of a code texted to the phone (emailed, without a phone). When an
account already uses that phone, it gets instead a message saying someone
tried to register with it (if it was them, sign in or set a new password),
and the person sees the very same "enter the code" page: every code then
fails as a wrong code does. The account is created only once the code is
entered. An email address given beside a phone is not proven: it goes on
the account only if no other account holds it (and that account's holder is
told, as above).

A new password: the phone number or email address of the account. A code
goes to it if an account uses it; if none does, a message saying so (the
same cost, the same page). Once the code is entered, the new password.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import codes
from portal.auth import clear_lockout
from portal.codes import Waiting
from portal.models import User

REGISTRATION = "registration"
NEW_PASSWORD = "new-password"


def _message(name: str, waiting: Waiting, code: str = "") -> dict[str, str]:
    """A message of templates/portal/messages/, in the page's language: the
    person who asked is reading it."""
    context: dict[str, Any] = {
        "code": code,
        "by_email": waiting.by_email,
        "minutes": int(codes.VALID_FOR.total_seconds() // 60),
        "sign_in_url": settings.SITE_URL + reverse("login"),
        "register_url": settings.SITE_URL + reverse("register"),
    }
    text = render_to_string(f"portal/messages/{name}.txt", context).strip()
    subject = render_to_string(f"portal/messages/{name}.subject.txt", context).strip()
    return {"text": text if waiting.by_email else " ".join(text.split()), "subject": subject}


def _holder(destination: str) -> User | None:
    if "@" in destination:
        return User.objects.filter(email__iexact=destination).first()
    return User.objects.filter(phone=destination).first()


# Registering ---------------------------------------------------------------------------------


def start_registration(session, details: dict[str, str], password_hash: str, *, address: str, next_url: str) -> Waiting:
    """Send the code that proves the phone (or the address) and keep the
    details until it is entered. `details` holds full_name, phone and email,
    already cleaned."""
    destination = details["phone"] or details["email"]
    codes.check_limits(destination, address)
    waiting = Waiting(key=REGISTRATION, destination=destination, data={**details, "password": password_hash})
    waiting.data["next"] = next_url
    _send_registration(waiting)
    waiting.save(session)
    return waiting


def _send_registration(waiting: Waiting) -> None:
    code = waiting.new_code()
    if _holder(waiting.destination) is None:
        codes.deliver(waiting.destination, **_message("registration_code", waiting, code))
    else:
        # The code is never sent: none can be entered, as with a wrong one.
        codes.deliver(waiting.destination, **_message("registration_taken", waiting))


def send_again(session, waiting: Waiting, *, address: str) -> None:
    """A new code for a registration or a new password that waits (not
    before RESEND_AFTER); the old one is spent."""
    if waiting.resend_wait():
        raise ValidationError(_("A code was sent less than a minute ago: wait for it, or try again in a minute."))
    codes.check_limits(waiting.destination, address)
    if waiting.key == REGISTRATION:
        _send_registration(waiting)
    else:
        _send_new_password(waiting)
    waiting.save(session)


def finish_registration(session, waiting: Waiting, code: str) -> User:
    """The code as typed: the account, created now; ValidationError saying
    what to do otherwise."""
    waiting.enter(session, code)
    data = waiting.data
    email = data["email"]
    taken_email = bool(email) and bool(data["phone"]) and User.objects.filter(email__iexact=email).exists()
    user = User(full_name=data["full_name"], phone=data["phone"], email="" if taken_email else email)
    user.username = _free_username(data["phone"] or email.lower())
    user.password = data["password"]
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Registered a moment ago with this phone: the person proved they hold it.
        waiting.forget(session)
        raise ValidationError(
            _("An account with this phone number or email address already exists. Sign in instead."), code="taken"
        ) from None
    waiting.forget(session)
    if taken_email:
        told = Waiting(key=REGISTRATION, destination=email)
        # The account exists; the warning to the address's holder is a courtesy.
        with contextlib.suppress(ValidationError):
            codes.deliver(email, **_message("registration_taken", told))
    return user


def _free_username(base: str) -> str:
    """The phone number (or the address) names the account; a number an
    older account gave up gets a suffix."""
    name, suffix = base, 1
    while User.objects.filter(username=name).exists():
        suffix += 1
        name = f"{base}.{suffix}"
    return name


# A new password ------------------------------------------------------------------------------


def start_new_password(session, destination: str, *, address: str) -> Waiting:
    """Send a code to the phone or address of an account (or, when no
    account uses it, a message saying so)."""
    codes.check_limits(destination, address)
    holder = _holder(destination)
    account = holder.pk if holder is not None and holder.is_active else None
    waiting = Waiting(key=NEW_PASSWORD, destination=destination, data={"account": account})
    _send_new_password(waiting)
    waiting.save(session)
    return waiting


def _send_new_password(waiting: Waiting) -> None:
    code = waiting.new_code()
    if waiting.data["account"] is not None:
        codes.deliver(waiting.destination, **_message("new_password_code", waiting, code))
    else:
        codes.deliver(waiting.destination, **_message("new_password_no_account", waiting))


def account_proven(session) -> User | None:
    """The account whose code was entered in this session, while the code
    is fresh; None otherwise."""
    waiting = Waiting.load(session, NEW_PASSWORD)
    if waiting is None or not waiting.verified or not waiting.is_fresh():
        return None
    return User.objects.filter(pk=waiting.data["account"], is_active=True).first()


def password_set(session, user: User) -> None:
    """The new password is saved: the code is spent and a lockout from the
    wrong passwords that led here ends."""
    Waiting(key=NEW_PASSWORD, destination="").forget(session)
    clear_lockout(user)

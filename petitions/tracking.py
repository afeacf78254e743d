"""Tracking a line case at /track/ by its code and the last four digits of
the phone on it — the rule and the limits of dossiers' tracking
(citizens/tracking.py): a wrong code and wrong digits give the same answer,
wrong guesses at one code and lookups per client address are limited. A
case sent with an email address and no phone is followed from the link in
its email, signed in, or by calling the switchboard."""

from __future__ import annotations

from citizens.tracking import TooManyAttempts
from petitions.models import Case
from petitions.workflow import CODE_PREFIX
from portal import limits
from portal.phones import last_digits

__all__ = ["TooManyAttempts", "is_case_code", "look_up"]


def is_case_code(code: str) -> bool:
    return code.strip().upper().startswith(f"{CODE_PREFIX}-")


def look_up(address: str, code: str, phone_last4: str) -> Case | None:
    code = code.strip().upper()
    if not limits.TRACKING_ADDRESS.take(address) or limits.TRACKING_CODE.reached(code):
        raise TooManyAttempts(max(limits.TRACKING_ADDRESS.retry_after(address), limits.TRACKING_CODE.retry_after(code)))
    case = Case.objects.select_related("answering_office", "procedure").filter(code=code).first()
    if case is None or not case.phone or last_digits(case.phone) != phone_last4:
        limits.TRACKING_CODE.hit(code)
        return None
    return case

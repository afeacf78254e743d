"""Public tracking of a dossier by its code and the last four digits of the
phone number on it, for the web page and the API alike: one rule for what
matches, and one set of limits shared by both: wrong guesses at one code
(whoever makes them, from however many addresses) and lookups per client
address (as the trusted proxies report it, so a town behind one proxy is
not one caller)."""

from __future__ import annotations

from dossiers.models import Dossier
from portal import limits
from portal.phones import last_digits


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def find(code: str, phone_last4: str) -> Dossier | None:
    """The dossier, or None whether the code or the digits are wrong: a
    guess learns nothing from the answer."""
    dossier = Dossier.objects.select_related("procedure", "receiving_office").filter(code=code.strip().upper()).first()
    if dossier is None or last_digits(dossier.applicant_phone) != phone_last4:
        return None
    return dossier


def look_up(address: str, code: str, phone_last4: str) -> Dossier | None:
    """`find`, counted: raise TooManyAttempts once `address` has looked up
    too much, or once the code has drawn too many wrong digits."""
    code = code.strip().upper()
    if not limits.TRACKING_ADDRESS.take(address) or limits.TRACKING_CODE.reached(code):
        raise TooManyAttempts(max(limits.TRACKING_ADDRESS.retry_after(address), limits.TRACKING_CODE.retry_after(code)))
    dossier = find(code, phone_last4)
    if dossier is None:
        limits.TRACKING_CODE.hit(code)
    return dossier

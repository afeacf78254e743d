"""Dossiers and results by the public postal service (dịch vụ bưu chính công
ích, Decision 45/2016/QĐ-TTg): the one rule for a VNPost item number.

A dossier that comes in by post keeps the item number of the envelope it
came in; a result the citizen chose to receive by post is handed over to the
postal service with the item number of its envelope and the day, and that
hand-over is the dossier's "return" (dossiers/models/dossier.py).

VNPost numbers its items as the Universal Postal Union's S10 standard says:
two letters for the service, eight digits, a check digit, and the country
code, "VN" — 13 characters, e.g. EB123456785VN. The check digit catches a
mistyped or swapped digit, so a clerk's slip is refused at once, on the page
and through the API alike. Spaces and dashes a clerk types between the parts
are dropped and the letters upper-cased before checking. Pure.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

ITEM_NUMBER_LENGTH = 13
_S10 = re.compile(r"[A-Z]{2}\d{9}VN")
# UPU S10: the weights of the eight serial digits.
_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
EXAMPLE = "EB123456785VN"


def normalise(value: object) -> str:
    """The item number as stored: no spaces or dashes, upper case."""
    return re.sub(r"[\s\-.]", "", str(value or "")).upper()


def check_digit(serial: str) -> int:
    """The S10 check digit of eight serial digits."""
    remainder = sum(int(digit) * weight for digit, weight in zip(serial, _WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    return 0 if check == 10 else 5 if check == 11 else check


def problem(value: str) -> str:
    """What is wrong with an item number already normalised ("" if nothing)."""
    if not value:
        return _("Give the postal item number (the VNPost tracking number on the envelope).")
    if len(value) != ITEM_NUMBER_LENGTH or not _S10.fullmatch(value):
        return _("A VNPost item number has 13 characters: two letters, nine digits and VN, e.g. %(example)s.") % {
            "example": EXAMPLE
        }
    if check_digit(value[2:10]) != int(value[10]):
        return _("The postal item number %(number)s does not check out: look at the envelope again.") % {
            "number": value
        }
    return ""


def date_problem(posted_on: dt.date, *, today: dt.date, finished_on: dt.date | None) -> str:
    """What is wrong with the day a result is said to be handed over to the
    postal service ("" if nothing): not in the future, not before the result
    was decided."""
    if posted_on > today:
        return _("The day of the hand-over cannot be in the future.")
    if finished_on is not None and posted_on < finished_on:
        return _("The result was stamped on %(day)s: it cannot have been handed over before.") % {
            "day": finished_on.strftime("%d/%m/%Y")
        }
    return ""

"""Phone and identity numbers as people type them ("0912 345 678", "+84 912.345.678")
reduced to one form, so that signing in, the profile and the public tracking
page all compare the same digits. `clean_phone` and `clean_id_number` are
the one rule every form and serializer that takes them applies.

An ID number a person types is what they claim, not a verified identity: it
is kept as given (normalised), and nothing grants access by it alone."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_MESSAGE = _("Enter a phone number of 9 to 12 digits, e.g. 0912 345 678.")
ID_NUMBER_MESSAGE = _("Enter a 12-digit ID number (9 on an old card), a 13-digit Thai ID number, or a passport number.")

_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"^\+?[0-9]{9,12}$")
# Vietnam and Thailand: the international prefix becomes the national 0.
_NATIONAL_PREFIXES = ("+84", "+66")


def normalise_phone(text: str) -> str:
    """Digits only, with a leading 0 for a Vietnamese or Thai number given
    with its country code; other international numbers keep their "+"."""
    phone = _SEPARATORS.sub("", text or "")
    for prefix in _NATIONAL_PREFIXES:
        if phone.startswith(prefix):
            return "0" + phone[len(prefix) :]
    return phone


def is_phone(text: str) -> bool:
    return bool(_PHONE.match(normalise_phone(text)))


# A Vietnamese citizen identity card (12 digits; 9 on an old card), a Thai
# identity card (13 digits), or a passport (one or two letters, 6 to 8 digits).
_ID_NUMBER = re.compile(r"^(\d{9}|\d{12}|\d{13}|[A-Z]{1,2}\d{6,8})$")


def normalise_id_number(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text or "").upper()


def clean_phone(text: str) -> str:
    """The phone number normalised, or "" if none was given; raise
    ValidationError with PHONE_MESSAGE if it is not one."""
    phone = normalise_phone(text)
    if phone and not _PHONE.match(phone):
        raise ValidationError(PHONE_MESSAGE, code="phone")
    return phone


def clean_id_number(text: str) -> str:
    """The ID number normalised, or "" if none was given; raise
    ValidationError with ID_NUMBER_MESSAGE if it has no known shape."""
    value = normalise_id_number(text)
    if value and not _ID_NUMBER.match(value):
        raise ValidationError(ID_NUMBER_MESSAGE, code="id_number")
    return value


def last_digits(phone: str, count: int = 4) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-count:] if len(digits) >= count else ""


def mask_phone(phone: str) -> str:
    """A phone number as a log or a page may show it: "09******78", enough
    to tell two numbers apart, not enough to call either."""
    digits = normalise_phone(phone)
    if len(digits) < 6:
        return "*" * len(digits)
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]

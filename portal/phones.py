"""Phone numbers as people type them ("0912 345 678", "+84 912.345.678")
reduced to one form, so that signing in, the profile and the public tracking
page all compare the same digits."""

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
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


def last_digits(phone: str, count: int = 4) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-count:] if len(digits) >= count else ""

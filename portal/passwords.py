"""What makes a password too easy to guess here, beyond Django's own
validators (length, the 20,000 common English passwords, digits only,
similarity to the username and name):

- the passwords Vietnamese and Thai users choose most (`matkhau`,
  `anhyeuem`, `dichvucong`…), however they are decorated: case, diacritics,
  spaces and the digits or signs added at the end (`MậtKhẩu@2026`);
- the account's own phone number or ID number, anywhere in the password:
  both are printed on every receipt and known to anyone who knows the person.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_LIST = Path(__file__).resolve().parent / "data" / "common-passwords-vi.txt"
_DECORATION = re.compile(r"[\W\d_]+$")


def plain(text: str) -> str:
    """Lower case, no diacritics, no spaces: `Mật khẩu` → `matkhau`."""
    text = text.lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"\s+", "", text)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


class CommonLocalPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        word = plain(password)
        if word in _common() or _DECORATION.sub("", word) in _common():
            raise ValidationError(
                _("This password is one of the most common ones, even with digits added. Choose another."),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Not a common password such as “matkhau123”.")


class PersonalNumberValidator:
    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        digits = re.sub(r"\D", "", password)
        phone = re.sub(r"\D", "", getattr(user, "phone", "") or "")
        id_number = re.sub(r"\W", "", getattr(user, "id_number", "") or "").lower()
        # The national part of the phone number, without the leading 0 or country code.
        if len(phone) >= 8 and phone[-9:] in digits:
            raise ValidationError(_("The password must not contain your phone number."), code="password_has_phone")
        if len(id_number) >= 6 and id_number in re.sub(r"\W", "", password).lower():
            raise ValidationError(_("The password must not contain your ID number."), code="password_has_id_number")

    def get_help_text(self) -> str:
        return _("Not your phone number or ID number.")

"""Text folding for search: what a person types on a phone without a
Vietnamese keyboard ("dang ky khai sinh") must find "Đăng ký khai sinh".

`fold` lowercases, removes diacritics (đ → d included: it has no Unicode
decomposition) and collapses spaces. Thai has no case and its marks carry
meaning, so Thai text keeps its marks.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    text = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not (unicodedata.category(ch) == "Mn" and not _is_thai(ch)))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", kept)).strip()


def _is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"

"""The small text helpers every part of a portal record needs: a field read
as text whatever the crawler stored, whitespace and the invisible marks some
records carry collapsed, the portal's "no information" told from published
text, text quoted for a problem sentence or shortened to fit a column,
parentheses matched in notes the crawler sometimes cut off, one field's parser
run so that a failure costs that field and not the record, and the sector slug
the catalogue uses as a sector's code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar

from procedures.search import fold

T = TypeVar("T")

NO_INFO = "Không có thông tin"
# The cause of a proposal to confirm (Problem.to_confirm).
TO_CONFIRM = "to confirm"
QUOTE_LENGTH = 60


def _text(value: Any) -> str:
    """A field as text, its accents composed: some records spell "trực tiếp"
    with combining marks, which neither matches nor searches as typed."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", value if isinstance(value, str) else str(value))


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\ufeff"))


def _collapse(text: str) -> str:
    # Marks like U+200E sit inside words ("đăng k\u200eý") in some records.
    return " ".join(text.translate(_INVISIBLE).split())


def _published(text: str) -> str:
    """The text, or "" when the portal says there is none."""
    text = text.strip()
    return "" if _collapse(text) in (NO_INFO, "--", "-") else text


def _quote(text: str, limit: int = QUOTE_LENGTH) -> str:
    text = _collapse(text)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _vnd(amount: int) -> str:
    return f"{amount:,} VND"


def _guarded(problems: list[str], what: str, parse: Callable[[], T], default: T) -> T:
    """Run one field's parser; a failure is that field's problem, not the record's end."""
    try:
        return parse()
    except Exception as error:
        problems.append(f"{what}: could not be read ({type(error).__name__}: {error}); left out")
        return default


def _balanced(text: str, start: int) -> tuple[str, int, bool]:
    """The text inside the parenthesis opening at `start`, the index after it,
    and whether it closed (notes are sometimes cut off by the crawler)."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1, True
    return text[start + 1 :], len(text), False


def _unwrap(note: str) -> str:
    # "Miễn phí((Miễn lệ phí ...))": some cells wrap the note twice.
    note = note.strip()
    while note.startswith("(") and note.endswith(")"):
        inner, end, closed = _balanced(note, 0)
        if not closed or end != len(note):
            break
        note = inner.strip()
    return note


def sector_code(name: str) -> str:
    """Slug for a sector name: lowercase ASCII, diacritics removed (đ→d, Đ→D too),
    words joined by '-'. 'Hộ tịch' -> 'ho-tich'; max 120 chars."""
    slug = "-".join(re.findall(r"[a-z0-9]+", fold(_text(name))))
    return slug[:120].strip("-")


_QUOTED = re.compile(r"'([^']*)'")


class Problem(str):
    """What could not be read with confidence: the field it concerns, a plain
    sentence, the source text it came from, and a short cause the importer
    counts by. It is also the sentence "field: message", so the table
    readers that report plain "field: message" strings fit in the same list.
    """

    field: str
    message: str
    source: str
    cause: str

    def __new__(cls, field: str, message: str, source: str = "", cause: str = "") -> Problem:
        problem = super().__new__(cls, f"{field}: {message}")
        problem.field, problem.message, problem.source = field, message, _collapse(source)
        problem.cause = cause or field
        return problem

    @classmethod
    def read(cls, text: str) -> Problem:
        """A "field: message" sentence as a Problem; the first quoted text in
        it is taken as its source."""
        if isinstance(text, Problem):
            return text
        field, _, message = text.partition(": ")
        if not message:
            field, message = "record", text
        quoted = _QUOTED.search(message)
        return cls(field, message, quoted.group(1).rstrip("…") if quoted else "")

    @property
    def to_confirm(self) -> bool:
        """A proposal read with confidence (a question about the applicant's
        situation, a group of alternatives) that an administrator confirms
        or rewords: it is listed for review but holds nothing back."""
        return self.cause == TO_CONFIRM

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"field": self.field, "message": self.message, "source": self.source}
        if self.to_confirm:
            found["to_confirm"] = True
        return found

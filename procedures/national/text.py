"""The small text helpers every part of a portal record needs: a field read
as text whatever the crawler stored, whitespace and the invisible marks some
records carry collapsed, the portal's "no information" told from published
text, text quoted for a problem sentence or shortened to fit a column,
parentheses matched in notes the crawler sometimes cut off, one field's parser
run so that a failure costs that field and not the record, the sector slug
the catalogue uses as a sector's code, and the `Problem` every part reports:
a sentence marked for translation with its parameters, so that the
administrators who complete a record read it in their own language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.utils.translation import get_language, gettext, gettext_noop, pgettext_lazy

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


def _guarded(problems: list[Problem], what: str, parse: Callable[[], T], default: T) -> T:
    """Run one field's parser; a failure is that field's problem, not the record's end."""
    try:
        return parse()
    except Exception as error:
        problems.append(
            Problem(
                what, gettext_noop("could not be read (%(error)s); left out"), error=f"{type(error).__name__}: {error}"
            )
        )
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


# The fields a problem may concern, each with the label administrators read.
FIELDS: dict[str, Any] = {
    "record": pgettext_lazy("import problem", "record"),
    "code": pgettext_lazy("import problem", "procedure code"),
    "name": pgettext_lazy("import problem", "name"),
    "sector": pgettext_lazy("import problem", "sector"),
    "level": pgettext_lazy("import problem", "level"),
    "decision number": pgettext_lazy("import problem", "decision number"),
    "source URL": pgettext_lazy("import problem", "source address"),
    "channels": pgettext_lazy("import problem", "channels"),
    "online channel": pgettext_lazy("import problem", "online channel"),
    "in-person channel": pgettext_lazy("import problem", "in-person channel"),
    "post channel": pgettext_lazy("import problem", "post channel"),
    "fee for online": pgettext_lazy("import problem", "fee, online"),
    "fee for in-person": pgettext_lazy("import problem", "fee, in person"),
    "fee for post": pgettext_lazy("import problem", "fee, by post"),
    "documents": pgettext_lazy("import problem", "documents"),
    "legal basis": pgettext_lazy("import problem", "legal basis"),
    "result": pgettext_lazy("import problem", "result"),
}


def number(amount: Decimal | str) -> int | float:
    """An amount as a problem's parameter: whole numbers as integers, so that
    "10" never reads "10.0"."""
    amount = Decimal(amount)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def money(amount: int, currency: str) -> dict[str, Any]:
    """An amount of money as a problem's parameter."""
    return {"amount": amount, "currency": currency}


def phrase(template: str, **params: Any) -> dict[str, Any]:
    """A phrase inside a problem's sentence ("10 working days"), translated with it."""
    return {"template": template, "params": params}


_VIETNAMESE_NUMBER = str.maketrans(",.", ".,")


def _number_text(value: float, translate: bool) -> str:
    text = f"{value:,}"
    if translate and (get_language() or "vi").startswith("vi"):
        # "3.000.000", "1,5": the way the catalogue writes numbers in Vietnamese.
        text = text.translate(_VIETNAMESE_NUMBER)
    return text


def _value(value: Any, translate: bool) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return _number_text(value, translate)
    if isinstance(value, Mapping):
        if "currency" in value:
            return f"{_number_text(value.get('amount') or 0, translate)} {value['currency']}"
        return _sentence(value.get("template") or "", value.get("params") or {}, translate)
    if isinstance(value, list):
        return "; ".join(_value(item, translate) for item in value)
    return str(value)


def _sentence(template: str, params: Mapping[str, Any], translate: bool) -> str:
    """The template with its parameters, in the active language when
    `translate`, else in English as written."""
    said = gettext(template) if translate and template else template
    if not params:
        return said
    values = {name: _value(value, translate) for name, value in params.items()}
    try:
        return said % values
    except (KeyError, ValueError, TypeError):
        # A translation that does not fit its parameters reads in English.
        return template % values


class Problem(str):
    """What could not be read with confidence: the field it concerns (one of
    FIELDS), a sentence, the source text it came from, and a short cause the
    importer counts by. The sentence is a template marked for translation and
    its parameters, so administrators read it in their language; `message` is
    its English reading, kept for exports and for records stored before
    problems carried their template. It is also the sentence "field: message".
    """

    field: str
    template: str
    params: dict[str, Any]
    message: str
    source: str
    cause: str

    def __new__(cls, field: str, template: str, source: str = "", cause: str = "", /, **params: Any) -> Problem:
        message = _sentence(template, params, translate=False)
        problem = super().__new__(cls, f"{field}: {message}")
        problem.field, problem.template, problem.params = field, template, params
        problem.message, problem.source = message, _collapse(source)
        problem.cause = cause or field
        return problem

    @classmethod
    def stored(cls, found: Mapping[str, Any]) -> Problem:
        """A problem as the catalogue stores it (`as_dict`). One stored with
        only its message reads that message in every language."""
        template, message = found.get("template") or "", found.get("message") or ""
        cause = TO_CONFIRM if found.get("to_confirm") else ""
        field, source = found.get("field") or "record", found.get("source") or ""
        if template:
            try:
                problem = cls(field, template, source, cause, **(found.get("params") or {}))
            except (KeyError, ValueError, TypeError):
                pass  # parameters that do not fit: the stored message
            else:
                problem.message = message or problem.message
                return problem
        problem = cls(field, message, source, cause)
        problem.template = ""
        return problem

    @property
    def label(self) -> str:
        """The field as administrators read it, in the active language."""
        return str(FIELDS[self.field]) if self.field in FIELDS else self.field

    @property
    def translated(self) -> str:
        """The sentence in the active language (as stored, for a problem
        stored with only its message)."""
        if not self.template:
            return self.message
        try:
            return _sentence(self.template, self.params, translate=True)
        except (KeyError, ValueError, TypeError):
            return self.message

    @property
    def to_confirm(self) -> bool:
        """A proposal read with confidence (a question about the applicant's
        situation, a group of alternatives) that an administrator confirms
        or rewords: it is listed for review but holds nothing back."""
        return self.cause == TO_CONFIRM

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "field": self.field,
            "message": self.message,
            "source": self.source,
            "template": self.template,
            "params": self.params,
        }
        if self.to_confirm:
            found["to_confirm"] = True
        return found

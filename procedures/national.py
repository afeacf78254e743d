"""Reading procedure records crawled from the National Public Service Portal
(dichvucong.gov.vn, one JSON object a line) into the catalogue's own import
records: the portal's flattened tables (channels with time limits and fees,
documents grouped by case, legal basis, results) are split back into rows,
and whatever cannot be read with confidence is reported, one plain sentence
a thing, instead of being guessed. A channel is imported only with a certain
time limit, and a record without any such channel is not imported at all
(its record is still built, with no channels, for completions to fill). A
fee cell saying "Không có thông tin" gives no fee rows and no problem: the
catalogue then shows the fee as not published, which is exactly what the
portal says. "Miễn phí" with a note gives a zero fee carrying the note (a note
of nothing, such as "Không", counts as no note). Document rows counted
"0 bản chính" with no copies are notes to the applicant, not papers to bring,
and are left out without a problem: 840 such rows in 112 of the 588 commune
records. Nothing here raises on a bad record, and nothing here knows about
Django: the records go through the catalogue serializer afterwards.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from os import PathLike
from typing import Any, TypeVar

from procedures.search import fold

T = TypeVar("T")

NO_INFO = "Không có thông tin"

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"

CHANNELS = {"Trực tuyến": "online", "Trực tiếp": "in_person", "Dịch vụ bưu chính": "post"}
CHANNEL_LABELS = {"online": "online", "in_person": "in-person", "post": "post"}
RECORD_KEYS = (
    "code",
    "name",
    "sector",
    "level",
    "applicants",
    "steps",
    "conditions",
    "result",
    "result_code",
    "decision_number",
    "online_level",
    "is_location_independent",
    "is_active",
    "source_url",
    "channels",
    "documents",
    "stages",
    "legal_basis",
)

# The serializer's limits (procedures/serializers.py).
MAX_CASE = 500
MAX_FEE_NAME = 300
MAX_TEMPLATE_NAME = 300
MAX_LEGAL_NUMBER = 100
MAX_RESULT_CODE = 200
MAX_DECISION_NUMBER = 100
MAX_NAME = 1000
MAX_URL = 500
MAX_TIME_AMOUNT = Decimal("9999.99")

DEFAULT_FEE_NAME = "Lệ phí"
QUOTE_LENGTH = 60


@dataclass
class ParsedRecord:
    """One line of the portal file: the catalogue record built from it (None
    when it cannot be imported) and what could not be read with confidence."""

    code: str
    record: dict[str, Any] | None
    sector_name: str
    problems: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        # A record without a channel is kept (so that an administrator's
        # completions can add one) but is not importable as it stands.
        if self.record is None or not self.record["channels"]:
            return "none"
        return "partial" if self.problems else "full"


# ---------------------------------------------------------------- small helpers


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


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


# ---------------------------------------------------------------- channels

_NO_TIME = (
    r"Không có thông tin|Không quy định|Không phải trả kết quả(?: cho người nộp thuế)?"
    # Tax records put a sentence about the automatic e-mail reply in the time cell.
    r"|Hệ thống giải quyết thủ tục hành chính.{0,160}?điện tử\.?"
    r"|Không(?=[\s\dA-ZĐ]|$)"
)
# Channel words also occur inside descriptions ("nộp hồ sơ trực tiếp tại",
# "Trực tiếp thực hiện hoặc ủy quyền"); a row starts only where the channel
# name is glued to a time cell.
_ROW_START = re.compile(rf"(Trực tuyến|Trực tiếp|Dịch vụ bưu chính)(?=\d|{_NO_TIME})")
_TIME_CELL = re.compile(
    rf"(?P<none>{_NO_TIME})"
    r"|(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>(?i:ngày làm việc|ngày|giờ|tháng|tuần|phút))?"
)
_CURRENCY = r"Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD|EUR"
_VND_WORDS = {"việt nam đồng", "vnđ", "vnd", "đồng"}
_FEE_CELL = re.compile(
    r"(?P<free>Miễn phí)|(?P<none>Không có thông tin)"
    r"|(?:(?P<label>(?:Lệ phí|Phí)[^:()\d]{0,80}?)\s*:\s*)?"
    rf"(?P<amount>\d+(?:[.,]\d{{3}})*)\s*(?P<currency>{_CURRENCY})"
)
# Customs cells glue a unitless time to the fee: "Trực tuyến120 VNĐ" may be
# 1 + 20 VNĐ or 12 + 0 VNĐ, so neither is taken.
_GLUED_FEE = re.compile(rf"\s*(?:{_CURRENCY})")
_NOTE_VND = re.compile(
    r"(?<![\d.,/])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:việt nam đồng|vnđ|vnd|đồng|đ(?![a-zà-ỹ]))",
    re.IGNORECASE,
)
_NOTE_FOREIGN = re.compile(r"(?<![\d.,])\d[\d.,]*\s*(USD|EUR)\b")
_TRIVIAL_NOTES = {"", "không", "không có", "không quy định", "chưa quy định", "không thu", "không thu phí"}
_FEE_NAME_IN_NOTE = re.compile(r"^\s*((?:lệ phí|phí)\b[^:;()\d.]*)", re.IGNORECASE)
_CUTOFF_AFTER_15 = re.compile(r"sau\s+15\s*(?:giờ|h\b)", re.IGNORECASE)
_NEXT_WORKING_DAY = re.compile(r"ngày làm việc tiếp theo", re.IGNORECASE)


@dataclass
class _Fee:
    kind: str  # "free", "none", "amount" or "unknown"
    text: str = ""
    amount: int = 0
    currency: str = "VND"
    name: str = DEFAULT_FEE_NAME
    note: str = ""
    note_closed: bool = True


@dataclass
class _Row:
    channel: str
    time_text: str
    no_time: bool
    amount: Decimal | None
    unit: str
    glued_fee: bool
    fee: _Fee
    description: str


def _read_fee(text: str) -> tuple[_Fee, int]:
    """The fee cell at the start of `text` and where the description begins."""
    match = _FEE_CELL.match(text)
    if not match:
        return _Fee(kind="unknown", text=text[:QUOTE_LENGTH]), 0
    end = match.end()
    note, closed = "", True
    if not match.group("none") and text[end : end + 1] == "(":
        note, note_end, closed = _balanced(text, end)
        if not closed and text[end + 1 : end + 2] == "(":
            # "100,000 VNĐ((Phí Thẩm tra, thẩm định )": one opening too many.
            note, note_end, closed = _balanced(text, end + 1)
        end = note_end
        note = _unwrap(note)
    cell = text[: end if note else match.end()]
    if match.group("free"):
        return _Fee(kind="free", text=cell, note=note, note_closed=closed), end
    if match.group("none"):
        return _Fee(kind="none", text=cell), end
    currency = match.group("currency")
    name = DEFAULT_FEE_NAME
    if match.group("label"):
        name = _collapse(match.group("label"))
    elif named := _FEE_NAME_IN_NOTE.match(note):
        name = _collapse(named.group(1)).rstrip(" ,-")
    name = name[:1].upper() + name[1:]
    return (
        _Fee(
            kind="amount",
            text=cell,
            amount=int(re.sub(r"[.,]", "", match.group("amount"))),
            currency="VND" if currency.lower() in _VND_WORDS else currency.upper(),
            name=name or DEFAULT_FEE_NAME,
            note=note,
            note_closed=closed,
        ),
        end,
    )


def _read_row(channel: str, body: str) -> _Row:
    time = _TIME_CELL.match(body)
    assert time is not None  # _ROW_START only matches before a time cell
    rest = body[time.end() :]
    amount: Decimal | None = None
    unit = (time.group("unit") or "").lower()
    glued = False
    if time.group("amount"):
        if not unit and _GLUED_FEE.match(rest):
            glued = True
        else:
            amount = Decimal(time.group("amount").replace(",", "."))
    if glued:
        # The fee is read from the whole cell only to show it in the problem.
        fee, end = _read_fee(body)
    else:
        skipped = len(rest) - len(rest.lstrip())
        fee, end = _read_fee(rest[skipped:])
        end += time.end() + skipped
    return _Row(
        channel=CHANNELS[channel],
        time_text=_collapse(body[: time.end()]),
        no_time=bool(time.group("none")),
        amount=amount,
        unit=unit,
        glued_fee=glued,
        fee=fee,
        description=body[end:].strip(),
    )


def _split_rows(text: str, problems: list[str]) -> list[_Row]:
    text = text.strip()
    if text.startswith(CHANNEL_HEADER):
        text = text[len(CHANNEL_HEADER) :]
    starts = list(_ROW_START.finditer(text))
    if not starts:
        if _published(text):
            problems.append(f"channels: no channel row recognised in {_quote(text)}; no channel imported")
        else:
            problems.append("channels: none published; no channel imported")
        return []
    if lead := text[: starts[0].start()].strip():
        problems.append(f"channels: text before the first row ignored ({_quote(lead)})")
    rows = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        rows.append(_read_row(start.group(1), text[start.end() : end]))
    return rows


def _format_amount(amount: Decimal) -> str:
    return f"{amount.normalize():f}"


def _states_working_days(amount: Decimal, *texts: str) -> bool:
    """Whether a text states this amount as working days ("07 ngày làm việc",
    "02 (hai) ngày làm việc", "1,5 ngày làm việc")."""
    whole, _, fraction = _format_amount(amount).partition(".")
    number = rf"0*{whole}" + (rf"[.,]{fraction}" if fraction else "")
    pattern = re.compile(rf"(?<![\d.,]){number}(?![\d]|[.,]\d)\s*(?:\([^)]{{0,30}}\)\s*)?ngày làm việc", re.I)
    return any(pattern.search(text) for text in texts)


def _states_cutoff(*texts: str) -> bool:
    return any(_CUTOFF_AFTER_15.search(text) and _NEXT_WORKING_DAY.search(text) for text in texts)


def _time_limit(row: _Row, steps: str, problems: list[str]) -> dict[str, str] | None:
    label = CHANNEL_LABELS[row.channel]
    if row.glued_fee:
        problems.append(
            f"{label} channel: time and fee cells run together ({_quote(row.fee.text or row.time_text)}), "
            "so the time limit cannot be told from the fee; channel not imported"
        )
        return None
    if row.no_time or row.amount is None:
        problems.append(f"{label} channel: no time limit published ({_quote(row.time_text)}); channel not imported")
        return None
    amount = row.amount
    shown = _format_amount(amount)
    if amount <= 0:
        problems.append(f"{label} channel: time limit of {shown} ({_quote(row.time_text)}); channel not imported")
        return None
    if amount > MAX_TIME_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        problems.append(f"{label} channel: time limit {shown} does not fit the catalogue; channel not imported")
        return None
    if row.unit == "ngày làm việc":
        unit = "working_days"
    elif row.unit == "giờ":
        unit = "working_hours"
        if amount > 8:
            # Every "Giờ" limit seen so far is a part of one working day.
            problems.append(f"{label} channel: {shown} hours is more than a working day; imported as working hours")
    elif row.unit == "ngày":
        # "Ngày" is calendar days unless the same number is stated as working days.
        unit = "working_days" if _states_working_days(amount, row.description, steps) else "calendar_days"
    elif row.unit:
        problems.append(
            f"{label} channel: time limit in {row.unit} ({_quote(row.time_text)}) has no catalogue unit; "
            "channel not imported"
        )
        return None
    elif amount == 1 and _states_cutoff(steps, row.description):
        # Civil-status records publish "1" and describe the 15:00 cut-off in the steps.
        return {"amount": "0", "unit": "same_day"}
    elif _states_working_days(amount, row.description, steps):
        unit = "working_days"
    else:
        problems.append(
            f"{label} channel: time limit '{shown}' has no unit and neither the steps nor the description "
            "state it; channel not imported"
        )
        return None
    return {"amount": shown, "unit": unit}


def _note_amounts(note: str) -> list[int]:
    amounts = []
    for match in _NOTE_VND.finditer(note):
        value = int(re.sub(r"[.,]", "", match.group(1)))
        if value not in amounts:
            amounts.append(value)
    return amounts


def _fees(row: _Row, problems: list[str]) -> list[dict[str, Any]]:
    label = CHANNEL_LABELS[row.channel]
    fee = row.fee
    if fee.kind == "none":
        return []
    if fee.kind == "unknown":
        problems.append(f"fee for {label}: fee cell not recognised ({_quote(fee.text)}); no fee imported")
        return []
    if not fee.note_closed:
        problems.append(f"fee for {label}: the note's parenthesis is not closed; the rest of the row is kept as note")
    note = fee.note.strip()
    cell_amount = 0 if fee.kind == "free" else fee.amount
    cell_words = "says free" if fee.kind == "free" else f"says {_vnd(cell_amount)}"
    others = [amount for amount in _note_amounts(note) if amount != cell_amount]
    if others:
        mentioned = " and ".join(f"{amount:,}" for amount in others)
        problems.append(f"fee for {label}: cell {cell_words}, its note mentions {mentioned} VND; check")
    if foreign := _NOTE_FOREIGN.search(note):
        problems.append(f"fee for {label}: cell {cell_words}, its note mentions {foreign.group(1)}; check")
    if fee.kind == "free":
        if note.lower().rstrip(". ") in _TRIVIAL_NOTES:
            return []
        return [{"name": DEFAULT_FEE_NAME, "amount_vnd": 0, "exemption_note": note}]
    name = fee.name
    if len(name) > MAX_FEE_NAME:
        problems.append(f"fee for {label}: fee name longer than {MAX_FEE_NAME} characters; shortened")
        name = _truncate(name, MAX_FEE_NAME)
    return [{"name": name, "amount_vnd": fee.amount, "exemption_note": note}]


def _row_summary(row: _Row) -> str:
    fee = row.fee.text if row.fee.kind != "unknown" else ""
    return _quote(f"{row.time_text} {fee}".strip(), 40)


def _channels(text: str, steps: str, problems: list[str]) -> list[dict[str, Any]]:
    rows = _split_rows(text, problems)
    kept: dict[str, _Row] = {}
    for row in rows:
        label = CHANNEL_LABELS[row.channel]
        if row.fee.kind == "amount" and row.fee.currency != "VND":
            # 2.000815: the same channel at a mission abroad, charged in USD.
            problems.append(
                f"{label} channel: a row with a fee in {row.fee.currency} "
                f"({_quote(row.fee.text)}) was dropped; only VND fees are imported"
            )
            continue
        if row.channel in kept:
            problems.append(
                f"{label} channel: a further row ({_row_summary(row)}) was dropped; "
                "only the first row per channel is imported"
            )
            continue
        kept[row.channel] = row
    channels = []
    for row in kept.values():
        time_limit = _time_limit(row, steps, problems)
        if time_limit is None:
            continue
        channels.append(
            {
                "channel": row.channel,
                "time_limit": time_limit,
                "description": row.description,
                "fees": _fees(row, problems),
            }
        )
    return channels


# ---------------------------------------------------------------- documents

_COUNT = re.compile(r"(\d+) bản chính(?:,\s*(\d+) bản sao)?|(\d+) bản sao")
# A count phrase inside a name ("(01 bản chính hoặc 01 bản sao có chứng thực)")
# is followed by a space or punctuation; the count cell is glued to the next row.
_COUNT_BLOCKERS = frozenset(" \t\r\n\xa0);.,:")
_BULLETS = re.compile(r"^[\s\-–—+•*·]+")
_FILE_EXTENSION = re.compile(r"\.(?:docx?|xlsx?|pdf|rtf|odt|ods|zip|rar|png|jpe?g)$", re.IGNORECASE)
_FILE_BOUNDARY_AFTER = frozenset(').;:]”’"')
# A document needed only in some cases. Marking one mandatory would stop a
# counter from receiving every dossier without it, so the doubtful go optional:
# "(nếu có)", a row that opens with a condition, or "trong/đối với trường hợp
# ..." anywhere in its first sentence ("Văn bản ủy quyền ... trong trường hợp
# ủy quyền"). A later sentence "Trường hợp ... đã có trong Cơ sở dữ liệu thì"
# is an exemption note and keeps the document mandatory.
_CONDITIONAL_START = re.compile(r"^(?:\w\)\s*)?(?:trường hợp|đối với|trong trường hợp|trừ trường hợp|nếu)\b", re.I)
_CONDITIONAL_CLAUSE = re.compile(r"^[^.]*?\b(?:trong|đối với) trường hợp\b|\(nếu\b|\(trường hợp", re.I)


def _file_like(text: str) -> bool:
    if not text or not text[0].isalnum() or len(text) > MAX_TEMPLATE_NAME:
        return False
    stem = _FILE_EXTENSION.sub("", text)
    # "…nội đị1.docx", "…TT1.013061.docx": a bare number is the end of a longer name.
    if not any(char.isalpha() for char in stem):
        return False
    if any(char in text for char in ";/\\:") or text.count("(") != text.count(")"):
        return False
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return True


def _file_boundaries(text: str, limit: int) -> list[int]:
    """Where a form's file name may start: after punctuation or a legal
    number glued to it, at a lowercase-to-capital glue ("khoáng sảnMau"), or
    where capitals run into a capitalised word ("NĐ-CPMau13", "2026Mau")."""
    found = {match.end() for match in _LEGAL_NUMBER.finditer(text) if match.end() < limit}
    for index in range(1, limit):
        before, char = text[index - 1], text[index]
        if char.isspace() or before.isspace():
            continue
        after = text[index + 1] if index + 1 < len(text) else ""
        if (
            before in _FILE_BOUNDARY_AFTER
            or (before.islower() and (char.isupper() or char.isdigit()))
            or ((before.isupper() or before.isdigit()) and char.isupper() and after.islower())
        ):
            found.add(index)
    return sorted(found)


def _split_template(name: str) -> tuple[str, str, bool]:
    """(document name, template file name, confident). File names glued to
    the end of the name are split off where their start is clear."""
    extension = _FILE_EXTENSION.search(name)
    if not extension:
        return name, "", True
    # At least one character before ".docx".
    candidates = [index for index in _file_boundaries(name, extension.start()) if name[:index].strip()]
    plausible = [index for index in candidates if _file_like(name[index:])]
    # ASCII names ("1.MuCT01banhnhkmtheoThngts53.doc") start at the first glue
    # after the last accented letter; accented names at the last glue.
    ascii_starts = [index for index in plausible if name[index:].isascii()]
    start = ascii_starts[0] if ascii_starts else (plausible[-1] if plausible else None)
    if start is not None:
        return name[:start].rstrip(), name[start:], True
    return name, _visible_file_name(name), False


def _visible_file_name(name: str) -> str:
    """The last word of the text, with the parenthesis it closes ("(vị trí).docx")."""
    depth = 0
    for index in range(len(name) - 1, -1, -1):
        char = name[index]
        depth += {")": 1, "(": -1}.get(char, 0)
        if depth <= 0 and (char.isspace() or char in "/;:"):
            return name[index + 1 :]
    return name


def _clean_label(text: str) -> str:
    text = _collapse(text.replace("\t", " "))
    text = re.sub(r"^(?:--|[\-–*+•·\s])+", "", text)
    text = re.sub(r"[\s:]+$", "", text)
    return "" if text in ("", "--") else text


def _accepted_counts(body: str) -> list[re.Match[str]]:
    matches = [
        match for match in _COUNT.finditer(body) if match.end() == len(body) or body[match.end()] not in _COUNT_BLOCKERS
    ]
    # "…: 01 bản chính1 bản chính": the first count is part of the name.
    return [
        match
        for index, match in enumerate(matches)
        if index + 1 == len(matches) or matches[index + 1].start() != match.end()
    ]


def _documents(text: str, problems: list[str]) -> list[dict[str, Any]]:
    if not _published(text):
        problems.append("documents: none published; no documents imported")
        return []
    parts = text.split(DOCUMENT_HEADER)
    if len(parts) == 1:
        problems.append(f"documents: no documents table in the field ({_quote(text)}); no documents imported")
        return []
    documents: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    label = parts[0]
    for index, body in enumerate(parts[1:]):
        # "--" or nothing before a table means no case; a single unlabelled table is the common one.
        case = _clean_label(label)
        if len(case) > MAX_CASE:
            case = _truncate(case, MAX_CASE)
        counts = _accepted_counts(body)
        position = 0
        for match in counts:
            digits = match.group(1) or match.group(3)
            # Counts are single digits glued to the name: "Mẫu số 131 bản chính" is "Mẫu số 13" + 1.
            raw_name = body[position : match.start() + len(digits) - 1]
            position = match.end()
            count = int(digits[-1])
            originals, copies = (count, int(match.group(2) or 0)) if match.group(1) else (0, count)
            name = _collapse(_BULLETS.sub("", raw_name))
            if originals == 0 and copies == 0:
                continue
            if not name:
                problems.append(f"documents: a count ({_quote(match.group(0))}) with no document name was skipped")
                continue
            name, template, confident = _split_template(name)
            name = name.rstrip(" ;,")
            if not confident:
                problems.append(
                    f"documents: cannot tell where the form file name starts in {_quote(name[-80:], 80)}; "
                    f"kept the whole text as the name, template '{template}'"
                )
            if len(template) > MAX_TEMPLATE_NAME:
                template = _truncate(template, MAX_TEMPLATE_NAME)
            mandatory = not (_CONDITIONAL_START.match(name) or _CONDITIONAL_CLAUSE.search(name))
            document = {
                "name": name,
                "case": case,
                "originals": originals,
                "copies": copies,
                "is_mandatory": mandatory,
                "template_name": template,
            }
            key = tuple(document.values())
            if key not in seen:
                seen.add(key)
                documents.append(document)
        tail = body[position:]
        if index + 2 < len(parts):
            label = tail
        elif _clean_label(tail) and counts:
            problems.append(f"documents: text after the last count ignored ({_quote(_clean_label(tail))})")
        elif not counts and _clean_label(tail):
            problems.append(f"documents: a table without counts ({_quote(_clean_label(tail))}) was not imported")
    if not documents and not any(problem.startswith("documents:") for problem in problems):
        problems.append("documents: the documents table has no document to bring; no documents imported")
    return documents


# ---------------------------------------------------------------- legal basis

_AGENCIES = [
    "UBTƯMTTQVN",
    "BLĐTBXH",
    "BNNPTNT",
    "BVHTTDL",
    "VKSNDTC",
    "TANDTC",
    "BKHĐT",
    "BGDĐT",
    "BNNMT",
    "BGTVT",
    "BTNMT",
    "BTTTT",
    "BKHCN",
    "BHXH",
    "UBND",
    "HĐND",
    "HĐTP",
    "VPCP",
    "NHNN",
    "KTNN",
    "UBDT",
    "BTC",
    "BCA",
    "BTP",
    "BXD",
    "BYT",
    "BCT",
    "BNV",
    "BQP",
    "BNG",
    "CTN",
    "TTg",
    "TTG",
    "CP",
]
# Known issuers first: a glued lowercase title ("TT-BTCsửa đổi") must not
# shorten "BTC". The fallback takes capitals not followed by a lowercase
# letter, so capitals glued to a title end one letter early ("BHXHThông").
_ISSUER = r"(?:QH\d{2}|" + "|".join(sorted(_AGENCIES, key=len, reverse=True)) + r"|[A-ZĐƯ]{1,12}(?![a-zà-ỹđ]))"
_KINDS = r"(?:[A-ZĐƯ]{1,10}-)+"
_LEGAL_NUMBER = re.compile(
    r"\d{1,4}(?:\.\d{1,3})?/\d{4}/(?:QH\d{2}|" + _KINDS + _ISSUER + ")"
    r"|\d{1,4}/" + _KINDS + _ISSUER + r"|\d{1,4}-(?:CP|HĐBT)(?![a-zà-ỹ])"
    r"|(?:TT|NĐ|QĐ|NQ)\d{1,4}/\d{4}(?![/\d])"
)
_GLUED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\d{1,4}(?:\.\d{1,3})?/\d{4}/)")
_CODE_PREFIX = re.compile(
    r"(?:Bộ luật|Luật|Nghị định|Nghị quyết|Thông tư|Quyết định|Pháp lệnh|TT|NĐ|QĐ|NQ)(?:\s+số)?\s*$"
)
# "Thông tư số 53/2025/TT-BCAngày 01/7/2025 của…": glued, yet still inside the title.
_IN_TITLE_AFTER = re.compile(r"(?:ngày|của)(?![a-zà-ỹ])", re.IGNORECASE)


def _is_code_end(body: str, match: re.Match[str]) -> bool:
    """Whether a document number ends a (title, number) pair: it is followed by
    the end, by the next title glued to it, or, when it is glued to its title
    on the left ("Bộ Tư pháp18/2026/NĐ-CP Nghị định…"), by a capitalised word."""
    after = body[match.end() :]
    if not after.strip():
        return True
    first = after[0]
    if first.isspace():
        before = body[match.start() - 1] if match.start() else " "
        left_glued = not before.isspace()
        return left_glued and after.lstrip()[:1].isupper()
    if first in ",.;:)-–/(":
        return False
    return not _IN_TITLE_AFTER.match(after)


def _legal_basis(text: str, problems: list[str]) -> list[dict[str, Any]]:
    if not _published(text):
        return []
    body = text.strip()
    if body.startswith(LEGAL_HEADER):
        body = body[len(LEGAL_HEADER) :]
    elif LEGAL_HEADER in body:
        body = body.split(LEGAL_HEADER, 1)[1]
    # The crawler sometimes ran on into the page's next heading.
    body = body.split("Cơ quan thực hiện", 1)[0]
    # "ngày 29/6/202443/2024/QH15": a date glued to the number after it.
    body = _GLUED_YEAR.sub(r"\1 ", body)
    if not _published(body):
        return []
    matches = list(_LEGAL_NUMBER.finditer(body))
    pairs: list[tuple[str, str]] = []
    position = 0
    index = 0
    while index < len(matches):
        run = [matches[index]]
        index += 1
        while index < len(matches) and matches[index].start() == run[-1].end():
            run.append(matches[index])
            index += 1
        if _is_code_end(body, run[-1]):
            next_position = run[-1].end()
        elif len(run) > 1:
            # "…NĐ-CP1040/QĐ-BHXH ban hành…": the last number opens the next title.
            next_position = run[-1].start()
            run = run[:-1]
        else:
            continue
        found: list[tuple[str, str]] = []
        last = len(run) - 1
        while last >= 0:
            code = run[last]
            if last >= 1 and _collapse(run[last - 1].group(0)) == _collapse(code.group(0)):
                # "Luật 60/2014/QH1360/2014/QH13": the title ends with the number itself.
                title_start = position if last == 1 else run[last - 1].start()
                found.append((body[title_start : run[last - 1].end()], code.group(0)))
                last -= 2
                continue
            title = body[position : code.start()]
            number = code.group(0)
            prefix = _CODE_PREFIX.search(title)
            if prefix and prefix.start() > 0 and not title[prefix.start() - 1].isspace():
                # "…tại Việt NamLuật 47/2014/QH13": the number cell is "Luật 47/2014/QH13".
                number = title[prefix.start() :] + number
                title = title[: prefix.start()]
            found.append((title, number))
            last = -1
        pairs.extend(reversed(found))
        position = next_position
    rest = _collapse(body[position:])
    if cut := re.fullmatch(r"(.*?)(\d{1,4}(?:\.\d{1,3})?/\d{4})", rest):
        # "…của Chính phủ167/2025": the number cell lost its issuer code.
        pairs.append((cut.group(1), cut.group(2)))
        problems.append(f"legal basis: document number '{cut.group(2)}' has no issuer code; kept as published")
        rest = ""
    if rest:
        if pairs:
            problems.append(f"legal basis: text after the last document number left out ({_quote(rest)})")
        else:
            problems.append(f"legal basis: no document number found in {_quote(rest)}; left out")
    legal: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for raw_title, raw_number in _merge_prefix_titles(pairs):
        title, number = _collapse(raw_title), _collapse(raw_number)
        if len(number) > MAX_LEGAL_NUMBER:
            problems.append(f"legal basis: document number {_quote(number)} is too long; left out")
            continue
        if (number, title) in seen:
            continue
        seen.add((number, title))
        legal.append({"number": number, "title": title, "issued_on": None})
    return legal


def _merge_prefix_titles(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Joins the two pairs titled "Nghị định" that "Nghị định 101/2024/NĐ-CPNghị
    định 101/2024/NĐ-CP" splits into: one document titled with its number."""
    merged: list[tuple[str, str]] = []
    index = 0
    while index < len(pairs):
        title, number = pairs[index]
        if index + 1 < len(pairs):
            next_title, next_number = pairs[index + 1]
            if (
                _CODE_PREFIX.fullmatch(title.strip() + " ")
                and _collapse(next_number) == _collapse(number)
                and (not next_title.strip() or _CODE_PREFIX.fullmatch(next_title.strip() + " "))
            ):
                merged.append((title + number, next_title + next_number))
                index += 2
                continue
        merged.append((title, number))
        index += 1
    return merged


# ---------------------------------------------------------------- results


def _read_result_code(text: str, start: int) -> tuple[str, int]:
    end = start
    while end < len(text):
        char = text[end]
        if not (char.isascii() and (char.isalnum() or char in ".-_")):
            break
        following = text[end + 1] if end + 1 < len(text) else ""
        # The next result's name is glued on: "KQ.G12.000082Giấy rút…", "KQ.G12.001299xác nhận…".
        if end > start and ((char.isupper() and following.islower()) or (char.islower() and text[end - 1].isdigit())):
            break
        end += 1
    return text[start:end], end


def _results(text: str, problems: list[str]) -> tuple[str, str]:
    # Everything from "Từ khóa" on is the rest of the crawled page.
    text = text.split("Từ khóa", 1)[0].strip()
    if not _published(text):
        return "", ""
    names: list[str] = []
    codes: list[str] = []
    position = 0
    for match in re.finditer(r"Mã\s*:\s*", text):
        if match.start() < position:
            continue
        name = _collapse(text[position : match.start()])
        code, position = _read_result_code(text, match.end())
        if name and name not in names:
            names.append(name)
        if re.fullmatch(r"[A-Z0-9][A-Z0-9.\-_]*", code):
            if code not in codes:
                codes.append(code)
        else:
            shown = _quote(code or text[match.end() :], 30)
            problems.append(f"result: {shown} does not look like a result code; left out")
    if rest := _collapse(text[position:]):
        names.append(rest)
    joined = ""
    for count, code in enumerate(codes):
        candidate = f"{joined}, {code}" if joined else code
        if len(candidate) > MAX_RESULT_CODE:
            problems.append(
                f"result: {len(codes)} result codes do not fit {MAX_RESULT_CODE} characters; kept the first {count}"
            )
            break
        joined = candidate
    return "; ".join(names), joined


# ---------------------------------------------------------------- records


def parse_record(raw: dict[str, Any]) -> ParsedRecord:
    """One portal record as a catalogue record, with its problems.

    Rules: see the module docstring; every field is read on its own, so one
    unreadable table costs that table (reported), not the whole record.
    """
    if not isinstance(raw, dict):
        return ParsedRecord(code="", record=None, sector_name="", problems=["record: not a JSON object; not imported"])
    problems: list[str] = []
    code = _text(raw.get("ma_thu_tuc")).strip()
    sector_name = _text(raw.get("linh_vuc")).strip()
    name = _collapse(_text(raw.get("ten_thu_tuc")))
    sector = sector_code(sector_name)
    steps = _published(_text(raw.get("trinh_tu_thuc_hien")))

    channels: list[dict[str, Any]] = _guarded(
        problems,
        "channels",
        lambda: _channels(_text(raw.get("cach_thuc_thuc_hien")), steps, problems),
        [],
    )
    documents: list[dict[str, Any]] = _guarded(
        problems, "documents", lambda: _documents(_text(raw.get("thanh_phan_ho_so")), problems), []
    )
    legal: list[dict[str, Any]] = _guarded(
        problems, "legal basis", lambda: _legal_basis(_text(raw.get("can_cu_phap_ly")), problems), []
    )
    result, result_code = _guarded(
        problems, "result", lambda: _results(_text(raw.get("ket_qua_xu_ly")), problems), ("", "")
    )

    decision = _collapse(_text(raw.get("so_quyet_dinh")))
    if len(decision) > MAX_DECISION_NUMBER:
        problems.append(f"decision number: longer than {MAX_DECISION_NUMBER} characters; left out")
        decision = ""
    source_url = _text(raw.get("detail_url")).strip()
    if source_url and (not re.match(r"https?://\S+$", source_url) or len(source_url) > MAX_URL):
        problems.append(f"source URL: {_quote(source_url)} is not a usable address; left out")
        source_url = ""

    refusals = []
    if not re.fullmatch(r"\d+\.\d+", code):
        refusals.append(f"code: {_quote(code or '(empty)')} is not a procedure code; record not imported")
    if not name:
        refusals.append("name: none published; record not imported")
    elif len(name) > MAX_NAME:
        refusals.append(f"name: longer than {MAX_NAME} characters; record not imported")
    if not sector:
        refusals.append("sector: none published; record not imported")
    if refusals:
        return ParsedRecord(code=code, record=None, sector_name=sector_name, problems=problems + refusals)

    record = {
        "code": code,
        "name": name,
        "sector": sector,
        "level": "commune",
        "applicants": _published(_text(raw.get("doi_tuong_thuc_hien"))),
        "steps": steps,
        "conditions": _published(_text(raw.get("yeu_cau_dieu_kien"))),
        "result": result,
        "result_code": result_code,
        "decision_number": decision,
        "online_level": online_level(channels),
        "is_location_independent": False,
        "is_active": True,
        "source_url": source_url,
        "channels": channels,
        "documents": documents,
        "stages": [],
        "legal_basis": legal,
    }
    if not channels:
        problems.append("channels: no channel with a certain time limit; record not imported")
    return ParsedRecord(code=code, record=record, sector_name=sector_name, problems=problems)


def online_level(channels: list[dict[str, Any]]) -> str:
    """The records do not say full or partial online: "partial" when an
    online channel is offered, else "offline"; an administrator raises it."""
    return "partial" if any(c["channel"] == "online" for c in channels) else "offline"


def load_completions(path: str | PathLike[str]) -> dict[str, dict[str, Any]]:
    """An administrator's completions file: procedure code → fields that
    replace the parsed ones. Keys starting with "_" are comments."""
    with open(path, encoding="utf-8") as source:
        data = json.load(source)
    return {
        code: {name: value for name, value in fields.items() if not name.startswith("_")}
        for code, fields in data.items()
        if not code.startswith("_")
    }


def parse_file(path: str | PathLike[str]) -> list[ParsedRecord]:
    """One ParsedRecord per non-blank line of a portal JSON-lines file, plain
    or gzipped (recognised by its first bytes, whatever the file is called)."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    parsed = []
    opener = gzip.open if gzipped else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except ValueError as error:
                parsed.append(
                    ParsedRecord(
                        code="",
                        record=None,
                        sector_name="",
                        problems=[f"line {number}: not valid JSON ({error}); not imported"],
                    )
                )
                continue
            parsed.append(parse_record(raw))
    return parsed

"""The channels table (cách thức thực hiện) of a portal record, which the
portal flattens into one string: each row a channel name glued to its time
cell, its fee cell and its description. The rows are split back out and read
into channels with a time limit and fees. Only the first row of a channel is
imported, a row charged in a currency other than VND is dropped, and a channel is
kept only with a certain time limit: a unit the catalogue has, or a bare
number that the steps or the description state as working days or as the
15:00 same-day rule. Whatever is left out is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from procedures.national.text import QUOTE_LENGTH, _balanced, _collapse, _published, _quote, _truncate, _unwrap, _vnd

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"

CHANNELS = {"Trực tuyến": "online", "Trực tiếp": "in_person", "Dịch vụ bưu chính": "post"}
CHANNEL_LABELS = {"online": "online", "in_person": "in-person", "post": "post"}

# The serializer's limits (procedures/serializers.py).
MAX_FEE_NAME = 300
MAX_TIME_AMOUNT = Decimal("9999.99")

DEFAULT_FEE_NAME = "Lệ phí"

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

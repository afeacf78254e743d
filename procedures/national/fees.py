"""The fee cells of the channels table, read as published: the cell's amount
and currency ("2,000 Việt Nam Đồng", "10 USD", "Miễn phí"), and its note read
for what the amount is charged per ("/bản", "đồng/lần"), for tiers ("Thẻ tạm
trú … không quá 02 năm: 145 USD/thẻ") and for dated changes ("áp dụng mức phí
400.000 đồng/hồ sơ kể từ ngày 01/7/2025 đến hết ngày 31/12/2026", "Miễn lệ
phí từ ngày 07/4/2026 đến 30/6/2026"). An amount in a note that none of the
rows read accounts for is reported, so no fee differs silently from its
source; a VND amount under 1,000 is reported as well (the cell is then in
thousands, or a time limit is glued to it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.translation import gettext_noop

from procedures.national.text import QUOTE_LENGTH, Problem, _balanced, _collapse, _quote, _truncate, _unwrap, money

MAX_FEE_NAME = 300
MAX_FEE_UNIT = 100
MAX_FEE_CASE = 500

DEFAULT_FEE_NAME = "Lệ phí"

FEE_UNREAD = "fee not read with confidence"

T = TypeVar("T")

_CURRENCY = r"Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD|EUR"
_VND_WORDS = {"việt nam đồng", "vnđ", "vnd", "đồng", "đ"}
_FEE_CELL = re.compile(
    r"(?P<free>Miễn phí)|(?P<none>Không có thông tin)"
    r"|(?:(?P<label>(?:Lệ phí|Phí)[^:()\d]{0,80}?)\s*:\s*)?"
    rf"(?P<amount>\d+(?:[.,]\d{{3}})*)\s*(?P<currency>{_CURRENCY})"
)
# Amounts in a fee note: "20.000 đồng", "400.000đ", "10 USD", "02 triệu đồng".
_MONEY = (
    r"(?<![\d.,/])(?P<amount>\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?P<million>triệu\s*)?"
    r"(?P<currency>việt nam đồng|vnđ|vnd|đồng|usd|eur|đ(?![a-zà-ỹ]))"
)
_NOTE_MONEY = re.compile(_MONEY, re.IGNORECASE)
# "…/bản", "…/ hộ chiếu", "…/lần/thẻ": what an amount is charged per.
_PER = r"\s*/\s*(?P<unit>[^\s.;,()/:][^.;,()]{0,60}?(?:/[^\s.;,()/:][^.;,()/]{0,30}?)?)\s*(?=[.;,()]|\s-\s|\s\+|$)"
_PER_AT = re.compile(_PER)
_PER_ONLY = re.compile(rf"^(?:đồng|đ|vnđ)?{_PER}", re.IGNORECASE)
_DATE = r"(?P<{name}>\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{1,2}} tháng \d{{1,2}} năm \d{{4}})"
_SPAN = (
    rf"(?:(?:kể\s+)?từ\s+(?:kể\s+từ\s+)?(?:ngày\s+)?{_DATE.format(name='start')}\s+)?"
    rf"(?:đến\s+(?:hết\s+)?(?:ngày\s+)?){_DATE.format(name='end')}"
)
# "400.000 đồng/hồ sơ kể từ ngày 01/7/2025 đến hết ngày 31/12/2026": nothing
# between the amount and its dates holds another number or a waiver.
_DATED = re.compile(rf"{_MONEY}(?:{_PER})?(?:(?!miễn)[^;\d]){{0,80}}?{_SPAN}", re.IGNORECASE)
# "Miễn lệ phí từ ngày 07/4/2026 đến 30/6/2026": free between two dates.
_WAIVED = re.compile(rf"miễn(?:\s+(?:lệ\s+)?phí)?\s+(?:áp dụng\s+)?{_SPAN}", re.IGNORECASE)
_TIER = re.compile(
    rf"^(?P<label>[^:\t]{{3,300}}?)\s*(?::|\t)\s*{_MONEY}(?:{_PER})?\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL
)
_LEGAL_LABEL = re.compile(r"^(?:theo|căn cứ|thông tư|nghị định|quy định)\b", re.IGNORECASE)
_TRIVIAL_NOTES = {"", "không", "không có", "không quy định", "chưa quy định", "không thu", "không thu phí"}
_FEE_NAME_IN_NOTE = re.compile(r"^\s*((?:lệ phí|phí)\b[^:;()\d.]*)", re.IGNORECASE)


@dataclass
class _Fee:
    kind: str  # "free", "none", "amount" or "unknown"
    text: str = ""
    amount: int = 0
    currency: str = "VND"
    name: str = DEFAULT_FEE_NAME
    note: str = ""
    note_closed: bool = True


def _currency(word: str) -> str:
    return "VND" if word.lower().strip() in _VND_WORDS else word.upper()


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
            currency=_currency(match.group("currency")),
            name=name or DEFAULT_FEE_NAME,
            note=note,
            note_closed=closed,
        ),
        end,
    )


# Fees -----------------------------------------------------------------------


def _money(match: re.Match[str]) -> tuple[int, str]:
    amount = int(re.sub(r"[.,]", "", match.group("amount")))
    if match.group("million"):
        amount *= 1_000_000
    return amount, _currency(match.group("currency"))


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    try:
        return dt.date(numbers[2], numbers[1], numbers[0])
    except (ValueError, IndexError):
        return None


def _unit(text: str | None) -> str:
    unit = _collapse(text or "").strip(" .")
    return _truncate(unit, MAX_FEE_UNIT) if unit else ""


def _fee_row(name: str, amount: int, currency: str, **extra: Any) -> dict[str, Any]:
    row = {"name": name, "amount": amount, "currency": currency, "unit": "", "case": ""}
    row.update({"valid_from": None, "valid_until": None, "exemption_note": ""})
    row.update(extra)
    return row


def _segments(note: str) -> list[str]:
    """A note cut into its items: "- a; - b", "+ a + b", "a. Trường hợp b"."""
    parts = re.split(r"\s*(?:;|\n|(?:^|\s)[-+*•]\s+|\.\s+(?=[A-ZĐ]))\s*", note)
    return [part.strip(" .") for part in parts if part and part.strip(" .")]


def _fees(fee: _Fee, label: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """The fee rows of one channel row, as published; what is not read with
    confidence is reported."""
    where = f"fee for {label}"
    if fee.kind == "none":
        return []
    if fee.kind == "unknown":
        problems.append(
            Problem(
                where,
                gettext_noop("fee cell not recognised (%(text)s); no fee imported"),
                fee.text,
                FEE_UNREAD,
                text=_quote(fee.text),
            )
        )
        return []
    if not fee.note_closed:
        problems.append(
            Problem(
                where,
                gettext_noop("the note's parenthesis is not closed; the rest of the row is kept as note"),
                fee.text,
                FEE_UNREAD,
            )
        )
    note = fee.note.strip()
    if fee.kind == "free":
        rows = [_fee_row(DEFAULT_FEE_NAME, 0, "VND")]
        if note.lower().rstrip(". ") not in _TRIVIAL_NOTES:
            rows[0]["exemption_note"] = note
        amounts = [_money(m) for m in _NOTE_MONEY.finditer(note)]
        if amounts:
            problems.append(
                Problem(
                    where,
                    gettext_noop("cell says free, its note mentions %(amounts)s; check"),
                    note[:300],
                    FEE_UNREAD,
                    amounts=[money(*found) for found in _unique(amounts)],
                )
            )
        return rows

    name = fee.name
    if len(name) > MAX_FEE_NAME:
        problems.append(
            Problem(
                where,
                gettext_noop("fee name longer than %(limit)s characters; shortened"),
                name[:200],
                limit=MAX_FEE_NAME,
            )
        )
        name = _truncate(name, MAX_FEE_NAME)
    base = _fee_row(name, fee.amount, fee.currency, exemption_note=note)
    rows = [base]
    accounted = {(fee.amount, fee.currency)}

    if per := _PER_ONLY.match(note):
        base["unit"] = _unit(per.group("unit"))
    for mention in _NOTE_MONEY.finditer(note):
        # "… 50.000đ/tem “AB” …": the unit of the cell's own amount.
        if (
            not base["unit"]
            and _money(mention) == (fee.amount, fee.currency)
            and (per := _PER_AT.match(note, mention.end()))
        ):
            base["unit"] = _unit(per.group("unit"))
    dated = []
    for match in _DATED.finditer(note):
        amount, currency = _money(match)
        start, end = _date(match.group("start")), _date(match.group("end"))
        if end is None or (start and start > end):
            continue
        unit = _unit(match.group("unit")) or base["unit"]
        dated.append(
            _fee_row(name, amount, currency, unit=unit, valid_from=start, valid_until=end, exemption_note=note)
        )
        accounted.add((amount, currency))
        before = re.split(r"[;\n]|\s[-+]\s", note[: match.start()])[-1]
        if ":" in before and not re.search(r"(?:áp dụng|mức phí)[^:]*:\s*\(?$", before, re.IGNORECASE):
            # "…bị mất: 320.000đ/hộ chiếu (áp dụng đến hết ngày 31/12/2023…)": dates for one case only.
            problems.append(
                Problem(
                    where,
                    gettext_noop(
                        "a dated amount %(amount)s is given for a case (%(case)s); check which case and dates apply"
                    ),
                    match.group(0),
                    FEE_UNREAD,
                    amount=money(amount, currency),
                    case=_quote(before, 40),
                )
            )
        if amount == fee.amount:
            problems.append(
                Problem(
                    where,
                    gettext_noop(
                        "the cell's own amount %(amount)s is dated (until %(until)s); "
                        "what is charged outside those dates is not published; check"
                    ),
                    match.group(0),
                    FEE_UNREAD,
                    amount=money(amount, currency),
                    until=f"{end:%d/%m/%Y}",
                )
            )
    tiers = []
    for segment in _segments(note):
        if _DATED.search(segment):
            continue  # read above
        tier = _TIER.match(segment)
        plain = re.match(rf"^{_MONEY}(?:{_PER})?\s*$", segment, re.IGNORECASE)
        if plain:
            amount, currency = _money(plain)
            if amount == fee.amount:
                base["unit"] = base["unit"] or _unit(plain.group("unit"))
                if currency != fee.currency:
                    _currency_problem(where, fee, currency, segment, problems)
                    base["currency"] = currency
                    accounted.add((amount, currency))
        elif tier and not re.search(_MONEY, tier.group("label"), re.IGNORECASE):
            amount, currency = _money(tier)
            label = _collapse(tier.group("label")).lstrip("-+*• ")
            if _LEGAL_LABEL.match(label):
                label = ""  # "Theo quy định tại Thông tư 25/2022/TT-BTC: 01 triệu đồng/lần cấp" names no case
            tiers.append((label, amount, currency, _unit(tier.group("unit"))))
    if tiers:
        matching = [t for t in tiers if t[1] == fee.amount]
        if len(tiers) == 1 and matching and matching[0][2] != fee.currency:
            _currency_problem(where, fee, matching[0][2], note, problems)
            base["currency"] = matching[0][2]
        if matching and len(tiers) == 1 and not _FEE_NAME_IN_NOTE.match(matching[0][0]):
            # The cell's own amount, for the case its note names.
            label, _amount, currency, unit = matching[0]
            base.update(case=_truncate(label, MAX_FEE_CASE), unit=unit or base["unit"], currency=currency)
            accounted.add((fee.amount, currency))
        else:
            for label, amount, currency, unit in tiers:
                if amount == fee.amount and currency == base["currency"] and _FEE_NAME_IN_NOTE.match(label):
                    base["unit"] = base["unit"] or unit
                    continue
                if amount == fee.amount and currency == base["currency"] and not base["case"]:
                    base.update(case=_truncate(label, MAX_FEE_CASE), unit=unit or base["unit"])
                    continue
                rows.append(
                    _fee_row(
                        name, amount, currency, unit=unit, case=_truncate(label, MAX_FEE_CASE), exemption_note=note
                    )
                )
                accounted.add((amount, currency))
    for other in rows[1:]:
        if not other["case"]:
            other["case"] = base["case"]
    flat = list(rows)
    for row_ in dated:
        row_["case"] = base["case"]
        if row_ not in rows:
            rows.append(row_)
    for match in _WAIVED.finditer(note):
        start, end = _date(match.group("start")), _date(match.group("end"))
        if end is None or (start and start > end):
            continue
        # Every amount of the cell is waived between the dates.
        for row_ in flat:
            waived = dict(row_, amount=0, currency="VND", valid_from=start, valid_until=end)
            if waived not in rows:
                rows.append(waived)
        dated.append(flat[0])
    if dated and len(flat) > 1:
        problems.append(
            Problem(
                where,
                gettext_noop(
                    "the note gives %(count)s amounts and dated changes; check which amount each change replaces"
                ),
                note[:300],
                FEE_UNREAD,
                count=len(flat),
            )
        )
    if base["currency"] != fee.currency:
        accounted.add((fee.amount, base["currency"]))

    if 0 < fee.amount < 1000 and fee.currency == "VND":
        # No fee is a few hundred đồng: the cell is in thousands, or a time glued on.
        problems.append(
            Problem(
                where,
                gettext_noop("cell says %(amount)s, too little to be a fee; check"),
                fee.text,
                FEE_UNREAD,
                amount=money(fee.amount, fee.currency),
            )
        )
        accounted = {(fee.amount, fee.currency)}
    others = [found for found in _unique(_money(m) for m in _NOTE_MONEY.finditer(note)) if found not in accounted]
    if others:
        problems.append(
            Problem(
                where,
                gettext_noop("cell says %(amount)s, its note mentions %(amounts)s; check"),
                note[:300],
                FEE_UNREAD,
                amount=money(fee.amount, fee.currency),
                amounts=[money(*other) for other in others],
            )
        )
    return rows


def _currency_problem(where: str, fee: _Fee, currency: str, source: str, problems: list[Problem]) -> None:
    problems.append(
        Problem(
            where,
            gettext_noop("cell says %(amount)s, its note says %(noted)s; imported in %(currency)s, check"),
            source[:300],
            FEE_UNREAD,
            amount=money(fee.amount, fee.currency),
            noted=money(fee.amount, currency),
            currency=currency,
        )
    )


def _unique(items: Iterable[T]) -> list[T]:
    seen: list[T] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen

"""The channels table (cách thức thực hiện) of a portal record, which the
portal flattens into one string: each row a channel name glued to its time
cell, its fee cell and its description. The rows are split back out and read
into time-limit rows and fee rows, as published:

- A channel may have several rows. Rows with the same time limit are one
  time-limit row; rows with different time limits are kept each with its
  case (the case sentence of its description), and the record is reviewed,
  because the table does not say whether they are alternatives or steps.
- Units: "Ngày làm việc" (working days), "Giờ" (working hours; more than 8
  is reviewed, as it may mean clock hours), "Ngày" (calendar days, unless the
  same number is stated as working days), "Tháng" (months). A bare number is
  read only where the record itself states its unit (the same number as
  working days in the steps or the description, or "1" with the 15:00
  same-day rule); otherwise the row keeps the number without a unit and the
  record is reviewed. No unit is guessed.
- A row without a time limit ("Không có thông tin") is kept without one, its
  fees too, and the record is reviewed.
- Fees keep their currency (USD at missions abroad), their unit ("/bản",
  "đồng/lần"), their tiers ("Thẻ tạm trú … không quá 02 năm: 145 USD/thẻ")
  and their dated reductions ("áp dụng mức phí 400.000 đồng/hồ sơ kể từ ngày
  01/7/2025 đến hết ngày 31/12/2026"). An amount in a fee note that none of
  the rows read accounts for is reported, so nothing differs silently.

Whatever is not read with confidence becomes a `Problem` naming the field,
the sentence and the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from procedures.national.fees import _CURRENCY, FEE_UNREAD, _Fee, _fees, _read_fee, _unique
from procedures.national.text import (
    Problem,
    _collapse,
    _published,
    _quote,
    _truncate,
    money,
    number,
    phrase,
)

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"

CHANNELS = {"Trực tuyến": "online", "Trực tiếp": "in_person", "Dịch vụ bưu chính": "post"}
CHANNEL_LABELS = {"online": "online", "in_person": "in-person", "post": "post"}

# The serializer's limits (procedures/serializers.py).
MAX_CASE = 300
MAX_TIME_AMOUNT = Decimal("9999.99")


# Causes the importer counts by.
NO_TIME_LIMIT = "no time limit published"
NO_UNIT = "number without a unit"
SEVERAL_LIMITS = "several time limits"
HOURS = "more than 8 hours"

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
_UNITS = {"ngày làm việc": "working_days", "giờ": "working_hours", "tháng": "months"}
# Customs cells glue a unitless time to the fee: "Trực tuyến120 VNĐ" may be
# 1 + 20 VNĐ or 12 + 0 VNĐ, so neither is taken.
_GLUED_FEE = re.compile(rf"\s*(?:{_CURRENCY})")

_CUTOFF_AFTER_15 = re.compile(r"sau\s+15\s*(?:giờ|h\b)", re.IGNORECASE)
_NEXT_WORKING_DAY = re.compile(r"ngày làm việc tiếp theo", re.IGNORECASE)
_CASE_START = re.compile(r"(?:Đối với |Trong )?[Tt]rường hợp\b")


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
    time_limit: dict[str, Any] = field(default_factory=dict)


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


def _split_rows(text: str, problems: list[Problem]) -> list[_Row]:
    text = text.strip()
    if text.startswith(CHANNEL_HEADER):
        text = text[len(CHANNEL_HEADER) :]
    starts = list(_ROW_START.finditer(text))
    if not starts:
        if _published(text):
            problems.append(
                Problem(
                    "channels",
                    gettext_noop("no channel row recognised in %(text)s"),
                    text[:200],
                    NO_TIME_LIMIT,
                    text=_quote(text),
                )
            )
        else:
            problems.append(Problem("channels", gettext_noop("none published"), "", NO_TIME_LIMIT))
        return []
    if lead := text[: starts[0].start()].strip():
        problems.append(
            Problem(
                "channels", gettext_noop("text before the first row ignored (%(text)s)"), lead[:200], text=_quote(lead)
            )
        )
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


def _time_limit(row: _Row, steps: str, problems: list[Problem]) -> dict[str, Any]:
    """The row's time limit {"amount", "unit"}: both None/"" when none is
    published or it cannot be told from the fee, the amount alone when the
    unit is not known. Each such case is reported."""
    label = CHANNEL_LABELS[row.channel]
    where = f"{label} channel"
    unknown: dict[str, Any] = {"amount": None, "unit": ""}
    if row.glued_fee:
        problems.append(
            Problem(
                where,
                gettext_noop(
                    "time and fee cells run together (%(text)s), so the time limit cannot be told from the fee; "
                    "the row is kept without a time limit or fee"
                ),
                row.fee.text or row.time_text,
                NO_UNIT,
                text=_quote(row.fee.text or row.time_text),
            )
        )
        return unknown
    if row.no_time or row.amount is None:
        problems.append(
            Problem(
                where,
                gettext_noop("no time limit published (%(text)s)"),
                row.time_text,
                NO_TIME_LIMIT,
                text=_quote(row.time_text),
            )
        )
        return unknown
    amount = row.amount
    shown = _format_amount(amount)
    if amount <= 0:
        problems.append(
            Problem(
                where,
                gettext_noop("time limit of %(amount)s (%(text)s); kept without one"),
                row.time_text,
                amount=number(amount),
                text=_quote(row.time_text),
            )
        )
        return unknown
    if amount > MAX_TIME_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        problems.append(
            Problem(
                where,
                gettext_noop("time limit %(amount)s does not fit the catalogue"),
                row.time_text,
                amount=number(amount),
            )
        )
        return unknown
    if row.unit in _UNITS:
        unit = _UNITS[row.unit]
        if unit == "working_hours" and amount > 8:
            problems.append(
                Problem(
                    where,
                    gettext_noop(
                        "%(amount)s hours is more than a working day; imported as working hours, "
                        "check whether clock hours are meant"
                    ),
                    row.time_text,
                    HOURS,
                    amount=number(amount),
                )
            )
        if unit == "months" and amount != int(amount):
            problems.append(
                Problem(
                    where,
                    gettext_noop("%(amount)s months is not a whole number of months"),
                    row.time_text,
                    amount=number(amount),
                )
            )
            return {"amount": shown, "unit": ""}
    elif row.unit == "ngày":
        # "Ngày" is calendar days unless the same number is stated as working days.
        unit = "working_days" if _states_working_days(amount, row.description, steps) else "calendar_days"
    elif row.unit:
        problems.append(
            Problem(
                where,
                gettext_noop(
                    "time limit in %(unit)s (%(text)s) has no catalogue unit; "
                    "the number %(amount)s is kept without a unit"
                ),
                row.time_text,
                NO_UNIT,
                unit=row.unit,
                text=_quote(row.time_text),
                amount=number(amount),
            )
        )
        return {"amount": shown, "unit": ""}
    elif amount == 1 and _states_cutoff(steps, row.description):
        # Civil-status records publish "1" and describe the 15:00 cut-off in the steps.
        return {"amount": "0", "unit": "same_day"}
    elif _states_working_days(amount, row.description, steps):
        unit = "working_days"
    else:
        problems.append(
            Problem(
                where,
                gettext_noop(
                    "time limit '%(amount)s' has no unit and neither the steps nor the description state it; "
                    "the number %(amount)s is kept without a unit"
                ),
                row.time_text,
                NO_UNIT,
                amount=number(amount),
            )
        )
        return {"amount": shown, "unit": ""}
    return {"amount": shown, "unit": unit}


# Channels -------------------------------------------------------------------


def _case(row: _Row) -> str:
    """The case a row's time limit applies to: the sentence of its
    description that names a case ("Trường hợp …"), else its description."""
    text = _collapse(row.description)
    found = _CASE_START.search(text)
    if found:
        text = text[found.start() :]
    return _truncate(text or row.time_text, MAX_CASE)


# A time limit as a problem's sentence names it, by unit.
_LIMIT_PHRASES = {
    "working_days": gettext_noop("%(amount)s working days"),
    "working_hours": gettext_noop("%(amount)s working hours"),
    "calendar_days": gettext_noop("%(amount)s calendar days"),
    "months": gettext_noop("%(amount)s months"),
    "": gettext_noop("%(amount)s (no unit)"),
}


def _limit_phrase(limit: dict[str, Any]) -> dict[str, Any]:
    if limit["amount"] is None:
        return phrase(gettext_noop("none"))
    if limit["unit"] == "same_day":
        return phrase(gettext_noop("same day"))
    return phrase(_LIMIT_PHRASES[limit["unit"]], amount=number(limit["amount"]))


def _channels(text: str, steps: str, problems: list[Problem]) -> list[dict[str, Any]]:
    rows = _split_rows(text, problems)
    by_channel: dict[str, list[_Row]] = {}
    for row in rows:
        row.time_limit = _time_limit(row, steps, problems)
        by_channel.setdefault(row.channel, []).append(row)

    channels = []
    for channel, channel_rows in by_channel.items():
        label = CHANNEL_LABELS[channel]
        limits: dict[tuple[Any, ...], list[_Row]] = {}
        for row in channel_rows:
            limits.setdefault((row.time_limit["amount"], row.time_limit["unit"]), []).append(row)
        fees: list[dict[str, Any]] = []
        for row in channel_rows:
            for fee in _fees(row.fee, label, problems):
                if fee not in fees:
                    fees.append(fee)
        untold = [fee for fee in fees if not fee["case"] and not fee["valid_until"]]
        if len({(f["amount"], f["currency"], f["unit"]) for f in untold}) > 1 and len(channel_rows) > 1:
            problems.append(
                Problem(
                    f"fee for {label}",
                    gettext_noop(
                        "%(count)s rows publish different fees (%(fees)s) without saying for which case; check"
                    ),
                    " | ".join(row.fee.text for row in channel_rows)[:300],
                    FEE_UNREAD,
                    count=len(channel_rows),
                    fees=[money(f["amount"], f["currency"]) for f in untold],
                )
            )
        several = len(limits) > 1
        if several:
            problems.append(
                Problem(
                    f"{label} channel",
                    gettext_noop(
                        "%(count)s time limits published (%(limits)s); each is kept with the case its row describes, "
                        "check the cases and which one applies by default"
                    ),
                    " | ".join(row.time_text for row in channel_rows),
                    SEVERAL_LIMITS,
                    count=len(limits),
                    limits=[_limit_phrase(rows_[0].time_limit) for rows_ in limits.values()],
                )
            )
        cases: list[str] = []
        for index, same in enumerate(limits.values()):
            case = _case(same[0]) if several else ""
            if case in cases:
                case = _truncate(f"{case} ({same[0].time_text})", MAX_CASE)
            if case in cases:
                case = _truncate(case, MAX_CASE - 5) + f" #{index + 1}"
            cases.append(case)
            descriptions = _unique(row.description for row in same if row.description)
            channels.append(
                {
                    "channel": channel,
                    "case": case,
                    "time_limit": dict(same[0].time_limit),
                    "description": "\n".join(descriptions),
                    # A channel's fees are listed once, on its first row.
                    "fees": fees if index == 0 else [],
                }
            )
    return channels

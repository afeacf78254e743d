"""Fees as published: which of a channel's fee rows are charged on a given
day, and how a fee reads ("1.500.000 đồng/bản từ 01/07/2025 đến 31/12/2026").

A fee row may be dated: the Ministry of Finance lowers many fees for a while
(Circular 64/2025/TT-BTC: from 01/07/2025 to 31/12/2026), and the national
records publish the usual amount with the reduced one beside it. On a day
inside its dates a dated row replaces the undated rows of the same fee (same
name and case); outside them the usual amount applies again.

Pure: values in, values out. The fee rows are anything with the attributes
of `procedures.models.Fee`, or the dictionaries a dossier keeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from django.utils.translation import get_language, gettext

F = TypeVar("F")


def _get(fee: Any, name: str, key: str | None = None) -> Any:
    if isinstance(fee, dict):
        return fee.get(key or name)
    return getattr(fee, name)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _dated(fee: Any) -> bool:
    return bool(_get(fee, "valid_from") or _get(fee, "valid_until"))


def _covers(fee: Any, day: dt.date) -> bool:
    start, end = _date(_get(fee, "valid_from")), _date(_get(fee, "valid_until"))
    return (start is None or start <= day) and (end is None or day <= end)


def _key(fee: Any) -> tuple[Any, ...]:
    return (_get(fee, "name"), _get(fee, "case_name", "case") or "")


def in_force(fees: Iterable[F], day: dt.date) -> list[F]:
    """The fee rows charged on `day`, in their order: the undated rows, except
    those a dated row in force that day replaces, and the dated rows in force."""
    fees = list(fees)
    current = [fee for fee in fees if _dated(fee) and _covers(fee, day)]
    replaced = {_key(fee) for fee in current}
    return [
        fee for fee in fees if (_dated(fee) and _covers(fee, day)) or (not _dated(fee) and _key(fee) not in replaced)
    ]


def amount_text(amount: int, currency: str = "VND", unit: str = "") -> str:
    """ "1.500.000 đồng/bản" in Vietnamese, "1,500,000 VND/bản" otherwise;
    a zero VND fee is free; another currency as published ("10 USD/bản")."""
    amount = int(amount)
    per = f"/{unit}" if unit else ""
    if amount == 0 and currency == "VND":
        return gettext("free")
    vietnamese = (get_language() or "vi").startswith("vi")
    number = f"{amount:,}".replace(",", ".") if vietnamese else f"{amount:,}"
    money = "đồng" if vietnamese and currency == "VND" else currency
    return f"{number} {money}{per}"


def validity_text(valid_from: Any, valid_until: Any) -> str:
    """ "from 01/07/2025 to 31/12/2026", "from …", "until …", or ""."""
    start, end = _date(valid_from), _date(valid_until)
    if start and end:
        return gettext("from %(start)s to %(end)s") % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
    if start:
        return gettext("from %(start)s") % {"start": f"{start:%d/%m/%Y}"}
    if end:
        return gettext("until %(end)s") % {"end": f"{end:%d/%m/%Y}"}
    return ""


def fee_text(fee: Any) -> str:
    """How one fee row reads: its amount as published, then its dates."""
    amount = _get(fee, "amount")
    currency = _get(fee, "currency") or "VND"
    if amount is None:  # a dossier received before fees had a currency
        amount = _get(fee, "amount_vnd") or 0
    text = amount_text(amount, currency, _get(fee, "unit") or "")
    dates = validity_text(_get(fee, "valid_from"), _get(fee, "valid_until"))
    return f"{text} {dates}" if dates else text

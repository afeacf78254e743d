"""Fees as published: which of a channel's fee rows are charged on a given
day, and how a fee reads ("1.500.000 đồng/bản từ 01/07/2025 đến 31/12/2026").

A fee row may be dated: the Ministry of Finance lowers many fees for a while
(Circular 64/2025/TT-BTC: from 01/07/2025 to 31/12/2026), and the national
records publish the usual amount with the reduced one beside it. On a day
inside its dates a dated row replaces the undated rows of the same fee (same
name and case); outside them the usual amount applies again.

What a dossier owes (`owed`) is worked out here too, from its fee rows: see
"What is owed" below.

Pure: values in, values out. The fee rows are anything with the attributes
of `procedures.models.Fee`, or the dictionaries a dossier keeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.translation import get_language, gettext, gettext_lazy

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
    if int(amount) == 0 and currency == "VND":
        return gettext("free")
    return money_text(amount, currency, unit)


def money_text(amount: int, currency: str = "VND", unit: str = "") -> str:
    """An amount of money as `amount_text` writes it, zero included ("0 đồng")."""
    amount = int(amount)
    per = f"/{unit}" if unit else ""
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


# What is owed ------------------------------------------------------------------
#
# From the fee rows a dossier falls under (those of its channel in force on the
# day it was opened), the amount owed, line by line, each with the basis its
# amount rests on:
# - a row for a case or tier is owed when that case is the one chosen; when
#   the rows in force name a single case, there is nothing to choose;
# - a row charged per unit ("bản", "trang") is owed once per unit asked for
#   (`quantities`, by unit; one when none is given);
# - a percentage reduction in force that day ("bằng 50% mức thu", Circular
#   64/2025/TT-BTC) lowers a row published without dates; a dated row is
#   already the amount of its period, so it is not lowered again. Several
#   reductions do not add up: the largest applies;
# - an exemption the applicant claims (with its legal basis and the proof to
#   show) clears the rows it covers once the counter confirms it; claimed and
#   not yet confirmed, or refused, the rows stay owed;
# - a row in another currency (USD at a mission abroad) is a line of its own,
#   never added to the total in đồng.

CLAIMED, CONFIRMED, REFUSED = "claimed", "confirmed", "refused"
EXEMPTION_STATUSES = {
    CLAIMED: gettext_lazy("claimed, to be confirmed at the counter"),
    CONFIRMED: gettext_lazy("confirmed"),
    REFUSED: gettext_lazy("refused"),
}


@dataclass(frozen=True)
class Line:
    """One line owed: what it is (`label`), what its amount rests on
    (`basis`), `quantity` × `unit_amount` = `amount`, in `currency`."""

    label: str
    basis: str
    quantity: int
    unit: str
    unit_amount: int
    amount: int
    currency: str = "VND"
    usual_amount: int = 0  # the unit amount before any reduction or exemption

    @property
    def amount_vnd(self) -> int | None:
        return self.amount if self.currency == "VND" else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "basis": self.basis,
            "quantity": self.quantity,
            "unit": self.unit,
            "unit_amount": self.unit_amount,
            "amount": self.amount,
            "currency": self.currency,
            "unit_amount_text": self.unit_amount_text,
            "amount_text": self.amount_text,
        }

    @property
    def unit_amount_text(self) -> str:
        return money_text(self.unit_amount, self.currency, self.unit)

    @property
    def amount_text(self) -> str:
        return money_text(self.amount, self.currency)


@dataclass(frozen=True)
class Owed:
    """What a dossier owes: its lines, the total in đồng, amounts in other
    currencies apart; `is_published` False when the procedure publishes no
    fee for the channel ("not published", never "free"); `cases` the fee
    cases to choose between while none is chosen; the exemption claimed
    and where its confirmation stands."""

    lines: list[Line]
    total_vnd: int
    other_currencies: dict[str, int]
    is_published: bool
    cases_to_choose: list[str]
    exemption: dict[str, Any] | None
    exemption_status: str
    total_if_exempt_vnd: int | None = None

    @property
    def total_text(self) -> str:
        if not self.is_published:
            return gettext("not published")
        parts = [money_text(self.total_vnd)] if self.total_vnd or not self.other_currencies else []
        parts += [money_text(amount, currency) for currency, amount in sorted(self.other_currencies.items())]
        return " + ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "is_published": self.is_published,
            "lines": [line.as_dict() for line in self.lines],
            "total_vnd": self.total_vnd,
            "other_currencies": dict(self.other_currencies),
            "cases_to_choose": list(self.cases_to_choose),
            "exemption": dict(self.exemption) if self.exemption else None,
            "exemption_status": self.exemption_status,
            "exemption_status_label": self.exemption_status_label,
            "total_if_exempt_vnd": self.total_if_exempt_vnd,
            "total_text": self.total_text,
            "total_if_exempt_text": self.total_if_exempt_text,
        }

    @property
    def total_if_exempt_text(self) -> str:
        return "" if self.total_if_exempt_vnd is None else money_text(self.total_if_exempt_vnd)

    @property
    def exemption_status_label(self) -> str:
        return str(EXEMPTION_STATUSES.get(self.exemption_status, ""))


def fee_cases(rows: Iterable[Any], day: dt.date) -> list[str]:
    """The cases or tiers the fee rows in force `day` are published for, in order."""
    cases: list[str] = []
    for row in in_force(rows, day):
        case = _get(row, "case_name", "case") or ""
        if case and case not in cases:
            cases.append(case)
    return cases


def _covers_name(rule: Any, name: str) -> bool:
    wanted = (_get(rule, "fee_name") or "").strip().casefold()
    return not wanted or wanted == name.strip().casefold()


def _reduced(amount: int, percent: int) -> int:
    # Whole đồng, half up: 50 % of 25.001 đồng is 12.501 đồng.
    return (amount * (100 - percent) + 50) // 100


def _rule_text(rule: Any) -> str:
    dates = validity_text(_get(rule, "valid_from"), _get(rule, "valid_until"))
    basis = _get(rule, "legal_basis") or ""
    return " ".join(part for part in (basis, dates) if part)


def owed(
    rows: Iterable[Any],
    *,
    on: dt.date,
    case: str = "",
    quantities: Mapping[str, int] | None = None,
    reductions: Iterable[Any] = (),
    exemption: Mapping[str, Any] | None = None,
    exemption_status: str = "",
) -> Owed:
    """What is owed on `on` under the fee `rows` of a channel (see above).
    `reductions`: anything with `percent`, `fee_name`, `legal_basis`,
    `valid_from`, `valid_until` (model rows or their dictionaries);
    `exemption`: the claim as the dossier keeps it (`name`, `legal_basis`,
    `proof`, `fee_name`)."""
    rows = list(rows)
    current = in_force(rows, on)
    cases = fee_cases(current, on)
    chosen = cases[0] if len(cases) == 1 else (case if case in cases else "")
    in_effect = [rule for rule in reductions if _covers(rule, on)]
    quantities = quantities or {}
    exempt = exemption is not None and exemption_status == CONFIRMED
    lines: list[Line] = []
    if_exempt = 0
    for row in current:
        row_case = _get(row, "case_name", "case") or ""
        if row_case and row_case != chosen:
            continue
        name = _get(row, "name") or ""
        currency = _get(row, "currency") or "VND"
        usual = _get(row, "amount")
        if usual is None:  # a dossier received before fees had a currency
            usual = _get(row, "amount_vnd") or 0
        usual = int(usual)
        unit = _get(row, "unit") or ""
        quantity = max(int(quantities.get(unit, 1)), 0) if unit else 1
        unit_amount = usual
        basis = [fee_text(row)]
        if not _dated(row):
            applying = [rule for rule in in_effect if _covers_name(rule, name)]
            if applying and usual:
                rule = max(applying, key=lambda rule: int(_get(rule, "percent")))
                percent = int(_get(rule, "percent"))
                unit_amount = _reduced(usual, percent)
                basis.append(
                    gettext("reduced by %(percent)s%%: %(rule)s") % {"percent": percent, "rule": _rule_text(rule)}
                )
        covered = exemption is not None and _covers_name(exemption, name) and usual > 0
        if exemption is not None and covered and exempt:
            unit_amount = 0
            basis.append(
                gettext("exempt: %(name)s (%(basis)s)")
                % {"name": exemption["name"], "basis": exemption.get("legal_basis", "")}
            )
        label = f"{name} ({row_case})" if row_case else name
        line = Line(label, "; ".join(basis), quantity, unit, unit_amount, unit_amount * quantity, currency, usual)
        lines.append(line)
        if currency == "VND" and not covered:
            if_exempt += line.amount
    total = sum(line.amount for line in lines if line.currency == "VND")
    other: dict[str, int] = {}
    for line in lines:
        if line.currency != "VND":
            other[line.currency] = other.get(line.currency, 0) + line.amount
    return Owed(
        lines=lines,
        total_vnd=total,
        other_currencies=other,
        is_published=bool(current),
        cases_to_choose=cases if len(cases) > 1 and not chosen else [],
        exemption=dict(exemption) if exemption is not None else None,
        exemption_status=exemption_status if exemption is not None else "",
        total_if_exempt_vnd=if_exempt if exemption is not None and exemption_status == CLAIMED else None,
    )

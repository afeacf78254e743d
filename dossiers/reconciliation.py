"""The daily statement of an office's fees (bảng kê thu phí, lệ phí theo
ngày) and its match against the gateway's settlement file (đối soát).

Which day a payment belongs to: the day it was paid (`Payment.paid_at`,
the moment the portal counted the money: the clerk's record at the counter,
or the gateway's verified notification or answer online), in the office's
time zone (settings.TIME_ZONE, Asia/Ho_Chi_Minh, the zone of the offices'
working calendar and of the gateway's own dates). A refund belongs to the
day it was opened (`refunded_at`). Every day counts, Sundays and holidays
too: money paid online on a Sunday is on Sunday's statement. A payment
belongs to its collecting office (`Payment.office`, the receiving office).

The statement gives, to the đồng, what was paid and refunded that day by
method, by procedure and by fee line. A payment is spread over its
dossier's fee lines as owed (`Dossier.owed`), in their order, after what
the dossier's earlier payments still counted at that moment had covered; a
part beyond every line (an amount taken where no fee is published) is "not
itemised". A refund takes back its payment's lines. Each breakdown adds up
to the same totals.

The gateway's settlement file and its match against the online payments
of the day are dossiers/settlements.py's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers.models import Payment, PaymentMethod
from dossiers.timeliness import start_of_day
from portal.models import Membership, Office

NOT_ITEMISED = gettext_lazy("Not itemised (no fee line owed)")


# Who reads it -------------------------------------------------------------------


def statement_offices(user: Any) -> QuerySet[Office]:
    """The offices whose statements `user` reads and whose settlement files
    they import: an accountant's and a leader's own office, a supervisor's
    office and, at a province, its communes."""
    return Office.objects.visible_to(user, roles=Membership.STATEMENT_ROLES)


def may_read(user: Any, office: Office) -> bool:
    return statement_offices(user).filter(pk=office.pk).exists()


# The statement ------------------------------------------------------------------


@dataclass
class Row:
    """One line of a breakdown: how many payments, paid and refunded, in đồng."""

    key: str
    label: str
    count: int = 0
    paid_vnd: int = 0
    refunded_vnd: int = 0

    @property
    def net_vnd(self) -> int:
        return self.paid_vnd - self.refunded_vnd

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "paid_vnd": self.paid_vnd,
            "refunded_vnd": self.refunded_vnd,
            "net_vnd": self.net_vnd,
        }


@dataclass(frozen=True)
class Entry:
    """A payment taken, or a refund opened, on the day."""

    is_refund: bool
    at: dt.datetime
    reference: str
    dossier_code: str
    procedure: str
    method: str
    amount_vnd: int
    receipt_number: str
    gateway_reference: str
    lines: tuple[tuple[str, int], ...]

    @property
    def method_label(self) -> str:
        return str(PaymentMethod(self.method).label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": "refund" if self.is_refund else "payment",
            "at": timezone.localtime(self.at).isoformat(),
            "reference": self.reference,
            "dossier": self.dossier_code,
            "procedure": self.procedure,
            "method": self.method,
            "amount_vnd": self.amount_vnd,
            "receipt_number": self.receipt_number,
            "gateway_reference": self.gateway_reference,
            "fee_lines": [{"label": label, "amount_vnd": amount} for label, amount in self.lines],
        }


@dataclass
class Statement:
    office: Office
    day: dt.date
    entries: list[Entry]
    by_method: list[Row]
    by_procedure: list[Row]
    by_fee_line: list[Row]
    total: Row

    @property
    def payments(self) -> list[Entry]:
        return [entry for entry in self.entries if not entry.is_refund]

    @property
    def refunds(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.is_refund]

    def as_dict(self) -> dict[str, Any]:
        return {
            "office": self.office.code,
            "office_name": self.office.name,
            "day": self.day.isoformat(),
            "total": self.total.as_dict(),
            "by_method": [row.as_dict() for row in self.by_method],
            "by_procedure": [row.as_dict() for row in self.by_procedure],
            "by_fee_line": [row.as_dict() for row in self.by_fee_line],
            "entries": [entry.as_dict() for entry in self.entries],
        }


def allocate(lines: Iterable[tuple[str, int]], covered_vnd: int, amount_vnd: int) -> list[tuple[str, int]]:
    """`amount_vnd` spread over the fee `lines` (label, amount owed) in
    their order, after the first `covered_vnd` đồng, which earlier payments
    took; what is left past every line is not itemised."""
    spread: list[tuple[str, int]] = []
    left = amount_vnd
    for label, owed in lines:
        if left == 0:
            break
        skipped = min(covered_vnd, owed)
        covered_vnd -= skipped
        part = min(owed - skipped, left)
        if part:
            spread.append((label, part))
            left -= part
    if left:
        spread.append((str(NOT_ITEMISED), left))
    return spread


def _counted_before(payment: Any, others: list[Any]) -> int:
    """What the dossier's other payments held when `payment` was paid."""
    return sum(
        other.amount_vnd
        for other in others
        if other.pk != payment.pk
        and (other.paid_at, other.pk) < (payment.paid_at, payment.pk)
        and (other.refunded_at is None or other.refunded_at > payment.paid_at)
    )


def start_and_end(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The office's day as moments: from its midnight to the next."""
    return start_of_day(day), start_of_day(day + dt.timedelta(days=1))


def _add(rows: dict[str, Row], key: str, label: str, amount: int, is_refund: bool) -> None:
    row = rows.setdefault(key, Row(key, label))
    if is_refund:
        row.refunded_vnd += amount
    else:
        row.count += 1
        row.paid_vnd += amount


def statement(office: Office, day: dt.date) -> Statement:
    """The statement of `office`'s fees on `day` (see the module's docstring)."""
    start, end = start_and_end(day)
    found = list(
        Payment.objects.filter(office=office)
        .filter(Q(paid_at__gte=start, paid_at__lt=end) | Q(refunded_at__gte=start, refunded_at__lt=end))
        .select_related("dossier__procedure")
        .order_by("paid_at", "pk")
    )
    history: dict[int, list[Any]] = {}
    for other in Payment.objects.filter(
        dossier_id__in={payment.dossier_id for payment in found}, paid_at__isnull=False
    ).only("pk", "dossier_id", "amount_vnd", "paid_at", "refunded_at"):
        history.setdefault(other.dossier_id, []).append(other)
    entries: list[Entry] = []
    for payment in found:
        dossier = payment.dossier
        owed = [(line.label, line.amount) for line in dossier.owed().lines if line.currency == "VND" and line.amount]
        spread = tuple(allocate(owed, _counted_before(payment, history[dossier.pk]), payment.amount_vnd))
        procedure = f"{dossier.procedure.code} — {dossier.procedure.name}"
        for is_refund, at in ((False, payment.paid_at), (True, payment.refunded_at)):
            if at is not None and start <= at < end:
                entries.append(
                    Entry(
                        is_refund,
                        at,
                        payment.reference,
                        dossier.code,
                        procedure,
                        payment.method,
                        payment.amount_vnd,
                        payment.receipt_number,
                        payment.gateway_reference,
                        spread,
                    )
                )
    entries.sort(key=lambda entry: (entry.at, entry.is_refund, entry.reference))
    by_method = {method: Row(method, str(label)) for method, label in PaymentMethod.choices}
    by_procedure: dict[str, Row] = {}
    by_fee_line: dict[str, Row] = {}
    total = Row("total", _("Total"))
    for entry in entries:
        _add(by_method, entry.method, entry.method_label, entry.amount_vnd, entry.is_refund)
        _add(by_procedure, entry.procedure, entry.procedure, entry.amount_vnd, entry.is_refund)
        for label, amount in entry.lines:
            _add(by_fee_line, label, label, amount, entry.is_refund)
    for row in by_method.values():
        total.count += row.count
        total.paid_vnd += row.paid_vnd
        total.refunded_vnd += row.refunded_vnd
    return Statement(
        office=office,
        day=day,
        entries=entries,
        by_method=list(by_method.values()),
        by_procedure=sorted(by_procedure.values(), key=lambda row: row.key),
        by_fee_line=sorted(by_fee_line.values(), key=lambda row: (row.key == str(NOT_ITEMISED), row.key)),
        total=total,
    )

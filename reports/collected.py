"""Fees collected per counter and period, beside the timeliness report: what
each counter took in cash, by card and online (lệ phí, phí), less what it
refunded, to the đồng.

A payment counts for the office that collected it (`Payment.office`: the
receiving counter) in the period it was paid (`paid_at`), whatever became
of it later; a refund counts in the period it was made (`refunded_at`),
against the same office. So a period's net is what the counter holds for
it: a payment taken and refunded within the period nets to nought, and one
refunded in a later period lowers that period's net, as the accountant's
books have it. Attempts that failed, expired or still wait for the gateway
moved no money and are not counted.

One aggregate query (`collected`); the arithmetic (`tally`) is pure and
tested on known sums. The supervisor's dashboard and its CSV and XLSX show
the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from dossiers.models import Payment, PaymentMethod
from dossiers.timeliness import start_of_day
from portal.models import Office
from procedures.fees import money_text
from reports.periods import Period

METHODS = tuple(PaymentMethod.values)  # cash, card, online
LABELS = {
    PaymentMethod.CASH: _("Cash"),
    PaymentMethod.CARD: _("Card"),
    PaymentMethod.ONLINE: _("Online"),
    "refunded": _("Refunded"),
    "net": _("Net collected"),
}


@dataclass
class Fees:
    """One counter's fees in the period, or the total (`office` None)."""

    office: Office | None
    label: str
    by_method: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METHODS, 0))
    refunded: int = 0

    @property
    def gross(self) -> int:
        return sum(self.by_method.values())

    @property
    def net(self) -> int:
        return self.gross - self.refunded

    def cells(self) -> list[int]:
        """Cash, card, online, refunded and net, in đồng: the columns of
        the page and the files."""
        return [*(self.by_method[m] for m in METHODS), self.refunded, self.net]

    def add(self, other: Fees) -> None:
        for method in METHODS:
            self.by_method[method] += other.by_method[method]
        self.refunded += other.refunded


def columns() -> list[str]:
    return [str(LABELS[key]) for key in (*METHODS, "refunded", "net")]


@dataclass
class Collected:
    period: Period
    rows: list[Fees]
    total: Fees


def tally(
    offices: Iterable[Office], sums: Iterable[tuple[int, str, int | None, int | None]], period: Period
) -> Collected:
    """The rows from (office id, method, paid in the period, refunded in
    the period) sums: every office listed, even with nothing collected."""
    offices = list(offices)
    rows = {office.pk: Fees(office, office.name) for office in offices}
    for office_id, method, paid, refunded in sums:
        row = rows.get(office_id)
        if row is None or method not in row.by_method:
            continue
        row.by_method[method] += paid or 0
        row.refunded += refunded or 0
    total = Fees(None, str(_("Total")))
    for row in rows.values():
        total.add(row)
    return Collected(period, [rows[office.pk] for office in offices], total)


def collected(period: Period, offices: Iterable[Office]) -> Collected:
    """The fees each of `offices` collected in `period` (one query)."""
    offices = list(offices)
    begins, ends = start_of_day(period.start), start_of_day(period.end + dt.timedelta(days=1))
    paid = Q(paid_at__gte=begins, paid_at__lt=ends)
    refunded = Q(refunded_at__gte=begins, refunded_at__lt=ends)
    sums = (
        Payment.objects.filter(paid | refunded, office__in=offices)
        .values("office", "method")
        .annotate(paid=Sum("amount_vnd", filter=paid), refunded=Sum("amount_vnd", filter=refunded))
        .values_list("office", "method", "paid", "refunded")
        .order_by()
    )
    return tally(offices, sums, period)


def amount_text(amount: int) -> str:
    """An amount in đồng as the page writes it, nought included: 1.250.000
    in Vietnamese, 1,250,000 otherwise (`procedures.fees.money_text`)."""
    return money_text(amount).rsplit(" ", 1)[0]

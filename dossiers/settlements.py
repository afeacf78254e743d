"""The gateway's settlement file (file đối soát) in the adapter's format
(dossiers/gateways.py): what the gateway says it settled for a merchant on
one day, one transaction a line, read here and refused whole when any line
is wrong.

The layout: a CSV file in UTF-8 (a byte-order mark allowed), comma-separated,
a header line naming the columns, then one line per transaction. The columns
carry the protocol's own field names and formats; their order is free and
other columns ("STT", "Ghi chú") are ignored:

=======================  =====================================================
vnp_TmnCode              the merchant code (TmnCode) the money was taken under
vnp_TxnRef               the portal's payment reference (the order)
vnp_TransactionNo        the gateway's transaction number
vnp_Amount               in hundredths of a đồng, as in the messages (5000000)
vnp_PayDate              yyyyMMddHHmmss, Vietnam time (GMT+7)
vnp_BankCode             the bank or wallet (NCB, VCB…)
vnp_TransactionType      01 payment, 02 full refund, 03 partial refund
vnp_TransactionStatus    00 settled; anything else was not (not matched)
=======================  =====================================================

`read` takes the uploaded bytes and returns the lines, or raises
`SettlementInvalid` with every problem found (up to `MAX_ERRORS`), each
naming its line and what is wrong; `write` makes one (the simulator's).

`match` reads the settled lines against the online payments and refunds of
an office's day (dossiers/reconciliation.py says which day a payment
belongs to) and lists every mismatch: a line the portal has not paid
(unknown, not paid, or paid on another day), an online payment or refund
the file lacks, a different amount, a line given twice, a line under
another merchant's code. Lines of payments of the province's other offices
are theirs, not mismatches. `import_settlement` refuses a file whose lines
are of another day, and keeps the file's lines and the result
(models.Settlement); nothing is kept when the file is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import gateways
from dossiers.errors import NotAllowed
from dossiers.gateways import GATEWAY_TIME, amount_of
from dossiers.models import Payment, PaymentMethod, Settlement
from dossiers.reconciliation import may_read, start_and_end
from portal.models import Office

COLUMNS = (
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionNo",
    "vnp_Amount",
    "vnp_PayDate",
    "vnp_BankCode",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
)
PAYMENT, FULL_REFUND, PARTIAL_REFUND = "01", "02", "03"
TYPES = (PAYMENT, FULL_REFUND, PARTIAL_REFUND)
SETTLED = "00"
# A day of a province's online fees is a few thousand lines at most.
MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 50_000
MAX_ERRORS = 20

IN_FILE_ONLY = "in_file_only"
IN_PORTAL_ONLY = "in_portal_only"
AMOUNT = "amount"
DUPLICATE = "duplicate"
MERCHANT = "merchant"
MISMATCHES = {
    IN_FILE_ONLY: gettext_lazy("In the file, not paid in the portal"),
    IN_PORTAL_ONLY: gettext_lazy("Paid online in the portal, missing from the file"),
    AMOUNT: gettext_lazy("Amounts differ"),
    DUPLICATE: gettext_lazy("Line given twice"),
    MERCHANT: gettext_lazy("Another merchant's code"),
}


class SettlementInvalid(ValueError):
    """The file cannot be read: every problem, each naming its line."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class SettlementLine:
    """One transaction the gateway reports."""

    line: int
    merchant_code: str
    reference: str
    transaction_no: str
    amount_vnd: int
    paid_at: dt.datetime
    bank_code: str
    kind: str
    status: str

    @property
    def is_settled(self) -> bool:
        return self.status == SETTLED

    @property
    def is_refund(self) -> bool:
        return self.kind != PAYMENT

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "paid_at": self.paid_at.isoformat()}


def _pay_date(text: str) -> dt.datetime | None:
    if len(text) != 14 or not text.isdigit():
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=GATEWAY_TIME)
    except ValueError:
        return None


def _line(number: int, row: dict[str, str], errors: list[str]) -> SettlementLine | None:
    """One line read, or None with what is wrong added to `errors`."""
    found: list[str] = []
    value = {column: (row.get(column) or "").strip() for column in COLUMNS}
    for column in ("vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionNo"):
        if not value[column]:
            found.append(_("%(column)s is empty") % {"column": column})
        elif len(value[column]) > 40:
            found.append(_("%(column)s is longer than 40 characters") % {"column": column})
    amount = amount_of({"vnp_Amount": value["vnp_Amount"]})
    if amount is None or amount == 0:
        found.append(
            _("vnp_Amount “%(value)s” is not an amount in hundredths of a đồng (50.000 đồng is 5000000)")
            % {"value": value["vnp_Amount"][:20]}
        )
    paid_at = _pay_date(value["vnp_PayDate"])
    if paid_at is None:
        found.append(
            _("vnp_PayDate “%(value)s” is not a moment written yyyyMMddHHmmss") % {"value": value["vnp_PayDate"][:20]}
        )
    if value["vnp_TransactionType"] not in TYPES:
        found.append(
            _("vnp_TransactionType “%(value)s” is not 01, 02 or 03") % {"value": value["vnp_TransactionType"][:20]}
        )
    status = value["vnp_TransactionStatus"]
    if len(status) != 2 or not status.isdigit():
        found.append(_("vnp_TransactionStatus “%(value)s” is not a two-digit code") % {"value": status[:20]})
    if found:
        errors.append(_("Line %(line)s: %(problems)s.") % {"line": number, "problems": "; ".join(found)})
        return None
    assert amount is not None and paid_at is not None
    return SettlementLine(
        line=number,
        merchant_code=value["vnp_TmnCode"],
        reference=value["vnp_TxnRef"],
        transaction_no=value["vnp_TransactionNo"],
        amount_vnd=amount,
        paid_at=paid_at,
        bank_code=value["vnp_BankCode"][:20],
        kind=value["vnp_TransactionType"],
        status=status,
    )


def read(data: bytes) -> list[SettlementLine]:
    """The lines of a settlement file, or `SettlementInvalid`."""
    if len(data) > MAX_BYTES:
        raise SettlementInvalid(
            [_("The file is larger than %(size)s MB: no day's settlement is that long.") % {"size": MAX_BYTES >> 20}]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SettlementInvalid(
            [_("The file is not in UTF-8 (byte %(at)s): save it as CSV UTF-8.") % {"at": error.start + 1}]
        ) from None
    if not text.strip():
        raise SettlementInvalid([_("The file is empty.")])
    if "\x00" in text:
        raise SettlementInvalid([_("The file is not a CSV text file.")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error:
        raise SettlementInvalid([_("Line 1: the header cannot be read as CSV.")]) from None
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise SettlementInvalid(
            [
                _("Line 1: the header lacks the column(s) %(columns)s (expected: %(expected)s).")
                % {"columns": ", ".join(missing), "expected": ",".join(COLUMNS)}
            ]
        )
    lines: list[SettlementLine] = []
    errors: list[str] = []
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            if number - 1 > MAX_LINES:
                raise SettlementInvalid(
                    [_("The file has more than %(count)s lines: split it by day.") % {"count": MAX_LINES}]
                )
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                errors.append(
                    _("Line %(line)s: %(found)s columns where the header has %(expected)s.")
                    % {"line": number, "found": len(cells), "expected": len(header)}
                )
            else:
                found = _line(number, dict(zip(header, cells, strict=True)), errors)
                if found is not None:
                    lines.append(found)
            if len(errors) >= MAX_ERRORS:
                break
    except csv.Error:
        errors.append(_("Line %(line)s: it cannot be read as CSV.") % {"line": number + 1})
    if errors:
        raise SettlementInvalid(errors)
    return lines


def write(lines: list[dict[str, Any]]) -> str:
    """A settlement file from transactions given by their protocol fields
    (`vnp_Amount` in hundredths, `vnp_PayDate` as the gateway writes it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow([line.get(column, "") for column in COLUMNS])
    return out.getvalue()


# The match ----------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    kind: str
    reference: str
    is_refund: bool = False
    line: int | None = None
    dossier_code: str = ""
    file_amount_vnd: int | None = None
    portal_amount_vnd: int | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "reference": self.reference,
            "is_refund": self.is_refund,
            "line": self.line,
            "dossier": self.dossier_code,
            "file_amount_vnd": self.file_amount_vnd,
            "portal_amount_vnd": self.portal_amount_vnd,
            "note": self.note,
        }


@dataclass
class Match:
    """What the file says beside the portal, for the office's day."""

    lines: int = 0
    not_settled: int = 0
    other_offices: int = 0
    matched: int = 0
    file_total_vnd: int = 0
    portal_total_vnd: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "not_settled": self.not_settled,
            "other_offices": self.other_offices,
            "matched": self.matched,
            "file_total_vnd": self.file_total_vnd,
            "portal_total_vnd": self.portal_total_vnd,
            "mismatches": [mismatch.as_dict() for mismatch in self.mismatches],
        }


def _why_not_in_portal(payment: Payment | None, office: Office, day: dt.date) -> str:
    if payment is None or payment.method != PaymentMethod.ONLINE:
        return _("The portal has no online payment with this reference.")
    if payment.paid_at is None:
        return _("The portal has it %(state)s.") % {"state": payment.get_state_display()}
    return _("The portal counted it paid on %(day)s.") % {"day": f"{timezone.localdate(payment.paid_at):%d/%m/%Y}"}


def match(office: Office, day: dt.date, lines: list[SettlementLine], merchant_code: str) -> Match:
    """The settled `lines` against `office`'s online payments and refunds
    on `day`; `merchant_code` is the office's merchant (TmnCode)."""
    start, end = start_and_end(day)
    result = Match(lines=len(lines))
    known = {
        payment.reference: payment
        for payment in Payment.objects.filter(reference__in={line.reference for line in lines}).select_related(
            "dossier"
        )
    }
    online = Payment.objects.filter(office=office, method=PaymentMethod.ONLINE).select_related("dossier")
    expected = {
        False: {payment.reference: payment for payment in online.filter(paid_at__gte=start, paid_at__lt=end)},
        True: {payment.reference: payment for payment in online.filter(refunded_at__gte=start, refunded_at__lt=end)},
    }
    seen: set[tuple[Any, ...]] = set()
    found: dict[bool, set[str]] = {False: set(), True: set()}
    for line in lines:
        if not line.is_settled:
            result.not_settled += 1
            continue
        payment = known.get(line.reference)
        if payment is not None and payment.office_id != office.pk:
            result.other_offices += 1
            continue
        code = payment.dossier.code if payment is not None else ""
        mismatch = {"reference": line.reference, "is_refund": line.is_refund, "line": line.line, "dossier_code": code}
        result.file_total_vnd += -line.amount_vnd if line.is_refund else line.amount_vnd
        key = (line.is_refund, line.reference, line.transaction_no if line.is_refund else "")
        if key in seen:
            result.mismatches.append(Mismatch(DUPLICATE, file_amount_vnd=line.amount_vnd, **mismatch))
            continue
        seen.add(key)
        if line.merchant_code != merchant_code or (payment is not None and payment.merchant_code != line.merchant_code):
            result.mismatches.append(
                Mismatch(
                    MERCHANT,
                    file_amount_vnd=line.amount_vnd,
                    note=(
                        _("The file says %(given)s; this office collects under %(expected)s.")
                        % {"given": line.merchant_code, "expected": merchant_code}
                        if merchant_code
                        else _("The file says %(given)s; this office's province has no merchant for online payment.")
                        % {"given": line.merchant_code}
                    ),
                    **mismatch,
                )
            )
            found[line.is_refund].add(line.reference)
            continue
        ours = expected[line.is_refund].get(line.reference)
        if ours is None:
            result.mismatches.append(
                Mismatch(
                    IN_FILE_ONLY,
                    file_amount_vnd=line.amount_vnd,
                    note=_("The portal opened no refund of it on this day.")
                    if line.is_refund
                    else _why_not_in_portal(payment, office, day),
                    **mismatch,
                )
            )
            continue
        found[line.is_refund].add(line.reference)
        if line.amount_vnd != ours.amount_vnd:
            result.mismatches.append(
                Mismatch(AMOUNT, file_amount_vnd=line.amount_vnd, portal_amount_vnd=ours.amount_vnd, **mismatch)
            )
            continue
        result.matched += 1
    for is_refund, wanted in expected.items():
        for reference, payment in wanted.items():
            result.portal_total_vnd += -payment.amount_vnd if is_refund else payment.amount_vnd
            if reference not in found[is_refund]:
                result.mismatches.append(
                    Mismatch(
                        IN_PORTAL_ONLY,
                        reference,
                        is_refund=is_refund,
                        dossier_code=payment.dossier.code,
                        portal_amount_vnd=payment.amount_vnd,
                        note=_("A refund the gateway has not made.") if is_refund else "",
                    )
                )
    return result


def import_settlement(
    office: Office, day: dt.date, data: bytes, *, filename: str, actor: Any, at: dt.datetime | None = None
) -> tuple[Settlement, bool]:
    """Read the settlement file `data` for `office`'s `day`, match it and
    keep it; the kept one (and False) when the same file was imported for
    that office and day before. `SettlementInvalid` when the file is wrong
    (nothing is kept), `NotAllowed` for someone who does not read the
    office's statements."""
    if not may_read(actor, office):
        raise NotAllowed(
            _("Only the accountant, the leader or a supervisor of %(office)s imports its settlement files.")
            % {"office": office}
        )
    sha256 = hashlib.sha256(data).hexdigest()
    kept = Settlement.objects.filter(office=office, day=day, sha256=sha256).first()
    if kept is not None:
        return kept, False
    lines = read(data)
    elsewhere = [line for line in lines if line.paid_at.astimezone(gateways.GATEWAY_TIME).date() != day]
    if elsewhere:
        raise SettlementInvalid(
            [
                _("Line %(line)s: paid on %(paid)s, not on %(day)s: import each day's file on its own day.")
                % {"line": line.line, "paid": f"{line.paid_at:%d/%m/%Y}", "day": f"{day:%d/%m/%Y}"}
                for line in elsewhere[:MAX_ERRORS]
            ]
        )
    province = office.province
    merchant = gateways.merchant_for(province.code if province else "")
    merchant_code = merchant.code if merchant else ""
    result = match(office, day, lines, merchant_code)
    try:
        with transaction.atomic():
            return Settlement.objects.create(
                office=office,
                day=day,
                filename=filename[:200],
                sha256=sha256,
                merchant_code=merchant_code,
                lines=[line.as_dict() for line in lines],
                result=result.as_dict(),
                imported_by=actor,
                imported_at=at or timezone.now(),
            ), True
    except IntegrityError:
        # The same file, imported at the same moment by someone else.
        return Settlement.objects.get(office=office, day=day, sha256=sha256), False

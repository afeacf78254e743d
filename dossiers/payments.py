"""The one write path for a dossier's fees: money taken at the counter (at
intake or later), a payment started online, the gateway's notification
(IPN), its return, the sweep that asks about unanswered attempts, and the
refund a refusal or withdrawal opens.

Every change runs like dossiers/workflow.py: one transaction that locks the
dossier's row first, then the payment's, changes the payment through its
transitions, keeps the dossier's paid total (`fee_received_vnd`, the figure
the receive and return rules read) from the payments that count, and writes
an audit event on the dossier's trail. A notification is checked by its
signature, its merchant, its order and its amount before anything is
touched; the same notification twice, or in any order with the return and
the sweep, changes nothing the second time (the lock serialises them and the
state answers "already confirmed"). A success that arrives for a dossier
that no longer takes money (withdrawn, refused) or is already paid is kept
and refunded at once: nothing paid is lost.

Payments live in the dossiers app, not an app of their own, because the
payment rule gates the dossier's own transitions (receive, return) and a
withdrawal opens its refund in the transaction of the withdrawal: both sit
below the pages and the API that call them.

The module is long because it is that one path: every door money comes
through (the counter, the gateway's notification, its return, the sweep's
query) and the refunds share the locking, the recount and the trail.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dossiers import gateways, intake, permissions, slips
from dossiers.errors import NotAllowed, NotPossible
from dossiers.models import Dossier, DossierEvent, Payment, PaymentMethod, PaymentState, State

logger = logging.getLogger("dossiers.payments")

# Money is taken for a dossier in these states (an online one before the
# counter receives it; a stamped one at hand-over).
TAKES_MONEY = frozenset(
    {
        State.SUBMITTED,
        State.SUPPLEMENT_REQUESTED,
        State.RECEIVED,
        State.APPRAISED,
        State.APPROVED,
        State.STAMPED,
    }
)
# A refusal or withdrawal after payment gives the money back.
REFUNDED_ON = frozenset({"refuse", "withdraw"})
COUNTER_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD)


@dataclass(frozen=True)
class Answer:
    """What the portal answers the gateway's notification."""

    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"RspCode": self.code, "Message": self.message}


CONFIRMED = Answer("00", "Confirm Success")
NOT_FOUND = Answer("01", "Order not found")
ALREADY = Answer("02", "Order already confirmed")
WRONG_AMOUNT = Answer("04", "Invalid amount")
WRONG_SIGNATURE = Answer("97", "Invalid signature")
UNKNOWN = Answer("99", "Unknown error")


def new_reference(dossier: Dossier) -> str:
    """An order reference no one can guess: the dossier's number and 12 random characters."""
    return f"P{dossier.pk}{secrets.token_hex(6).upper()}"


def receipt_series(at: dt.datetime) -> str:
    return settings.FEE_RECEIPT_SERIES.format(year=f"{timezone.localdate(at):%y}")


def _locked(dossier: Dossier | int) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    return (
        Dossier.objects.select_for_update()
        .select_related("procedure", "receiving_office", "competent_office")
        .get(pk=pk)
    )


def _event(dossier: Dossier, action: str, payment: Payment, *, actor: Any, at: dt.datetime, note: str = "") -> None:
    DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_state=dossier.state,
        to_state=dossier.state,
        actor=actor,
        at=at,
        note=note,
        details={
            "payment": payment.reference,
            "method": payment.method,
            "amount_vnd": payment.amount_vnd,
            "state": payment.state,
            **({"receipt_number": payment.receipt_number} if payment.receipt_number else {}),
            **({"gateway_reference": payment.gateway_reference} if payment.gateway_reference else {}),
        },
    )


def _recount(dossier: Dossier) -> None:
    """The dossier's paid total from the payments that count, and the
    receipt (or gateway transaction) of the last of them."""
    counted = list(dossier.payments.filter(state=PaymentState.PAID).order_by("paid_at", "pk"))
    dossier.fee_received_vnd = sum(payment.amount_vnd for payment in counted)
    last = counted[-1] if counted else None
    dossier.fee_receipt_number = (last.receipt_number or last.gateway_reference or last.reference) if last else ""
    dossier.save(update_fields=["fee_received_vnd", "fee_receipt_number"])


def _freeze_receipt(dossier: Dossier, payment: Payment) -> None:
    """What the fee receipt says, frozen when the money is taken, in the
    office's language like its slips."""
    office = payment.office
    with translation.override(office.language or settings.LANGUAGE_CODE):
        place_date = slips.place_and_date(office.locality or office.name, payment.paid_at or timezone.now())
        paid_at_text = slips.moment(payment.paid_at)
    payment.receipt = {
        "place_date": place_date,
        "paid_at_text": paid_at_text,
        "number": payment.receipt_number or payment.reference,
        "series": payment.receipt_series,
        "authority": (office.authority or office.province.name).upper(),
        "office": office.name,
        "office_address": office.address,
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "payer": {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "address": dossier.applicant_address,
        },
        "lines": [
            {"name": fee.get("name", ""), "amount_vnd": fee.get("amount_vnd")}
            for fee in dossier.fees
            if fee.get("amount_vnd")
        ],
        "owed_vnd": dossier.fee_total_vnd,
        "amount_vnd": payment.amount_vnd,
        "method": payment.method,
        "gateway_reference": payment.gateway_reference,
        "collected_by": payment.collected_by.get_full_name() if payment.collected_by else "",
        "paid_at": timezone.localtime(payment.paid_at).isoformat() if payment.paid_at else "",
    }


def _paid(dossier: Dossier, payment: Payment, *, actor: Any, at: dt.datetime, gateway_reference: str = "") -> None:
    """Mark `payment` paid on the locked `dossier`; refund it at once when
    the dossier no longer takes money or was paid in full already."""
    owed_before = dossier.amount_outstanding_vnd
    payment.pay(at, gateway_reference)
    payment.receipt_series = payment.receipt_series or receipt_series(at)
    _freeze_receipt(dossier, payment)
    payment.save()
    _recount(dossier)
    _event(dossier, "pay", payment, actor=actor, at=at)
    if dossier.state not in TAKES_MONEY:
        _refund(dossier, payment, reason=_("Paid after the dossier was closed."), actor=None, at=at)
    elif payment.method == PaymentMethod.ONLINE and owed_before == 0:
        _refund(dossier, payment, reason=_("The fees had been paid already."), actor=None, at=at)


def _refund(dossier: Dossier, payment: Payment, *, reason: str, actor: Any, at: dt.datetime) -> None:
    payment.refund(at, reason)
    payment.save()
    _recount(dossier)
    _event(dossier, "refund", payment, actor=actor, at=at, note=reason)


# At the counter -----------------------------------------------------------------


def check_counter(amount: object, receipt_number: object, method: object = PaymentMethod.CASH) -> intake.Fee:
    """The amount, receipt number and method a clerk typed, checked (one rule
    for the intake, the dossier page and the API)."""
    if method not in COUNTER_METHODS:
        raise intake.FeeInvalid(_("Choose cash or card."), "method")
    return intake.check_fee(amount, receipt_number)


def record_at_counter(
    dossier: Dossier | int,
    *,
    amount: object,
    receipt_number: object,
    method: object = PaymentMethod.CASH,
    actor: Any,
    at: dt.datetime | None = None,
) -> Payment:
    """A clerk of the dossier's offices takes its fees in cash or by card
    against a receipt (biên lai); at most what is still owed."""
    fee = check_counter(amount, receipt_number, method)
    if fee.amount_vnd == 0:
        raise intake.FeeInvalid(_("Enter the amount received."), "fee_received")
    at = at or timezone.now()
    with transaction.atomic():
        dossier = _locked(dossier)
        if not (permissions.receiving_clerk(dossier, actor) or permissions.competent_clerk(dossier, actor)):
            raise NotAllowed(_("Only a clerk of the dossier's offices takes its fees."))
        if dossier.state not in TAKES_MONEY:
            raise NotPossible(
                _("Dossier %(code)s takes no payment now (%(state)s).")
                % {"code": dossier.code, "state": dossier.get_state_display()}
            )
        if dossier.fee_total_vnd and fee.amount_vnd > dossier.amount_outstanding_vnd:
            raise intake.FeeInvalid(
                _("That is more than the %(amount)s đồng still owed.")
                % {"amount": f"{dossier.amount_outstanding_vnd:,}".replace(",", ".")},
                "fee_received",
            )
        return take(dossier, fee, str(method), actor=actor, at=at)


def take(dossier: Dossier, fee: intake.Fee, method: str, *, actor: Any, at: dt.datetime) -> Payment:
    """Money taken at the counter, on a dossier locked or just opened in the
    caller's transaction (the intake's fee comes this way)."""
    payment = Payment(
        dossier=dossier,
        reference=new_reference(dossier),
        method=method,
        amount_vnd=fee.amount_vnd,
        office=dossier.receiving_office,
        receipt_number=fee.receipt_number,
        collected_by=actor,
        created_at=at,
    )
    _paid(dossier, payment, actor=actor, at=at)
    return payment


# Online ---------------------------------------------------------------------------


def may_pay_online(dossier: Dossier, user: Any) -> bool:
    """Whether `user` may pay `dossier`'s fees online now: what the
    citizen's page offers, and what `start_online` checks again."""
    province = dossier.receiving_office.province
    return (
        permissions.owner(dossier, user)
        and dossier.state in TAKES_MONEY
        and dossier.amount_outstanding_vnd > 0
        and gateways.merchant_for(province.code if province else "") is not None
    )


def start_online(
    dossier: Dossier | int, *, actor: Any, return_url: str, client_ip: str, at: dt.datetime | None = None
) -> tuple[Payment, str]:
    """The citizen pays what the dossier still owes through the gateway of
    its province: a new attempt, pending, and the address to send them to."""
    at = at or timezone.now()
    with transaction.atomic():
        dossier = _locked(dossier)
        if not permissions.owner(dossier, actor):
            raise NotAllowed(_("Only the dossier's citizen pays for it online."))
        if dossier.state not in TAKES_MONEY:
            raise NotPossible(
                _("Dossier %(code)s takes no payment now (%(state)s).")
                % {"code": dossier.code, "state": dossier.get_state_display()}
            )
        amount = dossier.amount_outstanding_vnd
        if amount == 0:
            raise NotPossible(_("Dossier %(code)s owes nothing.") % {"code": dossier.code})
        province = dossier.receiving_office.province
        merchant = gateways.merchant_for(province.code if province else "")
        if merchant is None:
            raise NotPossible(_("Online payment is not available in this province yet; pay at the counter."))
        gateway = gateways.gateway_for(merchant)
        payment = Payment(
            dossier=dossier,
            reference=new_reference(dossier),
            method=PaymentMethod.ONLINE,
            amount_vnd=amount,
            office=dossier.receiving_office,
            gateway=gateway.name,
            merchant_code=merchant.code,
            created_at=at,
            expires_at=at + dt.timedelta(minutes=settings.PAYMENT_ATTEMPT_MINUTES),
        )
        assert payment.expires_at is not None
        url, request = gateway.pay_url(
            reference=payment.reference,
            amount_vnd=amount,
            info=f"Le phi ho so {dossier.code}",
            return_url=return_url,
            client_ip=client_ip,
            at=at,
            expires_at=payment.expires_at,
        )
        payment.keep("request", at, request)
        payment.send()
        payment.save()
        _event(dossier, "payment_started", payment, actor=actor, at=at)
    return payment, url


def _verified(params: dict[str, str]) -> tuple[gateways.Result | None, Answer | None]:
    merchant = gateways.merchant_by_code(str(params.get("vnp_TmnCode", "")))
    result = gateways.gateway_for(merchant).read(params) if merchant else None
    return result, (None if result else WRONG_SIGNATURE)


def notify(params: dict[str, str], at: dt.datetime | None = None) -> Answer:
    """The gateway's server-to-server notification (IPN): verified, then
    applied once. Anything refused is logged and changes nothing."""
    at = at or timezone.now()
    result, refused = _verified(params)
    if result is None:
        return _refuse(params, refused or WRONG_SIGNATURE)
    found = Payment.objects.filter(reference=result.reference, method=PaymentMethod.ONLINE).first()
    if found is None or params.get("vnp_TmnCode") != found.merchant_code:
        # Another merchant's order is not one of this merchant's.
        return _refuse(params, NOT_FOUND)
    if result.amount_vnd != found.amount_vnd:
        return _refuse(params, WRONG_AMOUNT)
    with transaction.atomic():
        dossier = _locked(found.dossier_id)
        payment = Payment.objects.select_for_update().get(pk=found.pk)
        if not _applies(payment, result.outcome):
            return _refuse(params, ALREADY)
        payment.keep("ipn", at, params)
        _settle(dossier, payment, result, at)
    return CONFIRMED


def _applies(payment: Payment, outcome: str) -> bool:
    """Whether a verified outcome still changes the attempt: a success one
    not yet counted (even after it failed or expired: the money was taken),
    a failure one still waiting."""
    if outcome == "paid":
        return str(payment.state) in (
            PaymentState.CREATED,
            PaymentState.PENDING,
            PaymentState.FAILED,
            PaymentState.EXPIRED,
        )
    if outcome == "failed":
        return str(payment.state) == PaymentState.PENDING
    return False


def _settle(dossier: Dossier, payment: Payment, result: gateways.Result, at: dt.datetime) -> None:
    if result.outcome == "paid":
        _paid(dossier, payment, actor=None, at=at, gateway_reference=result.gateway_reference)
    else:
        payment.fail(result.gateway_reference)
        payment.save()
        _event(dossier, "payment_failed", payment, actor=None, at=at)


def _refuse(params: dict[str, str], answer: Answer) -> Answer:
    # The reference and the reason only: no signature, no secret.
    logger.warning(
        "payment notification refused (%s %s): order %r",
        answer.code,
        answer.message,
        str(params.get("vnp_TxnRef"))[:40],
    )
    return answer


def read_return(params: dict[str, str], at: dt.datetime | None = None) -> Payment | None:
    """The citizen back from the gateway: the attempt, if the message is
    signed right. The return is kept but changes no state: only the
    notification, or the gateway's answer to a query, marks anything paid."""
    result, _refused = _verified(params)
    if result is None:
        return None
    found = Payment.objects.filter(reference=result.reference, method=PaymentMethod.ONLINE).first()
    if found is None:
        return None
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("dossier").get(pk=found.pk)
        if len(payment.messages) < 20:
            payment.keep("return", at or timezone.now(), params)
            payment.save(update_fields=["messages"])
    return payment


# The sweep ------------------------------------------------------------------------


def sweep(at: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Ask the gateway about the attempts that waited past their time; apply
    what it says, and expire those it never saw paid. Safe to run twice."""
    at = at or timezone.now()
    asked_before = at - dt.timedelta(minutes=settings.PAYMENT_ATTEMPT_MINUTES)
    waiting = Payment.objects.filter(
        state__in=[PaymentState.CREATED, PaymentState.PENDING], created_at__lt=asked_before
    ).values_list("pk", flat=True)[:limit]
    tally = {"paid": 0, "failed": 0, "expired": 0, "unanswered": 0}
    for pk in list(waiting):
        tally[query(pk, at)] += 1
    return tally


def query(pk: int, at: dt.datetime) -> str:
    """Ask about one attempt and act on the answer: "paid", "failed",
    "expired" or "unanswered" (the gateway could not be asked)."""
    payment = Payment.objects.get(pk=pk)
    merchant = gateways.merchant_by_code(payment.merchant_code)
    result: gateways.Result | None = None
    exchange: dict[str, Any] = {}
    if merchant is not None and payment.state == PaymentState.PENDING:
        result, exchange = gateways.gateway_for(merchant).query(
            reference=payment.reference, created_at=payment.created_at, at=at
        )
    with transaction.atomic():
        dossier = _locked(payment.dossier_id)
        payment = Payment.objects.select_for_update().get(pk=pk)
        if payment.state not in (PaymentState.CREATED, PaymentState.PENDING):
            return "unanswered"
        if exchange:
            payment.keep("querydr", at, exchange)
        if result is not None and result.reference == payment.reference and result.outcome in ("paid", "failed"):
            if result.outcome == "paid" and result.amount_vnd != payment.amount_vnd:
                logger.warning("payment query answered a wrong amount: order %r", payment.reference)
                payment.save(update_fields=["messages"])
                return "unanswered"
            _settle(dossier, payment, result, at)
            return result.outcome
        if merchant is not None and result is None and payment.state == PaymentState.PENDING:
            # Not reachable, or not signed right: ask again next time.
            payment.save(update_fields=["messages"])
            return "unanswered"
        if payment.expires_at and payment.expires_at > at:
            payment.save(update_fields=["messages"])
            return "unanswered"
        payment.expire()
        payment.save()
        _event(dossier, "payment_expired", payment, actor=None, at=at)
        return "expired"


# Refunds --------------------------------------------------------------------------


def refund_on(dossier: Dossier, action: str, *, actor: Any, at: dt.datetime, note: str) -> int:
    """Open the refund of every counted payment when `action` closes the
    dossier without its result (refusal, withdrawal); in the caller's
    transaction, on the dossier it locked. How many were refunded."""
    if action not in REFUNDED_ON:
        return 0
    paid = list(dossier.payments.select_for_update().filter(state=PaymentState.PAID))
    reason = _("The dossier was withdrawn.") if action == "withdraw" else _("The dossier was refused at the counter.")
    for payment in paid:
        _refund(dossier, payment, reason=f"{reason} {note}".strip(), actor=actor, at=at)
    return len(paid)

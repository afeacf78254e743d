"""A payment of a dossier's fees (lệ phí, phí): one row per attempt, at the
counter or through a payment gateway, with its state machine::

    created ──send──▶ pending ──pay──▶ paid ──refund──▶ refunded
       │                 │ └─fail──▶ failed ──pay (a late success)──▶ paid
       │                 └─expire──▶ expired ──pay (a late success)──▶ paid
       └──pay (cash or card at the counter)──▶ paid

The money is in the gateway's hands once the citizen pays, so a failed or
expired attempt still accepts a later verified success: nothing paid is
lost. The row keeps the raw signed messages it exchanged (request, return,
notification, query) as they came, and, once paid, what its fee receipt
(biên lai) says, frozen, with the PDF and its SHA-256 once rendered. The
transitions only check and set fields; dossiers/payments.py locks, saves and
writes the dossier's trail.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from dossiers.models.dossier import Dossier, private_storage
from portal.models import Office


class PaymentState(models.TextChoices):
    CREATED = "created", _("created")
    PENDING = "pending", _("waiting for the gateway")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired")
    REFUNDED = "refunded", _("refunded")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("cash")
    CARD = "card", _("card at the counter")
    ONLINE = "online", _("online")


class Payment(FSMModelMixin, models.Model):
    """Một lần thanh toán — one attempt at paying a dossier's fees."""

    State = PaymentState
    Method = PaymentMethod

    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="payments")
    # The order's reference the gateway is told (vnp_TxnRef), unique for ever.
    reference = models.CharField(_("payment reference"), max_length=40, unique=True)
    state = FSMField(
        _("state"), max_length=16, choices=PaymentState.choices, default=PaymentState.CREATED, protected=True
    )
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    office = models.ForeignKey(
        Office, verbose_name=_("collecting office"), on_delete=models.PROTECT, related_name="payments"
    )
    # Online: the gateway, the merchant code it was sent under (never the
    # secret) and the gateway's own transaction number.
    gateway = models.CharField(_("gateway"), max_length=16, blank=True)
    merchant_code = models.CharField(_("merchant code"), max_length=32, blank=True)
    gateway_reference = models.CharField(_("gateway transaction"), max_length=40, blank=True)
    # At the counter: the number of the receipt (biên lai) and who took the money.
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    receipt_series = models.CharField(_("receipt series"), max_length=20, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    messages = models.JSONField(_("messages exchanged"), default=list, blank=True)
    receipt = models.JSONField(_("fee receipt"), default=dict, blank=True)
    receipt_file = models.FileField(_("fee receipt PDF"), storage=private_storage, upload_to="receipts/", blank=True)
    receipt_sha256 = models.CharField(max_length=64, blank=True)
    refund_reason = models.CharField(_("refund reason"), max_length=300, blank=True)

    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created_at", "pk"]
        indexes = [
            # The sweep: attempts still waiting for the gateway, oldest first.
            models.Index(fields=["state", "created_at"], name="payment_state_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_vnd__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(state__in=[PaymentState.PAID, PaymentState.REFUNDED]) | Q(paid_at__isnull=False),
                name="payment_paid_has_time",
            ),
            # A payment at the counter has its receipt.
            models.CheckConstraint(
                condition=Q(method=PaymentMethod.ONLINE) | ~Q(receipt_number=""),
                name="payment_counter_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_counted(self) -> bool:
        """Whether the money is held for the dossier (paid, not refunded)."""
        return self.state == PaymentState.PAID

    def keep(self, kind: str, at: Any, data: dict[str, Any]) -> None:
        """Keep a message exchanged with the gateway, as it came."""
        self.messages = [*self.messages, {"kind": kind, "at": at.isoformat(), "data": data}]

    @transition(field=state, source=PaymentState.CREATED, target=PaymentState.PENDING)
    def send(self) -> None:
        """The citizen is sent to the gateway."""

    @transition(
        field=state,
        source=[PaymentState.CREATED, PaymentState.PENDING, PaymentState.FAILED, PaymentState.EXPIRED],
        target=PaymentState.PAID,
    )
    def pay(self, at: Any, gateway_reference: str = "") -> None:
        self.paid_at = at
        if gateway_reference:
            self.gateway_reference = gateway_reference

    @transition(field=state, source=PaymentState.PENDING, target=PaymentState.FAILED)
    def fail(self, gateway_reference: str = "") -> None:
        if gateway_reference:
            self.gateway_reference = gateway_reference

    @transition(field=state, source=[PaymentState.CREATED, PaymentState.PENDING], target=PaymentState.EXPIRED)
    def expire(self) -> None:
        """No answer from the gateway in time, and none when asked."""

    @transition(field=state, source=PaymentState.PAID, target=PaymentState.REFUNDED)
    def refund(self, at: Any, reason: str) -> None:
        self.refunded_at = at
        self.refund_reason = reason[:300]

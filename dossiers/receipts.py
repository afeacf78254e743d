"""The fee receipt (biên lai thu phí, lệ phí): the e-receipt the portal
issues for a payment once the money is taken — the payer, the amounts by fee
line, the collecting office, the receipt's number and series, how it was
paid and who took it. What it says is frozen on the payment when it is paid
(dossiers/payments.py); its PDF is rendered once, through the slips'
renderer, signed by the collecting office (portal/signing.py) and stored
with its SHA-256 like a slip, the same bytes at every download after that.
While the office cannot sign, the receipt waits: a download answers 503
naming the certificate to renew, and the money taken stays recorded.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from dossiers.models import Payment, PaymentMethod
from dossiers.slips import DOCUMENT_STYLESHEET, cannot_sign, pdf_from_html
from portal import signing


def filename(payment: Payment) -> str:
    return f"{payment.dossier.code}-bien-lai-{payment.reference}.pdf"


def render_html(payment: Payment) -> str:
    language = payment.office.language or settings.LANGUAGE_CODE
    with translation.override(language):
        return render_to_string(
            "slips/fee_receipt.html",
            {
                "c": payment.receipt,
                "method": PaymentMethod(payment.method).label,
                "title": _("Fee receipt"),
            },
        )


def ensure_file(payment_pk: int) -> Payment:
    """The payment with its receipt's PDF stored, signed by the collecting
    office: rendered now if it was not yet, never again once it was. Raises
    SigningUnavailable when the office cannot sign (nothing is stored)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("dossier", "office").get(pk=payment_pk)
        if payment.receipt_sha256 or not payment.receipt:
            return payment
        with translation.override(payment.office.language or settings.LANGUAGE_CODE):
            reason = _("Fee receipt")
        pdf = signing.sign(pdf_from_html(render_html(payment), DOCUMENT_STYLESHEET), payment.office, reason=reason)
        payment.receipt_file.save(filename(payment), ContentFile(pdf), save=False)
        payment.receipt_sha256 = hashlib.sha256(pdf).hexdigest()
        payment.save(update_fields=["receipt_file", "receipt_sha256"])
        return payment


def download(payment: Payment) -> HttpResponse:
    """The receipt's PDF, the same bytes every time, with its SHA-256: for
    the counter, the citizen and the API alike."""
    try:
        payment = ensure_file(payment.pk)
    except signing.SigningUnavailable as unavailable:
        return cannot_sign(unavailable)
    with payment.receipt_file.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename(payment)}"'
    response["X-Content-SHA256"] = payment.receipt_sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response

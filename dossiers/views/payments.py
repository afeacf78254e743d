"""The fees on the counter's dossier page (money taken in cash or by card,
the receipts), and the gateway's two doors into the portal: the citizen's
return and the server-to-server notification (IPN). Each calls
dossiers/payments.py; none writes a payment itself."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dossiers import payments, receipts
from dossiers.errors import ActionError
from dossiers.forms import ActionForm, PaymentForm
from dossiers.models import Payment
from dossiers.views.counter import render_dossier, visible_dossier
from portal.auth import staff_only


@staff_only
@require_POST
def record(request, code: str):
    dossier = visible_dossier(request, code)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            payment = payments.record_at_counter(
                dossier,
                amount=data["fee_received"],
                receipt_number=data["fee_receipt_number"],
                method=data["method"],
                actor=request.user,
            )
        except ActionError as error:
            field = getattr(error, "field", None)
            form.add_error(field if field in form.fields else None, error.message)
            status = error.http_status
        else:
            messages.success(
                request,
                _("Payment of %(amount)s đồng recorded against receipt %(number)s.")
                % {"amount": f"{payment.amount_vnd:,}".replace(",", "."), "number": payment.receipt_number},
            )
            return redirect(dossier.get_absolute_url())
    else:
        status = 400
    dossier.refresh_from_db()
    return render_dossier(
        request, dossier, ActionForm(initial={"version": dossier.version}), status=status, payment_form=form
    )


@staff_only
@require_GET
def counter_receipt(request, code: str, reference: str):
    dossier = visible_dossier(request, code)
    payment = get_object_or_404(Payment, dossier=dossier, reference=reference)
    if not payment.receipt:
        raise Http404
    return receipts.download(payment)


@csrf_exempt
@require_GET
def ipn(request):
    """The gateway's notification: always a JSON answer, never a page."""
    return JsonResponse(payments.notify(request.GET.dict()).as_json())


@require_GET
def back_from_gateway(request):
    """Where the gateway sends the citizen back: what the attempt's state is
    now. A visit by hand, or a forged result, marks nothing paid."""
    payment = payments.read_return(request.GET.dict())
    if payment is None:
        return render(request, "dossiers/payment_return.html", {"payment": None}, status=400)
    said_paid = request.GET.get("vnp_ResponseCode") == "00"
    dossier = payment.dossier
    mine = request.user.is_authenticated and dossier.citizen_id == request.user.pk
    return render(
        request,
        "dossiers/payment_return.html",
        {"payment": payment, "dossier": dossier, "mine": mine, "said_paid": said_paid},
    )

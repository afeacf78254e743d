"""Slips to print at the counter, and the public page that tells a genuine
slip from a forged one."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dossiers import slips
from dossiers.models import Slip
from dossiers.views.counter import visible_dossier
from portal.auth import staff_only
from portal.clients import client_address
from portal.limits import VERIFY_ADDRESS


@staff_only
def counter_slip(request, code: str, pk: int):
    dossier = visible_dossier(request, code)
    return slips.download(get_object_or_404(Slip, dossier=dossier, pk=pk))


@require_http_methods(["GET", "POST"])
def verify(request, code: str):
    """Public: is this slip genuine? By the check code printed beside its QR
    code, or by the PDF itself. Shows the procedure, the office, the state
    and the appointment, and of the applicant only the initials; says the
    same "not found" whether or not the dossier exists. Each check counts
    against the client's address (VERIFY_ATTEMPTS per VERIFY_WINDOW_SECONDS)."""
    check_code = request.GET.get("k") or request.POST.get("k", "")
    upload = request.FILES.get("file")
    asked = bool(check_code or upload)
    if asked and not VERIFY_ADDRESS.take(client_address(request)):
        return too_many_checks(request, code, check_code)
    slip = None
    if upload is not None and upload.size <= 20 * 1024 * 1024:
        slip = slips.find_genuine(code, content=upload.read())
    elif check_code:
        slip = slips.find_genuine(code, check_code=check_code)
    context = {"code": code, "asked": asked, "slip": slip, "check_code": check_code}
    if slip is not None:
        dossier = slip.dossier
        context.update(
            dossier=dossier,
            initials=slips.initials(dossier.applicant_name),
            office=dossier.receiving_office,
            other_slips=dossier.slips.exclude(pk=slip.pk),
        )
    return render(request, "dossiers/verify.html", context, status=200 if slip or not asked else 404)


def verify_short(request, check: str):
    """The address in a slip's QR code: /v/<check code>."""
    if not VERIFY_ADDRESS.take(client_address(request)):
        return too_many_checks(request, "", check)
    slip = Slip.objects.filter(check_code=slips.normalise_check_code(check)).select_related("dossier").first()
    if slip is None:
        context = {"code": "", "asked": True, "slip": None, "check_code": check}
        return render(request, "dossiers/verify.html", context, status=404)
    return redirect(f"{reverse('verify', args=[slip.dossier.code])}?k={slip.check_code}")


def too_many_checks(request, code: str, check_code: str):
    """429: this address has checked too many codes; nothing is looked up."""
    wait = max(1, VERIFY_ADDRESS.retry_after(client_address(request)))
    context = {"code": code, "check_code": check_code, "refused": True, "wait_minutes": -(-wait // 60)}
    response = render(request, "dossiers/verify.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response

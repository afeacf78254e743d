"""Slips and results to print at the counter; the public pages that tell a
genuine document from a forged or altered one (/verify/ for any PDF or
check code, /verify/<dossier code>/ for a slip of a known dossier); and the
link that opens an electronic result for whoever was sent it."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from dossiers import results, slips, verification
from dossiers.models import Result, Slip
from dossiers.views.counter import visible_dossier
from portal import signing
from portal.auth import staff_only
from portal.clients import client_address
from portal.limits import VERIFY_ADDRESS


@staff_only
def counter_slip(request, code: str, pk: int):
    dossier = visible_dossier(request, code)
    return slips.download(get_object_or_404(Slip, dossier=dossier, pk=pk))


@require_GET
def result_by_link(request, token: str):
    """The link sent to the citizen by email and SMS: the result's PDF, for
    whoever holds the link (like the paper handed over), while it is in
    force; a revoked or superseded one is not served."""
    result = Result.objects.filter(download_token=token).select_related("dossier").first() if len(token) < 64 else None
    if result is None or not result.is_current:
        raise Http404
    return results.download(result)


# Public checks ------------------------------------------------------------------

VERIFY_MAX_BYTES = 20 * 1024 * 1024


@require_http_methods(["GET", "POST"])
def verify_document(request):
    """Public: the validation report of an uploaded PDF, or of the document
    a check code names (a slip or a result): whether this portal issued it,
    what it is, to whom (initials), by whom, and whether it is in force.
    Each check counts against the client's address, as on the slip page."""
    check_code = (request.GET.get("k") or request.POST.get("k", "")).strip()[:40]
    upload = request.FILES.get("file")
    asked = bool(check_code or upload)
    if asked and not VERIFY_ADDRESS.take(client_address(request)):
        return too_many_checks(request, "", check_code, template="dossiers/verify_document.html")
    report = None
    too_large = False
    if upload is not None:
        if upload.size > VERIFY_MAX_BYTES:
            too_large = True
        else:
            report = verification.check_file(upload.read())
    elif check_code:
        report = verification.check_code(check_code)
    context = {"asked": asked, "report": report, "check_code": check_code, "too_large": too_large}
    found = report is not None and report.issued is not None
    status = 200 if found or not asked else 413 if too_large else 404 if check_code and not upload else 200
    return render(request, "dossiers/verify_document.html", context, status=status)


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
            v=_signature_of(slip),
        )
    return render(request, "dossiers/verify.html", context, status=200 if slip or not asked else 404)


def _signature_of(slip: Slip) -> signing.Validation | None:
    """The validation report of the slip's stored PDF (rendered first if it
    was not yet); None when its office cannot sign it now."""
    try:
        return signing.validate(slips.read(slips.ensure_file(slip.pk)))
    except signing.SigningUnavailable:
        return None


def verify_short(request, check: str):
    """The address in a slip's QR code: /v/<check code>."""
    if not VERIFY_ADDRESS.take(client_address(request)):
        return too_many_checks(request, "", check)
    slip = Slip.objects.filter(check_code=slips.normalise_check_code(check)).select_related("dossier").first()
    if slip is None and Result.objects.filter(check_code=slips.normalise_check_code(check)).exists():
        return redirect(f"{reverse('verify_document')}?k={slips.normalise_check_code(check)}")
    if slip is None:
        context = {"code": "", "asked": True, "slip": None, "check_code": check}
        return render(request, "dossiers/verify.html", context, status=404)
    return redirect(f"{reverse('verify', args=[slip.dossier.code])}?k={slip.check_code}")


def too_many_checks(request, code: str, check_code: str, *, template: str = "dossiers/verify.html"):
    """429: this address has checked too many codes; nothing is looked up."""
    wait = max(1, VERIFY_ADDRESS.retry_after(client_address(request)))
    context = {"code": code, "check_code": check_code, "refused": True, "wait_minutes": -(-wait // 60)}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response

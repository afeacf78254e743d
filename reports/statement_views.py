"""The daily statement of an office's fees, for its accountant, its leader
and its supervisors (`reconciliation.statement_offices`): the three
breakdowns, the day's payments, the import of the gateway's settlement file
and the mismatches it found, and the statement as XLSX and PDF.

An office the reader does not cover answers 404, as a dossier of another
office does; someone who reads no office's statement gets 403.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dossiers import reconciliation, settlements
from dossiers.models import Settlement
from portal.models import Office
from reports import statements
from reports.forms import SettlementForm, StatementDayForm


def _offices(request):
    offices = reconciliation.statement_offices(request.user)
    if not offices.exists():
        raise PermissionDenied(_("The statements of fees are for accountants, office leaders and supervisors."))
    return offices


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Http404(_("No such day.")) from None


@login_required
def choose(request):
    """Which office and day: today's statement of the reader's first office
    unless they ask for another."""
    offices = _offices(request)
    form = StatementDayForm(request.GET or None, offices=offices)
    if form.is_bound and form.is_valid():
        return redirect("reports:statement", form.cleaned_data["office"].code, form.cleaned_data["day"].isoformat())
    today = timezone.localdate()
    return render(
        request,
        "reports/statement_choose.html",
        {"form": form, "offices": offices.order_by("name"), "today": today},
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement(request, office_code: str, day: str):
    offices = _offices(request)
    office = get_object_or_404(offices, code=office_code)
    the_day = _day(day)
    form = SettlementForm()
    status = 200
    if request.method == "POST":
        form = SettlementForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                kept, created = settlements.import_settlement(
                    office,
                    the_day,
                    upload.read(settlements.MAX_BYTES + 1),
                    filename=upload.name or "",
                    actor=request.user,
                )
            except settlements.SettlementInvalid as refused:
                for error in refused.errors:
                    form.add_error("file", error)
            else:
                if created:
                    messages.success(
                        request,
                        _("Settlement file imported: %(count)s mismatches.") % {"count": kept.mismatch_count},
                    )
                else:
                    messages.info(request, _("This file was imported for this day already: its result is below."))
                return redirect(f"{request.path}?settlement={kept.pk}")
        status = 400
    kept_files = list(Settlement.objects.filter(office=office, day=the_day).select_related("imported_by"))
    shown = _shown(request, kept_files)
    found = reconciliation.statement(office, the_day)
    return render(
        request,
        "reports/statement.html",
        {
            "office": office,
            "statement": found,
            "day": the_day,
            "previous_day": the_day - dt.timedelta(days=1),
            "next_day": the_day + dt.timedelta(days=1) if the_day < timezone.localdate() else None,
            "form": form,
            "settlement": shown,
            "kept_files": kept_files,
            "mismatches": statements.mismatch_rows(shown),
            "offices": offices.order_by("name"),
        },
        status=status,
    )


def _shown(request, kept_files: list[Settlement]) -> Settlement | None:
    """The kept file asked for (?settlement=), or the latest."""
    asked = request.GET.get("settlement", "")
    for kept in kept_files:
        if str(kept.pk) == asked:
            return kept
    return kept_files[0] if kept_files else None


@login_required
def statement_file(request, office_code: str, day: str, fmt: str):
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    office: Office = get_object_or_404(_offices(request), code=office_code)
    the_day = _day(day)
    kept_files = list(Settlement.objects.filter(office=office, day=the_day).select_related("imported_by"))
    found = reconciliation.statement(office, the_day)
    maker = statements.xlsx if fmt == "xlsx" else statements.pdf
    return maker(found, _shown(request, kept_files))

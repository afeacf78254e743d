"""The results at the counter: a result's PDF, and a leader's revoking or
correcting it (dossiers/results.py); the dossier's page shows them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import results
from dossiers.errors import ActionError
from dossiers.forms import ActionForm, ResultAmendForm
from dossiers.models import Result
from dossiers.views.counter import render_dossier, visible_dossier
from portal.auth import staff_only


@staff_only
def counter_result(request, code: str, pk: int):
    dossier = visible_dossier(request, code)
    return results.download(get_object_or_404(Result, dossier=dossier, pk=pk))


@staff_only
@require_POST
def amend_result(request, code: str):
    """Revoke a result, or supersede it by a correction (a leader's action)."""
    dossier = visible_dossier(request, code)
    form = ResultAmendForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        result = dossier.results.filter(pk=form.cleaned_data["result"]).first()
        if result is None:
            form.add_error(None, _("This dossier has no such result."))
    if result is None:
        return render_dossier(request, dossier, ActionForm(initial={"version": dossier.version}), 400, amend_form=form)
    data = form.cleaned_data
    try:
        if data["amend"] == "revoke":
            results.revoke(result, actor=request.user, reason=data["reason"])
            messages.success(request, _("Result %(number)s is revoked.") % {"number": result.number})
        else:
            corrected = results.correct(result, data["draft"], actor=request.user, reason=data["reason"])
            messages.success(
                request,
                _("Result %(old)s is superseded by %(new)s.") % {"old": result.number, "new": corrected.number},
            )
    except ActionError as error:
        for message in error.errors:
            form.add_error(None, message)
        return render_dossier(
            request, dossier, ActionForm(initial={"version": dossier.version}), error.http_status, amend_form=form
        )
    return redirect(dossier.get_absolute_url())

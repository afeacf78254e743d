"""The dossier page's “Settle on the spot” button (dossiers/on_the_spot.py);
the panel beside it is `on_the_spot.panel`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import on_the_spot
from dossiers.errors import ActionError
from dossiers.forms import ActionForm
from dossiers.states import State
from dossiers.views.counter import render_dossier, visible_dossier
from portal.auth import staff_only


class SettleForm(forms.Form):
    version = forms.IntegerField(min_value=0)
    documents = forms.TypedMultipleChoiceField(coerce=int, required=False)


@staff_only
@require_POST
def settle(request, code: str):
    dossier = visible_dossier(request, code)
    form = SettleForm(request.POST)
    form.fields["documents"].choices = [(doc.position, doc.position) for doc in dossier.documents.all()]
    # The page's own form, to show a refusal on.
    shown = ActionForm({"version": dossier.version, "action": "on_the_spot"})
    shown.is_valid()
    if not form.is_valid():
        shown.add_error(None, _("The page was out of date: look at the dossier again."))
        return render_dossier(request, dossier, shown, status=400)
    try:
        dossier = on_the_spot.settle(
            dossier,
            actor=request.user,
            version=form.cleaned_data["version"],
            documents=set(form.cleaned_data["documents"]) if dossier.state == State.SUBMITTED else None,
        )
    except ActionError as error:
        shown.add_error(None, error.message)
        dossier.refresh_from_db()
        return render_dossier(request, dossier, shown, status=error.http_status)
    done = (
        _("Dossier %(code)s settled on the spot: received, appraised, approved, stamped and handed over.")
        if dossier.state == State.RETURNED
        else _("Dossier %(code)s settled on the spot: its result waits in “To send by post” for the postal service.")
    )
    messages.success(request, done % {"code": dossier.code})
    return redirect(dossier.get_absolute_url())

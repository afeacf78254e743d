"""The counter's door to what a dossier owes: the clerk confirms or refuses
the fee exemption the applicant claimed, once the proof was shown or not
(dossiers/fees.py::decide_exemption, the rule the API's door calls too). A
decision refused is told on the dossier's page, with the status the API
answers (400, 403, 409), and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import fees
from dossiers.errors import ActionError
from dossiers.forms import ActionForm
from dossiers.intake import whole_number
from dossiers.views.counter import render_dossier, visible_dossier
from portal.auth import staff_only


@staff_only
@require_POST
def exemption(request, code: str):
    """The clerk confirms or refuses the fee exemption the applicant claimed
    (dossiers/fees.py::decide_exemption, as the API's door does)."""
    dossier = visible_dossier(request, code)
    decision = request.POST.get("decision")
    version = whole_number(request.POST.get("version", ""))
    if decision not in ("confirm", "refuse") or version is None:
        messages.error(request, _("Choose whether to confirm or refuse the exemption."))
        return render_dossier(request, dossier, ActionForm(), status=400)
    try:
        fees.decide_exemption(dossier, confirmed=decision == "confirm", actor=request.user, version=version)
    except ActionError as error:
        for message in error.errors:
            messages.error(request, message)
        dossier.refresh_from_db()
        return render_dossier(request, dossier, ActionForm(), status=error.http_status)
    messages.success(
        request,
        _("Fee exemption confirmed for dossier %(code)s.") % {"code": dossier.code}
        if decision == "confirm"
        else _("Fee exemption refused for dossier %(code)s.") % {"code": dossier.code},
    )
    return redirect(dossier)

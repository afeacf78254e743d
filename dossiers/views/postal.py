"""The counter's papers for results sent by post: the envelope label of one
dossier, the labels or the hand-over list of dossiers ticked in the "to send
by post" queue, and the hand-over list of a day (dossiers/handover.py).

A wrong request — no dossier ticked, a code that is not a result this
office sends by post, a day that is not a date — gets the queue again with
the reason (400) and prints nothing.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dossiers import handover, queues
from dossiers.errors import Invalid
from dossiers.models import Delivery
from dossiers.views.counter import _render_queue, current_office, visible_dossier
from portal.auth import staff_only

QUEUE = "to_post"


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _refused(request, message: str) -> HttpResponse:
    office, offices = current_office(request)
    chosen = queues.BY_SLUG[QUEUE]
    return _render_queue(request, office, offices, chosen, queues.Moment.at(office), error=message, status=400)


@staff_only
@require_GET
def label(request, code: str):
    """The envelope label of one result by post, from its sending office."""
    dossier = visible_dossier(request, code)
    if dossier.delivery != Delivery.POST:
        raise Http404
    return _pdf(handover.labels_pdf([dossier], dossier.competent_office), f"label-{dossier.code}.pdf")


@staff_only
@require_GET
def papers(request):
    """Labels (`paper=labels`) or the hand-over list (`paper=list`) of the
    dossiers ticked in the queue (`dossier`, repeated)."""
    office, _offices = current_office(request)
    paper = request.GET.get("paper", "")
    if paper not in ("labels", "list"):
        return _refused(request, _("Choose the envelope labels or the hand-over list."))
    try:
        dossiers = handover.chosen(office, request.GET.getlist("dossier"), request.user)
    except Invalid as error:
        return _refused(request, error.message)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if paper == "labels":
        return _pdf(handover.labels_pdf(dossiers, office), f"labels-{office.code}-{stamp}.pdf")
    return _pdf(handover.handover_pdf(dossiers, office, clerk=request.user), f"handover-{office.code}-{stamp}.pdf")


@staff_only
@require_GET
def day_list(request):
    """The hand-over list of the results the office posted on `day`
    (YYYY-MM-DD; today when none is given)."""
    office, _offices = current_office(request)
    given = request.GET.get("day", "").strip()
    try:
        day = dt.date.fromisoformat(given) if given else timezone.localdate()
    except ValueError:
        return _refused(request, _("Give the day as a date, e.g. %(example)s.") % {"example": "2026-01-14"})
    if not dt.date(2000, 1, 1) <= day <= timezone.localdate():
        return _refused(request, _("Choose a day that has come, from 2000 on."))
    dossiers = handover.handed_over_on(office, day)
    return _pdf(
        handover.handover_pdf(dossiers, office, clerk=request.user, day=day), f"handover-{office.code}-{day}.pdf"
    )

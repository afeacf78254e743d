"""Citizens' ratings, feedback and complaints, for the supervisors of the
offices they concern: listed with the dossier and the stage it was at,
unanswered first, each answered once."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citizens import feedback
from citizens.forms import AnswerForm
from citizens.models import Feedback
from dossiers.errors import ActionError
from portal.auth import supervisors_only

FILTERS = {
    "waiting": lambda qs: qs.filter(answered_at=None).exclude(kind=Feedback.Kind.RATING, comment=""),
    "complaints": lambda qs: qs.filter(kind=Feedback.Kind.COMPLAINT),
    "ratings": lambda qs: qs.filter(kind=Feedback.Kind.RATING),
    "all": lambda qs: qs,
}


@supervisors_only
def feedback_list(request, offices):
    visible = feedback.for_supervisor(request.user)
    shown = request.GET.get("show", "waiting")
    if shown not in FILTERS:
        shown = "waiting"
    items = FILTERS[shown](visible).order_by("-created_at")
    context = {
        "page": Paginator(items, 25).get_page(request.GET.get("page")),
        "shown": shown,
        "summary": feedback.summary(visible),
        "form": AnswerForm(),
    }
    return render(request, "citizens/feedback_list.html", context)


@supervisors_only
@require_POST
def answer(request, offices, pk: int):
    item = get_object_or_404(feedback.for_supervisor(request.user), pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            feedback.answer(item, request.user, form.cleaned_data["answer"])
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your answer is sent to the citizen."))
    else:
        messages.error(request, _("Write the answer the citizen will read."))
    return redirect("citizen:feedback_list")

"""The citizen's side of a dossier: their list, a dossier in plain words
(state, deadline, slips, timeline), answering a supplement request,
withdrawing, rating the service, feedback; and tracking any dossier by its
code and the last digits of the phone number, without an account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from citizens import applications, feedback, life_events, tracking
from citizens.forms import ClaimCodeForm, FeedbackForm, RatingForm, SupplementFileForm, TrackForm, WithdrawForm
from citizens.models import Draft, LifeEvent
from dossiers import payments, receipts, results, slips, supplements, verification, workflow
from dossiers.actions import EVENT_LABELS, event_label
from dossiers.errors import ActionError, Invalid, NotAllowed, NotPossible
from dossiers.models import Dossier, Payment, RequestedDocument, Result, Slip, State
from dossiers.uploads import as_download
from portal.clients import client_address
from portal.phones import last_digits

# What each state means for the citizen, and what happens next.
NEXT_STEP = {
    State.SUBMITTED: gettext_lazy(
        "The counter checks your application. If it is complete they receive it and the time limit starts; "
        "if something is missing they tell you what to add."
    ),
    State.RECEIVED: gettext_lazy("The office is examining your dossier."),
    State.APPRAISED: gettext_lazy("Your dossier has been examined and waits for the leader's decision."),
    State.APPROVED: gettext_lazy("The leader has signed; the result is being stamped and issued."),
    State.STAMPED: gettext_lazy("Your result is ready."),
    State.RETURNED: gettext_lazy("The result has been handed over to you."),
    State.SUPPLEMENT_REQUESTED: gettext_lazy(
        "The counter needs something more from you. Upload what they asked for, then send it."
    ),
    State.REFUSED: gettext_lazy("The counter could not accept the dossier. The reasons are below."),
    State.REJECTED: gettext_lazy("The office decided it cannot grant the request. The reasons are below."),
    State.WITHDRAWN: gettext_lazy("You withdrew this dossier."),
}


def own_dossier(request, code: str) -> Dossier:
    """The signed-in citizen's dossier, or 404 whether or not it exists."""
    return get_object_or_404(
        Dossier.objects.select_related("procedure", "receiving_office", "competent_office"),
        code=code,
        citizen=request.user,
    )


@login_required
def my_dossiers(request):
    dossiers = (
        Dossier.objects.filter(citizen=request.user)
        .select_related("procedure", "receiving_office")
        .prefetch_related("results", "slips")
    )
    drafts = Draft.objects.filter(citizen=request.user).select_related("procedure").order_by("-updated_at")
    context = {
        "dossiers": dossiers.order_by("-submitted_at")[:200],
        "drafts": drafts,
        "expiry_days": settings.DRAFT_EXPIRY_DAYS,
        "notice_days": settings.DRAFT_REMINDER_DAYS,
    }
    return render(request, "citizens/my_dossiers.html", context)


@login_required
def submitted(request, code: str):
    """The confirmation page: the reference and what happens next."""
    dossier = own_dossier(request, code)
    return render(request, "citizens/submitted.html", {"dossier": dossier})


@login_required
def dossier_detail(
    request, code: str, *, supplement_form=None, feedback_form=None, rating_form=None, pay_error="", status=200
):
    dossier = own_dossier(request, code)
    actions = workflow.available_actions(dossier, request.user)
    requested = []
    if dossier.state == State.SUPPLEMENT_REQUESTED:
        requested = list(RequestedDocument.objects.of_last_request(dossier))
    context = {
        "dossier": dossier,
        "next_step": NEXT_STEP.get(dossier.state, ""),
        "timeliness": dossier.timeliness(),
        "explanation": dossier.explain_deadline(),
        "slips": dossier.slips.order_by("issued_at", "pk"),
        "issued": verification.issued_documents(dossier),
        "events": timeline(dossier, request.user),
        "event_labels": {**EVENT_LABELS, "return": event_label(dossier, "return")},
        "documents": dossier.documents.all(),
        "files": dossier.files_for_citizen(),
        "may_supplement": "supplement" in actions,
        "supplement_request": dossier.events.filter(action="request_supplement").order_by("-at", "-pk").first(),
        "supplement_files": dossier.citizen_files_since_request(),
        # The documents asked for, each answered by a file or still to send.
        "requested": requested,
        "still_to_upload": supplements.still_to_upload(requested),
        "supplement_form": supplement_form or SupplementFileForm(dossier=dossier),
        "may_withdraw": "withdraw" in actions,
        "may_rate": feedback.may_rate(dossier),
        "rating_form": rating_form or RatingForm(),
        "feedback_form": feedback_form or FeedbackForm(),
        "feedback": dossier.feedback.select_related("answered_by"),
        **payment_panel(dossier, request.user),
        "pay_error": pay_error,
    }
    return render(request, "citizens/dossier.html", context, status=status)


@dataclass
class Entry:
    at: dt.datetime
    action: str
    actor_id: int | None
    note: str


def timeline(dossier: Dossier, citizen) -> list[Entry]:
    """The dossier's events as its citizen reads them (`seen_by_citizen`,
    `note_for_citizen`), the files they sent in a row shown as one entry."""
    entries: list[Entry] = []
    for event in dossier.events.seen_by_citizen(citizen):
        last = entries[-1] if entries else None
        if event.action == "attach" and last is not None and last.action == "attach":
            last.note = f"{last.note}, {event.note}"
            continue
        entries.append(Entry(event.at, event.action, event.actor_id, event.note_for_citizen))
    return entries


@login_required
@require_POST
def supplement_file(request, code: str):
    dossier = own_dossier(request, code)
    form = SupplementFileForm(request.POST, request.FILES, dossier=dossier)
    if form.is_valid():
        try:
            document = form.documents.get(form.cleaned_data["document"])
            stored = workflow.attach_upload(
                dossier, upload=form.cleaned_data["file"], document=document, actor=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("“%(name)s” is uploaded.") % {"name": stored.original_name})
            return redirect("citizen:dossier", dossier.code)
    return dossier_detail(request, code, supplement_form=form, status=400)


@login_required
@require_POST
def supplement_send(request, code: str):
    dossier = own_dossier(request, code)
    try:
        workflow.perform(dossier, "supplement", actor=request.user, version=_int(request.POST.get("version")))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your supplement is sent. The counter has been told."))
    return redirect("citizen:dossier", dossier.code)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, code: str):
    dossier = own_dossier(request, code)
    form = WithdrawForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            workflow.perform(
                dossier,
                "withdraw",
                actor=request.user,
                note=form.cleaned_data["reason"],
                version=_int(request.POST.get("version")),
            )
        except ActionError as failure:
            error = failure.message
        else:
            messages.success(request, _("Dossier %(code)s is withdrawn.") % {"code": dossier.code})
            return redirect("citizen:dossier", dossier.code)
    may_withdraw = "withdraw" in workflow.available_actions(dossier, request.user)
    context = {"dossier": dossier, "form": form, "error": error, "may_withdraw": may_withdraw}
    return render(request, "citizens/withdraw.html", context, status=400 if error else 200)


def payment_panel(dossier: Dossier, user) -> dict:
    """The fees panel: the payments, whether one waits for the gateway, and
    whether the citizen may pay online now."""
    listed = list(dossier.payments.all())
    waiting = any(payment.state == Payment.State.PENDING for payment in listed)
    return {
        "payments": listed,
        "waiting_payment": waiting,
        "may_pay": payments.may_pay_online(dossier, user) and not waiting,
    }


@login_required
@require_POST
def pay(request, code: str):
    """Start an online payment of what the dossier still owes and send the
    citizen to the gateway."""
    dossier = own_dossier(request, code)
    try:
        _payment, url = payments.start_online(
            dossier,
            actor=request.user,
            return_url=request.build_absolute_uri(reverse("payment_return")),
            client_ip=client_address(request),
        )
    except ActionError as error:
        return dossier_detail(request, code, pay_error=error.message, status=error.http_status)
    return redirect(url)


@login_required
@require_GET
def fee_receipt(request, code: str, reference: str):
    dossier = own_dossier(request, code)
    payment = get_object_or_404(Payment, dossier=dossier, reference=reference, state=Payment.State.PAID)
    return receipts.download(payment)


@login_required
@require_POST
def rate(request, code: str):
    dossier = own_dossier(request, code)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            feedback.rate(dossier, request.user, form.cleaned_data["rating"], form.cleaned_data["comment"])
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you for rating the service."))
            return redirect("citizen:dossier", dossier.code)
    return dossier_detail(request, code, rating_form=form, status=400)


@login_required
@require_POST
def send_feedback(request, code: str):
    dossier = own_dossier(request, code)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            feedback.send(dossier, request.user, form.cleaned_data["kind"], form.cleaned_data["comment"])
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Sent. A supervisor of the office will answer you on this page."))
            return redirect("citizen:dossier", dossier.code)
    return dossier_detail(request, code, feedback_form=form, status=400)


@login_required
def attachment(request, code: str, pk: int):
    """A file the citizen sent with their own dossier, to save again
    (`Dossier.files_for_citizen`); 404 for anyone else's, or a staff scan."""
    found = get_object_or_404(own_dossier(request, code).files_for_citizen(), pk=pk)
    return as_download(found.file, content_type=found.content_type, filename=found.original_name)


@login_required
def slip(request, code: str, pk: int):
    """A citizen downloads the slips of their own dossiers."""
    return slips.download(get_object_or_404(Slip, dossier=own_dossier(request, code), pk=pk))


@login_required
def result(request, code: str, pk: int):
    """A citizen downloads the results of their own dossiers, any time, in
    force or not (the page says which)."""
    return results.download(get_object_or_404(Result, dossier=own_dossier(request, code), pk=pk))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def life_event(request, token: str):
    """The link texted to a parent after a hospital reported a birth. Once
    they prove they hold the reported phone (a code texted to it), their
    birth registration, filled in, at the first step still to do; nothing of
    the report before that, and nothing ever to anyone else."""
    event = get_object_or_404(LifeEvent.objects.select_related("dossier"), token=token)
    form = ClaimCodeForm(request.POST if request.POST.get("action") == "verify" else None)
    try:
        if request.method == "POST" and request.POST.get("action") == "send":
            ending = life_events.send_code(event, request.user)
            messages.success(request, _("We texted a code to the phone ending in %(digits)s.") % {"digits": ending})
            return redirect(event)
        if form.is_bound and form.is_valid():
            draft = life_events.claim(event, request.user, form.cleaned_data["code"])
        else:
            draft = life_events.take(event, request.user)
    except NotPossible as error:
        if event.dossier_id:
            return redirect("citizen:dossier", event.dossier.code)
        messages.error(request, error.message)
        return redirect(event)
    except NotAllowed as error:
        return render(request, "citizens/life_event.html", {"error": error.message}, status=403)
    except Invalid as error:
        form.add_error("code", error.message)
        draft = None
    if draft is None:
        context = {"event": event, "form": form, "ending": last_digits(event.parent_phone, 2)}
        return render(request, "citizens/life_event.html", context, status=400 if form.errors else 200)
    messages.info(
        request,
        _(
            "%(place)s reported a birth on %(date)s. Your birth registration is filled in: check it, "
            "add the documents it still needs, and send it."
        )
        % {"place": event.place, "date": timezone.localtime(event.occurred_at).strftime("%d/%m/%Y")},
    )
    return redirect("citizen:step", draft.pk, applications.first_step_to_do(draft))


# Public tracking ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def track(request):
    """Status and appointment of any dossier, by its code and the last four
    digits of the phone number on it. Limited per code and per address; a wrong code and
    a wrong phone give the same answer, so guessing tells nothing."""
    form = TrackForm(request.POST or None)
    found, status, refused = None, 200, False
    if request.method == "POST":
        if form.is_valid():
            try:
                found = tracking.look_up(
                    client_address(request), form.cleaned_data["code"], form.cleaned_data["phone_last4"]
                )
            except tracking.TooManyAttempts:
                refused, status = True, 429
            if found is None and not refused:
                form.add_error(
                    None, _("No dossier matches this code and these digits. Check both against your receipt.")
                )
                status = 404
        else:
            status = 400
    context = {
        "form": form,
        "found": found,
        "refused": refused,
        "next_step": NEXT_STEP.get(found.state) if found else "",
        "window_minutes": max(1, settings.TRACKING_WINDOW_SECONDS // 60),
    }
    return render(request, "citizens/track.html", context, status=status)

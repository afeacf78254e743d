"""The line's pages: the citizen's form (on procedure and office pages, My
dossiers, the kiosk), its confirmation and /track/; the switchboard
operator's one-page form; the staff's queue and case page. Each fetches,
validates a form and calls petitions/workflow.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from citizens.views import dossiers as citizen_dossiers
from citizens.views.kiosk import is_kiosk
from dossiers.errors import ActionError
from petitions import catalogue, classify, inbound, redact, tracking, workflow
from petitions.forms import CITIZEN_FORMS, ActionForm, CaseForm, RateForm, ReopenForm, SupplyForm, SwitchboardForm
from petitions.models import ANSWERING_ROLES, Case, Channel, Kind, State, may_answer_from_catalogue
from portal.clients import client_address
from portal.models import Membership, Office
from procedures.models import Procedure, PublishedQuestion

Role = Membership.Role
SENT_KEY = "line_sent"
TRACKED_KEY = "line_tracked"


def _province_for(office: Office | None) -> Office | None:
    if office is not None:
        return office.province
    return Office.objects.filter(level=Office.Level.PROVINCE, is_active=True).order_by("pk").first()


def new_case(request):
    """The citizen's form: ?procedure=CODE and ?office=CODE say where it was opened."""
    procedure = Procedure.objects.active().filter(code=request.GET.get("procedure", "")).first()
    office = Office.objects.counters().filter(code=request.GET.get("office", "")).first()
    province = _province_for(office)
    if province is None:
        raise Http404
    user = request.user if request.user.is_authenticated else None
    initial = {
        "name": getattr(user, "full_name", ""),
        "phone": getattr(user, "phone", ""),
        "email": getattr(user, "email", ""),
    }
    if request.method == "POST" and "suggest" in request.POST:
        return _answers_before_sending(request, procedure, office, province)
    form = CaseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case = workflow.receive(
                    channel=Channel.KIOSK if is_kiosk(request) else Channel.WEB,
                    province=province,
                    procedure=procedure,
                    office=office,
                    citizen=user,
                    sender=client_address(request),
                    **form.cleaned_data,
                )
            except ActionError as error:
                form.add_error(None, error.message)
                status = error.http_status
            else:
                request.session[SENT_KEY] = case.code
                return redirect("petitions:sent", case.code)
        else:
            status = 400
    context = {"form": form, "procedure": procedure, "office": office}
    return render(request, "petitions/new_case.html", context, status=status)


def _answers_before_sending(request, procedure, office, province):
    """“See the answer first”: the catalogue's answers to the words typed,
    before anything is sent; nothing is kept."""
    form = CaseForm(initial=request.POST.dict())
    context: dict = {"form": form, "procedure": procedure, "office": office, "looked": True}
    try:
        text = workflow.check_text(request.POST.get("text", ""))
    except ActionError as error:
        context["look_error"] = error.message
        return render(request, "petitions/new_case.html", context, status=error.http_status)
    context["answers"] = catalogue.suggestions(text, province, procedure=procedure)
    return render(request, "petitions/new_case.html", context)


def sent(request, code: str):
    if request.session.get(SENT_KEY) != code:
        raise Http404
    case = get_object_or_404(Case, code=code)
    return render(request, "petitions/sent.html", {"case": case})


def track(request):
    """/track/: a line case's code is answered here, a dossier's by the
    dossiers' page."""
    code = request.POST.get("code", "") if request.method == "POST" else ""
    if not tracking.is_case_code(code):
        return citizen_dossiers.track(request)
    return _tracked(request, code, request.POST.get("phone_last4", ""))


def _tracked(request, code: str, last4: str, *, status: int = 200):
    try:
        case = tracking.look_up(client_address(request), code, last4.strip())
    except tracking.TooManyAttempts:
        return render(request, "petitions/track.html", {"refused": True}, status=429)
    if case is None:
        return render(request, "petitions/track.html", {"not_found": True, "code": code}, status=404)
    request.session[TRACKED_KEY] = case.code
    return render(request, "petitions/track.html", _case_context(case), status=status)


def _case_context(case: Case, form=None) -> dict:
    now = timezone.now()
    return {
        "case": case,
        "may_rate": case.state == State.ANSWERED,
        "may_reopen": case.state in (State.ANSWERED, State.CLOSED)
        and case.reopened_at is None
        and case.reopen_until is not None
        and now <= case.reopen_until,
        "rate_form": form if isinstance(form, RateForm) else RateForm(),
        "reopen_form": form if isinstance(form, ReopenForm) else ReopenForm(),
        "may_supply": case.state == State.AWAITING_INFO,
        "asked": case.events.filter(action="ask_more").last() if case.state == State.AWAITING_INFO else None,
        "supply_form": form if isinstance(form, SupplyForm) else SupplyForm(),
        "refused_form": form,
    }


@require_POST
def citizen_act(request, code: str, action: str):
    """Rate or reopen: by the session that tracked the case, or its citizen signed in."""
    case = get_object_or_404(Case, code=code)
    owner = request.user.is_authenticated and case.citizen_id == request.user.pk
    if not owner and request.session.get(TRACKED_KEY) != case.code:
        raise PermissionDenied(_("Find the case at /track/ first."))
    if action not in workflow.CITIZEN_ACTIONS:
        raise Http404
    form = CITIZEN_FORMS[action](request.POST)
    if not form.is_valid():
        return render(request, "petitions/track.html", _case_context(case, form), status=400)
    try:
        case = workflow.perform(
            case,
            action,
            citizen_proved=True,
            note=form.cleaned_data.get("note", ""),
            satisfied=form.cleaned_data.get("satisfied"),
        )
    except ActionError as error:
        form.add_error(None, error.message)
        return render(request, "petitions/track.html", _case_context(case, form), status=error.http_status)
    messages.success(request, _("Recorded. Thank you."))
    return render(request, "petitions/track.html", _case_context(case))


# Staff ----------------------------------------------------------------------


def _operator_province(user) -> Office | None:
    if user.is_superuser:
        return _province_for(None)
    membership = Membership.objects.filter(user=user, role=Role.OPERATOR).select_related("office").first()
    return membership.office.province if membership else None


def _may_work(user) -> bool:
    return user.is_superuser or any(user.has_role(role) for role in (*ANSWERING_ROLES, Role.SUPERVISOR, Role.OPERATOR))


@login_required
def switchboard(request):
    """The operator's one page: type what the caller says, press “Suggest”
    to have the type, procedure and office filled in from the words, correct
    them, press “Record”: the case is received and routed at once."""
    province = _operator_province(request.user)
    if province is None:
        raise PermissionDenied(_("The switchboard is for the line's operators."))
    data = request.POST.copy() if request.method == "POST" else None
    status = 200
    if data is not None and "suggest" in data:
        suggestion = classify.suggest(data.get("text", ""), province)
        data["kind"] = data.get("kind") or suggestion.kind
        if not data.get("procedure") and suggestion.procedure:
            data["procedure"] = suggestion.procedure.code
        if not data.get("office") and suggestion.office:
            data["office"] = str(suggestion.office.pk)
        form = SwitchboardForm(initial=data.dict(), province=province)
    else:
        form = SwitchboardForm(data, province=province)
        if data is not None:
            if form.is_valid():
                clean = form.cleaned_data
                try:
                    with transaction.atomic():
                        case = workflow.receive(
                            channel=Channel.PHONE,
                            province=province,
                            actor=request.user,
                            text=clean["text"],
                            name=clean["name"],
                            phone=clean["phone"],
                            place=clean["place"],
                            kind=clean["kind"],
                            procedure=clean["procedure"],
                            office=clean["office"],
                            consents_to_publish=clean["consents_to_publish"],
                        )
                        if clean["office"] is not None:
                            case = workflow.perform(
                                case,
                                "dispatch",
                                actor=request.user,
                                kind=case.kind,
                                procedure=case.procedure,
                                office=clean["office"],
                            )
                except ActionError as error:
                    form.add_error(None, error.message)
                    status = error.http_status
                else:
                    messages.success(
                        request, _("Recorded as %(code)s; the caller gets it by SMS.") % {"code": case.code}
                    )
                    return redirect("petitions:switchboard")
            else:
                status = 400
    recent = Case.objects.filter(province=province, channel=Channel.PHONE).select_related("answering_office")[:8]
    code = (data or {}).get("procedure", "")
    suggested = Procedure.objects.active().filter(code=code.strip()).first() if code else None
    answers = []
    if data is not None and "suggest" in data and (data.get("kind") == Kind.QUESTION or suggested):
        answers = catalogue.suggestions(data.get("text", ""), province, procedure=suggested)
    context = {"form": form, "recent": recent, "suggested_procedure": suggested, "answers": answers}
    return render(request, "petitions/switchboard.html", context, status=status)


@login_required
def queue(request):
    if not _may_work(request.user):
        raise PermissionDenied(_("The line's cases are for the staff who answer them."))
    visible = Case.objects.visible_to(request.user).select_related("answering_office")
    cases = visible.open().order_by("due_at")
    to_publish = visible.to_publish().order_by("publish_due_at")
    context = {"cases": cases[:200], "to_publish": to_publish[:50], "now": timezone.now()}
    return render(request, "petitions/queue.html", context)


@login_required
def case_detail(request, code: str, form: ActionForm | None = None, status: int = 200):
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("province", "answering_office"), code=code
    )
    actions = workflow.offered_actions(case, request.user)
    if form is None:
        initial = {"version": case.version, "kind": case.kind, "answer": case.answer}
        if "publish" in actions:
            initial["question"] = redact.redact(case.text, [case.name])
            initial["published_answer"] = redact.redact(case.answer, [case.name])
        form = ActionForm(initial=initial, province=case.province)
    answers = []
    if (
        case.kind == Kind.QUESTION
        and case.state in (State.ASSIGNED, State.AWAITING_INFO)
        and may_answer_from_catalogue(case, request.user)
    ):
        answers = catalogue.suggestions(case.text, case.province, procedure=case.procedure)
    published = []
    if "attach" in actions and case.procedure_id:
        published = list(PublishedQuestion.objects.filter(procedure=case.procedure_id))
    events = case.events.select_related("actor")
    return render(
        request,
        "petitions/case.html",
        {
            "case": case,
            "form": form,
            "actions": actions,
            "events": events,
            "shows_caller": case.shows_caller_to(request.user),
            "answers": answers,
            "published": published,
        },
        status=status,
    )


@login_required
@require_POST
def case_act(request, code: str, action: str):
    case = get_object_or_404(Case.objects.visible_to(request.user), code=code)
    form = ActionForm(request.POST, province=case.province)
    if not form.is_valid():
        return case_detail(request, code, form=form, status=400)
    clean = form.cleaned_data
    try:
        workflow.perform(
            case,
            action,
            actor=request.user,
            version=clean["version"],
            note=clean["info_request"] if action == "ask_more" else clean["note"],
            answer=clean["published_answer"] if action == "publish" else clean["answer"],
            cite_procedure=clean["cite_procedure"],
            cite_version=clean["cite_version"],
            question=clean["question"],
            published=clean["published"],
            kind=clean["kind"],
            procedure=clean["procedure"],
            office=clean["office"],
            named_officer=clean["named_officer"],
        )
    except ActionError as error:
        form.add_error(None, error.message)
        return case_detail(request, code, form=form, status=error.http_status)
    messages.success(request, _("Done."))
    if Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("petitions:case", case.code)
    return redirect("petitions:queue")


@csrf_exempt
@require_POST
def sms_inbound(request):
    """The SMS gateway's webhook: signed with the shared secret; answers
    with the reply sent to the sender, and the case's code when one opened."""
    try:
        message = inbound.gateway().parse(request.body, request.headers)
    except inbound.Refused as refused:
        return JsonResponse({"error": str(refused)}, status=refused.status)
    outcome = inbound.handle(message)
    return JsonResponse(
        {"reply": outcome.reply, "case": outcome.case.code if outcome.case else None}, status=outcome.status
    )

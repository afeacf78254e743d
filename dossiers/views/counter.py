"""The counter workspace: queues of what needs doing at my office, a
dossier's page with the actions I may take, and the walk-in intake.

A dossier opened from a queue keeps the queue (`?queue=`): its page offers
the next one, and after an action the clerk lands on it. A queue whose
action may be batched (`queues.Queue.batch`) lists its dossiers with boxes
to tick and one button; the summary says what was done and what was not.

Server-rendered, no JavaScript needed. Every dossier is fetched through
`Dossier.objects.visible_to(user)`, so a clerk of one commune sees nothing of
another; every change goes through `workflow`.

The module is long because the dossier's page gathers everything a clerk
acts on in one place (the actions, the result, the fees owed and paid, the
post hand-over); the smaller actions beside it live in views of their own
(fees, payments, postal, results, on_the_spot).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import batch, fees, on_the_spot, queues, waiting
from dossiers.actions import ACTION_LABELS, EVENT_LABELS, FORWARD, STOPPING, action_label, event_label, page_order
from dossiers.errors import ActionError
from dossiers.forms import ActionForm, AttachmentForm, IntakeForm, PaymentForm, ResultAmendForm
from dossiers.intake import MAX_COUNT
from dossiers.models import Attachment, Delivery, Dossier, DossierDocument, RequestedDocument
from dossiers.payments import TAKES_MONEY
from dossiers.permissions import may_amend_result, works_on
from dossiers.supplements import NOTE_MAX_LENGTH, Problem
from dossiers.uploads import as_download
from dossiers.workflow import attach, offered_actions, open_dossier, perform, record_download
from portal.auth import staff_only
from portal.models import Membership, Office
from procedures import search_index
from procedures.models import Channel, Procedure

Role = Membership.Role
# The single keys that press the page's buttons (static/js/shortcuts.js),
# in the page's order; the actions that end a dossier get none.
SHORTCUT_KEYS = "123456789"


def current_office(request) -> tuple[Office, list[Office]]:
    """The office the person works at now, chosen with ?office= and kept in
    the session; their first office otherwise."""
    offices = list(Office.objects.visible_to(request.user).filter(is_active=True).order_by("-level", "name"))
    if not offices:
        raise PermissionDenied(_("You are not staff of any active office."))
    wanted = request.GET.get("office") or request.session.get("counter_office")
    office = next((o for o in offices if o.code == wanted), None)
    if office is None:
        own = {m.office_id for m in request.user.memberships.all()}
        office = next((o for o in offices if o.pk in own), offices[0])
    request.session["counter_office"] = office.code
    return office, offices


def visible_dossier(request, code: str) -> Dossier:
    return get_object_or_404(
        Dossier.objects.visible_to(request.user).select_related(
            "procedure",
            "receiving_office",
            "competent_office",
            "received_by",
            "specialist",
            "approver",
            "assistance__staff",
        ),
        code=code,
    )


@staff_only
def workspace(request):
    office, offices = current_office(request)
    query = request.GET.get("q", "").strip()
    found = None
    if query:
        visible = Dossier.objects.visible_to(request.user)
        exact = visible.filter(code__iexact=query).first()
        if exact is not None:
            return redirect(exact.get_absolute_url())
        digits = "".join(ch for ch in query if ch.isdigit())
        condition = Q(code__icontains=query) | Q(applicant_name__icontains=query)
        if len(digits) >= 4:
            condition |= Q(applicant_phone__contains=digits) | Q(applicant_id_number__contains=digits)
        found = visible.filter(condition).select_related("procedure").order_by("-submitted_at")[:50]
    moment = queues.Moment.at(office)
    counts = queues.counts(office, moment)
    roles = request.user.roles_at(office)
    tiles = [
        {"queue": queue, "count": counts[queue.slug], "mine": bool(roles & set(queue.roles))} for queue in queues.QUEUES
    ]
    context = {
        "office": office,
        "offices": offices,
        "tiles": tiles,
        "query": query,
        "found": found,
        "may_take_in": Role.CLERK in roles,
        "calendar_problem": moment.calendar_problem,
    }
    return render(request, "dossiers/counter/workspace.html", context)


@staff_only
def queue(request, slug: str):
    office, offices = current_office(request)
    chosen = queues.BY_SLUG.get(slug)
    if chosen is None:
        raise Http404
    moment = queues.Moment.at(office)
    return _render_queue(request, office, offices, chosen, moment)


def _render_queue(request, office, offices, chosen, moment, *, error: str = "", status: int = 200):
    page = Paginator(queues.dossiers_in(chosen, office, moment), 30).get_page(request.GET.get("page"))
    today = timezone.localdate(moment.now)
    rows = [
        {"dossier": dossier, "timeliness": dossier.timeliness(today), "waited": moment.waited(dossier)}
        for dossier in page
    ]
    for row in rows:
        row["waited_long"] = waiting.is_long(row["waited"])
        row["waited_words"] = waiting.describe(row["waited"]) if row["waited"] is not None else ""
    roles = request.user.roles_at(office)
    context = {
        "office": office,
        "offices": offices,
        "queue": chosen,
        "page": page,
        "rows": rows,
        "batch": (
            {"action": chosen.batch, "label": ACTION_LABELS[chosen.batch]}
            if chosen.batch and roles & set(chosen.roles) and rows
            else None
        ),
        "picking": chosen.slug == "to_post",  # ticked to print the post's papers (views/postal.py)
        "today": today,
        "error": error,
        "calendar_problem": moment.calendar_problem if chosen.slug in ("due_soon", "waiting_long") else "",
    }
    return render(request, "dossiers/counter/queue.html", context, status=status)


@staff_only
@require_POST
def queue_batch(request, slug: str):
    """Take the queue's batch action on the dossiers ticked in its list."""
    office, offices = current_office(request)
    chosen = queues.BY_SLUG.get(slug)
    if chosen is None:
        raise Http404
    moment = queues.Moment.at(office)
    try:
        summary = batch.perform_many(
            chosen,
            office,
            request.POST.get("action", ""),
            batch.parse(request.POST.getlist("dossier")),
            actor=request.user,
            moment=moment,
        )
    except ActionError as error:
        return _render_queue(request, office, offices, chosen, moment, error=error.message, status=error.http_status)
    context = {"office": office, "offices": offices, "queue": chosen, "summary": summary}
    return render(request, "dossiers/counter/batch_done.html", context)


@staff_only
def dossier_detail(request, code: str):
    dossier = visible_dossier(request, code)
    return render_dossier(request, dossier, ActionForm(initial={"version": dossier.version}))


def _from_queue(request) -> queues.Queue | None:
    """The queue the dossier was opened from (?queue=, or the action form's
    `queue`), if any."""
    return queues.BY_SLUG.get(request.POST.get("queue") or request.GET.get("queue") or "")


def _in_queue(request, dossier: Dossier) -> dict | None:
    """Where the dossier stands in the queue it was opened from: the queue,
    and the next dossier in it (to skip to)."""
    chosen = _from_queue(request)
    if chosen is None:
        return None
    office, _offices = current_office(request)
    following = queues.following(chosen, office, dossier)
    return {"queue": chosen, "next": following}


def render_dossier(
    request,
    dossier: Dossier,
    form: ActionForm,
    status: int = 200,
    *,
    amend_form: ResultAmendForm | None = None,
    payment_form: PaymentForm | None = None,
):
    offered = offered_actions(dossier, request.user)
    actions = page_order([action for action, reason in offered if not reason])
    going_on = [action for action in actions if action not in STOPPING]
    documents = list(dossier.documents.all())
    requested = list(RequestedDocument.objects.of_last_request(dossier))
    owed = dossier.owed()
    context = {
        "dossier": dossier,
        "timeliness": dossier.timeliness(),
        "explanation": dossier.explain_deadline(),
        "documents": documents,
        "events": dossier.events.select_related("actor"),
        "attachments": dossier.attachments.select_related("document"),
        "notifications": dossier.notifications.to_citizen()[:20],
        "slips": dossier.slips.all(),
        "results": dossier.results.select_related("superseded_by"),
        "may_stamp": "stamp" in actions,
        "may_amend_result": may_amend_result(dossier, request.user),
        "amend_form": amend_form or ResultAmendForm(),
        "due_if_resumed": dossier.due_if_resumed(),
        "actions": [
            {
                "name": action,
                "label": action_label(dossier, action),
                "primary": action in FORWARD,
                "shortcut": SHORTCUT_KEYS[position] if position < len(SHORTCUT_KEYS) else "",
            }
            for position, action in enumerate(going_on)
        ],
        "stopping": [{"name": action, "label": ACTION_LABELS[action]} for action in actions if action in STOPPING],
        # What their roles would allow but the four-eyes rule does not: shown with the reason.
        "held_back": _by_reason(offered),
        "event_labels": {**EVENT_LABELS, "return": event_label(dossier, "return")},
        "form": form,
        "checks_documents": "receive" in actions,
        # Recording a supplement at the counter: the documents asked for still open, to tick as brought.
        "brought_rows": [item for item in requested if not item.is_answered] if "supplement" in actions else [],
        # The supplement form: the checklist to pick from, and what the last request asked for.
        "supplement_rows": form.supplement_rows(documents) if "request_supplement" in actions else [],
        "supplement_problems": Problem.choices,
        "supplement_note_max": NOTE_MAX_LENGTH,
        "requested": requested,
        "may_apologise": "apologise" in actions,
        "posts_result": form.asks_postal_item("return" in actions and dossier.delivery == Delivery.POST),
        "on_the_spot": on_the_spot.panel(dossier, request.user),
        "attachment_form": AttachmentForm(dossier=dossier) if works_on(dossier, request.user) else None,
        "in_queue": _in_queue(request, dossier),
        "owed": owed,
        "decides_exemption": fees.may_decide_exemption(dossier, request.user),
        "payments": dossier.payments.all(),
        "payment_form": payment_form
        or (
            PaymentForm(initial={"fee_received": dossier.amount_outstanding_vnd or ""})
            if dossier.amount_outstanding_vnd and dossier.state in TAKES_MONEY and works_on(dossier, request.user)
            else None
        ),
        "held_for_payment": dossier.unpaid_holds("receive" if dossier.state == "submitted" else "return"),
    }
    return render(request, "dossiers/counter/dossier.html", context, status=status)


def _by_reason(offered: list[tuple[str, str]]) -> list[dict]:
    """The actions held back, grouped under each reason."""
    groups: dict[str, list] = {}
    for action, reason in offered:
        if reason:
            groups.setdefault(reason, []).append(ACTION_LABELS[action])
    return [{"reason": reason, "labels": labels} for reason, labels in groups.items()]


@staff_only
@require_POST
def dossier_act(request, code: str):
    dossier = visible_dossier(request, code)
    form = ActionForm(request.POST, request.FILES)
    form.fields["documents"].choices = [(doc.position, doc.position) for doc in dossier.documents.all()]
    if not form.is_valid():
        return render_dossier(request, dossier, form, status=400)
    data = form.cleaned_data
    before = dossier
    try:
        dossier = perform(
            dossier,
            data["action"],
            actor=request.user,
            note=data["note"],
            version=data["version"],
            new_appointment=data["new_appointment"],
            documents=set(data["documents"]) if data["action"] in ("receive", "supplement") else None,
            requested=data["requested"],
            result=data["result"],
            postal_item=data["postal_item_number"],
            posted_on=data["posted_on"],
        )
    except ActionError as error:
        for message in error.errors:
            form.add_error(None, message)
        dossier.refresh_from_db()
        return render_dossier(request, dossier, form, status=error.http_status)
    messages.success(
        request,
        _("%(event)s — dossier %(code)s is now “%(state)s”.")
        % {"event": event_label(dossier, data["action"]), "code": dossier.code, "state": dossier.get_state_display()},
    )
    return _onwards(request, before, dossier)


def _onwards(request, before: Dossier, dossier: Dossier):
    """After an action: the next dossier of the queue it was opened from
    (the queue's list when none is left), or the dossier again."""
    chosen = _from_queue(request)
    if chosen is None:
        return redirect(dossier.get_absolute_url())
    office, _offices = current_office(request)
    following = queues.following(chosen, office, before)
    if following is None:
        messages.info(request, _("Nothing else is waiting in “%(queue)s”.") % {"queue": chosen.label})
        return redirect("counter:queue", chosen.slug)
    messages.info(request, _("Next in “%(queue)s”: %(code)s.") % {"queue": chosen.label, "code": following.code})
    return redirect(f"{following.get_absolute_url()}?queue={chosen.slug}")


@staff_only
def intake_start(request):
    office, offices = current_office(request)
    if Role.CLERK not in request.user.roles_at(office):
        raise PermissionDenied(_("Only the counter's clerks take dossiers in."))
    query = request.GET.get("q", "").strip()
    procedures = Procedure.objects.active().select_related("sector")
    if query:
        results = list(procedures.matching(query, office=office)[:40])
    else:
        # The procedures this counter received most lately, counted as the search counts them.
        uses = search_index.usage(office)
        results = list(procedures.ranked(sorted(uses, key=uses.__getitem__, reverse=True)[:15]))
    context = {"office": office, "offices": offices, "query": query, "results": results}
    return render(request, "dossiers/counter/intake_start.html", context)


@staff_only
def intake(request, procedure_code: str):
    office, offices = current_office(request)
    if Role.CLERK not in request.user.roles_at(office):
        raise PermissionDenied(_("Only the counter's clerks take dossiers in."))
    procedure = get_object_or_404(
        Procedure.objects.active().prefetch_related("documents", "channels", "fees", "questions", "stages"),
        code=procedure_code,
    )
    if procedure.channel(Channel.IN_PERSON) is None:
        messages.error(request, _("This procedure is not received in person."))
        return redirect("counter:intake_start")
    form = IntakeForm(request.POST or None, procedure=procedure, office=office)
    status = 200
    refresh = "refresh" in request.POST
    if request.method == "POST" and not refresh and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = open_dossier(
                procedure=procedure,
                receiving_office=office,
                competent_office=data.get("competent_office") or office,
                channel=form.chosen_channel(),
                applicant=form.applicant(),
                delivery=data["delivery"],
                delivery_address=data["delivery_address"],
                received_documents=set(data["documents"]),
                answers=form.answers(),
                actor=request.user,
                receive=True,
                time_limit_case=data.get("time_limit_case"),
                counts=form.counts(),
                fee_received=data["fee_received"],
                fee_receipt_number=data["fee_receipt_number"],
                **form.fee_choices(data),
                incoming_item_number=data.get("incoming_item_number", ""),
            )
        except ActionError as error:
            # A fee or an item number refused is told beside its field; the rest above the form.
            field = getattr(error, "field", None)
            field = form.fee_error(field) if field else None
            for message in error.errors:
                form.add_error(field, message)
            status = error.http_status
        else:
            messages.success(
                request,
                _("Dossier %(code)s received. Appointment: %(date)s.")
                % {
                    "code": dossier.code,
                    "date": timezone.localtime(dossier.appointment_at).strftime("%H:%M %d/%m/%Y"),
                },
            )
            return redirect(dossier.get_absolute_url())
    ticked = {int(value) for value in request.POST.getlist("documents") if value.isdigit()}
    if request.method == "POST":
        form.is_valid()  # the answers given so far choose the list
    if refresh:
        form.errors.clear()  # nothing is received: no errors to show
    answers = form.answers() if request.method == "POST" else None
    case = form.cleaned_data.get("time_limit_case") if form.is_bound else None
    terms = procedure.terms_for(Channel.IN_PERSON, answers, case=case)
    checklist = DossierDocument.from_terms(None, terms["documents"], ticked)
    questions = {question["key"]: question for question in terms["questions"]}
    for document, listed in zip(checklist, terms["documents"], strict=True):
        document.asks = questions.get(listed["condition"]) if listed["need"] == "if_yes" else None
        # As typed, else what the procedure asks for.
        document.originals_typed = request.POST.get(f"originals-{document.position}", document.originals)
        document.copies_typed = request.POST.get(f"copies-{document.position}", document.copies)
    context = {
        "office": office,
        "offices": offices,
        "procedure": procedure,
        "form": form,
        "terms": terms,
        "time_limit": procedure.channel(Channel.IN_PERSON, case).time_limit,
        "documents": checklist,
        "counting": True,
        "max_count": MAX_COUNT,
        # The amount to collect, by the choices typed so far.
        "owed": form.owed_so_far(procedure, Channel.IN_PERSON),
    }
    if form.errors and status == 200:
        status = 400
    return render(request, "dossiers/counter/intake.html", context, status=status)


@staff_only
@require_POST
def attachment_upload(request, code: str):
    dossier = visible_dossier(request, code)
    form = AttachmentForm(request.POST, request.FILES, dossier=dossier)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(dossier.get_absolute_url())
    upload = form.cleaned_data["file"]
    document = (
        dossier.documents.filter(pk=form.cleaned_data["document"]).first() if form.cleaned_data["document"] else None
    )
    try:
        attachment = attach(
            dossier,
            content=upload.read(),
            name=upload.name,
            checked=form.checked,
            document=document,
            actor=request.user,
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("File %(name)s attached.") % {"name": attachment.original_name})
    return redirect(dossier.get_absolute_url())


@staff_only
def attachment_download(request, code: str, pk: int):
    dossier = visible_dossier(request, code)
    attachment = get_object_or_404(Attachment, dossier=dossier, pk=pk)
    record_download(attachment, actor=request.user)
    return as_download(attachment.file, content_type=attachment.content_type, filename=attachment.original_name)

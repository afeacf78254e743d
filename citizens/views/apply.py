"""Applying online, one question per page: where, who, the files, how the
result comes back, then "check your answers" and the confirmation. Each page
saves what it was given, so a citizen on a weak connection loses nothing and
may come back to the draft later: "Save and come back later" keeps what
each page holds that is valid on its own, and says what it could not keep.
(Long because each page saves two ways, to go on and to come back later.)"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from citizens import applications
from citizens.forms import (
    AssistedForm,
    CitizenApplicantForm,
    DeliveryForm,
    DocumentsForm,
    FeesForm,
    OfficeForm,
    SituationForm,
    leniently,
)
from citizens.models import Draft, DraftFile, SentDraft
from dossiers import quotas
from dossiers.errors import ActionError, NotPossible
from procedures.models import Channel, Procedure

STEP_TITLES = {
    "office": gettext_lazy("Where to send it"),
    "applicant": gettext_lazy("Your details"),
    "situation": gettext_lazy("Your situation"),
    "declaration": gettext_lazy("The declaration"),
    "documents": gettext_lazy("Upload your documents"),
    "delivery": gettext_lazy("Receiving the result"),
    "fees": gettext_lazy("Fees"),
}


def start(request, code: str):
    """The start page: what the application needs, then "Start now"."""
    procedure = get_object_or_404(
        Procedure.objects.active().select_related("sector").prefetch_related("channels", "fees", "documents"),
        code=code,
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        try:
            draft = applications.start(request.user, procedure)
        except ActionError as error:
            messages.error(request, error.message)
            return redirect(procedure)
        return redirect("citizen:step", draft.pk, "office")
    drafts = (
        Draft.objects.filter(citizen=request.user, procedure=procedure).order_by("-updated_at")
        if request.user.is_authenticated
        else Draft.objects.none()
    )
    option = procedure.channel(Channel.ONLINE)
    context = {
        "procedure": procedure,
        "option": option,
        "fees": procedure.fees_for(Channel.ONLINE),
        "documents": [d for d in procedure.documents.select_related("condition") if d.scope != "paper"],
        "questions": procedure.questions.exists(),
        "drafts": drafts,
    }
    return render(request, "citizens/apply/start.html", context)


@login_required
def assisted(request, code: str):
    """Apply on behalf of a citizen (at the kiosk or the counter): a member
    of staff records who the applicant is, who helps and the applicant's
    consent, then fills in the ordinary application for them."""
    if not (request.user.is_office_staff or request.user.is_superuser):
        raise PermissionDenied
    procedure = get_object_or_404(Procedure.objects.active(), code=code)
    form = AssistedForm(request.POST or None, staff=request.user)
    valid = request.method == "POST" and form.is_valid()
    if valid and form.asks_consent:
        try:
            draft = applications.start_assisted(
                request.user,
                procedure,
                applicant_name=form.cleaned_data["applicant_name"],
                volunteer_name=form.cleaned_data["volunteer_name"],
            )
        except ActionError as error:
            messages.error(request, error.message)
            return redirect(procedure)
        return redirect("citizen:step", draft.pk, "office")
    # The names are right: ask the applicant's consent in a sentence with both.
    asking = request.method == "POST" and form.names_are_valid
    context = {"procedure": procedure, "form": form, "asking": asking}
    return render(request, "citizens/assisted.html", context, status=400 if form.errors else 200)


def _draft(request, pk: int) -> Draft:
    return get_object_or_404(
        # A page asks the procedure's terms several times (its steps, its
        # questions, its documents): their rows are read once.
        Draft.objects.select_related("procedure", "office").prefetch_related(
            "procedure__channels",
            "procedure__fees",
            "procedure__questions",
            "procedure__documents",
            "procedure__stages",
        ),
        pk=pk,
        citizen=request.user,
    )


def draft_page(view):
    """A page of a draft, which leads to the dossier once the draft is sent
    (the browser's Back after sending, an old tab) instead of "not found"."""

    @wraps(view)
    def page(request, pk: int, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except Http404:
            sent = SentDraft.objects.filter(draft_number=pk, citizen=request.user).select_related("dossier").first()
            if sent is None:
                raise
        at = timezone.localtime(sent.dossier.submitted_at or sent.sent_at)
        messages.info(
            request, _("This application was sent on %(at)s: here is its dossier.") % {"at": f"{at:%H:%M %d/%m/%Y}"}
        )
        return redirect("citizen:dossier", sent.dossier.code)

    return page


def _after_save(request, draft: Draft, step: str):
    """Back to "check your answers" when the citizen came from there, on to
    the next page otherwise."""
    if request.POST.get("from_check") == "1":
        return redirect("citizen:step", draft.pk, "check")
    steps = applications.steps_for(draft)
    following = steps[steps.index(step) + 1 :]
    return redirect("citizen:step", draft.pk, following[0] if following else "check")


def _leaving(request) -> bool:
    """Whether "Save and come back later" was pressed."""
    return request.method == "POST" and "save_and_leave" in request.POST


def _leave(request, draft: Draft, form=None, refused: bool = False):
    """After "Save and come back later" kept what it could: off to My
    dossiers; or, if something typed could not be kept, the page again,
    saying what (its typed values still in the form)."""
    if refused:
        if form is not None:
            form.add_error(
                None,
                _("The rest is saved, but what is marked below could not be: correct it or clear it, then save again."),
            )
        return None
    messages.success(
        request,
        _("Your application is saved. Continue it from My dossiers before %(day)s.")
        % {"day": f"{draft.deletion_on:%d/%m/%Y}"},
    )
    return redirect("citizen:my_dossiers")


@login_required
@draft_page
def step(request, pk: int, name: str):
    draft = _draft(request, pk)
    if name == "check":
        return check(request, draft)
    if name not in applications.steps_for(draft):
        return redirect("citizen:step", draft.pk, "office")
    handler = {
        "office": _office,
        "applicant": _applicant,
        "situation": _situation,
        "declaration": _declaration,
        "documents": _documents,
        "delivery": _delivery,
        "fees": _fees,
    }[name]
    return handler(request, draft)


def _render_step(request, draft: Draft, name: str, form, **extra):
    context = {
        "draft": draft,
        "procedure": draft.procedure,
        "form": form,
        "step": name,
        "title": extra.pop("title", STEP_TITLES[name]),
        "number": applications.steps_for(draft).index(name) + 1,
        "steps": len(applications.steps_for(draft)),
        "from_check": request.GET.get("from") == "check" or request.POST.get("from_check") == "1",
        "back": _previous(draft, name),
        **extra,
    }
    return render(request, f"citizens/apply/{name}.html", context)


def _previous(draft: Draft, name: str) -> str:
    steps = applications.steps_for(draft)
    index = steps.index(name)
    if index == 0:
        return reverse("citizen:apply", args=[draft.procedure.code])
    return reverse("citizen:step", args=[draft.pk, steps[index - 1]])


def _office(request, draft: Draft):
    offices = applications.offices_for(draft.procedure)
    form = OfficeForm(
        request.POST or None,
        offices=offices,
        location_independent=draft.procedure.is_location_independent,
        initial={"office": draft.office_id},
    )
    if _leaving(request):
        kept, refused = leniently(form)
        if "office" in kept:
            draft.office = kept["office"]
        draft.save(update_fields=["office", "updated_at"])
        return _leave(request, draft, form, refused) or _render_step(request, draft, "office", form)
    if request.method == "POST" and form.is_valid():
        draft.office = form.cleaned_data["office"]
        draft.save(update_fields=["office", "updated_at"])
        return _after_save(request, draft, "office")
    return _render_step(request, draft, "office", form)


def _applicant(request, draft: Draft):
    initial = {**draft.applicant, "remember": not request.user.id_number}
    form = CitizenApplicantForm(request.POST or None, initial=initial)
    if _leaving(request):
        kept, refused = leniently(form)
        for key in draft.applicant:
            if key in kept:
                setattr(draft, f"applicant_{key}", kept[key])
        draft.save()
        if kept.get("remember") and not refused and not applications.applicant_problems(draft.applicant):
            request.user.remember_applicant(draft.applicant)
        return _leave(request, draft, form, refused) or _render_step(request, draft, "applicant", form)
    if request.method == "POST" and form.is_valid():
        for key, value in form.applicant().items():
            setattr(draft, f"applicant_{key}", value)
        draft.save()
        if form.cleaned_data["remember"]:
            request.user.remember_applicant(form.applicant())
        return _after_save(request, draft, "applicant")
    return _render_step(request, draft, "applicant", form)


def _situation(request, draft: Draft):
    form = SituationForm(request.POST or None, questions=draft.questions())
    if _leaving(request):
        kept, refused = leniently(form)
        given = {key: value == "yes" for key, value in kept.items() if value}
        applications.answer(draft, {**draft.answers, **given})
        return _leave(request, draft, form, refused) or _render_step(request, draft, "situation", form)
    if request.method == "POST" and form.is_valid():
        applications.answer(draft, form.answers())
        return _after_save(request, draft, "situation")
    return _render_step(request, draft, "situation", form)


def _declaration(request, draft: Draft):
    """The procedure's e-form on one page, in fieldsets (the child, the
    mother, the father, the person declaring); kept only when all of it is
    valid, or, on "Save and come back later", as far as it is. The
    applicant's details fill the declarant's lines at first."""
    eform = draft.eform()
    assert eform is not None  # steps_for offers the page only then
    stored = draft.declaration or {
        "applicant_name": draft.applicant_name,
        "applicant_id_number": draft.applicant_id_number,
        "applicant_residence": draft.applicant_address,
    }
    form = eform.form(request.POST or None, initial=stored)
    left = None
    if _leaving(request):
        _kept, refused = leniently(form)
        applications.declare(draft, {**draft.declaration, **form.data_out()})
        left = _leave(request, draft, form, refused)
        if left is not None:
            return left
    elif request.method == "POST" and form.is_valid():
        applications.declare(draft, form.data_out())
        return _after_save(request, draft, "declaration")
    fieldsets = [(key, legend, [form[name] for name in names]) for key, legend, names in form.fieldsets]
    summary = [
        (
            f"#{form[name].id_for_label or form[name].auto_id + '_0'}",
            _("%(group)s: %(message)s") % {"group": legend, "message": error},
        )
        for _key, legend, names in form.fieldsets
        for name in names
        for error in form[name].errors
    ]
    return _render_step(
        request, draft, "declaration", form, eform=eform, fieldsets=fieldsets, summary=summary, title=eform.title
    )


def _documents(request, draft: Draft):
    """One form for all the documents: whichever button is pressed (a
    document's "Upload", "Remove" a file, "Save and continue", "Save and
    come back later"), every file chosen is checked and kept first; a file
    refused is named beside its document and changes nothing. Then
    "Save and continue" names each document still missing."""
    form = DocumentsForm(request.POST or None, request.FILES or None, documents=draft.documents())
    missing_named: list[tuple[str, str]] = []
    if request.method == "POST":
        _keep_files(request, draft, form)
        removed = _int(request.POST.get("remove"))
        if removed is not None:
            draft_file = get_object_or_404(DraftFile, draft=draft, pk=removed)
            applications.remove_file(draft_file)
            messages.success(request, _("“%(name)s” is removed.") % {"name": draft_file.original_name})
        if form.errors:
            return _documents_page(request, draft, form)
        if _leaving(request):
            return _leave(request, draft)
        if request.POST.get("upload") or removed is not None:
            back = "?from=check" if request.POST.get("from_check") == "1" else ""
            where = request.POST.get("upload") or ""
            url = reverse("citizen:step", args=[draft.pk, "documents"])
            return redirect(f"{url}{back}#document-{where}" if where.isdigit() else f"{url}{back}")
        missing_named = [(f"#{p.field}", p.message) for p in applications.problems(draft) if p.step == "documents"]
        if not missing_named:
            return _after_save(request, draft, "documents")
    return _documents_page(request, draft, form, missing_named)


def _keep_files(request, draft: Draft, form: DocumentsForm) -> None:
    """Check and keep every file chosen on the documents page; the reason
    for each one refused goes beside its document."""
    if not form.is_valid():
        return
    for name, document, upload in form.chosen():
        try:
            stored = applications.add_file(draft, document.position, upload)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(name, _("“%(file)s” is not kept: %(reason)s") % {"file": upload.name, "reason": message})
        else:
            messages.success(request, _("“%(name)s” is uploaded.") % {"name": stored.original_name})


def _documents_page(request, draft: Draft, form: DocumentsForm, missing_named=()):
    documents = draft.documents()  # read again: files may have come or gone
    for document in documents:
        name = f"file-{document.position}"
        document.upload = form[name] if name in form.fields else None
    eform = draft.eform()
    room = quotas.megabytes(quotas.room_left(applications.held_in(draft)))
    return _render_step(
        request,
        draft,
        "documents",
        form,
        documents=documents,
        missing=[document.position for document in _to_upload(draft)],
        missing_named=missing_named,
        refused=bool(missing_named),
        room=room,
        most_files=settings.UPLOAD_MAX_FILES_PER_DOCUMENT,
        eform=eform,
        filled_in=eform is not None and eform.is_complete(draft.declaration),
    )


def _to_upload(draft: Draft) -> list:
    """The documents still to upload; the e-form is not one of them when
    the portal has it (its own page fills it in)."""
    eform = draft.eform()
    return [doc for doc in draft.missing_documents() if eform is None or doc.kind != "eform"]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _delivery(request, draft: Draft):
    form = DeliveryForm(
        request.POST or None,
        email=draft.applicant_email,
        initial={"delivery": draft.delivery, "delivery_address": draft.delivery_address or draft.applicant_address},
    )
    if _leaving(request):
        kept, refused = leniently(form)
        draft.delivery = kept.get("delivery", draft.delivery)
        draft.delivery_address = kept.get("delivery_address", draft.delivery_address)
        draft.save(update_fields=["delivery", "delivery_address", "updated_at"])
        return _leave(request, draft, form, refused) or _render_step(request, draft, "delivery", form)
    if request.method == "POST" and form.is_valid():
        draft.delivery = form.cleaned_data["delivery"]
        draft.delivery_address = form.cleaned_data["delivery_address"]
        draft.save(update_fields=["delivery", "delivery_address", "updated_at"])
        return _after_save(request, draft, "delivery")
    return _render_step(request, draft, "delivery", form)


def _fees(request, draft: Draft):
    initial: dict[str, object] = {"fee_case": draft.fee_case, "fee_exemption": draft.fee_exemption_id or ""}
    form = FeesForm(request.POST or None, procedure=draft.procedure, initial=initial)
    for position, unit in enumerate(form.fee_units):
        form.fields[f"fee_quantity_{position}"].initial = draft.fee_quantities.get(unit, 1)
    if request.method == "POST" and form.is_valid() and form.choices is not None:
        chosen = form.choices
        applications.choose_fees(draft, case=chosen.case, quantities=chosen.quantities, exemption=chosen.exemption)
        if _leaving(request):
            return _leave(request, draft)
        return _after_save(request, draft, "fees")
    if _leaving(request):
        return _leave(request, draft, form, refused=True) or _render_step(request, draft, "fees", form)
    return _render_step(request, draft, "fees", form, owed=draft.owed())


def check(request, draft: Draft):
    """Check your answers: everything on one page, each with "Change"."""
    problems = applications.problems(draft)
    eform = draft.eform()
    context = {
        "draft": draft,
        "procedure": draft.procedure,
        "documents": draft.documents(),
        "questions": draft.questions(),
        "problems": [(_problem_url(draft, problem), problem.message) for problem in problems],
        "eform": eform,
        "declaration": eform.summary(draft.declaration) if eform and draft.declaration else [],
        "filled_in": eform is not None and eform.is_complete(draft.declaration),
        "option": draft.procedure.channel(Channel.ONLINE),
        "owed": draft.owed(),
        "asks_about_fees": "fees" in applications.steps_for(draft),
        "back_step": applications.steps_for(draft)[-1],
    }
    return render(request, "citizens/apply/check.html", context, status=200)


def _problem_url(draft: Draft, problem: applications.Problem) -> str:
    """The page of the step that lacks something, at the field that lacks it."""
    url = reverse("citizen:step", args=[draft.pk, problem.step]) + "?from=check"
    if not problem.field:
        return url
    if problem.step == "documents":
        return f"{url}#{problem.field}"
    return f"{url}#id_{problem.field}{'_0' if problem.field == 'delivery' else ''}"


@login_required
@require_POST
@draft_page
def submit(request, pk: int):
    draft = _draft(request, pk)
    try:
        dossier = applications.submit(draft)
    except NotPossible as error:
        messages.error(request, error.message)
        return redirect("citizen:my_dossiers")
    except ActionError as error:
        for message in error.errors:
            messages.error(request, message)
        return redirect("citizen:step", draft.pk, applications.first_step_to_do(draft))
    if dossier.citizen_id is None:
        messages.success(
            request,
            _(
                "Dossier %(code)s is sent for %(name)s. "
                "Give them the code: they follow it with the last 4 digits of their phone."
            )
            % {"code": dossier.code, "name": dossier.applicant_name},
        )
        return redirect(dossier)
    return redirect("citizen:submitted", dossier.code)


@login_required
@require_POST
@draft_page
def keep(request, pk: int):
    draft = _draft(request, pk)
    applications.keep(draft)
    messages.success(
        request,
        _("“%(procedure)s” is kept until %(day)s.")
        % {"procedure": draft.procedure.display_name, "day": f"{draft.deletion_on:%d/%m/%Y}"},
    )
    return redirect("citizen:my_dossiers")


@login_required
@require_http_methods(["GET", "POST"])
@draft_page
def discard(request, pk: int):
    """Delete an unfinished application, once the citizen confirms it on
    its own page."""
    draft = _draft(request, pk)
    if request.method == "POST":
        applications.discard(draft)
        messages.success(request, _("The unfinished application is deleted."))
        return redirect("citizen:my_dossiers")
    return render(request, "citizens/apply/discard.html", {"draft": draft, "procedure": draft.procedure})

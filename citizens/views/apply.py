"""Applying online, one question per page: where, who, the files, how the
result comes back, then "check your answers" and the confirmation. Each page
saves what it was given, so a citizen on a weak connection loses nothing and
may come back to the draft later."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from citizens import applications
from citizens.forms import AssistedForm, CitizenApplicantForm, DeliveryForm, OfficeForm, SituationForm, UploadForm
from citizens.models import Draft, DraftFile
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


def _after_save(request, draft: Draft, step: str):
    """Back to "check your answers" when the citizen came from there, on to
    the next page otherwise."""
    if request.POST.get("from_check") == "1":
        return redirect("citizen:step", draft.pk, "check")
    steps = applications.steps_for(draft)
    following = steps[steps.index(step) + 1 :]
    return redirect("citizen:step", draft.pk, following[0] if following else "check")


@login_required
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
    if request.method == "POST" and form.is_valid():
        draft.office = form.cleaned_data["office"]
        draft.save(update_fields=["office", "updated_at"])
        return _after_save(request, draft, "office")
    return _render_step(request, draft, "office", form)


def _applicant(request, draft: Draft):
    initial = {**draft.applicant, "remember": not request.user.id_number}
    form = CitizenApplicantForm(request.POST or None, initial=initial)
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
    if request.method == "POST" and form.is_valid():
        applications.answer(draft, form.answers())
        return _after_save(request, draft, "situation")
    return _render_step(request, draft, "situation", form)


def _declaration(request, draft: Draft):
    """The procedure's e-form on one page, in fieldsets (the child, the
    mother, the father, the person declaring); kept only when all of it is
    valid. The applicant's details fill the declarant's lines at first."""
    eform = draft.eform()
    assert eform is not None  # steps_for offers the page only then
    stored = draft.declaration or {
        "applicant_name": draft.applicant_name,
        "applicant_id_number": draft.applicant_id_number,
        "applicant_residence": draft.applicant_address,
    }
    form = eform.form(request.POST or None, initial=stored)
    if request.method == "POST" and form.is_valid():
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
    documents = draft.documents()
    form = UploadForm(documents=documents)
    incomplete = ""
    if request.method == "POST" and "file" in request.FILES:
        form = UploadForm(request.POST, request.FILES, documents=documents)
        if form.is_valid():
            try:
                stored = applications.add_file(draft, form.cleaned_data["position"], form.cleaned_data["file"])
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("“%(name)s” is uploaded.") % {"name": stored.original_name})
                back = "?from=check" if request.POST.get("from_check") == "1" else ""
                url = reverse("citizen:step", args=[draft.pk, "documents"])
                return redirect(f"{url}{back}#document-{stored.position}")
    elif request.method == "POST":
        missing = _to_upload(draft)
        if not missing:
            return _after_save(request, draft, "documents")
        incomplete = _("Upload a file for each document marked as needed: %(count)s missing.") % {"count": len(missing)}
    missing = [document.position for document in _to_upload(draft)]
    eform = draft.eform()
    room = quotas.megabytes(quotas.room_left(applications.held_in(draft)))
    return _render_step(
        request,
        draft,
        "documents",
        form,
        documents=documents,
        missing=missing,
        incomplete=incomplete,
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


@login_required
@require_POST
def remove_file(request, pk: int, file_pk: int):
    draft = _draft(request, pk)
    draft_file = get_object_or_404(DraftFile, draft=draft, pk=file_pk)
    applications.remove_file(draft_file)
    messages.success(request, _("“%(name)s” is removed.") % {"name": draft_file.original_name})
    return redirect("citizen:step", draft.pk, "documents")


def _delivery(request, draft: Draft):
    form = DeliveryForm(
        request.POST or None,
        email=draft.applicant_email,
        initial={"delivery": draft.delivery, "delivery_address": draft.delivery_address or draft.applicant_address},
    )
    if request.method == "POST" and form.is_valid():
        draft.delivery = form.cleaned_data["delivery"]
        draft.delivery_address = form.cleaned_data["delivery_address"]
        draft.save(update_fields=["delivery", "delivery_address", "updated_at"])
        return _after_save(request, draft, "delivery")
    return _render_step(request, draft, "delivery", form)


def check(request, draft: Draft):
    """Check your answers: everything on one page, each with "Change"."""
    problems = applications.problems(draft)
    eform = draft.eform()
    context = {
        "draft": draft,
        "procedure": draft.procedure,
        "documents": draft.documents(),
        "questions": draft.questions(),
        "problems": problems,
        "eform": eform,
        "declaration": eform.summary(draft.declaration) if eform and draft.declaration else [],
        "filled_in": eform is not None and eform.is_complete(draft.declaration),
        "option": draft.procedure.channel(Channel.ONLINE),
        "fees": draft.procedure.fees_for(Channel.ONLINE),
    }
    return render(request, "citizens/apply/check.html", context, status=200)


@login_required
@require_POST
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
@require_POST
def discard(request, pk: int):
    draft = _draft(request, pk)
    applications.discard(draft)
    messages.success(request, _("The unfinished application is deleted."))
    return redirect("citizen:my_dossiers")

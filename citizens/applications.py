"""Applying online: a citizen's draft, page by page, and its submission.

A draft keeps what the citizen has given so far (where, who, the files, how
the result comes back) so they can leave and come back. `problems` says what
is still missing, step by step, for the "check your answers" page; its
files are held to the quotas of a document, a draft and an account
(`dossiers.quotas`, `add_file`); `submit`
opens the dossier in `submitted` at the chosen counter with the files
attached and deletes the draft, all or nothing; the counter's clerks hear
of it in their next digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citizens import declarations
from citizens.models import Draft, DraftFile, LifeEvent, SentDraft
from dossiers import quotas, tasks, workflow
from dossiers.errors import Invalid, NotAllowed, NotPossible
from dossiers.models import Assistance, Attachment, Delivery, Dossier
from dossiers.uploads import EXTENSIONS, CheckedFile, check_upload
from portal.models import Office
from procedures import eforms
from procedures.eforms import EForm
from procedures.models import Channel, Procedure

PHONE_NEEDED = gettext_lazy(
    "Enter a phone number: the counter texts you about your dossier, and tracking it asks for the last 4 digits."
)

# The pages of an application, in order.
STEPS = ("office", "applicant", "situation", "declaration", "documents", "delivery", "fees")


def steps_for(draft: Draft) -> tuple[str, ...]:
    """The pages of this application: "situation" only when the procedure
    asks questions about the applicant's situation online; "declaration"
    only when the documents asked for include the e-form and the portal
    has one for the procedure (`Draft.eform`); "fees" only when the amount
    owed depends on an answer (`Draft.asks_about_fees`)."""
    left_out = set()
    if not draft.questions():
        left_out.add("situation")
    if draft.eform() is None:
        left_out.add("declaration")
    if not draft.asks_about_fees():
        left_out.add("fees")
    return tuple(step for step in STEPS if step not in left_out)


def answer(draft: Draft, answers: dict[str, bool]) -> None:
    """Keep the applicant's answers: they choose the documents asked for."""
    draft.answers = answers
    draft.save(update_fields=["answers", "updated_at"])


def declare(draft: Draft, answers: dict[str, Any]) -> None:
    """Keep the declaration as filled in (valid: `EForm.validated`)."""
    draft.declaration = answers
    draft.save(update_fields=["declaration", "updated_at"])


@dataclass(frozen=True)
class Problem:
    step: str
    message: str
    # The field of the step that lacks it, for a form or the API to point at.
    field: str = ""


def start(citizen: Any, procedure: Procedure) -> Draft:
    """A new draft, the applicant's details taken from the profile."""
    if not procedure.may_apply_online:
        raise NotPossible(_("Procedure %(code)s cannot be applied for online.") % {"code": procedure.code})
    details = citizen.applicant
    return Draft.objects.create(
        citizen=citizen,
        procedure=procedure,
        **{f"applicant_{key}": value for key, value in details.items()},
    )


def start_assisted(staff: Any, procedure: Procedure, *, applicant_name: str, volunteer_name: str = "") -> Draft:
    """A new draft that `staff` (or a volunteer under their account) fills in
    and sends for the applicant, who has just agreed to it: their consent is
    recorded now, and carried onto the dossier (`Assistance`) when sent."""
    if not procedure.may_apply_online:
        raise NotPossible(_("Procedure %(code)s cannot be applied for online.") % {"code": procedure.code})
    if not (staff.is_office_staff or staff.is_superuser):
        raise NotAllowed(_("Only counter staff apply on behalf of a citizen."))
    return Draft.objects.create(
        citizen=staff,
        procedure=procedure,
        applicant_name=applicant_name,
        consent_name=applicant_name,
        volunteer_name=volunteer_name,
        consented_at=timezone.now(),
    )


def offices_for(procedure: Procedure) -> QuerySet[Office]:
    """Where the application may go, by the levels that handle the
    procedure (all of them, as published; the main level when none are
    listed). A province level: the province's service centre. A commune
    level: the commune or ward where the citizen lives or where the matter
    arose, which the page asks them to choose. Both: either. A
    location-independent one: any counter, the centre included. A ministry
    or another agency has no counter here."""
    counters = Office.objects.counters().select_related("parent").order_by("parent__name", "name")
    if procedure.is_location_independent:
        return counters
    return counters.filter(level__in=procedure.counter_levels)


def add_file(draft: Draft, position: int, upload: Any) -> DraftFile:
    """Check `upload` by its content and keep it for the document numbered
    `position`; raise ValidationError, storing nothing, if it is not a
    readable PDF, JPEG or PNG within the limits, or if it does not fit in
    what the document, the draft and the account may hold (`quotas`)."""
    if position not in {document.position for document in draft.documents()}:
        raise ValidationError(_("Choose which document this file is for."), code="document")
    checked = check_upload(upload)
    draft_file = DraftFile(
        draft=draft,
        position=position,
        original_name=(upload.name or "file")[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        pages=checked.pages,
    )
    stored_as = f"draft-{draft.pk}-{checked.sha256[:12]}.{EXTENSIONS[checked.content_type]}"
    with transaction.atomic():
        # One upload of an account at a time: two at once cannot both take
        # the last of its room.
        get_user_model().objects.select_for_update().filter(pk=draft.citizen_id).first()
        quotas.check(checked.size, held_in(draft, position))
        draft_file.file.save(stored_as, upload, save=False)
        try:
            draft_file.save()
            draft.save(update_fields=["updated_at"])
        except Exception:
            draft_file.file.delete(save=False)
            raise
    return draft_file


def held_in(draft: Draft, position: int | None = None) -> quotas.Held:
    """What the draft's document `position`, the draft and all the drafts
    of its citizen hold already."""
    files = DraftFile.objects.filter(draft__citizen=draft.citizen_id)
    in_draft = files.filter(draft=draft)
    return quotas.Held(
        document_files=in_draft.filter(position=position).count() if position is not None else 0,
        application_bytes=in_draft.aggregate(total=Sum("size"))["total"] or 0,
        account_bytes=files.aggregate(total=Sum("size"))["total"] or 0,
    )


def remove_file(draft_file: DraftFile) -> None:
    draft_file.file.delete(save=False)
    draft_file.delete()


def keep(draft: Draft) -> None:
    """The citizen keeps an unfinished application: it counts as saved now,
    and its day of deletion starts again."""
    draft.save(update_fields=["updated_at"])


def discard(draft: Draft) -> None:
    for draft_file in draft.files.all():
        draft_file.file.delete(save=False)
    draft.delete()


def problems(draft: Draft) -> list[Problem]:
    """What the draft still lacks, for each step."""
    if not draft.procedure.may_apply_online:
        return [Problem("office", _("This procedure is no longer offered online. Take your documents to the counter."))]
    found: list[Problem] = []
    if draft.office_id is None:
        found.append(Problem("office", _("Choose the counter to send the application to.")))
    found += applicant_problems(draft.applicant)
    if draft.consented_at is not None and draft.applicant_name.strip() != draft.consent_name:
        found.append(
            Problem(
                "applicant",
                _("The applicant is %(name)s, who agreed to this application: to apply for someone else, start again.")
                % {"name": draft.consent_name},
            )
        )
    for question in draft.questions():
        if question["answer"] is None:
            found.append(
                Problem("situation", _("Answer the question “%(question)s”.") % {"question": question["text"]})
            )
    eform = draft.eform()
    if eform is not None:
        found += declaration_problems(eform, draft.declaration)
    for document in draft.missing_documents():
        if eform is not None and document.kind == "eform":
            continue  # filled in on the declaration page, not uploaded
        found.append(
            Problem("documents", _("Upload “%(name)s”.") % {"name": _short(document.name)}, f"file-{document.position}")
        )
    found += delivery_problems(draft.delivery, draft.delivery_address, draft.applicant_email)
    if draft.owed().cases_to_choose:
        found.append(Problem("fees", _("Choose which case the fee is charged for."), "fee_case"))
    return found


def choose_fees(draft: Draft, *, case: str, quantities: dict[str, int], exemption: Any) -> None:
    """Keep what the amount owed depends on, as `dossiers.fees.check_choices` cleaned it."""
    draft.fee_case = case
    draft.fee_quantities = quantities
    draft.fee_exemption = exemption
    draft.save(update_fields=["fee_case", "fee_quantities", "fee_exemption", "updated_at"])


def declaration_problems(eform: EForm, declaration: dict[str, Any]) -> list[Problem]:
    """What the declaration lacks: one line when nothing is filled in yet,
    each field's message otherwise."""
    if not declaration:
        return [Problem("declaration", _("Fill in the declaration “%(title)s”.") % {"title": eform.title})]
    return [Problem("declaration", message, name) for name, message in eform.problems(declaration)]


def applicant_problems(applicant: dict[str, str]) -> list[Problem]:
    """What an online application must say of its applicant. A phone
    number is needed: the counter texts the applicant about the dossier,
    and tracking a dossier without an account asks for the number's last
    four digits (`citizens.tracking`)."""
    found = []
    if not applicant.get("name", "").strip():
        found.append(Problem("applicant", _("Enter the applicant's full name."), "name"))
    if not applicant.get("id_number", "").strip():
        found.append(Problem("applicant", _("Enter the applicant's ID card or passport number."), "id_number"))
    if not applicant.get("phone", "").strip():
        found.append(Problem("applicant", str(PHONE_NEEDED), "phone"))
    if not applicant.get("address", "").strip():
        found.append(Problem("applicant", _("Enter the applicant's address."), "address"))
    return found


def delivery_problems(delivery: str, delivery_address: str, email: str) -> list[Problem]:
    """Whether the result can go where the applicant asked (`Delivery.needs`)."""
    if not delivery:
        return [Problem("delivery", _("Choose how you want to receive the result."), "delivery")]
    refused = Delivery.not_offered(delivery)
    if refused:
        return [Problem("delivery", refused, "delivery")]
    lacking = Delivery.needs(delivery, delivery_address, email)
    if "email" in lacking:
        return [
            Problem(
                "delivery", _("An electronic result needs an email address: add one on the applicant page."), "delivery"
            )
        ]
    return [Problem("delivery", message, field) for field, message in lacking.items()]


def first_step_to_do(draft: Draft) -> str:
    """The first page with something missing, or the check page."""
    steps = {problem.step for problem in problems(draft)}
    return next((step for step in steps_for(draft) if step in steps), "check")


def submit(draft: Draft) -> Dossier:
    """Open the dossier from a complete draft: `submitted` at the chosen
    counter, the uploaded files attached to their documents (which are
    ticked as handed in, for the clerk to confirm). Raise
    `Invalid` listing what is missing, changing nothing."""
    attached: list[Attachment] = []
    try:
        with transaction.atomic():
            return _submit(draft, attached)
    except Exception:
        # The database forgets the attachments; their files go too.
        for attachment in attached:
            attachment.file.delete(save=False)
        raise


def _submit(draft: Draft, attached: list[Attachment]) -> Dossier:
    # Locked, and read again: a second click waits here, then finds the
    # draft gone instead of opening a second dossier.
    locked = Draft.objects.select_for_update(of=("self",)).select_related("procedure", "office", "citizen")
    found_draft = locked.filter(pk=draft.pk).first()
    if found_draft is None:
        raise NotPossible(_("This application has been sent already: see My dossiers."))
    draft = found_draft
    found = problems(draft)
    if found:
        raise Invalid(found[0].message, [problem.message for problem in found])
    citizen, office = draft.citizen, draft.office
    assert office is not None
    files = list(draft.files.all())
    eform = draft.eform()
    # An assisted application belongs to no account: the applicant follows
    # it by its code and phone, and the helper is no party to it.
    consented_at = draft.consented_at
    assisted = consented_at is not None
    dossier = open_online(
        procedure=draft.procedure,
        office=office,
        applicant=draft.applicant,
        citizen=None if assisted else citizen,
        actor=citizen,
        delivery=draft.delivery,
        delivery_address=draft.delivery_address,
        answers=draft.answers,
        files=files,
        attached=attached,
        declaration=draft.declaration if eform is not None else None,
        fee_case=draft.fee_case,
        fee_quantities=draft.fee_quantities,
        fee_exemption=draft.fee_exemption_id,
    )
    if consented_at is not None:
        Assistance.objects.create(
            dossier=dossier,
            staff=citizen,
            volunteer_name=draft.volunteer_name,
            applicant_name=draft.consent_name,
            consented_at=consented_at,
        )
    # Its pages, opened again (the browser's Back), lead to the dossier.
    SentDraft.objects.create(draft_number=draft.pk, citizen=citizen, dossier=dossier)
    # An application prepared from a life event is now a dossier.
    LifeEvent.objects.filter(draft=draft).update(dossier=dossier, confirmed_at=dossier.submitted_at)
    draft.delete()
    # The draft's copies go once the dossier holds its own.
    for draft_file in files:
        if draft_file.file.name:
            tasks.after_commit(draft_file.file.storage.delete, draft_file.file.name)
    return dossier


def open_online(
    *,
    procedure: Procedure,
    office: Office,
    applicant: dict[str, str],
    citizen: Any,
    delivery: str,
    actor: Any = None,
    delivery_address: str = "",
    answers: dict[str, bool] | None = None,
    files: list[DraftFile] | None = None,
    attached: list[Attachment] | None = None,
    time_limit_case: str | None = None,
    declaration: dict[str, Any] | None = None,
    fee_case: object = "",
    fee_quantities: Mapping[str, object] | None = None,
    fee_exemption: object = None,
) -> Dossier:
    """A citizen's online application becomes a dossier in `submitted` at
    `office` (from a draft with its `files`, or from the API). Each file is attached to its document, which `attach`
    ticks as handed in for the clerk to confirm; `attached` collects the
    attachments, so that a caller whose transaction fails can delete their
    files. A `declaration` (the procedure's e-form, filled in) is rendered
    as the official form and attached to the dossier's e-form document.
    `actor` sends it for `citizen` (by default the citizen themselves)."""
    actor = actor or citizen
    # Read once, for the check below and the dossier's terms.
    prefetch_related_objects([procedure], "channels")
    if not procedure.may_apply_online:
        raise Invalid(_("Procedure %(code)s cannot be applied for online.") % {"code": procedure.code})
    if not offices_for(procedure).filter(pk=office.pk).exists():
        raise Invalid(_("%(office)s does not receive procedure %(code)s.") % {"office": office, "code": procedure.code})
    found = applicant_problems(applicant) + delivery_problems(delivery, delivery_address, applicant.get("email", ""))
    if found:
        raise Invalid(found[0].message, [problem.message for problem in found])
    eform = eforms.for_procedure(procedure.code) if declaration is not None else None
    if declaration is not None:
        if eform is None:
            raise Invalid(_("Procedure %(code)s has no declaration to fill in online.") % {"code": procedure.code})
        declarations.checked(eform, declaration)
    files = files or []
    attached = [] if attached is None else attached
    dossier = workflow.open_dossier(
        procedure=procedure,
        receiving_office=office,
        channel=Channel.ONLINE,
        applicant=applicant,
        actor=actor,
        citizen=citizen,
        delivery=delivery,
        delivery_address=delivery_address,
        answers=answers,
        time_limit_case=time_limit_case,
        fee_case=fee_case,
        fee_quantities=fee_quantities,
        fee_exemption=fee_exemption,
    )
    documents = {document.position: document for document in dossier.documents.all()} if files else {}
    for draft_file in files:
        with draft_file.file.open("rb") as stored:
            content = stored.read()
        attachment = workflow.attach(
            dossier,
            content=content,
            name=draft_file.original_name,
            checked=CheckedFile(draft_file.content_type, draft_file.size, draft_file.sha256, draft_file.pages),
            document=documents.get(draft_file.position),
            actor=actor,
            from_draft=True,
        )
        attached.append(attachment)
    if eform is not None and declaration is not None:
        attached.append(declarations.attach(dossier, eform, declaration, actor=actor))
    # The counter hears of it in its clerks' next digest (dossiers.tasks).
    return dossier


def _short(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"

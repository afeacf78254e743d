"""Forms of the counter: who the dossier belongs to, the walk-in intake, an
action on a dossier, a scan. (The citizens' forms: citizens/forms.py.)

The module is long because the counter's forms share their fields: the
applicant's, the fee choices (also asked of the citizen online), the
result's (at stamp and at a correction) and the payment's."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dossiers import results
from dossiers.actions import CONFIRMATION_REQUIRED, reason_missing
from dossiers.fees import Choices, check_choices
from dossiers.fees import units as fee_units
from dossiers.intake import FeeInvalid
from dossiers.models import Delivery, PaymentMethod
from dossiers.supplements import Asked, Problem
from dossiers.uploads import check_upload
from portal.models import Office
from portal.phones import clean_id_number, clean_phone
from procedures.fees import Owed, fee_cases
from procedures.models import Channel, Procedure, localised


class ApplicantForm(forms.Form):
    """Who the dossier belongs to (chủ hồ sơ)."""

    name = forms.CharField(label=_("Full name"), max_length=150)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=20,
        required=False,
        help_text=_(
            "Citizen identity card: 12 digits (9 on an old card); Thai ID card: 13 digits; or a passport number."
        ),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def applicant(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("name", "id_number", "phone", "email", "address")}


class FeeChoicesMixin:
    """The questions the amount owed depends on, as fields: which case the
    fee is charged for (when the fees in force name several), how many of
    each unit charged per ("bản", "trang"), and which exemption is claimed.
    Checked by the domain (dossiers/fees.py::check_choices), as the API's are;
    `fee_error` puts the domain's message beside its field."""

    fields: dict[str, forms.Field]

    def add_fee_fields(self, procedure: Procedure, channel: str, *, confirms: bool = False) -> None:
        rows = [fee.as_terms() for fee in procedure.fees_for(channel, timezone.localdate())]
        self.fee_units = fee_units(rows)
        cases = fee_cases(rows, timezone.localdate())
        if len(cases) > 1:
            self.fields["fee_case"] = forms.ChoiceField(
                label=_("Which case the fee is charged for"),
                choices=[("", "—"), *[(case, case) for case in cases]],
                required=False,
            )
        for position, unit in enumerate(self.fee_units):
            self.fields[f"fee_quantity_{position}"] = forms.CharField(
                label=_("How many (%(unit)s)") % {"unit": unit},
                required=False,
                max_length=10,
                initial="1",
                help_text=_("The fee is charged per %(unit)s.") % {"unit": unit},
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input--short"}),
            )
        self.fee_exemptions = procedure.exemptions()
        if self.fee_exemptions:
            self.fields["fee_exemption"] = forms.ChoiceField(
                label=_("Fee exemption claimed"),
                choices=[("", _("None"))]
                + [
                    (
                        str(offered.pk),
                        _("%(name)s — %(basis)s (proof to show: %(proof)s)")
                        % {"name": offered.name, "basis": offered.legal_basis, "proof": offered.proof},
                    )
                    for offered in self.fee_exemptions
                ],
                required=False,
                widget=forms.RadioSelect,
            )
            if confirms:
                self.fields["exemption_confirmed"] = forms.BooleanField(
                    label=_("The proof of the exemption was shown"), required=False
                )

    def fee_choices(self, data: dict) -> dict:
        """What open_dossier takes, as given (the domain checks it)."""
        choices = {
            "fee_case": data.get("fee_case", ""),
            "fee_quantities": {
                unit: data.get(f"fee_quantity_{position}", "") for position, unit in enumerate(self.fee_units)
            },
            "fee_exemption": data.get("fee_exemption") or None,
        }
        if "exemption_confirmed" in self.fields:
            choices["exemption_confirmed"] = bool(data.get("exemption_confirmed"))
        return choices

    def owed_so_far(self, procedure: Procedure, channel: str) -> Owed:
        """What the application will owe by the choices given so far: those
        the rule refuses are left out, and an exemption counts as confirmed
        only when the proof is ticked as shown."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}  # type: ignore[attr-defined]
        given = self.fee_choices(data)
        day = timezone.localdate()
        try:
            chosen = check_choices(
                [fee.as_terms() for fee in procedure.fees_for(channel, day)],
                on=day,
                case=given["fee_case"],
                quantities=given["fee_quantities"],
                exemption=given["fee_exemption"],
                exemptions=self.fee_exemptions,
            )
        except FeeInvalid:
            chosen = Choices()
        return procedure.owed(
            channel,
            on=day,
            case=chosen.case,
            quantities=chosen.quantities,
            exemption=chosen.exemption,
            confirmed=bool(given.get("exemption_confirmed")),
        )

    def fee_error(self, field: str) -> str | None:
        """The form field a domain error about `field` goes beside."""
        if field == "fee_quantities":
            return "fee_quantity_0" if self.fee_units else None
        return field if field in self.fields else None


class IntakeForm(FeeChoicesMixin, ApplicantForm):
    """A walk-in citizen at the counter, or a dossier that came by post: who,
    which documents they brought, and where the result goes."""

    channel = forms.ChoiceField(
        label=_("How the dossier came"),
        choices=[(Channel.IN_PERSON.value, Channel.IN_PERSON.label), (Channel.POST.value, Channel.POST.label)],
        initial=Channel.IN_PERSON,
        required=False,
        widget=forms.RadioSelect,
    )
    # Checked by the domain (dossiers/intake.py), as the API's is.
    incoming_item_number = forms.CharField(
        label=_("Postal item number of the envelope"),
        required=False,
        max_length=40,
        help_text=_("For a dossier received by post: the VNPost tracking number, e.g. EB123456785VN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    delivery = forms.ChoiceField(
        label=_("Result delivery"), choices=Delivery.choices, initial=Delivery.COUNTER, widget=forms.RadioSelect
    )
    delivery_address = forms.CharField(label=_("Postal address for the result"), max_length=300, required=False)
    competent_office = forms.ModelChoiceField(
        label=_("Competent office"),
        queryset=Office.objects.none(),
        required=False,
        help_text=_("The commune that handles the dossier; the result comes back here."),
    )
    documents = forms.TypedMultipleChoiceField(
        label=_("Documents received"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    # Checked by the domain (dossiers/intake.py), as the API's are.
    fee_received = forms.CharField(
        label=_("Fee received (đồng)"),
        required=False,
        max_length=30,
        help_text=_("Whole đồng, e.g. 50000 or 50.000; 0 or blank when nothing was collected."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    fee_receipt_number = forms.CharField(
        label=_("Receipt number (biên lai)"),
        required=False,
        max_length=100,
        help_text=_("Required when a fee was received."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, procedure: Procedure, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.office = office
        # By post only for a procedure that publishes a time limit for it.
        if procedure.channel(Channel.POST) is None:
            del self.fields["channel"]
            del self.fields["incoming_item_number"]
        # Only the ways the office can hand the result over.
        self.fields["delivery"].choices = [(way.value, way.label) for way in Delivery.offered()]
        # The clerk asks the procedure's questions: the answers choose the documents.
        self.questions = procedure.terms_for(Channel.IN_PERSON)["questions"]
        for question in self.questions:
            self.fields[f"answer-{question['key']}"] = forms.ChoiceField(
                label=localised(question["text"], question["text_en"], question["text_th"]),
                choices=[("yes", _("Yes")), ("no", _("No"))],
                widget=forms.RadioSelect,
                help_text=question["help"],
                error_messages={
                    "required": _("Ask the citizen and answer yes or no: %(question)s")
                    % {"question": localised(question["text"], question["text_en"], question["text_th"])}
                },
            )
        self.fields["documents"].choices = [
            (position, document) for position, document in enumerate(procedure.documents.all(), start=1)
        ]
        if procedure.is_location_independent:
            self.fields["competent_office"].queryset = Office.objects.in_province(office.province).filter(
                level=Office.Level.COMMUNE, is_active=True
            )
            self.fields["competent_office"].initial = office if office.level == Office.Level.COMMUNE else None
        else:
            del self.fields["competent_office"]
        self.add_fee_fields(procedure, Channel.IN_PERSON, confirms=True)
        # A channel that publishes several time limits: the clerk says which case this is.
        rows = procedure.channel_rows(Channel.IN_PERSON)
        if len(rows) > 1:
            self.fields["time_limit_case"] = forms.ChoiceField(
                label=_("Which case"),
                choices=[(row.case_name, f"{row.time_limit} — {row.case_name or _('usual case')}") for row in rows],
                initial=procedure.channel(Channel.IN_PERSON).case_name,
                help_text=_("The procedure publishes a time limit per case; the deadline follows the one chosen."),
            )

    def chosen_channel(self) -> str:
        """In person, or by post where the procedure takes it."""
        return self.cleaned_data.get("channel") or Channel.IN_PERSON

    def counts(self) -> dict[int, tuple[str | None, str | None]]:
        """The originals and copies typed for each document, by its number
        (None where nothing was typed): checked by dossiers/intake.py."""
        counts = {}
        for position in self.fields["documents"].choices:
            number = position[0]
            counts[number] = (self.data.get(f"originals-{number}"), self.data.get(f"copies-{number}"))
        return counts

    def question_fields(self) -> list:
        return [self[f"answer-{question['key']}"] for question in self.questions]

    def answers(self) -> dict[str, bool] | None:
        """The answers given, or None while a question is unanswered."""
        data = getattr(self, "cleaned_data", {})
        values = {question["key"]: data.get(f"answer-{question['key']}") for question in self.questions}
        if any(value not in ("yes", "no") for value in values.values()):
            return None
        return {key: value == "yes" for key, value in values.items()}

    def clean(self):
        data = super().clean()
        if "email" not in self.errors:
            for field, message in Delivery.needs(
                data.get("delivery", ""), data.get("delivery_address", ""), data.get("email", "")
            ).items():
                self.add_error(field, message)
        return data


class ResultFields(forms.Form):
    """The result document given at "stamp" or as a correction: attached
    from the office's system or written by the portal, with its number and
    date of issue (dossiers/results.py checks it)."""

    result_source = forms.ChoiceField(
        label=_("The result document"),
        required=False,
        choices=[
            ("", _("No electronic result (a paper result only)")),
            ("upload", _("Attach the result PDF from the office's system")),
            ("write", _("Have the portal write the extract of the registration")),
        ],
        widget=forms.RadioSelect,
    )
    result_file = forms.FileField(label=_("Result PDF"), required=False)
    result_title = forms.CharField(
        label=_("Title of the result"),
        required=False,
        max_length=200,
        help_text=_("E.g. Household business registration certificate. Blank: the procedure's result."),
    )
    result_number = forms.CharField(label=_("Number of the result"), required=False, max_length=50)
    result_issued_on = forms.DateField(
        label=_("Date of issue"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def result_draft(self, data: dict) -> results.Draft | None:
        """The result given with a stamp, or None when none is; the fields it
        lacks are marked."""
        source = data.get("result_source") or ""
        if not source:
            return None
        upload = data.get("result_file")
        if source == "upload" and upload is None:
            self.add_error("result_file", _("Choose the result PDF to attach."))
        if not (data.get("result_number") or "").strip():
            self.add_error("result_number", _("Give the result's number as the office recorded it."))
        if data.get("result_issued_on") is None and "result_issued_on" not in self.errors:
            self.add_error("result_issued_on", _("Give the result's date of issue."))
        if self.errors:
            return None
        return results.Draft(
            number=data["result_number"],
            issued_on=data["result_issued_on"],
            title=data.get("result_title") or "",
            content=results.read_upload(upload) if source == "upload" else None,
        )


class ActionForm(ResultFields):
    """One action on a dossier, from the dossier page's buttons."""

    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note or reasons"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required to refuse, reject, withdraw or apologise, and to ask for a supplement without picking "
            "the documents: the citizen reads it."
        ),
    )
    new_appointment = forms.DateTimeField(
        label=_("New appointment (for an apology)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    documents = forms.TypedMultipleChoiceField(coerce=int, required=False)
    # Checked by the domain (Dossier.return_result, dossiers/postal.py), as the API's are.
    postal_item_number = forms.CharField(
        label=_("Postal item number"),
        required=False,
        max_length=40,
        help_text=_("The VNPost tracking number on the envelope: 13 characters, e.g. EB123456785VN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    posted_on = forms.DateField(
        label=_("Handed over on"),
        required=False,
        help_text=_("Today when left blank."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    confirm = forms.BooleanField(
        label=_("I confirm: this ends the dossier without a result"),
        required=False,
    )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        data["result"] = self.result_draft(data) if action == "stamp" else None
        data["requested"] = self.requested() if action == "request_supplement" else []
        missing = reason_missing(action or "", data.get("note") or "", names_documents=bool(data["requested"]))
        if missing:
            self.add_error("note", missing)
        if action in CONFIRMATION_REQUIRED and not data.get("confirm"):
            self.add_error("confirm", CONFIRMATION_REQUIRED[action])
        appointment = data.get("new_appointment")
        if appointment is not None and timezone.is_naive(appointment):
            data["new_appointment"] = timezone.make_aware(appointment)
        return data

    def asks_postal_item(self, asked: bool) -> bool:
        """Show the item number as needed when the action offered is the
        hand-over of a result by post (the domain checks it); `asked` back."""
        self.fields["postal_item_number"].required = asked
        return asked

    def requested(self) -> list[Asked]:
        """The documents of the checklist picked for a supplement request
        (checkbox `requested` = the document's number), each with
        `problem-N` and `detail-N`. Whether they make a valid request is the
        domain's to say (`supplements.check_items`)."""
        values = self.data.getlist("requested") if hasattr(self.data, "getlist") else []
        asked = []
        for value in values:
            # Not a number: no document of any checklist (the domain says so).
            position = int(value) if str(value).isdigit() and len(str(value)) <= 6 else 0
            asked.append(
                Asked(
                    position=position,
                    problem=self.data.get(f"problem-{position}", Problem.MISSING),
                    note=self.data.get(f"detail-{position}", ""),
                )
            )
        return asked

    def supplement_rows(self, documents) -> list[dict]:
        """The checklist as the supplement form shows it, with what was
        picked and written when the form comes back with an error."""
        picked = {item.position: item for item in (self.requested() if self.is_bound else [])}
        return [
            {
                "document": document,
                "picked": document.position in picked,
                "problem": picked[document.position].problem if document.position in picked else Problem.MISSING,
                "note": picked[document.position].note if document.position in picked else "",
            }
            for document in documents
        ]


class AttachmentForm(forms.Form):
    """A scan of one of the dossier's documents."""

    document = forms.TypedChoiceField(label=_("Document"), coerce=int, required=False, empty_value=None)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [("", _("Other"))] + [
            (doc.pk, doc.name[:90]) for doc in dossier.documents.all()
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.checked = check_upload(upload)
        return upload


class ResultAmendForm(ResultFields):
    """Revoke an issued result, or supersede it by a corrected one."""

    amend = forms.ChoiceField(choices=[("revoke", _("Revoke")), ("correct", _("Correct"))], widget=forms.HiddenInput)
    result = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the dossier's trail and shown to whoever checks the document."),
        error_messages={
            "required": _("Give the reason; it is kept in the dossier's trail and shown on the check page.")
        },
    )

    def clean(self):
        data = super().clean()
        data["draft"] = None
        if data.get("amend") == "correct":
            if not data.get("result_source"):
                self.add_error("result_source", _("Choose where the corrected result comes from."))
            else:
                data["draft"] = self.result_draft(data)
        return data


class PaymentForm(forms.Form):
    """Money taken at the counter; checked by the domain (dossiers/payments.py), as the API's is."""

    method = forms.ChoiceField(
        label=_("Paid by"),
        choices=[(method, capfirst(method.label)) for method in (PaymentMethod.CASH, PaymentMethod.CARD)],
        initial=PaymentMethod.CASH,
        widget=forms.RadioSelect,
    )
    fee_received = forms.CharField(
        label=_("Amount received (đồng)"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    fee_receipt_number = forms.CharField(
        label=_("Receipt number (biên lai)"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

"""Forms of the citizen: applying online (where, who, the files, how the
result comes back), a supplement, a withdrawal, a rating or feedback, the
supervisor's answer, and tracking a dossier."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citizens import applications
from citizens.models import Feedback
from dossiers import fees
from dossiers.forms import ApplicantForm, FeeChoicesMixin
from dossiers.intake import FeeInvalid
from dossiers.models import Delivery
from portal.forms import CodeForm
from portal.models import Office
from procedures.models import Channel, Procedure, localised


class OfficeForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Counter"), queryset=Office.objects.none(), empty_label=_("Choose a counter")
    )

    def __init__(self, *args, offices, location_independent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        field.queryset = offices
        field.label_from_instance = lambda office: office.name
        field.error_messages["required"] = _("Choose the counter to send the application to.")
        field.help_text = (
            _("Any one-stop counter of the province handles this procedure: choose the one that suits you.")
            if location_independent
            else _("Choose the commune or ward where you live, or where the matter arose.")
        )


def leniently(form: forms.Form) -> tuple[dict[str, Any], bool]:
    """ "Save and come back later": the values of a bound form that are valid
    each on its own (a field left blank counts, as blank), and whether
    anything typed could not be kept. The rules between fields and what
    must be filled in wait until the page is saved to go on; the form then
    shows beside each field why its value was not kept."""
    required = {name: field.required for name, field in form.fields.items()}
    for field in form.fields.values():
        field.required = False
    form.clean = lambda: form.cleaned_data  # type: ignore[method-assign]
    form.full_clean()
    for name, field in form.fields.items():
        field.required = required[name]
    return dict(form.cleaned_data), bool(form.errors)


class CitizenApplicantForm(ApplicantForm):
    """The applicant's details on an online application: all needed, since
    no clerk sees the citizen; the phone number too, as the counter texts
    the applicant and tracking asks for its last digits. The browser may
    fill them in from what it knows of its owner."""

    remember = forms.BooleanField(label=_("Save these details in my profile for next time"), required=False)

    AUTOCOMPLETE = {"name": "name", "phone": "tel", "email": "email", "address": "street-address"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("id_number", "phone", "address"):
            self.fields[name].required = True
        for name, token in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        phone = self.fields["phone"]
        phone.widget.input_type = "tel"
        phone.widget.attrs["inputmode"] = "tel"
        phone.error_messages["required"] = applications.PHONE_NEEDED
        phone.help_text = _(
            "Needed: the counter texts you about your dossier at this number, "
            "and you track the dossier with its last 4 digits."
        )
        self.fields["id_number"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})

    def clean(self):
        data = super().clean()
        if not self.errors:
            # What an online application must say of its applicant, the one rule.
            for problem in applications.applicant_problems(self.applicant()):
                self.add_error(problem.field or None, problem.message)
        return data


class DocumentsForm(forms.Form):
    """The documents page, one form: a file input for each document to
    upload (`file-<position>`), so that whichever button is pressed, every
    file chosen is sent. Each file is checked and kept by
    `applications.add_file`."""

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {}
        for document in documents:
            if document.is_shown:
                continue  # shown at the counter, nothing to upload
            name = f"file-{document.position}"
            self.documents[name] = document
            self.fields[name] = forms.FileField(
                label=document.name[:90],
                required=False,
                widget=forms.FileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png", "id": name}
                ),
            )

    def chosen(self) -> list[tuple[str, Any, Any]]:
        """The files chosen, as (field name, document, file), in the page's order."""
        return [(name, self.documents[name], self.files[name]) for name in self.documents if self.files.get(name)]


class SituationForm(forms.Form):
    """A yes/no question a field: the procedure's questions about the
    applicant's situation (`Draft.questions`)."""

    CHOICES = [("yes", _("Yes")), ("no", _("No"))]

    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            text = localised(question["text"], question.get("text_en", ""), question.get("text_th", ""))
            self.fields[question["key"]] = forms.ChoiceField(
                label=text,
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                help_text=question.get("help", ""),
                # Named, so that each line of the error summary says which question.
                error_messages={"required": _("Answer yes or no: %(question)s") % {"question": text}},
            )
            if question.get("answer") is not None:
                self.fields[question["key"]].initial = "yes" if question["answer"] else "no"

    def answers(self) -> dict[str, bool]:
        return {key: value == "yes" for key, value in self.cleaned_data.items()}


class DeliveryForm(forms.Form):
    """How the result comes back: only the ways the offices can fulfil
    (`Delivery.offered`)."""

    delivery = forms.ChoiceField(
        label=_("How do you want to receive the result?"), choices=Delivery.choices, widget=forms.RadioSelect
    )
    delivery_address = forms.CharField(
        label=_("Postal address for the result"),
        max_length=300,
        required=False,
        help_text=_("Only if you chose to receive the result by post."),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["delivery"].choices = [(way.value, way.label) for way in Delivery.offered()]

    def clean(self):
        data = super().clean()
        lacking = Delivery.needs(data.get("delivery", ""), data.get("delivery_address", ""), self.email)
        if "email" in lacking:
            self.add_error("delivery", _("An electronic result needs an email address: add one on the applicant page."))
        if "delivery_address" in lacking:
            self.add_error("delivery_address", lacking["delivery_address"])
        return data


class FeesForm(FeeChoicesMixin, forms.Form):
    """What the amount owed online depends on: the case the fee is charged
    for, how many of each unit, the exemption claimed; checked by the rule
    every door uses (dossiers/fees.py::check_choices), kept as `choices`."""

    def __init__(self, *args, procedure: Procedure, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.add_fee_fields(procedure, Channel.ONLINE)
        self.choices: fees.Choices | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = self.fee_choices(data)
        day = timezone.localdate()
        try:
            self.choices = fees.check_choices(
                [fee.as_terms() for fee in self.procedure.fees_for(Channel.ONLINE, day)],
                on=day,
                case=given["fee_case"],
                quantities=given["fee_quantities"],
                exemption=given["fee_exemption"],
                exemptions=self.fee_exemptions,
            )
        except FeeInvalid as error:
            self.add_error(self.fee_error(error.field), error.message)
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you want to withdraw the dossier?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The counter reads this. A withdrawn dossier cannot be resumed: you would apply again."),
    )


class SupplementFileForm(forms.Form):
    document = forms.TypedChoiceField(label=_("Which document is this?"), coerce=int, required=False, empty_value=None)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG."))

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {doc.pk: doc for doc in dossier.documents.all()}
        self.fields["document"].choices = [("", _("Something else the counter asked for"))] + [
            (pk, doc.name[:90]) for pk, doc in self.documents.items()
        ]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the service?"),
        coerce=int,
        choices=[
            (5, _("5 – Very good")),
            (4, _("4 – Good")),
            (3, _("3 – Acceptable")),
            (2, _("2 – Poor")),
            (1, _("1 – Very poor")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add?"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=[(Feedback.Kind.FEEDBACK, _("Feedback or a suggestion")), (Feedback.Kind.COMPLAINT, _("A complaint"))],
        widget=forms.RadioSelect,
        initial=Feedback.Kind.FEEDBACK,
    )
    comment = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say when and at which step; a supervisor of the office reads it and answers you here."),
    )

    def __init__(self, *args, **kwargs):
        # Shown on the dossier's page beside the rating form, which has a
        # comment too: ids of its own, so each label finds its own box.
        kwargs.setdefault("auto_id", "feedback_%s")
        super().__init__(*args, **kwargs)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the citizen"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"), max_length=48, help_text=_("As on your receipt, e.g. 000.01.00.H37-261123-0001.")
    )
    phone_last4 = forms.RegexField(
        label=_("Last 4 digits of the phone number on the dossier"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Enter exactly 4 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class ClaimCodeForm(CodeForm):
    """The code texted to the phone a hospital reported for a birth."""


class AssistedForm(forms.Form):
    """Applying on a citizen's behalf, on two pages without JavaScript: who
    the applicant is and who helps; then the consent, a sentence with both
    names that the applicant agrees to, without which nothing starts."""

    HELPERS = [
        ("staff", _("I do, the member of staff signed in")),
        ("volunteer", _("A volunteer, under my account")),
    ]

    applicant_name = forms.CharField(label=_("The applicant's full name"), max_length=150)
    helper = forms.ChoiceField(label=_("Who helps"), choices=HELPERS, widget=forms.RadioSelect, initial="staff")
    volunteer_name = forms.CharField(
        label=_("The volunteer's full name"),
        max_length=150,
        required=False,
        help_text=_("Only when a volunteer helps."),
    )
    consent = forms.BooleanField(
        required=False,
        error_messages={"required": _("Ask the applicant, and tick the box only if they agree.")},
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        # The second page says it asked for the consent.
        self.asks_consent = self.data.get("consent_shown") == "1"
        self.fields["consent"].required = self.asks_consent

    def clean_applicant_name(self) -> str:
        return " ".join(self.cleaned_data["applicant_name"].split())

    def clean(self):
        data = super().clean()
        data["volunteer_name"] = " ".join(data.get("volunteer_name", "").split())
        if data.get("helper") == "volunteer" and not data["volunteer_name"]:
            self.add_error("volunteer_name", _("Enter the volunteer's full name."))
        if data.get("helper") == "staff":
            data["volunteer_name"] = ""
        return data

    @property
    def names_are_valid(self) -> bool:
        return not any(name in self.errors for name in ("applicant_name", "helper", "volunteer_name"))

    def consent_sentence(self) -> str:
        data = self.cleaned_data
        helper = data.get("volunteer_name") or self.staff.get_full_name()
        return _("%(applicant)s agrees that %(helper)s submits this application on their behalf.") % {
            "applicant": data.get("applicant_name", ""),
            "helper": helper,
        }

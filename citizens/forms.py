"""Forms of the citizen: applying online (where, who, the files, how the
result comes back), a supplement, a withdrawal, a rating or feedback, the
supervisor's answer, and tracking a dossier."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from citizens import applications
from citizens.models import Feedback
from dossiers.forms import ApplicantForm
from dossiers.models import Delivery
from portal.forms import CodeForm
from portal.models import Office
from procedures.models import localised


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


class CitizenApplicantForm(ApplicantForm):
    """The applicant's details on an online application: all needed, since
    no clerk sees the citizen."""

    remember = forms.BooleanField(label=_("Save these details in my profile for next time"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("id_number", "address"):
            self.fields[name].required = True
        self.fields["phone"].help_text = _("The counter sends text messages about your dossier to this number.")

    def clean(self):
        data = super().clean()
        if not self.errors:
            # What an online application must say of its applicant, the one rule.
            for problem in applications.applicant_problems(self.applicant()):
                self.add_error(None, problem.message)
        return data


class UploadForm(forms.Form):
    """One file for one document of the application."""

    position = forms.TypedChoiceField(label=_("Document"), coerce=int)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG; a photo taken with a phone is fine."))

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [(doc.position, doc.name[:90]) for doc in documents]


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

    def clean(self):
        data = super().clean()
        lacking = Delivery.needs(data.get("delivery", ""), data.get("delivery_address", ""), self.email)
        if "email" in lacking:
            self.add_error("delivery", _("An electronic result needs an email address: add one on the applicant page."))
        if "delivery_address" in lacking:
            self.add_error("delivery_address", lacking["delivery_address"])
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

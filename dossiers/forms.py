"""Forms of the counter (the walk-in intake, an action on a dossier, a scan)
and of the citizen (applying online, a supplement, a withdrawal, a rating or
feedback, tracking a dossier)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Delivery, Feedback
from dossiers.uploads import check_upload
from dossiers.workflow import NOTE_REQUIRED
from portal.models import Office
from portal.phones import (
    ID_NUMBER_MESSAGE,
    PHONE_MESSAGE,
    is_id_number,
    is_phone,
    normalise_id_number,
    normalise_phone,
)
from procedures.models import Procedure


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
        value = normalise_id_number(self.cleaned_data["id_number"])
        if value and not is_id_number(value):
            raise forms.ValidationError(ID_NUMBER_MESSAGE)
        return value

    def clean_phone(self) -> str:
        value = normalise_phone(self.cleaned_data["phone"])
        if value and not is_phone(value):
            raise forms.ValidationError(PHONE_MESSAGE)
        return value

    def applicant(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("name", "id_number", "phone", "email", "address")}


class IntakeForm(ApplicantForm):
    """A walk-in citizen at the counter: who, which documents they brought,
    and where the result goes."""

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

    def __init__(self, *args, procedure: Procedure, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.office = office
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

    def clean(self):
        data = super().clean()
        if data.get("delivery") == Delivery.POST and not data.get("delivery_address"):
            self.add_error("delivery_address", _("Give the address the result is posted to."))
        if data.get("delivery") == Delivery.ELECTRONIC and not data.get("email"):
            self.add_error("email", _("An email address is needed to send the result electronically."))
        return data


class ActionForm(forms.Form):
    """One action on a dossier, from the dossier page's buttons."""

    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note or reasons"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to ask for a supplement, refuse, reject, withdraw or apologise: the citizen reads it."),
    )
    new_appointment = forms.DateTimeField(
        label=_("New appointment (for an apology)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    documents = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in NOTE_REQUIRED and not (data.get("note") or "").strip():
            self.add_error("note", _("Write the reasons: the citizen will read them."))
        if action == "apologise" and not data.get("new_appointment"):
            self.add_error("new_appointment", _("Give the new appointment date and time."))
        appointment = data.get("new_appointment")
        if appointment is not None and timezone.is_naive(appointment):
            data["new_appointment"] = timezone.make_aware(appointment)
        return data


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


# The citizen's forms -------------------------------------------------------------


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
        if not self.errors and not (data.get("phone") or data.get("email")):
            raise forms.ValidationError(_("Enter a phone number or an email address, so the counter can reach you."))
        return data


class UploadForm(forms.Form):
    """One file for one document of the application."""

    position = forms.TypedChoiceField(label=_("Document"), coerce=int)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG; a photo taken with a phone is fine."))

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = [(doc.position, doc.name[:90]) for doc in documents]


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

    def __init__(self, *args, has_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_email = has_email

    def clean(self):
        data = super().clean()
        if data.get("delivery") == Delivery.POST and not (data.get("delivery_address") or "").strip():
            self.add_error("delivery_address", _("Give the address the result is posted to."))
        if data.get("delivery") == Delivery.ELECTRONIC and not self.has_email:
            self.add_error("delivery", _("An electronic result needs an email address: add one on the applicant page."))
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

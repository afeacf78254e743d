"""The line's forms: the citizen's (web, kiosk, My dossiers), the
switchboard operator's one page, and the staff's actions on a case. They
check shapes; the rules are petitions/workflow.py's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.models import Kind
from petitions.workflow import MAX_TEXT
from portal.models import Office, User
from portal.phones import clean_phone
from procedures.models import Procedure, PublishedQuestion


class CaseForm(forms.Form):
    text = forms.CharField(
        label=_("What happened, or what you want to ask"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say where and when, and which procedure or office it is about."),
        error_messages={"required": _("Write what happened: the message is empty.")},
    )
    place = forms.CharField(label=_("Where it happened"), max_length=300, required=False)
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        help_text=_("The code and the answer come by SMS."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Email"), required=False, help_text=_("If you have no phone."))
    consents_to_publish = forms.BooleanField(
        label=_("The answer may be published for others who ask the same"),
        required=False,
        help_text=_("Beside the procedure, as a question and answer, without your name, phone, email or ID number."),
    )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("Give a phone number or an email address, so that the answer can reach you."))
        return data


class SwitchboardForm(CaseForm):
    """The call, in the order the operator hears it; the type, procedure
    and office are suggested from the words and confirmed."""

    field_order = ["name", "phone", "text", "place", "kind", "procedure", "office", "consents_to_publish"]
    name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Caller's phone"), max_length=20, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Suggest from the words")), *Kind.choices], required=False
    )
    procedure = forms.CharField(
        label=_("Procedure code"), max_length=32, required=False, help_text=_("Suggested from the words; correct it.")
    )
    office = forms.ModelChoiceField(
        label=_("Office that answers"), queryset=Office.objects.none(), required=False, empty_label=_("Suggest")
    )

    def __init__(self, *args, province: Office, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.counters().in_province(province).order_by("level", "name")
        self.fields["email"].widget = forms.HiddenInput()

    def clean_procedure(self) -> Procedure | None:
        return _procedure(self.cleaned_data["procedure"])


class ActionForm(forms.Form):
    """What a staff action may carry; `perform` says what each one needs."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices, required=False)
    procedure = forms.CharField(label=_("Procedure code"), max_length=32, required=False)
    office = forms.ModelChoiceField(label=_("Office that answers"), queryset=Office.objects.none(), required=False)
    named_officer = forms.ModelChoiceField(
        label=_("Officer complained about"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("For a complaint about a named officer: they will not see the case."),
    )
    info_request = forms.CharField(
        label=_("What the citizen should tell you"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    cite_procedure = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)
    cite_version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    question = forms.CharField(
        label=_("The question as published"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    published_answer = forms.CharField(
        label=_("The answer as published"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    published = forms.ModelChoiceField(
        label=_("Published question it asks again"), queryset=PublishedQuestion.objects.all(), required=False
    )

    def __init__(self, *args, province: Office, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offices = Office.objects.counters().in_province(province).order_by("level", "name")
        self.fields["office"].queryset = offices
        self.fields["named_officer"].queryset = User.objects.filter(memberships__office__in=offices).distinct()

    def clean_procedure(self) -> Procedure | None:
        return _procedure(self.cleaned_data["procedure"])

    def clean_cite_procedure(self) -> Procedure | None:
        return _procedure(self.cleaned_data["cite_procedure"])


def _procedure(code: str) -> Procedure | None:
    code = code.strip()
    if not code:
        return None
    found = Procedure.objects.active().filter(code=code).first()
    if found is None:
        raise forms.ValidationError(_("No procedure on offer has the code %(code)s.") % {"code": code})
    return found


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Does the answer satisfy you?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the answer satisfies you.")},
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("Why reopen it"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the reason.")},
    )


class SupplyForm(forms.Form):
    note = forms.CharField(
        label=_("The information asked for"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the information asked for.")},
    )


CITIZEN_FORMS: dict[str, type[forms.Form]] = {"rate": RateForm, "reopen": ReopenForm, "supply": SupplyForm}

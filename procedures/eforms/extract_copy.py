"""Tờ khai cấp bản sao trích lục hộ tịch — the declaration asking for copies
of a civil-status extract (annex of Circular 04/2020/TT-BTP), the e-form of
procedure 2.000635 (copies of a civil-status extract or of a birth
certificate). Its fields in the order of the official form: the person
declaring; the person the registration is about; which registration (birth,
marriage, death, …), where, when and under which number it was registered,
as far as the applicant knows; and how many copies.

The office finds the registration in the register: its place is needed,
its day and number help when known. A person long dead or a child may have
no identity paper, so theirs may be left blank."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procedures.eforms import DateField, DeclarationForm, EForm, IdNumberField, declarant_fields, text
from procedures.eforms.birth import SEX_CHOICES
from procedures.eforms.correction import EVENT_CHOICES

MAX_COPIES = 20
COPIES_MESSAGE = _("Enter the number of copies, from 1 to 20.")


class ExtractCopyDeclarationForm(DeclarationForm):
    person_name = text(pgettext_lazy("civil status", "Full name"), max_length=150)
    person_birth_date = DateField(label=_("Date of birth"))
    person_sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, widget=forms.RadioSelect)
    person_ethnicity = text(_("Ethnicity"), max_length=50, help_text=_("E.g. Kinh, Tày, Thái, Mường."))
    person_nationality = text(_("Nationality"), max_length=80, initial="Việt Nam")
    person_residence = text(_("Place of residence"), help_text=_("The last place of residence of one who has died."))
    person_id_number = IdNumberField(
        label=_("Identity document number"),
        required=False,
        help_text=_("The 12-digit personal ID number, or a passport number; blank if the person has none."),
    )
    registered_event = forms.ChoiceField(
        label=_("Extract of the registration of"), choices=EVENT_CHOICES, widget=forms.RadioSelect
    )
    registered_at = text(
        _("Registered at"), help_text=_("The office that registered it, e.g. the People's Committee of Xã Đông Kết.")
    )
    registered_on = DateField(label=_("Date of registration"), required=False, help_text=_("If known."))
    register_number = text(
        _("Registration number"),
        required=False,
        max_length=50,
        help_text=_("The number on the certificate or extract, and the book's number, if known."),
    )
    copies = forms.IntegerField(
        label=_("Number of copies"),
        min_value=1,
        max_value=MAX_COPIES,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 2, "maxlength": 2}),
        error_messages={
            "invalid": COPIES_MESSAGE,
            "min_value": COPIES_MESSAGE,
            "max_value": COPIES_MESSAGE,
        },
    )
    applicant_name, applicant_id_number, applicant_residence, applicant_relationship = declarant_fields(
        _("Relationship to the person the extract is about"), _("E.g. self, son, daughter, wife, husband.")
    )

    fieldsets = (
        (
            "person",
            _("The person the extract is about"),
            (
                "person_name",
                "person_birth_date",
                "person_sex",
                "person_ethnicity",
                "person_nationality",
                "person_residence",
                "person_id_number",
            ),
        ),
        (
            "registration",
            _("The registration"),
            ("registered_event", "registered_at", "registered_on", "register_number", "copies"),
        ),
        (
            "applicant",
            _("The person declaring"),
            ("applicant_name", "applicant_id_number", "applicant_residence", "applicant_relationship"),
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.require_order(
            "person_birth_date", "registered_on", _("The registration cannot be before the date of birth.")
        )
        return data


EXTRACT_COPY = EForm(
    key="extract-copy",
    procedure_code="2.000635",
    title=_("Declaration for copies of a civil-status extract"),
    form_class=ExtractCopyDeclarationForm,
    template="eforms/extract_copy.html",
    filename="to-khai-cap-ban-sao-trich-luc-ho-tich.pdf",
)

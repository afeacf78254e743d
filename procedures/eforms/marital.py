"""Tờ khai cấp Giấy xác nhận tình trạng hôn nhân — the declaration asking
for a certificate of marital status (annex of Circular 04/2020/TT-BTP),
the e-form of procedure 1.004873. Its fields in the order of the official
form: the person declaring, then the person the certificate is for (name,
date of birth, sex, ethnicity, nationality, residence, identity paper),
the earlier place of residence the certificate covers when one is asked
for, the marital status and what the certificate is for.

The marital status is written on the certificate as art. 33 of the
Circular says; the form asks which case it is and, except for one never
married, the paper it rests on (the spouse and the marriage certificate,
the divorce judgment, the death certificate), which the registration office
looks up. An earlier residence is given whole (place, from, to) or not at
all."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procedures.eforms import DateField, DeclarationForm, EForm, IdNumberField, declarant_fields, text
from procedures.eforms.birth import SEX_CHOICES

# Which case the marital status is, as art. 33(1) of the Circular words it.
STATUS_CHOICES = [
    ("single", _("Not married to anyone")),
    ("married", _("Currently married")),
    ("divorced", _("Married before, divorced, not married to anyone now")),
    ("widowed", _("Married before, the spouse has died, not married to anyone now")),
]
EARLIER_FIELDS = ("earlier_residence", "earlier_from", "earlier_to")


class MaritalStatusDeclarationForm(DeclarationForm):
    person_name = text(
        pgettext_lazy("civil status", "Full name"),
        max_length=150,
        help_text=_("Family name, middle name and given name."),
    )
    person_birth_date = DateField(label=_("Date of birth"))
    person_sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, widget=forms.RadioSelect)
    person_ethnicity = text(_("Ethnicity"), max_length=50, help_text=_("E.g. Kinh, Tày, Thái, Mường."))
    person_nationality = text(_("Nationality"), max_length=80, initial="Việt Nam")
    person_residence = text(_("Place of residence"))
    person_id_number = IdNumberField(label=_("Identity document number"))
    earlier_residence = text(
        _("During the residence at"),
        required=False,
        help_text=_("Only if the certificate is for a time spent at an earlier place of residence."),
    )
    earlier_from = DateField(label=_("From"), required=False)
    earlier_to = DateField(label=_("To"), required=False)
    status = forms.ChoiceField(label=_("Marital status"), choices=STATUS_CHOICES, widget=forms.RadioSelect)
    status_details = text(
        _("Details of the marital status"),
        required=False,
        max_length=500,
        help_text=_(
            "Married: the spouse's name and the marriage certificate (number, issued by, date). Divorced: the "
            "judgment or decision (number, date, court). Widowed: the death certificate or extract (number, "
            "issued by, date)."
        ),
    )
    purpose = text(
        _("Purpose of the certificate"),
        help_text=_("E.g. to register a marriage with Mr Nguyễn Văn A at the People's Committee of …; to buy a house."),
    )
    applicant_name, applicant_id_number, applicant_residence, applicant_relationship = declarant_fields(
        _("Relationship to the person the certificate is for"), _("E.g. self, father, mother.")
    )

    fieldsets = (
        (
            "person",
            _("The person the certificate is for"),
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
        ("earlier", _("An earlier place of residence"), EARLIER_FIELDS),
        ("status", _("The marital status"), ("status", "status_details", "purpose")),
        (
            "applicant",
            _("The person declaring"),
            ("applicant_name", "applicant_id_number", "applicant_residence", "applicant_relationship"),
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.require_together(
            EARLIER_FIELDS,
            _("Give the earlier place of residence with its dates, or leave them all blank: “%(label)s” is missing."),
        )
        born_on, since, until = data.get("person_birth_date"), data.get("earlier_from"), data.get("earlier_to")
        if since and until and until < since and "earlier_to" not in self.errors:
            self.add_error("earlier_to", _("The end of the residence cannot be before its start."))
        if born_on and since and since < born_on and "earlier_from" not in self.errors:
            self.add_error("earlier_from", _("The residence cannot start before the date of birth."))
        status = data.get("status")
        if status and status != "single" and not data.get("status_details"):
            self.add_error(
                "status_details",
                _(
                    "Say which paper shows this marital status: the marriage certificate, the divorce judgment or the "
                    "death certificate, with its number, issuer and date."
                ),
            )
        return data


MARITAL_STATUS = EForm(
    key="marital-status",
    procedure_code="1.004873",
    title=_("Declaration for a certificate of marital status"),
    form_class=MaritalStatusDeclarationForm,
    template="eforms/marital_status.html",
    filename="to-khai-cap-giay-xac-nhan-tinh-trang-hon-nhan.pdf",
)

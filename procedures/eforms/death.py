"""Tờ khai đăng ký khai tử — the death registration declaration (annex of
Circular 04/2020/TT-BTP), the e-form of procedure 1.000656: the deceased,
the time, place and cause of death, the death notice it rests on, and the
person declaring. A death registered long after, with no death notice,
leaves the notice's lines blank (its proof is uploaded instead)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from procedures.eforms import DateField, DeclarationForm, EForm, IdNumberField, declarant_fields, text
from procedures.eforms.birth import SEX_CHOICES

NOTICE_FIELDS = ("notice_number", "notice_issuer", "notice_issued_on")


class DeathDeclarationForm(DeclarationForm):
    deceased_name = text(_("Deceased's full name"), max_length=150)
    deceased_sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, widget=forms.RadioSelect)
    deceased_birth_date = DateField(label=_("Date of birth"))
    deceased_ethnicity = text(_("Ethnicity"), max_length=50)
    deceased_nationality = text(_("Nationality"), max_length=80, initial="Việt Nam")
    deceased_id_number = IdNumberField(label=_("Identity document number"), required=False)
    deceased_last_residence = text(_("Last place of residence"))
    death_date = DateField(label=_("Date of death"))
    death_time = forms.TimeField(
        label=_("Time of death"),
        required=False,
        input_formats=["%H:%M", "%H.%M", "%Hh%M", "%H:%M:%S"],
        help_text=_("Hours and minutes, e.g. 14:30, if known."),
        widget=forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric", "size": 5}),
        error_messages={"invalid": _("Enter the time as hours and minutes, e.g. 14:30.")},
    )
    death_place = text(_("Place of death"))
    death_cause = text(_("Cause of death"))
    notice_number = text(_("Death notice number"), required=False, max_length=50)
    notice_issuer = text(_("Issued by"), required=False, max_length=200)
    notice_issued_on = DateField(label=_("Date of issue"), required=False)
    applicant_name, applicant_id_number, applicant_residence, applicant_relationship = declarant_fields(
        _("Relationship to the deceased"), _("E.g. son, daughter, wife, husband.")
    )

    fieldsets = (
        (
            "deceased",
            _("The deceased"),
            (
                "deceased_name",
                "deceased_sex",
                "deceased_birth_date",
                "deceased_ethnicity",
                "deceased_nationality",
                "deceased_id_number",
                "deceased_last_residence",
            ),
        ),
        ("death", _("The death"), ("death_date", "death_time", "death_place", "death_cause")),
        ("notice", _("The death notice"), NOTICE_FIELDS),
        (
            "applicant",
            _("The person declaring"),
            ("applicant_name", "applicant_id_number", "applicant_residence", "applicant_relationship"),
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.require_order(
            "deceased_birth_date", "death_date", _("The date of death cannot be before the date of birth.")
        )
        self.require_order("death_date", "notice_issued_on", _("The death notice cannot be issued before the death."))
        self.require_together(
            NOTICE_FIELDS,
            _("Give the death notice's number, issuer and date, or leave them all blank: “%(label)s” is missing."),
        )
        return data


DEATH = EForm(
    key="death",
    procedure_code="1.000656",
    title=_("Death registration declaration"),
    form_class=DeathDeclarationForm,
    template="eforms/death.html",
    filename="to-khai-dang-ky-khai-tu.pdf",
)

"""Tờ khai đăng ký giám hộ — the guardianship registration declaration
(annex of Circular 04/2020/TT-BTP), the e-form of procedure 1.004837. Its
fields in the order of the official form: the person declaring; the
guardian; the person under guardianship; whether the guardianship arises by
law (giám hộ đương nhiên) or by appointment (giám hộ cử), and why.

A guardian is an adult (Civil Code 2015, art. 49): 18 on the day of the
declaration. The person under guardianship may have no identity paper (a
young child), so theirs may be left blank."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.eforms import DeclarationForm, EForm, declarant_fields, text
from procedures.eforms.marriage import age_on
from procedures.eforms.parentage import PERSON_FIELDS, person_fields

KIND_CHOICES = [
    ("natural", _("Guardianship by law")),
    ("appointed", _("Guardianship by appointment")),
]
# Civil Code 2015, art. 49(1): a guardian has full civil capacity, an adult.
GUARDIAN_AGE = 18


class GuardianshipDeclarationForm(DeclarationForm):
    (
        guardian_name,
        guardian_birth_date,
        guardian_sex,
        guardian_ethnicity,
        guardian_nationality,
        guardian_residence,
        guardian_id_number,
    ) = person_fields(_("Full name of the guardian"), id_required=True).values()
    (
        ward_name,
        ward_birth_date,
        ward_sex,
        ward_ethnicity,
        ward_nationality,
        ward_residence,
        ward_id_number,
    ) = person_fields(_("Full name of the person under guardianship"), id_required=False).values()
    kind = forms.ChoiceField(label=_("Kind of guardianship"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    reason = text(
        _("Reason for the guardianship"),
        max_length=500,
        help_text=_("E.g. both parents have died; the mother has lost her civil capacity."),
    )
    applicant_name, applicant_id_number, applicant_residence, applicant_relationship = declarant_fields(
        _("Relationship to the person under guardianship"), _("E.g. grandfather, aunt, the guardian themself.")
    )

    fieldsets = (
        ("guardian", _("The guardian"), tuple(f"guardian_{name}" for name in PERSON_FIELDS)),
        ("ward", _("The person under guardianship"), tuple(f"ward_{name}" for name in PERSON_FIELDS)),
        ("guardianship", _("The guardianship"), ("kind", "reason")),
        (
            "applicant",
            _("The person declaring"),
            ("applicant_name", "applicant_id_number", "applicant_residence", "applicant_relationship"),
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        born_on = data.get("guardian_birth_date")
        if born_on and age_on(born_on, timezone.localdate()) < GUARDIAN_AGE:
            self.add_error(
                "guardian_birth_date", _("The guardian must be at least 18 years old on the day of the declaration.")
            )
        guardian_id = data.get("guardian_id_number")
        if guardian_id and guardian_id == data.get("ward_id_number"):
            self.add_error("ward_id_number", _("The two people cannot have the same identity document number."))
        return data


GUARDIANSHIP = EForm(
    key="guardianship",
    procedure_code="1.004837",
    title=_("Guardianship registration declaration"),
    form_class=GuardianshipDeclarationForm,
    template="eforms/guardianship.html",
    filename="to-khai-dang-ky-giam-ho.pdf",
)

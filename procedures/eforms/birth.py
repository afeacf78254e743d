"""Tờ khai đăng ký khai sinh — the birth registration declaration (annex of
Circular 04/2020/TT-BTP as amended by Circular 04/2024/TT-BTP), the e-form
of procedure 1.001193. Its fields in the order of the official form: the
person declaring, the child, the mother, the father; the page asks for the
child first, since that is what the applicant came for.

Either parent may be unknown (an abandoned child, a father not
acknowledged): a parent's details are given whole or left blank, and the
form then leaves the lines empty.

The same form serves procedure 1.004772 (the birth registration of one who
already has personal papers); the birth re-registration declaration
(1.004884) adds where, when and under which number the birth was
registered before."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from procedures.eforms import DateField, DeclarationForm, EForm, IdNumberField, YearField, declarant_fields, text

SEX_CHOICES = [("male", _("Male")), ("female", _("Female"))]
PARENT_FIELDS = ("name", "birth_year", "ethnicity", "nationality", "residence")


def parent_fields(name_label, name_help) -> dict[str, forms.Field]:
    return {
        "name": text(name_label, required=False, max_length=150, help_text=name_help),
        "birth_year": YearField(label=_("Year of birth"), required=False),
        "ethnicity": text(_("Ethnicity"), required=False, max_length=50),
        "nationality": text(_("Nationality"), required=False, max_length=80),
        "residence": text(_("Place of residence"), required=False),
        "id_number": IdNumberField(label=_("Identity document number"), required=False),
    }


class BirthDeclarationForm(DeclarationForm):
    child_name = text(_("Child's full name"), max_length=150, help_text=_("Family name, middle name and given name."))
    child_sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, widget=forms.RadioSelect)
    child_birth_date = DateField(label=_("Date of birth"))
    child_birth_place = text(
        _("Place of birth"),
        help_text=_("The hospital or health station, with its commune or ward and province; or the place of birth."),
    )
    child_ethnicity = text(_("Ethnicity"), max_length=50, help_text=_("E.g. Kinh, Tày, Thái, Mường."))
    child_nationality = text(_("Nationality"), max_length=80, initial="Việt Nam")
    child_home_town = text(_("Home town"), help_text=_("The father's or the mother's home town, as the parents agree."))
    mother_name, mother_birth_year, mother_ethnicity, mother_nationality, mother_residence, mother_id_number = (
        parent_fields(
            _("Mother's full name"), _("Leave the mother's details blank if there is no information.")
        ).values()
    )
    father_name, father_birth_year, father_ethnicity, father_nationality, father_residence, father_id_number = (
        parent_fields(
            _("Father's full name"), _("Leave the father's details blank if there is no information.")
        ).values()
    )
    applicant_name, applicant_id_number, applicant_residence, applicant_relationship = declarant_fields(
        _("Relationship to the child"), _("E.g. mother, father, grandmother.")
    )

    fieldsets = (
        (
            "child",
            _("The child"),
            (
                "child_name",
                "child_sex",
                "child_birth_date",
                "child_birth_place",
                "child_ethnicity",
                "child_nationality",
                "child_home_town",
            ),
        ),
        ("mother", _("The mother"), tuple(f"mother_{name}" for name in (*PARENT_FIELDS, "id_number"))),
        ("father", _("The father"), tuple(f"father_{name}" for name in (*PARENT_FIELDS, "id_number"))),
        (
            "applicant",
            _("The person declaring"),
            ("applicant_name", "applicant_id_number", "applicant_residence", "applicant_relationship"),
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        born_on = data.get("child_birth_date")
        for parent, message, before in (
            (
                "mother",
                _("Give all of the mother's details, or leave them all blank: “%(label)s” is missing."),
                _("The mother's year of birth must be before the child's year of birth."),
            ),
            (
                "father",
                _("Give all of the father's details, or leave them all blank: “%(label)s” is missing."),
                _("The father's year of birth must be before the child's year of birth."),
            ),
        ):
            self.require_together(tuple(f"{parent}_{name}" for name in PARENT_FIELDS), message)
            year = data.get(f"{parent}_birth_year")
            if born_on and year and year >= born_on.year and f"{parent}_birth_year" not in self.errors:
                self.add_error(f"{parent}_birth_year", before)
            if data.get(f"{parent}_id_number") and not data.get(f"{parent}_name"):
                self.add_error(f"{parent}_name", message % {"label": self.fields[f"{parent}_name"].label})
        return data


BIRTH = EForm(
    key="birth",
    procedure_code="1.001193",
    title=_("Birth registration declaration"),
    form_class=BirthDeclarationForm,
    template="eforms/birth.html",
    filename="to-khai-dang-ky-khai-sinh.pdf",
)

# The birth registration of one who already has personal records and
# papers (1.004772): the national record asks for the same Tờ khai đăng ký
# khai sinh, filled in by the person registered or for them.
BIRTH_WITH_RECORDS = EForm(
    key="birth-with-records",
    procedure_code="1.004772",
    title=_("Birth registration declaration"),
    form_class=BirthDeclarationForm,
    template="eforms/birth.html",
    filename="to-khai-dang-ky-khai-sinh.pdf",
)


class BirthAgainDeclarationForm(BirthDeclarationForm):
    """Tờ khai đăng ký lại khai sinh (annex of Circular 04/2020/TT-BTP): the
    birth declaration's lines, then where and when the birth was registered
    before, its register lost or damaged."""

    earlier_registered_at = text(
        _("Registered at"), help_text=_("The office that registered it, e.g. the People's Committee of Xã Đông Kết.")
    )
    earlier_registered_on = DateField(label=_("Date of registration"), required=False, help_text=_("If known."))
    earlier_register_number = text(
        _("Registration number"),
        required=False,
        max_length=50,
        help_text=_("The number on the certificate or extract, and the book's number, if known."),
    )

    fieldsets = (
        *BirthDeclarationForm.fieldsets[:3],
        (
            "earlier",
            _("The earlier registration"),
            ("earlier_registered_at", "earlier_registered_on", "earlier_register_number"),
        ),
        BirthDeclarationForm.fieldsets[3],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.require_order(
            "child_birth_date", "earlier_registered_on", _("The registration cannot be before the date of birth.")
        )
        return data


BIRTH_AGAIN = EForm(
    key="birth-again",
    procedure_code="1.004884",
    title=_("Birth re-registration declaration"),
    form_class=BirthAgainDeclarationForm,
    template="eforms/birth_again.html",
    filename="to-khai-dang-ky-lai-khai-sinh.pdf",
)

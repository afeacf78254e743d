"""Tờ khai đăng ký nhận cha, mẹ, con — the declaration recognising a
father, a mother or a child (annex of Circular 04/2020/TT-BTP), the e-form
of procedure 1.001022. Its fields in the order of the official form: the
person recognising (người nhận), who declares and signs; the person
recognised (người được nhận); and what the one is to the other. When the
child recognised is a minor, the form has room for the opinion of the
child's other parent, who signs beside the person recognising.

What the form says must be possible: a parent born before their child, a
father a man and a mother a woman, two people with two identity papers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procedures.eforms import DateField, DeclarationForm, EForm, IdNumberField, text
from procedures.eforms.birth import SEX_CHOICES

# What the person recognised is to the person recognising.
RECOGNISED_AS = [
    ("child", pgettext_lazy("recognised as", "Child")),
    ("father", pgettext_lazy("recognised as", "Father")),
    ("mother", pgettext_lazy("recognised as", "Mother")),
]
PERSON_FIELDS = ("name", "birth_date", "sex", "ethnicity", "nationality", "residence", "id_number")


def person_fields(name_label: Any, *, id_required: bool) -> dict[str, forms.Field]:
    return {
        "name": text(name_label, max_length=150, help_text=_("Family name, middle name and given name.")),
        "birth_date": DateField(label=_("Date of birth")),
        "sex": forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, widget=forms.RadioSelect),
        "ethnicity": text(_("Ethnicity"), max_length=50, help_text=_("E.g. Kinh, Tày, Thái, Mường.")),
        "nationality": text(_("Nationality"), max_length=80, initial="Việt Nam"),
        "residence": text(_("Place of residence")),
        "id_number": IdNumberField(
            label=_("Identity document number"),
            required=id_required,
            **(
                {}
                if id_required
                else {
                    "help_text": _(
                        "The 12-digit personal ID number, or a passport number; blank for a child who has none."
                    )
                }
            ),
        ),
    }


class ParentageDeclarationForm(DeclarationForm):
    (
        applicant_name,
        applicant_birth_date,
        applicant_sex,
        applicant_ethnicity,
        applicant_nationality,
        applicant_residence,
        applicant_id_number,
    ) = person_fields(_("Full name of the person recognising"), id_required=True).values()
    recognised_as = forms.ChoiceField(
        label=_("The person recognised is my"), choices=RECOGNISED_AS, widget=forms.RadioSelect
    )
    (
        recognised_name,
        recognised_birth_date,
        recognised_sex,
        recognised_ethnicity,
        recognised_nationality,
        recognised_residence,
        recognised_id_number,
    ) = person_fields(pgettext_lazy("civil status", "Full name"), id_required=False).values()
    other_parent_name = text(
        _("The child's other parent"),
        required=False,
        max_length=150,
        help_text=_(
            "When a minor child is recognised: the full name of the child's mother or father now, who gives their "
            "opinion and signs at the counter."
        ),
    )

    fieldsets = (
        ("applicant", _("The person recognising"), tuple(f"applicant_{name}" for name in PERSON_FIELDS)),
        ("relationship", _("The relationship"), ("recognised_as",)),
        ("recognised", _("The person recognised"), tuple(f"recognised_{name}" for name in PERSON_FIELDS)),
        ("other_parent", _("The child's other parent"), ("other_parent_name",)),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        relation = data.get("recognised_as")
        mine, theirs = data.get("applicant_birth_date"), data.get("recognised_birth_date")
        if relation and mine and theirs and "recognised_birth_date" not in self.errors:
            if relation == "child" and theirs <= mine:
                self.add_error("recognised_birth_date", _("A child cannot be born before their parent."))
            if relation in ("father", "mother") and theirs >= mine:
                self.add_error("recognised_birth_date", _("A parent cannot be born after their child."))
        sex = data.get("recognised_sex")
        if relation == "father" and sex == "female":
            self.add_error("recognised_sex", _("A father recognised is a man: check the sex or the relationship."))
        if relation == "mother" and sex == "male":
            self.add_error("recognised_sex", _("A mother recognised is a woman: check the sex or the relationship."))
        if data.get("applicant_id_number") and data.get("applicant_id_number") == data.get("recognised_id_number"):
            self.add_error("recognised_id_number", _("The two people cannot have the same identity document number."))
        return data


PARENTAGE = EForm(
    key="parentage",
    procedure_code="1.001022",
    title=_("Declaration recognising a father, a mother or a child"),
    form_class=ParentageDeclarationForm,
    template="eforms/parentage.html",
    filename="to-khai-dang-ky-nhan-cha-me-con.pdf",
)

"""Tờ khai đăng ký thay đổi, cải chính, xác định lại dân tộc, bổ sung
thông tin hộ tịch — the declaration asking to change, correct or add
civil-status information, or to determine an ethnicity anew (annex of
Circular 04/2020/TT-BTP), the e-form of procedure 1.004859. Its fields in
the order of the official form: the person declaring; which of the four
is asked for; the person whose record it is; the registration it
concerns (birth, marriage, …, where and when); the information from what
the register says to what it should say; and the reason.

An addition (bổ sung) fills in what the register left blank, so it alone
may leave "from" empty; any other change must say what the register says
now, and cannot leave it as it was."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from procedures.eforms import DateField, DeclarationForm, EForm, IdNumberField, declarant_fields, text
from procedures.eforms.birth import SEX_CHOICES

ACTION_CHOICES = [
    ("change", _("Change of civil-status information")),
    ("correction", _("Correction of civil-status information")),
    ("ethnicity", _("Determination of the ethnicity anew")),
    ("addition", _("Addition of civil-status information")),
]
# The civil-status events a commune registers, whose record may be changed.
EVENT_CHOICES = [
    ("birth", pgettext_lazy("registered event", "Birth")),
    ("marriage", pgettext_lazy("registered event", "Marriage")),
    ("death", pgettext_lazy("registered event", "Death")),
    ("parentage", pgettext_lazy("registered event", "Recognition of father, mother or child")),
    ("guardianship", pgettext_lazy("registered event", "Guardianship")),
]


class CorrectionDeclarationForm(DeclarationForm):
    action = forms.ChoiceField(label=_("What is asked for"), choices=ACTION_CHOICES, widget=forms.RadioSelect)
    person_name = text(
        pgettext_lazy("civil status", "Full name"),
        max_length=150,
        help_text=_("As the civil-status register writes it now."),
    )
    person_birth_date = DateField(label=_("Date of birth"))
    person_sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, widget=forms.RadioSelect)
    person_ethnicity = text(_("Ethnicity"), max_length=50, help_text=_("E.g. Kinh, Tày, Thái, Mường."))
    person_nationality = text(_("Nationality"), max_length=80, initial="Việt Nam")
    person_residence = text(_("Place of residence"))
    person_id_number = IdNumberField(
        label=_("Identity document number"),
        required=False,
        help_text=_("The 12-digit personal ID number, or a passport number; blank for a child who has none."),
    )
    registered_event = forms.ChoiceField(
        label=_("Registration concerned"), choices=EVENT_CHOICES, widget=forms.RadioSelect
    )
    registered_at = text(
        _("Registered at"), help_text=_("The office that registered it, e.g. the People's Committee of Xã Đông Kết.")
    )
    registered_on = DateField(label=_("Date of registration"))
    content = text(
        _("Information to change"),
        max_length=150,
        help_text=_("E.g. the family, middle and given name; the date of birth; the ethnicity; the home town."),
    )
    content_from = text(
        pgettext_lazy("information", "From"),
        required=False,
        max_length=300,
        help_text=_("What the register says now; blank only for an addition, where it says nothing."),
    )
    content_to = text(pgettext_lazy("information", "To"), max_length=300, help_text=_("What the register should say."))
    reason = text(_("Reason"), max_length=500)
    applicant_name, applicant_id_number, applicant_residence, applicant_relationship = declarant_fields(
        _("Relationship to the person whose information it is"), _("E.g. self, father, mother.")
    )

    fieldsets = (
        ("action", _("What is asked for"), ("action",)),
        (
            "person",
            _("The person whose information it is"),
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
        ("registration", _("The registration concerned"), ("registered_event", "registered_at", "registered_on")),
        ("content", _("The information"), ("content", "content_from", "content_to", "reason")),
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
        action, before, after = data.get("action"), data.get("content_from", ""), data.get("content_to", "")
        if action and action != "addition" and not before and "content_from" not in self.errors:
            self.add_error("content_from", _("Say what the register says now; only an addition may leave it blank."))
        if before and after and " ".join(before.split()) == " ".join(after.split()):
            self.add_error("content_to", _("The new information is the same as what the register says now."))
        return data


CORRECTION = EForm(
    key="civil-status-change",
    procedure_code="1.004859",
    title=_("Declaration to change, correct or add civil-status information, or determine the ethnicity anew"),
    form_class=CorrectionDeclarationForm,
    template="eforms/correction.html",
    filename="to-khai-thay-doi-cai-chinh-bo-sung-thong-tin-ho-tich.pdf",
)

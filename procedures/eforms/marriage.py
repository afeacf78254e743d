"""Tờ khai đăng ký kết hôn — the marriage registration declaration (annex of
Circular 04/2020/TT-BTP), the e-form of procedure 1.000894. The official
form is a table, one column for each party: the woman (bên nữ) and the man
(bên nam), each with their name, date of birth, ethnicity, nationality,
place of residence, identity paper and which marriage this is for them;
both sign it. Each must have reached the age the Law on Marriage and
Family 2014 (art. 8) sets on the day they declare: 18 for the woman, 20
for the man."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from procedures.eforms import DateField, DeclarationForm, EForm, IdNumberField, text

PARTY_FIELDS = ("name", "birth_date", "ethnicity", "nationality", "residence", "id_number", "marriage_number")
# Law on Marriage and Family 2014, art. 8(1)(a).
MINIMUM_AGE = {"woman": 18, "man": 20}
ORDINALS = (
    pgettext_lazy("marriage", "First"),
    pgettext_lazy("marriage", "Second"),
    pgettext_lazy("marriage", "Third"),
    pgettext_lazy("marriage", "Fourth"),
    pgettext_lazy("marriage", "Fifth"),
)


def which_marriage(number: int) -> str:
    """The answer to "which marriage is this" as the form words it: "Lần
    thứ nhất", "Lần thứ hai", …, in the active language."""
    if 1 <= number <= len(ORDINALS):
        return str(ORDINALS[number - 1])
    return pgettext("marriage", "Number %(number)s") % {"number": number}


def age_on(born_on: dt.date, day: dt.date) -> int:
    """Full years of age on `day`: a birthday counts from its own day (one
    born on 29 February comes of age on 1 March in a common year)."""
    return day.year - born_on.year - ((day.month, day.day) < (born_on.month, born_on.day))


def party_fields(name_label: Promise) -> dict[str, forms.Field]:
    return {
        "name": text(name_label, max_length=150, help_text=_("Family name, middle name and given name.")),
        "birth_date": DateField(label=_("Date of birth")),
        "ethnicity": text(_("Ethnicity"), max_length=50, help_text=_("E.g. Kinh, Tày, Thái, Mường.")),
        "nationality": text(_("Nationality"), max_length=80, initial="Việt Nam"),
        "residence": text(_("Place of residence")),
        "id_number": IdNumberField(label=_("Identity document number")),
        "marriage_number": forms.IntegerField(
            label=_("Which marriage is this"),
            min_value=1,
            max_value=20,
            help_text=_("1 for a first marriage, 2 for a second, and so on."),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 2, "maxlength": 2}),
            error_messages={
                "invalid": _("Enter a number: 1 for a first marriage, 2 for a second, and so on."),
                "min_value": _("Enter a number: 1 for a first marriage, 2 for a second, and so on."),
                "max_value": _("Enter a number: 1 for a first marriage, 2 for a second, and so on."),
            },
        ),
    }


class MarriageDeclarationForm(DeclarationForm):
    (
        woman_name,
        woman_birth_date,
        woman_ethnicity,
        woman_nationality,
        woman_residence,
        woman_id_number,
        woman_marriage_number,
    ) = party_fields(_("The woman's full name")).values()
    (
        man_name,
        man_birth_date,
        man_ethnicity,
        man_nationality,
        man_residence,
        man_id_number,
        man_marriage_number,
    ) = party_fields(_("The man's full name")).values()

    fieldsets = (
        ("woman", _("The woman"), tuple(f"woman_{name}" for name in PARTY_FIELDS)),
        ("man", _("The man"), tuple(f"man_{name}" for name in PARTY_FIELDS)),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        for party, message in (
            ("woman", _("The woman must be at least 18 years old on the day of the declaration.")),
            ("man", _("The man must be at least 20 years old on the day of the declaration.")),
        ):
            born_on = data.get(f"{party}_birth_date")
            if born_on and age_on(born_on, today) < MINIMUM_AGE[party]:
                self.add_error(f"{party}_birth_date", message)
        woman_id, man_id = data.get("woman_id_number"), data.get("man_id_number")
        if woman_id and woman_id == man_id:
            self.add_error("man_id_number", _("The two parties cannot have the same identity document number."))
        return data


MARRIAGE = EForm(
    key="marriage",
    procedure_code="1.000894",
    title=_("Marriage registration declaration"),
    form_class=MarriageDeclarationForm,
    template="eforms/marriage.html",
    filename="to-khai-dang-ky-ket-hon.pdf",
)

"""The portal's own e-forms: the declarations (tờ khai) a procedure's online
applicant fills in on the portal instead of printing, signing and uploading
the paper form — the "mẫu hộ tịch điện tử tương tác" the national records
list as an online document (`RequiredDocument.Kind.EFORM`).

An e-form is data plus a Django form class, one per procedure code: its
fields in the order of the official form, grouped in fieldsets (the child,
the mother, the father, the person declaring), its validation, and the
template that lays it out as the official form for the PDF
(templates/eforms/). The citizen's page, "check your answers", the
submission and the API all go through `EForm`: `form` validates, `data`
turns what it cleaned into plain JSON kept on the draft, `problems` says
what stored answers lack, `summary` reads them back with their labels.

The registry (`for_procedure`) knows the birth declaration (1.001193, and
1.004772 for one who already has personal papers), the birth
re-registration declaration (1.004884), the death declaration
(1.000656), the marriage declaration (1.000894), the declaration for a
certificate of marital status (1.004873), the declaration to change,
correct or add civil-status information (1.004859), the declaration
recognising a father, a mother or a child (1.001022), the declaration for
copies of a civil-status extract (2.000635) and the guardianship
registration declaration (1.004837).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.phones import clean_id_number

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%Hh%M", "%H:%M:%S"]


class DateField(forms.DateField):
    """A day typed as on paper (25/03/2026) or in ISO form (2026-03-25, as
    the API and the stored draft give it); never a day still to come."""

    widget = forms.DateInput(format="%d/%m/%Y", attrs={"inputmode": "numeric", "autocomplete": "off", "size": 10})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("help_text", _("Day/month/year, e.g. 25/03/2026."))
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = _("Enter a real date as day/month/year, e.g. 25/03/2026.")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")


class YearField(forms.IntegerField):
    """A year of birth: four digits, from 1900 to this year."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4, "maxlength": 4})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Four digits, e.g. 1995."))
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = _("Enter the year as four digits, e.g. 1995.")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not 1900 <= value <= timezone.localdate().year:
            raise forms.ValidationError(
                _("Enter a year from 1900 to %(year)s.") % {"year": timezone.localdate().year}, code="year"
            )


class IdNumberField(forms.CharField):
    """A personal ID number (12 digits, 9 on an old card) or a passport
    number, as the project checks them everywhere (`clean_id_number`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("The 12-digit personal ID number, or a passport number."))
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value: Any) -> str:
        return clean_id_number(super().clean(value))


def text(label: Promise, *, required: bool = True, max_length: int = 300, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, **kwargs)


def declarant_fields(relationship: Promise, relationship_help: Promise) -> tuple[forms.Field, ...]:
    """The person declaring, as every civil-status declaration asks: name,
    identity paper, residence and `relationship` to the person registered."""
    return (
        text(_("Full name of the person declaring"), max_length=150),
        IdNumberField(label=_("Identity document number")),
        text(_("Place of residence")),
        text(relationship, max_length=50, help_text=relationship_help),
    )


class DeclarationForm(forms.Form):
    """An e-form's fields. Subclasses list their `fieldsets` and name the
    fields `person_required` checks together (a parent's details are given
    whole or not at all)."""

    # (key, legend, field names), in the order of the official form.
    fieldsets: tuple[tuple[str, Promise, tuple[str, ...]], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if form_field.required:
                form_field.error_messages["required"] = _("Enter “%(label)s”.") % {"label": form_field.label}

    def data_out(self) -> dict[str, Any]:
        """What the form cleaned, as plain JSON: days in ISO form, blanks as ""."""
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, dt.date | dt.time):
                out[name] = value.isoformat(timespec="minutes") if isinstance(value, dt.time) else value.isoformat()
            elif value is None:
                out[name] = ""
            else:
                out[name] = value
        return out

    def require_order(self, earlier: str, later: str, message: Promise) -> None:
        """The day `later` is not before the day `earlier`: else `message` on
        `later` (unless it is wrong already)."""
        first, then = self.cleaned_data.get(earlier), self.cleaned_data.get(later)
        if first and then and then < first and later not in self.errors:
            self.add_error(later, message)

    def require_together(self, names: tuple[str, ...], message: Promise) -> None:
        """The fields `names` are given all or none: each left blank while
        another is given gets `message`."""
        given = [name for name in names if self.cleaned_data.get(name) not in (None, "")]
        if not given or len(given) == len(names):
            return
        for name in names:
            if name not in given and name not in self.errors:
                self.add_error(name, message % {"label": self.fields[name].label})


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    value: str
    # Radio buttons: a page links to the first of them.
    is_choice: bool = False


@dataclass(frozen=True)
class Group:
    key: str
    legend: str
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class EForm:
    """The e-form of one procedure."""

    key: str
    procedure_code: str
    title: Promise
    form_class: type[DeclarationForm]
    template: str
    filename: str

    def form(self, data: dict[str, Any] | None = None, *, initial: dict[str, Any] | None = None) -> DeclarationForm:
        """The form, bound to `data` (a page's POST, an API body or what a
        draft keeps) or showing `initial`."""
        return self.form_class(data, initial=self.initial(initial or {}))

    def initial(self, stored: dict[str, Any]) -> dict[str, Any]:
        """Stored answers as the form shows them (days as dates)."""
        values: dict[str, Any] = {}
        for name, form_field in self.form_class.base_fields.items():
            value = stored.get(name)
            if value in (None, ""):
                continue
            try:
                values[name] = form_field.to_python(value)
            except forms.ValidationError:
                values[name] = value
        return values

    @property
    def field_names(self) -> list[str]:
        return list(self.form_class.base_fields)

    def describe(self) -> list[dict[str, Any]]:
        """The fields as the API lists them: name, label, whether required,
        its kind and choices."""
        described = []
        for key, legend, names in self.form_class.fieldsets:
            for name in names:
                form_field = self.form_class.base_fields[name]
                kind = {
                    DateField: "date",
                    YearField: "year",
                    forms.IntegerField: "number",
                    forms.TimeField: "time",
                    IdNumberField: "id_number",
                }.get(type(form_field), "choice" if isinstance(form_field, forms.ChoiceField) else "text")
                described.append(
                    {
                        "name": name,
                        "group": key,
                        "group_label": str(legend),
                        "label": str(form_field.label),
                        "required": form_field.required,
                        "kind": kind,
                        "choices": [value for value, _label in getattr(form_field, "choices", [])],
                    }
                )
        return described

    def validated(self, data: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
        """(the answers as plain JSON, {}) if `data` is a valid declaration,
        (None, the messages by field) otherwise."""
        unknown = sorted(set(data) - set(self.field_names))
        form = self.form(data)
        if form.is_valid() and not unknown:
            return form.data_out(), {}
        errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        for name in unknown:
            errors[name[:50]] = [str(_("This declaration has no such field."))]
        return None, errors

    def problems(self, stored: dict[str, Any]) -> list[tuple[str, str]]:
        """What the stored answers lack, as (field, message), each message
        naming its fieldset ("The mother: Enter “Year of birth”.")."""
        _answers, errors = self.validated(stored)
        return [
            (name, str(_("%(group)s: %(message)s") % {"group": self.legend_of(name), "message": message}))
            for name, messages in errors.items()
            for message in messages
        ]

    def legend_of(self, name: str) -> str:
        return next((str(legend) for _key, legend, names in self.form_class.fieldsets if name in names), "")

    def is_complete(self, stored: dict[str, Any]) -> bool:
        return bool(stored) and not self.problems(stored)

    def summary(self, stored: dict[str, Any]) -> list[Group]:
        """The answers read back, fieldset by fieldset, each with its label
        and its value as the reader sees it."""
        groups = []
        shown = self.initial(stored)
        for key, legend, names in self.form_class.fieldsets:
            rows = []
            for name in names:
                form_field = self.form_class.base_fields[name]
                rows.append(
                    Row(
                        name,
                        str(form_field.label),
                        display(form_field, shown.get(name)),
                        is_choice=isinstance(form_field.widget, forms.RadioSelect),
                    )
                )
            groups.append(Group(key, str(legend), rows))
        return groups


def display(form_field: forms.Field, value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(form_field, forms.ChoiceField):
        return str(dict(form_field.choices).get(value, value))
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    return str(value)


def _registry() -> dict[str, EForm]:
    from procedures.eforms.birth import BIRTH, BIRTH_AGAIN, BIRTH_WITH_RECORDS
    from procedures.eforms.correction import CORRECTION
    from procedures.eforms.death import DEATH
    from procedures.eforms.extract_copy import EXTRACT_COPY
    from procedures.eforms.guardianship import GUARDIANSHIP
    from procedures.eforms.marital import MARITAL_STATUS
    from procedures.eforms.marriage import MARRIAGE
    from procedures.eforms.parentage import PARENTAGE

    return {
        eform.procedure_code: eform
        for eform in (
            BIRTH,
            BIRTH_WITH_RECORDS,
            BIRTH_AGAIN,
            DEATH,
            MARRIAGE,
            MARITAL_STATUS,
            CORRECTION,
            PARENTAGE,
            EXTRACT_COPY,
            GUARDIANSHIP,
        )
    }


def for_procedure(code: str) -> EForm | None:
    """The e-form of procedure `code`, or None if the portal has none."""
    return _registry().get(code)


def codes() -> set[str]:
    """The procedures that have an e-form."""
    return set(_registry())

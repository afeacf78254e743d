"""Forms of the catalogue editor (the procedure page of the admin): amounts
typed with a comma or a dot in any language, a time limit whose amount means
nothing for "same day", rows that take the next position when left blank,
the rules that span several sections, and the error summary that lists every
problem of the page with a link to its field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.calendar import TimeUnit, format_amount
from procedures.models import Procedure, check_stage_shares

# Digits with at most one decimal separator, either a comma or a dot.
PLAIN_AMOUNT = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
# A separator followed by exactly three digits reads as a thousands
# separator in Vietnamese ("1.234" is one thousand two hundred and thirty-four)
# and as decimals in English.
THOUSANDS_LOOKALIKE = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")


class AmountInput(forms.TextInput):
    """A text box for a decimal amount: shown without trailing zeros, with the
    reader's decimal separator ("1,5" in Vietnamese, "1.5" in English). Not a
    number box: a browser's number box reads "1,5" by the browser's locale,
    whatever the page's language."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "size": 6, "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float):
            return format_amount(Decimal(value)).replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """A decimal amount typed with a comma or a dot before the decimals, in any
    language: "1,5" and "1.5" are both one and a half. Input that could be
    read two ways ("1.234,5", "1,234") is refused, never guessed."""

    widget = AmountInput
    default_error_messages = {
        "ambiguous": _(
            "“%(value)s” could be read two ways. Write the decimals after a single comma or dot, "
            "with no thousands separators: 1,5 or 1.5."
        ),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        if text.count(",") + text.count(".") > 1 or (
            THOUSANDS_LOOKALIKE.fullmatch(text) and (self.decimal_places is None or self.decimal_places < 3)
        ):
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"value": text})
        if not PLAIN_AMOUNT.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget):
        # Not a number box: no "step" attribute.
        return forms.Field.widget_attrs(self, widget)


# Whole dong, bare or grouped by threes with dots, commas or spaces.
DONG = re.compile(r"\d+|\d{1,3}(?:([.,\u00a0 ])\d{3})(?:\1\d{3})*")


class DongInput(forms.TextInput):
    """A text box for whole dong, grouped by thousands the reader's way
    ("50.000" in Vietnamese, "50,000" in English)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "size": 10, "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int):
            return f"{value:,}".replace(",", str(formats.get_format("THOUSAND_SEPARATOR")))
        return super().format_value(value)


class DongField(forms.IntegerField):
    """An amount in whole dong: "50000", "50.000", "50,000" and "50 000" are
    all fifty thousand. A number box would read "50.000" as fifty; anything
    with decimals ("1,5", "50.5") is refused: there are no cents in VND."""

    widget = DongInput
    default_error_messages = {
        "invalid": _("An amount in dong is a whole number, with or without thousands separators: 50000 or 50.000."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not DONG.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(re.sub(r"\D", "", text))

    def widget_attrs(self, widget):
        # Not a number box: no "min", "max" or "step" attributes.
        return forms.Field.widget_attrs(self, widget)


class TimeLimitAmountInput(AmountInput):
    """The amount box, with a note the stylesheet shows in its place when
    "same day" is chosen (an amount means nothing there)."""

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        return format_html('{}<span class="same-day-note">{}</span>', box, _("none: same day"))


class ProcedureForm(forms.ModelForm):
    """The procedure page's own fields, and the day the change takes effect:
    a later day keeps the change waiting as a pending version."""

    effective_from = forms.DateField(
        label=_("Takes effect on"),
        initial=timezone.localdate,
        required=False,
        help_text=_(
            "Today (when left blank), or a later day: until then dossiers are received under the version in force, "
            "and the change waits as a pending version. Applies to published procedures."
        ),
    )

    def clean_effective_from(self):
        day = self.cleaned_data["effective_from"] or timezone.localdate()
        if day < timezone.localdate():
            raise ValidationError(_("A change cannot take effect in the past: choose today or a later day."))
        return day


class ChannelForm(forms.ModelForm):
    """A channel's time limit. "Same day" has no amount: the box is hidden for
    it, whatever it holds is ignored, and 0 is stored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        amount = self.fields["time_limit_amount"]
        amount.required = False
        amount.help_text = _(
            "A comma or a dot before the decimals: 1,5 or 1.5 (0,5 working day = 4 working hours). None for same day."
        )
        if self.instance.time_limit_unit == TimeUnit.SAME_DAY:
            self.initial["time_limit_amount"] = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("time_limit_unit") == TimeUnit.SAME_DAY:
            self._errors.pop("time_limit_amount", None)
            cleaned["time_limit_amount"] = Decimal(0)
        elif (
            cleaned.get("time_limit_amount") is None
            and cleaned.get("time_limit_unit")
            and "time_limit_amount" not in self._errors
        ):
            self.add_error("time_limit_amount", self.fields["time_limit_amount"].error_messages["required"])
        # Neither amount nor unit: a procedure in review may wait for them;
        # publishing needs them (ChannelFormSet, Procedure.publish).
        return cleaned


class StageForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share_percent"].help_text = _("12,5 or 12.5. The stages add up to 100 %.")


class PositionedForm(forms.ModelForm):
    """A row with a position: left blank, it goes after the last one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        position = self.fields["position"]
        position.required = False
        position.help_text = _("Blank: after the last one.")
        position.widget.attrs.update({"size": 3})
        if self.instance.pk is None:
            self.initial["position"] = None


class PositionedFormSet(forms.BaseInlineFormSet):
    """Rows whose position is left blank are numbered after the highest
    position on the page, in the order they appear: a document added at the
    end stays at the end."""

    def clean(self) -> None:
        super().clean()
        kept = [
            f
            for f in self.forms
            if (f.instance.pk or f.has_changed()) and hasattr(f, "cleaned_data") and not self._should_delete_form(f)
        ]
        last = max((f.cleaned_data["position"] for f in kept if f.cleaned_data.get("position") is not None), default=0)
        for form in kept:
            if form.cleaned_data.get("position") is None and "position" not in form.errors:
                last += 1
                form.instance.position = last


class ChannelFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        # A procedure in review may wait without them; publishing needs them (Procedure.publish).
        if self.instance.status != Procedure.Status.PUBLISHED:
            return
        if self.instance.is_active and not kept:
            raise ValidationError(_("An active procedure needs at least one channel with a time limit."))
        for form in kept:
            if form.has_error("time_limit_amount") or form.has_error("time_limit_unit"):
                continue  # already said what is wrong with them
            if form.cleaned_data.get("time_limit_amount") is None or not form.cleaned_data.get("time_limit_unit"):
                form.add_error(
                    "time_limit_amount", _("A published procedure needs a time limit with its unit on every channel.")
                )


class FeeFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        offered = _offered_channels(self.data)
        for form in self.forms:
            data = form.cleaned_data
            if data and not data.get("DELETE") and data.get("channel") not in offered:
                form.add_error("channel", _("The procedure is not offered on this channel: add the channel first."))


def _offered_channels(data) -> set[str]:
    """The channels the submitted channel rows keep (read from the same POST:
    inline formsets are validated one by one and cannot see each other)."""
    prefix = "channels"
    total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    return {
        data.get(f"{prefix}-{i}-channel")
        for i in range(total)
        if data.get(f"{prefix}-{i}-channel") and not data.get(f"{prefix}-{i}-DELETE")
    }


class StageFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        shares = [
            f.cleaned_data["share_percent"]
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("share_percent") is not None
        ]
        check_stage_shares(shares)


# The error summary ------------------------------------------------------------


@dataclass(frozen=True)
class SummaryItem:
    """One line of the error summary: what is wrong, where, and the id of the
    element to jump to (none for a rule of the whole procedure)."""

    text: str
    anchor: str


def error_summary(form: forms.BaseForm, formsets: list[tuple[str, forms.BaseFormSet]]) -> list[SummaryItem]:
    """Every error of the page in page order: the procedure's own fields, then
    each section (`formsets`: its name and formset), row by row, e.g.
    "Required documents, row 3: Name: This field is required."."""
    problems = [SummaryItem(str(message), "") for message in form.non_field_errors()]
    problems += _field_problems(form, gettext("%(field)s: %(message)s"), {}, "")
    for section, formset in formsets:
        group = f"{formset.prefix}-group"
        for message in formset.non_form_errors():
            problems.append(
                SummaryItem(gettext("%(section)s: %(message)s") % {"section": section, "message": message}, group)
            )
        for index, row in enumerate(formset.forms):
            if not row.errors or (formset.can_delete and formset._should_delete_form(row)):
                continue
            where = {"section": section, "row": index + 1}
            row_anchor = f"{formset.prefix}-{index}"
            for message in row.errors.get(NON_FIELD_ERRORS, []):
                text = gettext("%(section)s, row %(row)s: %(message)s") % {**where, "message": message}
                problems.append(SummaryItem(text, row_anchor))
            problems += _field_problems(
                row, gettext("%(section)s, row %(row)s: %(field)s: %(message)s"), where, row_anchor
            )
    return problems


def _field_problems(form: forms.BaseForm, template: str, where: dict, fallback: str) -> list[SummaryItem]:
    problems = []
    for name in [*form.fields, *(key for key in form.errors if key not in form.fields and key != NON_FIELD_ERRORS)]:
        for message in form.errors.get(name, []):
            if name in form.fields:
                bound = form[name]
                label = form.fields[name].label or name
                anchor = fallback if bound.is_hidden or not bound.id_for_label else bound.id_for_label
            else:
                label, anchor = name, fallback
            text = template % {**where, "field": capfirst(label), "message": message}
            problems.append(SummaryItem(text, anchor))
    return problems

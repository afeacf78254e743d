"""The supervisor's choice of period and offices, on every report page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Office
from reports.periods import Period, PeriodError, begun, recent_periods, requested


class ReportForm(forms.Form):
    """Which period and which offices: a named period, or any from/to."""

    period = forms.ChoiceField(label=gettext_lazy("Period"), required=False)
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    office = forms.ModelChoiceField(
        label=gettext_lazy("Office"), queryset=Office.objects.none(), required=False, empty_label=None
    )

    def __init__(self, *args, offices: list[Office], today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.presets = recent_periods(today)
        self.fields["period"].choices = [(p.name, str(p)) for p in self.presets] + [
            ("custom", _("From … to … (below)"))
        ]
        self.fields["office"].queryset = Office.objects.filter(pk__in=[o.pk for o in offices]).order_by("name")
        self.fields["office"].empty_label = _("All my offices (%(count)d)") % {"count": len(offices)}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        try:
            if data.get("period") == "custom" or ((start or end) and not data.get("period")):
                data["the_period"] = requested(start, end, self.today)
            else:
                data["the_period"] = begun(Period.parse(data.get("period") or self.presets[0].name), self.today)
        except PeriodError as error:
            self.add_error("end" if error.field == "end" and end else None, error.message)
        return data


class StatementDayForm(forms.Form):
    """Which office's statement, and which day."""

    office = forms.ModelChoiceField(label=gettext_lazy("Office"), queryset=Office.objects.none(), empty_label=None)
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices.order_by("name")


class SettlementForm(forms.Form):
    """The gateway's settlement file for the day."""

    file = forms.FileField(
        label=gettext_lazy("Settlement file (CSV)"),
        help_text=gettext_lazy(
            "The CSV the gateway gives for the day, in UTF-8, with the columns vnp_TmnCode, vnp_TxnRef, "
            "vnp_TransactionNo, vnp_Amount, vnp_PayDate, vnp_BankCode, vnp_TransactionType and "
            "vnp_TransactionStatus."
        ),
    )

"""How states and timeliness look on a page."""

from functools import lru_cache

from django import template

from dossiers.states import TONES, State

register = template.Library()

_TIMELINESS_TONES = {"early": "ok", "on_time": "ok", "within": "info", "late": "bad", "overdue": "bad"}


@register.filter
def state_tone(state: str) -> str:
    return TONES.get(state, "")


@register.filter
def timeliness_tone(timeliness: str) -> str:
    return _TIMELINESS_TONES.get(timeliness, "")


@register.filter
def state_label(state: str) -> str:
    return State(state).label if state in State.values else state


@register.simple_tag
def report_link(query: str, measure: str, key=None, by: str = "office") -> str:
    """The address of the dossiers behind one number of the report."""
    from django.urls import get_script_prefix, get_urlconf

    extra = f"&{by}={key}" if key is not None else ""
    return f"{_dossiers_path(get_urlconf(), get_script_prefix())}?{query}&measure={measure}{extra}"


@lru_cache(maxsize=16)
def _dossiers_path(urlconf: str | None, prefix: str) -> str:
    """The drill-down page's path, worked out once (a dashboard of 120
    offices links some 900 numbers to it)."""
    from django.urls import reverse

    return reverse("reports:dossiers", urlconf=urlconf)


@register.filter
def percent(rate) -> str:
    """A share or rate of reports/stats.py, in percent to two decimals; "—"
    when nothing finished."""
    return "—" if rate is None else f"{rate:.2f} %"


@register.filter
def working_time(amount) -> str:
    """A duration of working time in words: "1 working day 3 h"."""
    from dossiers.deadlines import working_time_text

    return working_time_text(amount)

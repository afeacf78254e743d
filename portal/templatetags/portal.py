"""Template filters shared by every page."""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.utils.translation import get_language, gettext

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """An amount in VND as people write it: "20.000 đ" in Vietnamese,
    "20,000 VND" otherwise; zero is "free"."""
    if amount in (None, ""):
        return ""
    amount = int(amount)
    if amount == 0:
        return gettext("free")
    if (get_language() or "vi").startswith("vi"):
        return f"{amount:,}".replace(",", ".") + " đ"
    return f"{amount:,} VND"


@register.filter
def dong(amount) -> str:
    """An amount in a column headed in đồng: "1.250.000" in Vietnamese,
    "1,250,000" otherwise; zero is "0" (an account balances to zero)."""
    if amount in (None, ""):
        return ""
    text = f"{int(amount):,}"
    return text.replace(",", ".") if (get_language() or "vi").startswith("vi") else text


@register.filter
def get_item(mapping, key):
    """mapping|get_item:key — a dictionary lookup with a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag(takes_context=True)
def error_prefix(context) -> str:
    """ "Error: " before the page's title when a form on the page was
    refused (or the view says the page was, `refused`): the browser's tab
    and a screen reader say so first (GOV.UK)."""
    if context.get("refused"):
        return gettext("Error:") + " "
    for value in context.flatten().values():
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            return gettext("Error:") + " "
        if isinstance(value, BaseFormSet) and value.is_bound and value.total_error_count():
            return gettext("Error:") + " "
    return ""


@register.filter
def described(field):
    """The field's input, its error read out with it: a screen reader on the
    input hears the message beside it, then the hint."""
    if not field.errors:
        return field
    ids = [f"{field.auto_id}_error"] + ([f"{field.auto_id}_helptext"] if field.help_text else [])
    return field.as_widget(attrs={"aria-describedby": " ".join(ids)})

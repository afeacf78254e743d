"""Template filters shared by every page."""

from django import template
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
def get_item(mapping, key):
    """mapping|get_item:key — a dictionary lookup with a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None

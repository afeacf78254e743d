"""Template filters of the catalogue: a fee as published."""

from django import template

from procedures import fees

register = template.Library()


@register.filter
def fee_amount(fee) -> str:
    """A fee row (a `Fee` or the dictionary a dossier keeps) as it reads:
    "1.500.000 đồng/bản từ 01/07/2025 đến 31/12/2026"."""
    return fees.fee_text(fee)

"""Template filters of the catalogue: a fee as published, a document list's
recurring headings in the reader's language."""

from django import template

from procedures import case_headings, fees

register = template.Library()


@register.filter
def fee_amount(fee) -> str:
    """A fee row (a `Fee` or the dictionary a dossier keeps) as it reads:
    "1.500.000 đồng/bản từ 01/07/2025 đến 31/12/2026"."""
    return fees.fee_text(fee)


@register.filter
def case_heading(case_name: str) -> str:
    """A recurring heading of a document list in the reader's language; ""
    for the procedure's own wording (procedures/case_headings.py)."""
    return case_headings.translated(case_name or "")

"""The daily statement of an office's fees as files for its accountant: XLSX
(openpyxl; amounts are numbers, whole đồng) and PDF (WeasyPrint, the
report's stylesheet and heading). The figures are
`dossiers.reconciliation.statement`'s, the match the settlement file's kept
result; this module only lays them out.
"""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Settlement
from dossiers.reconciliation import Row, Statement
from dossiers.settlements import MISMATCHES
from dossiers.slips import pdf_from_html, place_and_date
from reports.exports import STYLESHEET, XLSX, _download, append_as_text, file_slug, issuer_of


def filename(statement: Statement, extension: str) -> str:
    return f"{file_slug(_('fee statement'))}-{statement.office.code}-{statement.day:%Y%m%d}.{extension}"


def mismatch_rows(settlement: Settlement | None) -> list[dict[str, Any]]:
    """The kept mismatches, each with its kind in words."""
    if settlement is None:
        return []
    return [
        {**found, "label": str(MISMATCHES.get(found["kind"], found["kind"]))}
        for found in settlement.result.get("mismatches", [])
    ]


def _breakdowns(statement: Statement) -> list[tuple[str, list[Row]]]:
    return [
        (_("By method"), statement.by_method),
        (_("By procedure"), statement.by_procedure),
        (_("By fee line"), statement.by_fee_line),
    ]


def _row_cells(row: Row) -> list[Any]:
    return [row.label, row.count, row.paid_vnd, row.refunded_vnd, row.net_vnd]


def xlsx(statement: Statement, settlement: Settlement | None) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Statement")[:31]
    append_as_text(sheet, [_("Daily statement of fees"), statement.office.name, f"{statement.day:%d/%m/%Y}"])
    sheet["A1"].font = Font(bold=True, size=13)
    head = [_("Payments"), _("Paid (đồng)"), _("Refunded (đồng)"), _("Net (đồng)")]
    for title, rows in _breakdowns(statement):
        append_as_text(sheet, [])
        append_as_text(sheet, [title, *head])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            append_as_text(sheet, _row_cells(row))
        append_as_text(sheet, [_("Total"), *_row_cells(statement.total)[1:]])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 60
    for letter in "BCDE":
        sheet.column_dimensions[letter].width = 16

    entries = book.create_sheet(_("Payments")[:31])
    append_as_text(
        entries,
        [
            _("Time"),
            _("Payment or refund"),
            _("Dossier code"),
            _("Procedure"),
            _("Method"),
            _("Receipt number"),
            _("Gateway transaction"),
            _("Reference"),
            _("Amount (đồng)"),
        ],
    )
    for cell in entries[1]:
        cell.font = Font(bold=True)
    for entry in statement.entries:
        append_as_text(
            entries,
            [
                f"{timezone.localtime(entry.at):%H:%M:%S}",
                _("Refund") if entry.is_refund else _("Payment"),
                entry.dossier_code,
                entry.procedure,
                entry.method_label,
                entry.receipt_number,
                entry.gateway_reference,
                entry.reference,
                -entry.amount_vnd if entry.is_refund else entry.amount_vnd,
            ],
        )
    for letter, width in zip("ABCDEFGHI", (10, 12, 26, 50, 18, 16, 18, 22, 16), strict=True):
        entries.column_dimensions[letter].width = width

    found = book.create_sheet(_("Mismatches")[:31])
    if settlement is None:
        append_as_text(found, [_("No settlement file imported for this day.")])
    else:
        append_as_text(
            found,
            [
                _("Settlement file %(name)s, SHA-256 %(sha)s, imported %(at)s")
                % {
                    "name": settlement.filename,
                    "sha": settlement.sha256,
                    "at": f"{timezone.localtime(settlement.imported_at):%d/%m/%Y %H:%M}",
                }
            ],
        )
        append_as_text(
            found,
            [
                _("Mismatch"),
                _("Line"),
                _("Reference"),
                _("Dossier code"),
                _("In the file (đồng)"),
                _("In the portal (đồng)"),
                _("Note"),
            ],
        )
        for cell in found[2]:
            cell.font = Font(bold=True)
        for row in mismatch_rows(settlement):
            label = f"{row['label']} ({_('refund')})" if row["is_refund"] else row["label"]
            append_as_text(
                found,
                [
                    label,
                    row["line"],
                    row["reference"],
                    row["dossier"],
                    row["file_amount_vnd"],
                    row["portal_amount_vnd"],
                    row["note"],
                ],
            )
    for letter, width in zip("ABCDEFG", (44, 8, 22, 26, 16, 16, 50), strict=True):
        found.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return _download(buffer.getvalue(), filename(statement, "xlsx"), XLSX)


def pdf(statement: Statement, settlement: Settlement | None) -> HttpResponse:
    made_at = timezone.localtime()
    issuer = issuer_of([statement.office])
    html = render_to_string(
        "slips/statement.html",
        {
            "statement": statement,
            "breakdowns": _breakdowns(statement),
            "settlement": settlement,
            "mismatches": mismatch_rows(settlement),
            "issuer": issuer,
            "place_date": place_and_date(issuer.place, made_at) if issuer.place else "",
            "made_at": made_at,
        },
    )
    return _download(pdf_from_html(html, STYLESHEET), filename(statement, "pdf"), "application/pdf")

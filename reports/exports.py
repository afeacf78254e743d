"""The report and the dossier register as files: CSV, XLSX (openpyxl) and
PDF (WeasyPrint, with the slips' fonts). The numbers are `stats.report`'s
(the shares too: `stats.shares`), the fees collected `collected.collected`'s
(with the report by office: more columns of the CSV, a sheet of its own in
the XLSX); this module only lays them out.

The CSV is UTF-8 with a byte-order mark, comma-separated, with decimal
points, and says so on its first line: a spreadsheet set up for Vietnamese
(decimal comma) misreads such numbers, so the XLSX, whose numbers are
numbers, is the file for a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers.models import Dossier
from dossiers.slips import layout, pdf_from_html, place_and_date
from dossiers.timeliness import start_of_day
from portal.models import Office
from reports import collected, stats
from reports.collected import Collected
from reports.periods import Period
from reports.stats import MEASURES, Report

STYLESHEET = Path(settings.BASE_DIR) / "templates" / "slips" / "report.css"


# Shown where a share has nothing to divide: no dossier finished.
NO_SHARE = "—"


def _columns() -> list[tuple[str, str]]:
    return [(m, str(label)) for m, label in MEASURES.items()] + [
        ("early_share", _("Early share (%)")),
        ("on_time_share", _("On-time share (%)")),
        ("late_share", _("Late share (%)")),
        ("on_time_rate", _("On-time rate (%)")),
    ]


def _cells(row: stats.Row) -> list:
    """The counts, then early, on time and late as shares of the finished
    and the on-time rate (Decimals with two decimals, None when nothing
    finished)."""
    values: list = [row[m] for m in MEASURES]
    found = row.shares
    if found is None:
        return [*values, None, None, None, None]
    return [*values, found.early, found.on_time, found.late, found.on_time_rate]


def _text(value) -> str | int:
    """A cell as text: a share with two decimals, "—" for none."""
    if value is None:
        return NO_SHARE
    return f"{value:.2f}" if isinstance(value, Decimal) else value


def file_slug(text: str) -> str:
    """`text` for a file name: slugify drops "đ", which has no ASCII
    decomposition, so it is written "d" first (Đồng → dong, not ong)."""
    return slugify(text.replace("đ", "d").replace("Đ", "D"))


def _filename(result: Report, scope: str, extension: str) -> str:
    return f"{file_slug(_('timeliness'))}-{result.period.name.replace('/', '')}-{file_slug(scope)[:40]}.{extension}"


@dataclass(frozen=True)
class Issuer:
    """Who issues the report: the line above its name, its name, and the
    place written before the date."""

    authority: str
    name: str
    place: str


def issuer_of(offices: Sequence[Office]) -> Issuer:
    """The office when the report covers one; its province when it covers
    several offices of a province; the provinces, named, otherwise."""
    if len(offices) == 1:
        office = offices[0]
        authority = office.authority or (office.province.name if office.province != office else "")
        return Issuer(authority, office.name, office.locality or office.name)
    provinces = {office.province.pk: office.province for office in offices}
    if len(provinces) == 1:
        (province,) = provinces.values()
        return Issuer(province.authority, province.name, province.locality or province.name)
    names = sorted(province.name for province in provinces.values())
    return Issuer("", ", ".join(names), "")


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# A cell starting with one of these is a formula to a spreadsheet program
# (CSV injection): what people typed — an address, a name — must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """A CSV cell that no spreadsheet runs: text starting like a formula is
    quoted with an apostrophe, as spreadsheet programs read it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_as_text(sheet, values: list) -> None:
    """Add a row to an XLSX sheet with every text cell stored as text, never
    as a formula (openpyxl turns a string starting with "=" into one). Only
    such a row is looked at again: finding the last row walks every cell,
    which would make a long register take seconds."""
    sheet.append(values)
    if any(isinstance(value, str) and value.startswith("=") for value in values):
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"


def _head(result: Report) -> str:
    return _("Row: office") if result.by == "office" else _("Row: sector")


def csv_format_note() -> str:
    return _(
        "UTF-8 text, comma-separated, with a decimal point (99.65 is ninety-nine point six five per cent); "
        "for a spreadsheet, download the XLSX."
    )


def _fee_lines(fees: Collected) -> list[list]:
    """The fees collected as the XLSX's sheet: a title, the heads, a row per
    counter and the total, in whole đồng."""
    lines: list[list] = [[_("Fees collected (đồng)"), str(fees.period)]]
    lines.append([_("Row: office"), *collected.columns()])
    lines += [[row.label, *row.cells()] for row in [*fees.rows, fees.total]]
    return lines


def report_csv(result: Report, *, scope: str, fees: Collected | None = None) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    lines = [[csv_format_note()]]
    lines.append([_("Timeliness of administrative procedures"), scope, str(result.period), _as_of(result)])
    # The fees collected, by office: more columns on the office's row.
    fee_heads = [_("%(column)s (đồng)") % {"column": column} for column in collected.columns()] if fees else []
    lines.append([_head(result)] + [label for _m, label in _columns()] + fee_heads)
    paid = {row.office.pk: row for row in fees.rows if row.office} if fees else {}
    for row in [*result.rows, result.total]:
        money = paid.get(row.key) if row.key is not None else (fees.total if fees else None)
        lines.append([row.label] + [_text(v) for v in _cells(row)] + (money.cells() if money else []))
    writer.writerows([[csv_text(value) for value in line] for line in lines])
    # With a byte-order mark, spreadsheet programs read the diacritics right.
    content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return _download(content, _filename(result, scope, "csv"), "text/csv; charset=utf-8")


def _as_of(result: Report) -> str:
    return _("as of %(day)s") % {"day": f"{result.as_of:%d/%m/%Y}"}


def report_xlsx(result: Report, *, scope: str, fees: Collected | None = None) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = _("Timeliness")[:31]
    append_as_text(sheet, [_("Timeliness of administrative procedures")])
    append_as_text(sheet, [scope, str(result.period), _as_of(result)])
    sheet["A1"].font = Font(bold=True, size=13)
    append_as_text(sheet, [])
    header = [_head(result)] + [label for _m, label in _columns()]
    append_as_text(sheet, header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    shares_from = len(MEASURES) + 2  # the column of the first share
    for row in [*result.rows, result.total]:
        cells = _cells(row)
        counts, rates = cells[: len(MEASURES)], cells[len(MEASURES) :]
        # A share is a number formatted as a percent (0.9965 reads 99.65%).
        append_as_text(sheet, [row.label, *counts, *(NO_SHARE if v is None else float(v / 100) for v in rates)])
        for cell in sheet[sheet.max_row][shares_from - 1 :]:
            if cell.value == NO_SHARE:
                cell.alignment = Alignment(horizontal="right")
            else:
                cell.number_format = "0.00%"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B5"
    sheet.column_dimensions["A"].width = 34
    for n in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(n)].width = 12
    sheet.row_dimensions[4].height = 48
    if fees is not None:
        fee_sheet = book.create_sheet(_("Fees collected")[:31])
        for n, line in enumerate(_fee_lines(fees), start=1):
            append_as_text(fee_sheet, line)
            for cell in fee_sheet[n][1:] if n > 2 else ():
                cell.number_format = "#,##0"
        for cell in [*fee_sheet[1], *fee_sheet[2], *fee_sheet[fee_sheet.max_row]]:
            cell.font = Font(bold=True)
        fee_sheet.column_dimensions["A"].width = 34
        for letter in "BCDEF":
            fee_sheet.column_dimensions[letter].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return _download(
        buffer.getvalue(),
        _filename(result, scope, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def report_pdf(result: Report, *, scope: str, issuer: Issuer) -> HttpResponse:
    made_at = timezone.localtime()
    html = render_to_string(
        "slips/report.html",
        {
            "report": result,
            "scope": scope,
            "issuer": issuer,
            "place_date": place_and_date(issuer.place, made_at) if issuer.place else "",
            "rows": [(row, [_text(v) for v in _cells(row)]) for row in [*result.rows, result.total]],
            "head": _head(result),
            "made_at": made_at,
        },
    )
    return _download(pdf_from_html(html, STYLESHEET), _filename(result, scope, "pdf"), "application/pdf")


# The dossier register (Sổ theo dõi hồ sơ) ---------------------------------------

# What a request makes itself, and what goes to the task cluster
# (reports/tasks.py): measured on the demo data (bench/register.py), the
# register as PDF takes about 20 ms of CPU a dossier in WeasyPrint (1,945
# dossiers: 47 s on an idle machine), as XLSX about 1 ms (1,945: 2 s with
# the reading). Within these a request stays within a few seconds, well
# inside gunicorn's 30, even on a busy machine.
REGISTER_ROWS_IN_REQUEST = {"pdf": 100, "xlsx": 1000}
# Past this a PDF would hold a worker for minutes and make a book nobody
# prints: the XLSX, or a shorter period.
REGISTER_PDF_MAX_ROWS = 10_000

# progress(step, percent): the step is "reading", "laying_out" or "writing".
Progress = Callable[[str, int], None]


def _no_progress(step: str, percent: int) -> None:
    pass


def register_dossiers(office: Office, period: Period) -> QuerySet[Dossier]:
    """The dossiers the office received in the period, in code order: what
    the paper register has a line for."""
    start, end = start_of_day(period.start), start_of_day(period.end + dt.timedelta(days=1))
    return Dossier.objects.filter(receiving_office=office, received_at__gte=start, received_at__lt=end)


def register_rows(office: Office, period: Period, progress: Progress = _no_progress, *, share: int = 100) -> list[dict]:
    """The register's lines; `progress` hears of them up to `share` percent."""
    dossiers = register_dossiers(office, period).select_related("procedure", "received_by", "competent_office")
    total = max(register_dossiers(office, period).count(), 1)
    today = timezone.localdate()
    rows = []
    for n, dossier in enumerate(dossiers.order_by("received_at", "code").iterator(chunk_size=500), start=1):
        rows.append(
            {
                "number": n,
                "code": dossier.code,
                "procedure": dossier.procedure.name,
                "applicant": dossier.applicant_name,
                "address": dossier.applicant_address,
                "phone": dossier.applicant_phone,
                "received": _date(dossier.received_at),
                "appointment": _date(dossier.appointment_at),
                "finished": _date(dossier.finished_at),
                "returned": _date(dossier.returned_at),
                "received_by": dossier.received_by.get_full_name() if dossier.received_by else "",
                "note": f"{dossier.get_state_display()} · {dossier.timeliness(today).label}",
            }
        )
        if n % 250 == 0:
            progress("reading", share * n // total)
    return rows


def _date(value) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else ""


REGISTER_COLUMNS = [
    ("number", gettext_lazy("No.")),
    ("code", gettext_lazy("Dossier code")),
    ("procedure", gettext_lazy("Procedure")),
    ("applicant", gettext_lazy("Applicant")),
    ("address", gettext_lazy("Address")),
    ("phone", gettext_lazy("Phone")),
    ("received", gettext_lazy("Received")),
    ("appointment", gettext_lazy("Appointment")),
    ("finished", gettext_lazy("Result ready")),
    ("returned", gettext_lazy("Returned")),
    ("received_by", gettext_lazy("Received by")),
    ("note", gettext_lazy("Note")),
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _register_header() -> list[str]:
    return [str(label) for _key, label in REGISTER_COLUMNS]


def register_filename(office: Office, period: Period, fmt: str) -> str:
    return f"{file_slug(_('register'))}-{office.code}-{period.name.replace('/', '')}.{fmt}"


def register_file(
    office: Office, period: Period, fmt: str, progress: Progress = _no_progress
) -> tuple[bytes, str, str]:
    """The register as a file: its bytes, its name and its content type."""
    filename = register_filename(office, period, fmt)
    if fmt == "xlsx":
        rows = register_rows(office, period, progress, share=40)
        return _register_xlsx(office, period, rows, progress), filename, XLSX
    rows = register_rows(office, period, progress, share=20)
    html = render_to_string(
        "slips/register.html",
        {
            "office": office,
            "period": period,
            "rows": rows,
            "header": _register_header(),
            "made_at": timezone.localtime(),
        },
    )
    progress("laying_out", 20)
    document = layout(html, STYLESHEET)
    progress("writing", 80)
    return document.write_pdf(), filename, "application/pdf"


def _register_xlsx(office: Office, period: Period, rows: list[dict], progress: Progress) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Register")[:31]
    append_as_text(sheet, [_("Dossier register"), office.name, str(period)])
    sheet["A1"].font = Font(bold=True, size=13)
    append_as_text(sheet, [])
    append_as_text(sheet, _register_header())
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for n, row in enumerate(rows, start=1):
        append_as_text(sheet, [row[key] for key, _label in REGISTER_COLUMNS])
        if n % 500 == 0:
            progress("writing", 40 + 50 * n // len(rows))
    sheet.freeze_panes = "C4"
    for letter, width in zip("ABCDEFGHIJKL", (6, 26, 50, 24, 30, 13, 17, 17, 17, 17, 22, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def register(office: Office, period: Period, fmt: str) -> HttpResponse:
    """The register made within the request (a short one: see
    REGISTER_ROWS_IN_REQUEST)."""
    content, filename, content_type = register_file(office, period, fmt)
    return _download(content, filename, content_type)

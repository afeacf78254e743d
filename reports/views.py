"""The supervisor's screens: the timeliness dashboard, the report by sector
(Biểu II.06a), the dossiers behind any number, the dossiers at risk, and the
exports (a long dossier register made in the background, with a page that
follows it), the service-quality index, the complaint hotspots and the
feedback line's figures. Every number comes from a module that counts it:
reports/stats.py (the drill-down lists from reports/recount.py), the fees
collected from reports/collected.py, the index from reports/quality.py,
the hotspots from reports/hotspots.py and the line from reports/line.py.

Supervisors see the offices they oversee (a province supervisor: every
commune of the province); an office's leader (approver) sees that office.

This module is long because it holds every report screen, each a thin
view over the module that counts its figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from dossiers import queues
from dossiers.errors import NotPossible
from dossiers.models import Dossier
from portal.auth import supervisors_only
from portal.models import Office
from portal.replicas import report_reads_view
from procedures.models import Sector
from reports import charts, collected, exports, line, quality, recount, stats, tasks
from reports import hotspots as complaint_hotspots
from reports.delays import stage_delays
from reports.forms import ReportForm
from reports.models import Export
from reports.periods import Period, months_back


@dataclass
class Selection:
    """What the supervisor asked for: the form, the period, the offices, and
    the query string that carries them to drill-down links and exports."""

    form: ReportForm
    period: Period
    offices: list[Office]
    query: str
    today: dt.date


def _selection(request, offices) -> Selection:
    today = timezone.localdate()
    form = ReportForm(request.GET or None, offices=offices, today=today)
    period, chosen = months_back(today, 1)[0], offices
    if form.is_bound and form.is_valid():
        period = form.cleaned_data["the_period"]
        if form.cleaned_data.get("office"):
            chosen = [form.cleaned_data["office"]]
    if "–" in period.name:
        params: dict = {"period": "custom", "start": period.start, "end": period.end}
    else:
        params = {"period": period.name}
    if len(chosen) == 1 and len(offices) > 1:
        params["office"] = chosen[0].pk
    return Selection(form, period, chosen, urlencode(params), today)


DASHBOARD_COLUMNS = (
    "received",
    "carried_over",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "open_within",
    "open_overdue",
)

# The columns a screen shows unless all are asked for (`?columns=all`);
# the others stay in the page for print, and every export has them all.
# The shares of the finished: only the on-time rate, which orders the rows.
ON_SCREEN = {
    "received",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "open_within",
    "open_overdue",
}


def _all_columns(request) -> bool:
    return request.GET.get("columns") == "all"


@supervisors_only
@report_reads_view
def dashboard(request, offices):
    asked = _selection(request, offices)
    chosen, today = asked.offices, asked.today
    result = stats.report(asked.period, chosen, today=today)
    rows = sorted(result.rows, key=lambda r: (r.on_time_rate is None, r.on_time_rate or 0, r.label))
    rows = [(row, [(m, row[m], m not in ON_SCREEN) for m in DASHBOARD_COLUMNS]) for row in rows]
    backlog = stats.backlog(chosen, today=today, known=result)
    fees = collected.collected(asked.period, chosen)
    months = stats.trend(chosen, today=today)
    trend_chart = charts.trend(
        [
            charts.MonthBar(
                f"{p.start:%m/%y}",
                r["finished_early"],
                r["finished_on_time"],
                r["finished_late"],
                None if r.on_time_rate is None else float(r.on_time_rate),
            )
            for p, r in months
        ],
        title=_("Finished dossiers per month and the on-time rate"),
        legend=(_("Early"), _("On time"), _("Late")),
    )
    backlog_chart = charts.backlog(
        [charts.OfficeBar(r.label, r["open_within"], r["open_overdue"]) for r in backlog],
        title=_("Open dossiers per office today"),
        legend=(_("Within the deadline"), _("Overdue")),
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": asked.form,
            "report": result,
            "rows": rows,
            "total": (result.total, [(m, result.total[m], m not in ON_SCREEN) for m in DASHBOARD_COLUMNS]),
            "all_columns": _all_columns(request),
            "bad_measures": ("finished_late", "open_overdue"),
            "query": asked.query,
            "trend_chart": trend_chart,
            "months": months,
            "backlog_chart": backlog_chart,
            "at_risk": _offices_at_risk(chosen),
            "fee_columns": collected.columns(),
            "fee_rows": [(row, [collected.amount_text(c) for c in row.cells()]) for row in fees.rows],
            "fee_total": (fees.total, [collected.amount_text(c) for c in fees.total.cells()]),
        },
    )


@supervisors_only
@report_reads_view
def sectors(request, offices):
    asked = _selection(request, offices)
    chosen = asked.offices
    result = stats.report(asked.period, chosen, by="sector", today=asked.today)
    measures = [m for m in stats.MEASURES]
    rows = [(row, [(m, row[m], m not in ON_SCREEN) for m in measures]) for row in [*result.rows, result.total]]
    return render(
        request,
        "reports/sectors.html",
        {
            "form": asked.form,
            "report": result,
            "rows": rows if result.rows else [],
            "headers": [(m, SHORT_LABELS.get(m, stats.MEASURES[m]), m not in ON_SCREEN) for m in measures],
            "groups": [
                (label, len(group), len([m for m in group if m in ON_SCREEN])) for label, group in SECTOR_GROUPS
            ],
            "all_columns": _all_columns(request),
            "query": asked.query,
            "scope": _scope(chosen, offices),
            "register_office": chosen[0] if len(chosen) == 1 else None,
            "my_exports": Export.objects.filter(requested_by=request.user).exclude(
                state=Export.State.DONE, expires_at__lt=timezone.now()
            )[:5],
        },
    )


# The official report's column groups: (head, its measures). The shares
# of the finished follow them (four columns, one on screen).
SECTOR_GROUPS = (
    (gettext_lazy("Received"), ("received_online", "received_in_person", "received_post", "received", "carried_over")),
    (pgettext_lazy("report", "Finished"), ("finished_early", "finished_on_time", "finished_late", "finished")),
    (gettext_lazy("Open at the end"), ("open_within", "open_overdue", "open")),
    (gettext_lazy("Also"), ("supplement_requests", "refusals", "withdrawals", "apologies")),
)

# Column heads under the groups Received / Finished / Open / Also.
SHORT_LABELS = {
    "received_online": gettext_lazy("Online"),
    "received_in_person": gettext_lazy("In person"),
    "received_post": gettext_lazy("By post"),
    "received": gettext_lazy("Total"),
    "finished_early": gettext_lazy("Early"),
    "finished_on_time": gettext_lazy("On time"),
    "finished_late": gettext_lazy("Late"),
    "finished": gettext_lazy("Total"),
    "open_within": gettext_lazy("Within"),
    "open_overdue": gettext_lazy("Overdue"),
    "open": gettext_lazy("Total"),
}


def _scope(chosen, offices) -> str:
    return chosen[0].name if len(chosen) == 1 else _("All my offices (%(count)d)") % {"count": len(offices)}


@supervisors_only
@report_reads_view
def drill_down(request, offices):
    asked = _selection(request, offices)
    chosen, today = asked.offices, asked.today
    measure = request.GET.get("measure", "")
    if measure not in stats.MEASURES:
        raise Http404(_("There is no such number in the report."))
    base = Dossier.objects.filter(competent_office__in=chosen)
    sector = None
    if request.GET.get("sector"):
        wanted = request.GET["sector"]
        sector = Sector.objects.filter(pk=int(wanted)).first() if wanted.isdigit() and len(wanted) < 10 else None
        if sector is None:
            raise Http404(_("There is no such sector."))
        base = base.filter(procedure__sector=sector)
    found = (
        recount.dossiers_for(measure, asked.period, base, today=today)
        .select_related("procedure", "competent_office")
        .order_by("due_at", "pk")
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/dossiers.html",
        {
            "period": asked.period,
            "measure": stats.MEASURES[measure],
            "scope": _scope(chosen, offices),
            "sector": sector,
            "page": page,
            "rows": [(dossier, dossier.timeliness(today)) for dossier in page],
            "query": asked.query + f"&measure={measure}" + (f"&sector={sector.pk}" if sector else ""),
            "back": asked.query,
        },
    )


def _at_risk(offices) -> tuple[list[tuple[Office, list[tuple[Dossier, str]]]], list[str]]:
    """Open dossiers due within one working day, by office (one query for
    all the offices); and why it cannot be told at an office whose calendar
    of the coming day is not loaded."""
    found = queues.moments(offices)
    lists = queues.due_soon_by_office(found, AT_RISK_PER_OFFICE)
    at_risk = [(o, [(d, d.timeliness()) for d in lists[o.pk]]) for o in offices if o.pk in lists]
    return at_risk, _calendar_problems(offices, found)


def _offices_at_risk(offices) -> list[Office]:
    """The offices with a dossier due within one working day (one query)."""
    counts = queues.due_soon_counts(queues.moments(offices))
    return [office for office in offices if counts.get(office.pk)]


def _calendar_problems(offices, found: dict[int, queues.Moment]) -> list[str]:
    return [f"{o.name}: {found[o.pk].calendar_problem}" for o in offices if found[o.pk].calendar_problem]


AT_RISK_PER_OFFICE = 200


@supervisors_only
@report_reads_view
def at_risk(request, offices):
    found, problems = _at_risk(offices)
    return render(request, "reports/at_risk.html", {"at_risk": found, "calendar_problems": problems})


EXPORTS = {"csv": exports.report_csv, "xlsx": exports.report_xlsx}


@supervisors_only
@report_reads_view
def export(request, offices, fmt: str):
    if fmt not in (*EXPORTS, "pdf"):
        raise Http404
    asked = _selection(request, offices)
    by = "sector" if request.GET.get("by") == "sector" else "office"
    result = stats.report(asked.period, asked.offices, by=by, today=asked.today)
    scope = _scope(asked.offices, offices)
    if fmt == "pdf":
        return exports.report_pdf(result, scope=scope, issuer=exports.issuer_of(asked.offices))
    # The fees collected follow the report by office (they are the counters').
    fees = collected.collected(asked.period, asked.offices) if by == "office" else None
    return EXPORTS[fmt](result, scope=scope, fees=fees)


@supervisors_only
@report_reads_view
def register(request, offices, fmt: str):
    """The counter's dossier register (Sổ theo dõi hồ sơ) for one office:
    a short one at once, a long one made in the background, followed on
    its own page (REGISTER_ROWS_IN_REQUEST)."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    asked = _selection(request, offices)
    if len(asked.offices) != 1:
        raise Http404(_("The register is kept per office: choose one office."))
    office, period = asked.offices[0], asked.period.until(asked.today)
    rows = exports.register_dossiers(office, period).count()
    if rows <= exports.REGISTER_ROWS_IN_REQUEST[fmt]:
        return exports.register(office, period, fmt)
    try:
        if fmt == "pdf" and rows > exports.REGISTER_PDF_MAX_ROWS:
            raise NotPossible(
                _("A register of %(count)s dossiers is too long for a PDF: download the XLSX, or a shorter period.")
                % {"count": rows}
            )
        export = tasks.ask_register(request.user, office, period, fmt)
    except NotPossible as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('reports:sectors')}?{asked.query}")
    return redirect(export)


@supervisors_only
def export_status(request, offices, pk: int):
    """How an export made in the background is going; the file once it is
    ready. Without JavaScript: the page reloads itself every few seconds
    while the file is being made."""
    export = get_object_or_404(Export, pk=pk, requested_by=request.user)
    return render(request, "reports/export.html", {"export": export, "refresh_seconds": EXPORT_REFRESH_SECONDS})


EXPORT_REFRESH_SECONDS = 3


@supervisors_only
def export_download(request, offices, pk: int):
    """The export's file, for the person who asked for it only."""
    export = get_object_or_404(Export, pk=pk, requested_by=request.user)
    if not export.is_ready:
        raise Http404(_("This file is not ready, or has been deleted."))
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.filename, content_type=export.content_type
    )


DELAYS_PER_PAGE = 50


def _page_of(items, number: str, per_page: int):
    """One page of a list; a page number that is not one, or past the
    last page, is not found (rather than quietly another page)."""
    try:
        return Paginator(items, per_page).page(number)
    except InvalidPage:
        raise Http404(_("There is no such page in this list.")) from None


STAGE_LABELS = {
    "appraise": gettext_lazy("Receipt and appraisal"),
    "approve": gettext_lazy("Approval"),
    "stamp": gettext_lazy("Stamp and issue"),
}


@supervisors_only
@report_reads_view
def delays(request, offices):
    """Why the late dossiers were late: the stage that overran its share,
    and the time the clock stood paused waiting for the citizen."""
    asked = _selection(request, offices)
    found = stage_delays(asked.period, asked.offices, today=asked.today)
    page = _page_of(found.dossiers, request.GET.get("page", "1"), DELAYS_PER_PAGE)
    return render(
        request,
        "reports/delays.html",
        {
            "form": asked.form,
            "period": asked.period,
            "scope": _scope(asked.offices, offices),
            "query": asked.query,
            "delays": found,
            "page": page,
            "stages": [(STAGE_LABELS[stage], values) for stage, values in found.by_stage.items()],
            "rows": [
                (dossier, [(STAGE_LABELS[t.stage], t) for t in times], STAGE_LABELS[worst.stage] if worst else "")
                for dossier, times, worst in page
            ],
        },
    )


# The quality of service: the Decision 766 index (reports/quality.py) and
# the complaint hotspots (reports/hotspots.py), for the same offices.


@supervisors_only
@report_reads_view
def quality_index(request, offices):
    asked = _selection(request, offices)
    found = quality.index(asked.period, asked.offices, today=asked.today)
    lines = [*found.rows, found.total] if len(found.rows) > 1 else found.rows
    return render(
        request,
        "reports/quality.html",
        {
            "form": asked.form,
            "query": asked.query,
            "period": asked.period,
            "scope": _scope(asked.offices, offices),
            "index": found,
            "indicators": quality.INDICATORS,
            "rows": [(line, [line.figures[i.key] for i in quality.INDICATORS]) for line in lines],
            "not_computed": quality.NOT_COMPUTED,
        },
    )


@supervisors_only
@report_reads_view
def hotspots(request, offices):
    asked = _selection(request, offices)
    found = complaint_hotspots.hotspots(asked.offices, today=asked.today)
    return render(
        request,
        "reports/hotspots.html",
        {
            "form": asked.form,
            "query": asked.query,
            "scope": _scope(asked.offices, offices),
            "hotspots": found,
            "dimensions": [(label, found.by[key]) for key, label in complaint_hotspots.DIMENSIONS.items()],
        },
    )


@supervisors_only
@report_reads_view
def feedback_line(request, offices):
    """The feedback line's figures for the period, office by office and
    month by month, and its hotspots over the six months to the period's
    end (reports/line.py)."""
    asked = _selection(request, offices)
    found = line.figures(asked.period, asked.offices, today=asked.today)
    # The hotspots: the six months up to the period's end.
    spots = line.hotspots(asked.offices, today=min(asked.period.end, asked.today))
    return render(
        request,
        "reports/line.html",
        {
            "form": asked.form,
            "query": asked.query,
            "period": asked.period,
            "scope": _scope(asked.offices, offices),
            "figures": found,
            "measures": list(line.MEASURES.values()),
            "hotspots": spots,
            "dimensions": [(label, spots.by[key]) for key, label in line.DIMENSIONS.items()],
            "questions": spots.by[line.QUESTIONS][:10],
            "repeating": line.repeating(spots),
        },
    )

"""The reports in the REST API: the dashboard's timeliness numbers (from
reports/stats.py), the fees collected (from reports/collected.py), the
feedback line's monthly figures (from reports/line.py) and the Decision 766
service-quality index (from reports/quality.py), one row per office the
caller oversees and the total; and an office's daily statement of fees
(dossiers/reconciliation.py)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import ErrorSerializer
from api.serializers import ReportQuerySerializer, ReportSerializer
from dossiers import reconciliation
from dossiers.models import Settlement
from portal.models import Office
from portal.replicas import report_reads_view
from reports import collected, line, quality, stats
from reports.periods import Period


def _asked(request) -> tuple[list[Office], Period]:
    """The offices the caller oversees (or the one asked for) and the period."""
    offices = list(Office.objects.reported_to(request.user).order_by("name"))
    if not offices:
        raise exceptions.PermissionDenied(_("The reports are for supervisors and office leaders."))
    query = ReportQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    if data.get("office"):
        offices = [office for office in offices if office.code == data["office"]]
        if not offices:
            raise exceptions.PermissionDenied(_("This is not one of the offices whose figures you see."))
    return offices, data["period"]


class TimelinessReport(APIView):
    """The dashboard's numbers: one row per office you oversee, and the total."""

    @extend_schema(
        summary="On-time and overdue figures per office",
        parameters=[ReportQuerySerializer],
        responses={200: ReportSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        tags=["reports"],
    )
    @report_reads_view
    def get(self, request):
        offices, period = _asked(request)
        report = stats.report(period, offices)
        codes = {office.pk: office.code for office in offices}

        def row(line: stats.Row) -> dict:
            found = line.shares
            rates = {"early_share": None, "on_time_share": None, "late_share": None, "on_time_rate": None}
            if found is not None:
                rates = {
                    "early_share": found.early,
                    "on_time_share": found.on_time,
                    "late_share": found.late,
                    "on_time_rate": found.on_time_rate,
                }
            return {
                "office": codes.get(line.key) if line.key is not None else None,
                "name": line.label,
                **{measure: line[measure] for measure in stats.MEASURES},
                **{name: None if value is None else float(value) for name, value in rates.items()},
            }

        body = {
            "from": period.start,
            "to": period.end,
            "as_of": report.as_of,
            "rows": [row(line) for line in report.rows],
            "total": row(report.total),
        }
        return Response(ReportSerializer(body).data)


class FeesRowSerializer(serializers.Serializer):
    office = serializers.CharField(allow_null=True, help_text="The office's code; null for the total.")
    name = serializers.CharField()
    cash = serializers.IntegerField(help_text="Paid in cash in the period, in đồng.")
    card = serializers.IntegerField(help_text="Paid by card at the counter in the period, in đồng.")
    online = serializers.IntegerField(help_text="Paid online in the period, in đồng.")
    refunded = serializers.IntegerField(help_text="Refunded in the period, in đồng.")
    net = serializers.IntegerField(help_text="Cash + card + online − refunded.")


class FeesSerializer(serializers.Serializer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField()

    to = serializers.DateField()
    rows = FeesRowSerializer(many=True)
    total = FeesRowSerializer()


class FeesCollected(APIView):
    """The fees each office you oversee collected in the period, by method,
    less refunds, to the đồng; and the total."""

    @extend_schema(
        summary="Fees collected per office",
        parameters=[ReportQuerySerializer],
        responses={200: FeesSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        tags=["reports"],
    )
    @report_reads_view
    def get(self, request):
        offices, period = _asked(request)
        found = collected.collected(period, offices)

        def row(line: collected.Fees) -> dict:
            return {
                "office": line.office.code if line.office else None,
                "name": line.label,
                **line.by_method,
                "refunded": line.refunded,
                "net": line.net,
            }

        body = {"from": period.start, "to": period.end, "rows": [row(r) for r in found.rows], "total": row(found.total)}
        return Response(FeesSerializer(body).data)


class LineRowSerializer(serializers.Serializer):
    office = serializers.CharField(allow_null=True, help_text="The office's code; null for a total.")
    name = serializers.CharField()
    received = serializers.IntegerField()
    answered_on_time = serializers.IntegerField()
    answered_late = serializers.IntegerField()
    open_within = serializers.IntegerField()
    open_overdue = serializers.IntegerField()
    declined = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    not_satisfied = serializers.IntegerField()


class LineMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM (cut to the period).")
    rows = LineRowSerializer(many=True, help_text="The offices with a case received that month.")
    total = LineRowSerializer()


class LineFiguresSerializer(serializers.Serializer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField()

    to = serializers.DateField()
    judged_at = serializers.DateTimeField(help_text="The moment open cases are judged: the period's end, or now.")
    months = LineMonthSerializer(many=True)
    rows = LineRowSerializer(many=True, help_text="Each office over the period.")
    total = LineRowSerializer()


class LineFigures(APIView):
    """The feedback line's figures for the offices you oversee: per month
    and office that answers, and over the period."""

    @extend_schema(
        summary="Feedback line: cases received, answered on time and late, satisfied, per office and month",
        parameters=[ReportQuerySerializer],
        responses={200: LineFiguresSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        tags=["reports"],
    )
    @report_reads_view
    def get(self, request):
        offices, period = _asked(request)
        found = line.figures(period, offices)

        def row(figures: line.Figures) -> dict:
            office = figures.office.code if figures.office else None
            return {"office": office, "name": figures.label, **figures.counts}

        body = {
            "from": period.start,
            "to": period.end,
            "judged_at": found.judged_at,
            "months": [
                {
                    "month": f"{month.period.start:%Y-%m}",
                    "rows": [row(r) for r in month.rows],
                    "total": row(month.total),
                }
                for month in found.months
            ],
            "rows": [row(r) for r in found.offices],
            "total": row(found.total),
        }
        return Response(LineFiguresSerializer(body).data)


class FigureSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True, help_text="Percent to two decimals (days for 2.2); null: nothing to count."
    )
    numerator = serializers.FloatField()
    denominator = serializers.IntegerField()
    unit = serializers.CharField(help_text="% or days.")


class QualityRowSerializer(serializers.Serializer):
    office = serializers.CharField(allow_null=True, help_text="The office's code; null for the total.")
    name = serializers.CharField()
    figures = serializers.DictField(child=FigureSerializer(), help_text="By indicator number (2.1, 3.3 …).")


class QualityIndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    summary = serializers.CharField(help_text="The rule in a sentence, in the language asked for.")
    rule = serializers.CharField(help_text="The published rule, its source and what the portal counts (English).")


class NotComputedSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    why = serializers.CharField()


class QualityIndexSerializer(serializers.Serializer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField()

    to = serializers.DateField()
    judged_on = serializers.DateField(help_text="The day open dossiers are judged: the period's end, or today.")
    indicators = QualityIndicatorSerializer(many=True)
    not_computed = NotComputedSerializer(many=True)
    rows = QualityRowSerializer(many=True)
    total = QualityRowSerializer()


class QualityIndex(APIView):
    """The service-quality index of Decision 766/QĐ-TTg per office you oversee."""

    @extend_schema(
        summary="Service-quality index (Decision 766/QĐ-TTg) per office",
        parameters=[ReportQuerySerializer],
        responses={200: QualityIndexSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        tags=["reports"],
    )
    @report_reads_view
    def get(self, request):
        offices, period = _asked(request)
        found = quality.index(period, offices)

        def row(line: quality.OfficeIndex) -> dict:
            return {
                "office": line.office.code if line.office else None,
                "name": line.label,
                "figures": {
                    key: {
                        "value": None if f.value is None else float(f.value),
                        "numerator": float(f.numerator),
                        "denominator": f.denominator,
                        "unit": f.unit,
                    }
                    for key, f in line.figures.items()
                },
            }

        body = {
            "from": period.start,
            "to": period.end,
            "judged_on": found.judged_on,
            "indicators": [
                {"key": i.key, "label": str(i.label), "summary": str(i.summary), "rule": i.rule}
                for i in quality.INDICATORS
            ],
            "not_computed": [{"key": n.key, "label": str(n.label), "why": str(n.why)} for n in quality.NOT_COMPUTED],
            "rows": [row(line) for line in found.rows],
            "total": row(found.total),
        }
        return Response(QualityIndexSerializer(body).data)


class StatementRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="Payments taken (refunds are not counted).")
    paid_vnd = serializers.IntegerField()
    refunded_vnd = serializers.IntegerField()
    net_vnd = serializers.IntegerField()


class StatementSerializer(serializers.Serializer):
    office = serializers.CharField()
    office_name = serializers.CharField()
    day = serializers.DateField()
    total = StatementRowSerializer()
    by_method = StatementRowSerializer(many=True)
    by_procedure = StatementRowSerializer(many=True)
    by_fee_line = StatementRowSerializer(many=True)
    entries = serializers.ListField(child=serializers.DictField(), help_text="The day's payments and refunds.")
    settlement = serializers.DictField(
        allow_null=True, help_text="The latest settlement file imported for the day: its SHA-256 and its match."
    )


class DailyStatement(APIView):
    """An office's fees on a day (its time), by method, procedure and fee
    line, with the latest settlement file's match: for its accountant, its
    leader and its supervisors (dossiers/reconciliation.py)."""

    @extend_schema(
        summary="An office's daily statement of fees",
        responses={200: StatementSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        tags=["reports"],
    )
    def get(self, request, office_code: str, day: str):
        offices = reconciliation.statement_offices(request.user)
        if not offices.exists():
            raise exceptions.PermissionDenied(
                _("The statements of fees are for accountants, office leaders and supervisors.")
            )
        office = offices.filter(code=office_code).first()
        try:
            the_day = dt.date.fromisoformat(day)
        except ValueError:
            the_day = None
        if office is None or the_day is None:
            raise exceptions.NotFound(_("No such office or day among the statements you read."))
        kept = Settlement.objects.filter(office=office, day=the_day).first()
        body = {
            **reconciliation.statement(office, the_day).as_dict(),
            "settlement": None
            if kept is None
            else {
                "sha256": kept.sha256,
                "filename": kept.filename,
                "imported_at": kept.imported_at.isoformat(),
                **kept.result,
            },
        }
        return Response(StatementSerializer(body).data)

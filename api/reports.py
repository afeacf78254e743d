"""The timeliness report in the REST API: the dashboard's numbers, one row
per office the caller oversees and the total, from reports/stats.py."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import ErrorSerializer
from api.serializers import ReportQuerySerializer, ReportSerializer
from portal.models import Office
from reports import stats


class TimelinessReport(APIView):
    """The dashboard's numbers: one row per office you oversee, and the total."""

    @extend_schema(
        summary="On-time and overdue figures per office",
        parameters=[ReportQuerySerializer],
        responses={200: ReportSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        tags=["reports"],
    )
    def get(self, request):
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
        period = data["period"]
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

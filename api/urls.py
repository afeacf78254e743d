"""The REST API, version 1, and its schema and docs: /api/v1/ and /api/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import catalogue, dossiers, events, line, offices, public, reports, rest

app_name = "api"

router = SimpleRouter()
router.register("procedures", catalogue.ProcedureViewSet, basename="procedure")
router.register("dossiers", dossiers.DossierViewSet, basename="dossier")
router.register("line/cases", line.CaseViewSet, basename="line-case")
urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/offices/", offices.OfficeList.as_view(), name="offices"),
    path("v1/auth/token/", offices.IssueToken.as_view(), name="token"),
    path("v1/auth/keys/", offices.KeyList.as_view(), name="keys"),
    path("v1/auth/keys/<int:pk>/", offices.KeyDetail.as_view(), name="key"),
    path("v1/track/", public.TrackView.as_view(), name="track"),
    path("v1/line/track/", line.TrackCase.as_view(), name="line-track"),
    path("v1/reports/timeliness/", reports.TimelinessReport.as_view(), name="timeliness"),
    path("v1/reports/quality/", reports.QualityIndex.as_view(), name="quality"),
    path("v1/offices/<str:office_code>/statements/<str:day>/", reports.DailyStatement.as_view(), name="statement"),
    path("v1/reports/fees/", reports.FeesCollected.as_view(), name="fees"),
    path("v1/reports/line/", reports.LineFigures.as_view(), name="line"),
    path("v1/events/", events.LifeEvents.as_view(), name="events"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Its script as a file of its own (?script), not inline: the page's
    # Content-Security-Policy runs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^(?P<path>.*)$", rest.not_found),
]

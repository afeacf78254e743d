from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from dossiers import api as dossier_api
from dossiers.views import slips as slip_views
from portal import api, rest, views
from portal.forms import SignInForm
from procedures import api as catalogue_api

# The REST API, version 1 (portal/api.py, procedures/api.py, dossiers/api.py).
router = SimpleRouter()
router.register("procedures", catalogue_api.ProcedureViewSet, basename="procedure")
router.register("dossiers", dossier_api.DossierViewSet, basename="dossier")
api_patterns = [
    path("v1/", include(router.urls)),
    path("v1/offices/", api.OfficeList.as_view(), name="offices"),
    path("v1/auth/token/", api.IssueToken.as_view(), name="token"),
    path("v1/track/", dossier_api.TrackView.as_view(), name="track"),
    path("v1/reports/timeliness/", dossier_api.TimelinessReport.as_view(), name="timeliness"),
    path("v1/events/", dossier_api.LifeEvents.as_view(), name="events"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^(?P<path>.*)$", rest.not_found),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("procedures/", include("procedures.urls")),
    path("counter/", include("dossiers.urls")),
    path("reports/", include("dossiers.reports_urls")),
    path("", include("dossiers.citizen_urls")),
    path("verify/<str:code>/", slip_views.verify, name="verify"),
    path("v/<str:check>", slip_views.verify_short, name="verify_short"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", views.register, name="register"),
    path("accounts/profile/", views.profile, name="profile"),
    path("kiosk/", views.kiosk, name="kiosk"),
    path("kiosk/reset/", views.kiosk_reset, name="kiosk_reset"),
    path("api/", include((api_patterns, "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

"""The site's addresses. The one module of `portal` that names the apps
above it: each app keeps its own URLs."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from citizens.views import kiosk
from citizens.views.home import home
from dossiers.views import payments as payment_views
from dossiers.views import slips as slip_views
from petitions import views as line_views
from portal import views

urlpatterns = [
    path("", home, name="home"),
    path("procedures/", include("procedures.urls")),
    path("counter/", include("dossiers.urls")),
    path("reports/", include("reports.urls")),
    # /track/ answers a line case's code too, and hands a dossier's to citizens.
    path("track/", line_views.track, name="track"),
    path("line/", include("petitions.urls")),
    path("", include("citizens.urls")),
    path("verify/", slip_views.verify_document, name="verify_document"),
    path("payments/ipn/", payment_views.ipn, name="payment_ipn"),
    path("payments/return/", payment_views.back_from_gateway, name="payment_return"),
    path("verify/<str:code>/", slip_views.verify, name="verify"),
    path("r/<str:token>", slip_views.result_by_link, name="result_link"),
    path("v/<str:check>", slip_views.verify_short, name="verify_short"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/login/code/", views.second_step, name="second_step"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", views.register, name="register"),
    path("accounts/register/code/", views.register_code, name="register_code"),
    path("accounts/password/", views.new_password, name="new_password"),
    path("accounts/password/code/", views.new_password_code, name="new_password_code"),
    path("accounts/password/new/", views.new_password_set, name="new_password_set"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/password/change/", views.change_password, name="password_change"),
    path("accounts/keys/", views.api_keys, name="api_keys"),
    path("accounts/two-step/", views.two_step_settings, name="two_step_settings"),
    path("kiosk/", kiosk.kiosk, name="kiosk"),
    path("kiosk/reset/", kiosk.kiosk_reset, name="kiosk_reset"),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.PAYMENT_SIMULATOR:
    # Development, demonstrations and tests only: a stand-in for the gateway.
    urlpatterns.append(path("gateway-sim/", include("gatewaysim.urls")))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

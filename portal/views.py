"""The site shell: the home page, citizen accounts and kiosk mode."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal.forms import ProfileForm, RegistrationForm
from procedures.models import Procedure

KIOSK_SESSION_KEY = "kiosk"


def home(request):
    context = {"procedure_count": Procedure.objects.active().count()}
    return render(request, "portal/home.html", context)


def register(request):
    """A citizen account, with a phone number or an email address."""
    if request.user.is_authenticated:
        return redirect("citizen:my_dossiers")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="portal.auth.RoleBackend")
        messages.success(request, _("Your account is ready. Your details will fill in your applications."))
        return redirect(_next(request) or "citizen:my_dossiers")
    return render(request, "registration/register.html", {"form": form, "next": _next(request)})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details are saved."))
        return redirect(_next(request) or "profile")
    return render(request, "registration/profile.html", {"form": form, "next": _next(request)})


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if allowed else ""


# Kiosk mode ------------------------------------------------------------------
# A terminal in the commune hall: large type, the catalogue and tracking
# without an account, and a reset to a clean start after a spell without use.


def is_kiosk(request) -> bool:
    return settings.KIOSK_MODE or request.session.get(KIOSK_SESSION_KEY, False)


def kiosk(request):
    """Start kiosk mode on this browser (a member of staff does this once on
    the terminal, or sets KIOSK_MODE for the whole site); only staff turn it
    off again, so a visitor cannot stop the reset between people."""
    staff = request.user.is_authenticated and (request.user.is_office_staff or request.user.is_superuser)
    if request.GET.get("off") == "1" and staff and not settings.KIOSK_MODE:
        request.session.pop(KIOSK_SESSION_KEY, None)
        return redirect("home")
    request.session[KIOSK_SESSION_KEY] = True
    return redirect("procedures:list")


def kiosk_reset(request):
    """The next person starts clean: signed out, nothing of the last visitor
    left in the session. Reached by the idle timer (a GET without
    JavaScript), so it does anything only on a kiosk."""
    if not is_kiosk(request):
        return redirect("home")
    logout(request)
    request.session[KIOSK_SESSION_KEY] = True
    return redirect("procedures:list")


def kiosk_context(request) -> dict:
    """Template context: whether this is a kiosk, and its idle reset time."""
    return {"kiosk": is_kiosk(request), "kiosk_idle_seconds": settings.KIOSK_IDLE_SECONDS}

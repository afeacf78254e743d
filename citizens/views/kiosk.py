"""Kiosk mode: a terminal in the commune hall — large type, the catalogue
and tracking without an account, and a reset to a clean start after a spell
without use, so that the next person finds nothing of the last."""

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

KIOSK_SESSION_KEY = "kiosk"


def is_kiosk(request) -> bool:
    # An error page may be drawn for a request refused before the session
    # middleware ran (a foreign Host header): no session, no kiosk.
    session = getattr(request, "session", None)
    return settings.KIOSK_MODE or (session is not None and bool(session.get(KIOSK_SESSION_KEY, False)))


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

"""Kiosk mode: a terminal in the commune hall — large type, big touch
targets, the catalogue and tracking without an account (no sign-in or
account links on a public terminal), a start page with what its counter
receives most, and a reset to a clean start after a spell without use, so
that the next person finds nothing of the last."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from citizens import topics
from portal.models import Office
from procedures import search_index
from procedures.models import Procedure

KIOSK_SESSION_KEY = "kiosk"
OFFICE_SESSION_KEY = "kiosk_office"
# What "most used" looks back on, and how many procedures each event shows.
PER_TOPIC = 4


def is_kiosk(request) -> bool:
    # An error page may be drawn for a request refused before the session
    # middleware ran (a foreign Host header): no session, no kiosk.
    session = getattr(request, "session", None)
    return settings.KIOSK_MODE or (session is not None and bool(session.get(KIOSK_SESSION_KEY, False)))


def kiosk_office(request) -> Office | None:
    """The office this terminal stands at: set on the terminal by
    /kiosk/?office=CODE, else the site's KIOSK_OFFICE."""
    code = request.session.get(OFFICE_SESSION_KEY) or settings.KIOSK_OFFICE
    return Office.objects.filter(code=code).first() if code else None


def kiosk(request):
    """Start kiosk mode on this browser (a member of staff does this once on
    the terminal, or sets KIOSK_MODE for the whole site), optionally naming
    the counter it stands at (?office=CODE); only staff turn it off again,
    so a visitor cannot stop the reset between people."""
    staff = request.user.is_authenticated and (request.user.is_office_staff or request.user.is_superuser)
    if request.GET.get("off") == "1" and staff and not settings.KIOSK_MODE:
        request.session.pop(KIOSK_SESSION_KEY, None)
        request.session.pop(OFFICE_SESSION_KEY, None)
        return redirect("home")
    code = request.GET.get("office", "")[:32]
    if code and staff:
        if Office.objects.filter(code=code).exists():
            request.session[OFFICE_SESSION_KEY] = code
        else:
            messages.error(request, _("There is no office with the code %(code)s.") % {"code": code})
    request.session[KIOSK_SESSION_KEY] = True
    return redirect("home")


def kiosk_reset(request):
    """The next person starts clean: signed out, nothing of the last visitor
    left in the session but the terminal's own settings. Reached by the
    idle timer (a GET without JavaScript), so it does anything only on a
    kiosk."""
    if not is_kiosk(request):
        return redirect("home")
    office = request.session.get(OFFICE_SESSION_KEY)
    logout(request)
    request.session[KIOSK_SESSION_KEY] = True
    if office:
        request.session[OFFICE_SESSION_KEY] = office
    return redirect("home")


def start(request):
    """The kiosk's start page (its home page): a big search box, then the
    life events with the procedures this counter receives most, then the
    way to the whole catalogue."""
    office = kiosk_office(request)
    uses = search_index.usage(office)
    procedures = Procedure.objects.active().select_related("sector")
    context = {
        "office": office,
        "groups": topics.most_used(procedures, uses, per_topic=PER_TOPIC),
        "procedure_count": Procedure.objects.active().count(),
    }
    return render(request, "citizens/kiosk_start.html", context)


def kiosk_context(request) -> dict:
    """Template context: whether this is a kiosk, and its idle reset time."""
    return {"kiosk": is_kiosk(request), "kiosk_idle_seconds": settings.KIOSK_IDLE_SECONDS}

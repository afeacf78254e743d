"""The home page: find a procedure, track a dossier, apply online; and
for staff, the way to their workspace. A kiosk has its own start page."""

from django.shortcuts import render

from citizens.views import kiosk
from procedures.models import Procedure


def home(request):
    if kiosk.is_kiosk(request):
        return kiosk.start(request)
    context = {"procedure_count": Procedure.objects.active().count()}
    return render(request, "citizens/home.html", context)

"""The home page: find a procedure, track a dossier, apply online; and
for staff, the way to their workspace."""

from django.shortcuts import render

from procedures.models import Procedure


def home(request):
    context = {"procedure_count": Procedure.objects.active().count()}
    return render(request, "citizens/home.html", context)

"""The site shell: the home page."""

from django.shortcuts import render

from procedures.models import Procedure


def home(request):
    context = {"procedure_count": Procedure.objects.active().count()}
    return render(request, "portal/home.html", context)

"""Public catalogue pages (the e-handbook): search and a procedure's page."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from procedures.models import Procedure, RequiredDocument, Sector


def procedure_list(request):
    query = request.GET.get("q", "").strip()
    sector_code = request.GET.get("sector", "")
    procedures = Procedure.objects.active().select_related("sector")
    if query:
        procedures = procedures.matching(query)
    sector = Sector.objects.filter(code=sector_code).first() if sector_code else None
    if sector:
        procedures = procedures.filter(sector=sector)
    page = Paginator(procedures.order_by("sector__name", "code"), 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "sector": sector,
        "sectors": Sector.objects.filter(procedures__is_active=True).distinct(),
        "extra": urlencode({"q": query, "sector": sector.code if sector else ""}) + "&",
    }
    return render(request, "procedures/procedure_list.html", context)


def procedure_detail(request, code):
    procedure = get_object_or_404(
        Procedure.objects.active()
        .select_related("sector")
        .prefetch_related(
            "channels",
            "fees",
            "legal_basis",
            Prefetch("documents", queryset=RequiredDocument.objects.order_by("position", "pk")),
        ),
        code=code,
    )
    cases: dict[str, list[RequiredDocument]] = {}
    for document in procedure.documents.all():
        cases.setdefault(document.case_name, []).append(document)
    channels = [
        {"option": option, "fees": [fee for fee in procedure.fees.all() if fee.channel == option.channel]}
        for option in procedure.channels.all()
    ]
    context = {"procedure": procedure, "cases": cases, "channels": channels}
    return render(request, "procedures/procedure_detail.html", context)

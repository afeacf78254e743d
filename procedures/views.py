"""Public catalogue pages (the e-handbook): search, a procedure's page, its
printable checklist and its versions."""

from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from procedures import search_index
from procedures.models import Channel, Procedure, ProcedureVersion, RequiredDocument, Sector
from procedures.versions import merged, terms


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words in the procedure's name or its code"), required=False, max_length=200)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False, to_field_name="code"
    )
    level = forms.ChoiceField(label=_("Handled by"), required=False)
    online = forms.ChoiceField(label=_("Online"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sector = self.fields["sector"]
        sector.queryset = Sector.objects.filter(
            procedures__is_active=True, procedures__status=Procedure.Status.PUBLISHED
        ).distinct()
        sector.label_from_instance = lambda item: item.display_name
        sector.empty_label = _("All sectors")
        self.fields["level"].choices = [("", _("Any level")), *Procedure.Level.choices]
        self.fields["online"].choices = [("", _("Online or not")), *Procedure.OnlineLevel.choices]

    suggestion = ""

    def search(self):
        """The procedures found, best first; `suggestion` is then the query
        as the catalogue spells it, when a word was read as another."""
        procedures = Procedure.objects.active().select_related("sector")
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("sector"):
            procedures = procedures.filter(sector=data["sector"])
        if data.get("level"):
            procedures = procedures.filter(level=data["level"])
        if data.get("online"):
            procedures = procedures.filter(online_level=data["online"])
        if data.get("q", "").strip():
            found = search_index.search(data["q"])
            self.suggestion = found.suggestion
            return procedures.ranked(found.ids)
        return procedures.order_by("sector__name", "code")

    def query_string(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        kept = {key: self.data.get(key, "") for key in ("q", "sector", "level", "online") if data.get(key)}
        return urlencode(kept) + "&" if kept else ""


def procedure_list(request):
    form = SearchForm(request.GET or None)
    # A query no name could hold (too long) is answered with the form's error.
    refused = form.is_bound and not form.is_valid()
    found = Procedure.objects.none() if refused else form.search()
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": request.GET.get("q", "").strip(),
        "suggestion": form.suggestion,
        "extra": form.query_string(),
    }
    return render(request, "procedures/procedure_list.html", context, status=400 if refused else 200)


def _procedure_page(request, code: str, template: str):
    procedure = get_object_or_404(
        Procedure.objects.active()
        .select_related("sector")
        .prefetch_related(
            "channels",
            "fees",
            "legal_basis",
            "questions",
            ProcedureVersion.objects.prefetch_in_force(),
            Prefetch(
                "documents", queryset=RequiredDocument.objects.select_related("condition").order_by("position", "pk")
            ),
        ),
        code=code,
    )
    cases: dict[str, list[RequiredDocument]] = {}
    for document in sorted(procedure.documents.all(), key=lambda document: document.reading_order):
        cases.setdefault(document.case_name, []).append(document)
    # One row per channel: its time limits (one per case) and its fees as published.
    channels: dict[str, dict] = {}
    for option in procedure.channels.all():
        row = channels.setdefault(
            option.channel, {"channel": option, "limits": [], "fees": procedure.fees_for(option.channel)}
        )
        row["limits"].append(option)
    levels = [Procedure.Level(level).label for level in procedure.levels or [procedure.level]]
    context = {
        "procedure": procedure,
        "cases": cases,
        "channels": list(channels.values()),
        "levels": levels,
        "version": procedure.version_in_force(),
        "questions_and_answers": procedure.published_questions.select_related("version")[:20],
    }
    return render(request, template, context)


def procedure_detail(request, code):
    return _procedure_page(request, code, "procedures/procedure_detail.html")


def checklist(request, code):
    """What to bring, on one printed page: for the kiosk and the counter."""
    return _procedure_page(request, code, "procedures/checklist.html")


def procedure_versions(request, code):
    """The procedure's versions, newest first: a version announced for a
    later day, the version in force, and those before it, each with the day
    it took effect, what changed, and its time limits and fees."""
    procedure = get_object_or_404(Procedure.objects.active().select_related("sector"), code=code)
    pending = list(procedure.versions.pending().reverse())
    applied = list(procedure.versions.in_force())
    history = []
    for position, version in enumerate(applied):
        history.append(
            {
                "version": version,
                "in_force": position == 0,
                "until": applied[position - 1].effective_from if position else None,
                "terms": _labelled(terms(version.record)),
                "documents": [document["name"] for document in version.record.get("documents", [])],
            }
        )
    # Each announced version as it will read on its day: put over the one before it.
    announced, record = [], applied[0].record if applied else None
    for version in reversed(pending):
        record = merged(record, version.record, version.changes) if record else version.record
        announced.insert(0, {"version": version, "terms": _labelled(terms(record))})
    context = {"procedure": procedure, "history": history, "announced": announced}
    return render(request, "procedures/versions.html", context)


def _labelled(rows: list[dict]) -> list[dict]:
    return [{**row, "label": Channel(row["channel"]).label} for row in rows]

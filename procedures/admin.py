"""Catalogue administration: procedures with their channels, fees, documents,
stages and legal basis on one page; JSON export as an action, JSON import
from the procedure list; the review queue of the procedures an import could
not read in full, and publishing them."""

import datetime as dt
import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from procedures.interchange import (
    CatalogueImportError,
    catalogue_queryset,
    export_catalogue,
    import_catalogue,
)
from procedures.models import (
    Fee,
    LegalDocument,
    Procedure,
    ProcedureChannel,
    RequiredDocument,
    Sector,
    Stage,
    check_stage_shares,
)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "procedure_count"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    @admin.display(description=_("procedures"))
    def procedure_count(self, sector: Sector) -> int:
        return sector.procedures.count()


class ChannelFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        # A procedure in review may wait without them; publishing needs them (Procedure.publish).
        if self.instance.status != Procedure.Status.PUBLISHED:
            return
        if self.instance.is_active and not kept:
            raise ValidationError(_("An active procedure needs at least one channel with a time limit."))
        for form in kept:
            if form.cleaned_data.get("time_limit_amount") is None or not form.cleaned_data.get("time_limit_unit"):
                form.add_error(
                    "time_limit_amount", _("A published procedure needs a time limit with its unit on every channel.")
                )


class FeeFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        offered = _offered_channels(self.data)
        for form in self.forms:
            data = form.cleaned_data
            if data and not data.get("DELETE") and data.get("channel") not in offered:
                form.add_error("channel", _("The procedure is not offered on this channel: add the channel first."))


def _offered_channels(data) -> set[str]:
    """The channels the submitted channel rows keep (read from the same POST:
    inline formsets are validated one by one and cannot see each other)."""
    prefix = "channels"
    total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    return {
        data.get(f"{prefix}-{i}-channel")
        for i in range(total)
        if data.get(f"{prefix}-{i}-channel") and not data.get(f"{prefix}-{i}-DELETE")
    }


class StageFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        shares = [
            f.cleaned_data["share_percent"]
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("share_percent") is not None
        ]
        check_stage_shares(shares)


class ChannelInline(admin.TabularInline):
    model = ProcedureChannel
    formset = ChannelFormSet
    extra = 0
    fields = ["channel", "case_name", "time_limit_amount", "time_limit_unit", "description"]
    formfield_overrides = {
        ProcedureChannel._meta.get_field("description").__class__: {"widget": forms.Textarea(attrs={"rows": 2})}
    }


class FeeInline(admin.TabularInline):
    model = Fee
    formset = FeeFormSet
    extra = 0
    fields = [
        "channel",
        "name",
        "case_name",
        "amount",
        "currency",
        "unit",
        "valid_from",
        "valid_until",
        "exemption_note",
    ]
    formfield_overrides = {
        Fee._meta.get_field("exemption_note").__class__: {"widget": forms.Textarea(attrs={"rows": 2})}
    }


class DocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = [
        "position",
        "case_name",
        "name",
        "originals",
        "copies",
        "is_mandatory",
        "template",
        "template_name",
    ]
    formfield_overrides = {
        RequiredDocument._meta.get_field("name").__class__: {"widget": forms.Textarea(attrs={"rows": 2})}
    }


class StageInline(admin.TabularInline):
    model = Stage
    formset = StageFormSet
    extra = 0
    max_num = len(Stage.Kind)


class LegalDocumentInline(admin.TabularInline):
    model = LegalDocument
    extra = 0
    fields = ["position", "number", "title", "issued_on"]
    formfield_overrides = {
        LegalDocument._meta.get_field("title").__class__: {"widget": forms.Textarea(attrs={"rows": 1})}
    }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Catalogue file (JSON)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            return json.load(upload)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValidationError(_("This file is not JSON: %(error)s"), params={"error": error}) from None


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sector", "level", "online_level", "is_location_independent", "is_active", "status"]
    list_display_links = ["code", "name"]
    list_filter = [
        "status",
        "is_active",
        "sector",
        "level",
        "online_level",
        "is_location_independent",
        "channels__channel",
    ]
    search_fields = ["search_text"]
    search_help_text = _("Code, name or result; diacritics optional.")
    list_select_related = ["sector"]
    list_per_page = 50
    autocomplete_fields = ["sector"]
    inlines = [ChannelInline, FeeInline, DocumentInline, StageInline, LegalDocumentInline]
    actions = ["export_json", "publish"]
    change_list_template = "admin/procedures/procedure/change_list.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "name":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = [
        (None, {"fields": ["code", "name", "sector", "level", "levels", "status", "is_active"]}),
        (_("Review"), {"fields": ["review_problems_list"]}),
        (
            _("Who and how"),
            {
                "fields": [
                    "applicants",
                    "online_level",
                    "is_location_independent",
                    "conditions",
                    "implementing_agency",
                    "competent_agency",
                ]
            },
        ),
        (_("Steps and result"), {"fields": ["steps", "result", "result_code"]}),
        (_("Source"), {"fields": ["decision_number", "source_url"], "classes": ["collapse"]}),
    ]

    readonly_fields = ["review_problems_list"]

    @admin.display(description=_("what the import could not read"))
    def review_problems_list(self, procedure: Procedure) -> str:
        return format_html_join(
            "\n",
            "<p><strong>{}</strong>: {}<br><small>{}</small></p>",
            ((p.get("field", ""), p.get("message", ""), p.get("source", "")) for p in procedure.review_problems),
        ) or _("None.")

    def get_search_results(self, request, queryset, search_term):
        # Folded search: "dang ky" finds "Đăng ký" on SQLite and PostgreSQL alike.
        if not search_term.strip():
            return queryset, False
        return queryset.matching(search_term), False

    @admin.action(description=_("Export selected procedures as JSON"))
    def export_json(self, request, queryset):
        data = export_catalogue(catalogue_queryset().filter(pk__in=queryset.values("pk")))
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="catalogue-{stamp}.json"'
        return response

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="procedures_procedure_import"),
            path("review/", self.admin_site.admin_view(self.review_view), name="procedures_procedure_review"),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="procedures_procedure_publish",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Publish the selected procedures"))
    def publish(self, request, queryset):
        for procedure in queryset.prefetch_related("channels"):
            self._publish(request, procedure)

    def _publish(self, request, procedure: Procedure) -> None:
        try:
            procedure.publish()
        except ValidationError as error:
            messages.error(
                request,
                _("%(procedure)s stays in review: %(reasons)s")
                % {"procedure": procedure.code, "reasons": " ".join(error.messages)},
            )
        else:
            messages.success(request, _("%(procedure)s is published.") % {"procedure": procedure.code})

    def review_view(self, request):
        """The review queue: the procedures imported in review, those most
        used first (dossiers received in the last 12 months), each with what
        the import could not read."""
        if not self.has_view_permission(request):
            return redirect("admin:index")
        since = timezone.now() - dt.timedelta(days=365)
        procedures = (
            Procedure.objects.in_review()
            .select_related("sector")
            .annotate(used=Count("dossiers", filter=Q(dossiers__received_at__gte=since)))
            .order_by("-used", "code")
        )
        page = Paginator(procedures, 50).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Procedures in review"),
            "page": page,
            "opts": self.model._meta,
            "may_publish": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/procedures/procedure/review_queue.html", context)

    def publish_view(self, request, pk: int):
        if request.method != "POST" or not self.has_change_permission(request):
            return redirect("admin:procedures_procedure_review")
        procedure = get_object_or_404(Procedure.objects.prefetch_related("channels"), pk=pk)
        self._publish(request, procedure)
        return redirect(request.POST.get("next") or reverse("admin:procedures_procedure_review"))

    def import_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return redirect("admin:procedures_procedure_changelist")
        form = ImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            try:
                summary = import_catalogue(form.cleaned_data["file"])
            except CatalogueImportError as error:
                problems = error.problems
                messages.error(
                    request,
                    ngettext(
                        "Nothing was imported: %(count)d problem in the file.",
                        "Nothing was imported: %(count)d problems in the file.",
                        len(problems),
                    )
                    % {"count": len(problems)},
                )
            else:
                messages.success(request, _("Catalogue imported: %(summary)s.") % {"summary": summary})
                return redirect(reverse("admin:procedures_procedure_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import the catalogue"),
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/procedures/procedure/import.html", context)

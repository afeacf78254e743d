"""Catalogue administration: procedures with their channels, fees, documents,
stages and legal basis on one page (the catalogue editor: it fits a 1,366 px
screen, lists every error at the top with a link to its field, and reads
"1,5" and "1.5" alike; its forms are in procedures.forms); JSON export as an
action, JSON import from the procedure list; the review queue of the
procedures an import could not read in full, and publishing them. Each
save of a published procedure is kept as a version (interchange.record_version),
taking effect on the day the editor gives. Beside them, the fee reductions and
exemptions that apply to one procedure or to all.

The module is long because the catalogue editor is one page with its
inlines, actions and review queue, and the fee rules general to every
procedure are edited here with it."""

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
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from procedures.forms import (
    AmountField,
    AmountInput,
    ChannelForm,
    ChannelFormSet,
    DongField,
    DongInput,
    FeeFormSet,
    PositionedForm,
    PositionedFormSet,
    ProcedureForm,
    StageForm,
    StageFormSet,
    TimeLimitAmountInput,
    error_summary,
)
from procedures.interchange import (
    CatalogueImportError,
    catalogue_queryset,
    export_catalogue,
    import_catalogue,
    record_version,
)
from procedures.models import (
    Fee,
    FeeExemption,
    FeeReduction,
    LegalDocument,
    Procedure,
    ProcedureChannel,
    Question,
    RequiredDocument,
    Sector,
    Stage,
)
from procedures.versions import change_labels, overlap


@admin.register(FeeReduction)
class FeeReductionAdmin(admin.ModelAdmin):
    """Percentage reductions of fees for a while (Circular 64/2025/TT-BTC):
    a dossier keeps those in force the day it is opened."""

    list_display = ["legal_basis", "percent", "procedure", "channel", "fee_name", "valid_from", "valid_until"]
    list_filter = ["channel"]
    search_fields = ["legal_basis", "procedure__code", "fee_name"]
    autocomplete_fields = ["procedure"]


@admin.register(FeeExemption)
class FeeExemptionAdmin(admin.ModelAdmin):
    """Who need not pay, on what legal basis, with what proof: applicants
    claim one, the clerk confirms it after seeing the proof."""

    list_display = ["name", "procedure", "fee_name", "legal_basis", "proof", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "legal_basis", "procedure__code"]
    autocomplete_fields = ["procedure"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "procedure_count"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    @admin.display(description=_("procedures"))
    def procedure_count(self, sector: Sector) -> int:
        return sector.procedures.count()


class SectionInline(admin.TabularInline):
    """A section of the procedure page as a table (see the template)."""

    template = "admin/procedures/edit_inline/tabular.html"
    extra = 0
    formfield_overrides = {
        models.DecimalField: {"form_class": AmountField, "widget": AmountInput},
        models.BigIntegerField: {"form_class": DongField, "widget": DongInput},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }


class ChannelInline(SectionInline):
    model = ProcedureChannel
    form = ChannelForm
    formset = ChannelFormSet
    fields = ["channel", "case_name", "time_limit_amount", "time_limit_unit", "description"]
    formfield_overrides = {
        **SectionInline.formfield_overrides,
        models.DecimalField: {"form_class": AmountField, "widget": TimeLimitAmountInput},
    }


class FeeInline(admin.StackedInline):
    """Too many columns for a table at 1,366 px: each fee is a block of
    three lines (what, how much, the note)."""

    model = Fee
    formset = FeeFormSet
    template = "admin/procedures/edit_inline/stacked.html"
    extra = 0
    fieldsets = [
        (None, {"fields": [("channel", "name", "case_name")]}),
        (None, {"fields": [("amount", "currency", "unit", "valid_from", "valid_until")]}),
        (None, {"fields": ["exemption_note"]}),
    ]
    formfield_overrides = {
        models.BigIntegerField: {"form_class": DongField, "widget": DongInput},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("name", "case_name"):
            kwargs["widget"] = forms.Textarea(attrs={"rows": 1, "cols": 30})
        if db_field.name in ("currency", "unit"):
            kwargs["widget"] = forms.TextInput(attrs={"size": 8})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class QuestionInline(admin.StackedInline):
    """The yes/no questions about the applicant's situation: the documents
    conditional on one are asked for only when it is answered yes."""

    model = Question
    form = PositionedForm
    formset = PositionedFormSet
    template = "admin/procedures/edit_inline/stacked.html"
    extra = 0
    fieldsets = [
        (None, {"fields": [("position", "key", "text")]}),
        (None, {"fields": [("text_en", "text_th")]}),
        (None, {"fields": ["help_text"]}),
    ]
    formfield_overrides = {
        models.CharField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 40})},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "key":
            kwargs["widget"] = forms.TextInput(attrs={"size": 16})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class DocumentInline(admin.StackedInline):
    """Too many columns for a table at 1,366 px (and more to come): each
    document is a block of two lines."""

    model = RequiredDocument
    form = PositionedForm
    formset = PositionedFormSet
    template = "admin/procedures/edit_inline/stacked.html"
    extra = 0
    fieldsets = [
        (None, {"fields": [("position", "name", "originals", "copies", "is_mandatory")]}),
        (None, {"fields": [("kind", "scope", "condition", "group")]}),
        (None, {"fields": [("case_name", "template", "template_name")]}),
    ]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
        models.CharField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }

    def get_formset(self, request, obj=None, **kwargs):
        self.procedure = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "template_name":
            kwargs["widget"] = forms.TextInput(attrs={"size": 24})
        if db_field.name == "group":
            kwargs["widget"] = forms.TextInput(attrs={"size": 20})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "condition":
            # The procedure's own questions, as saved (a new question is chosen after saving it).
            kwargs["queryset"] = Question.objects.filter(procedure=getattr(self, "procedure", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StageInline(SectionInline):
    model = Stage
    form = StageForm
    formset = StageFormSet
    max_num = len(Stage.Kind)
    classes = ["collapse"]


class LegalDocumentInline(SectionInline):
    model = LegalDocument
    form = PositionedForm
    formset = PositionedFormSet
    fields = ["position", "number", "title", "issued_on"]
    classes = ["collapse"]


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
    form = ProcedureForm
    list_filter = [
        "status",
        "is_active",
        "sector",
        "level",
        "online_level",
        "is_location_independent",
        "is_simple",
        "channels__channel",
    ]
    search_fields = ["name", "code"]
    search_help_text = _("Code, name or result; diacritics optional.")
    list_select_related = ["sector"]
    list_per_page = 50
    autocomplete_fields = ["sector"]
    inlines = [ChannelInline, FeeInline, QuestionInline, DocumentInline, StageInline, LegalDocumentInline]
    actions = ["export_json", "publish"]
    change_list_template = "admin/procedures/procedure/change_list.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    save_on_top = True
    # Rows of the long texts: most are a line or two; the steps run longer.
    text_rows = {"name": 2, "applicants": 2, "conditions": 3, "steps": 6, "result": 2}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.text_rows:
            kwargs["widget"] = forms.Textarea(attrs={"rows": self.text_rows[db_field.name], "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def render_change_form(self, request, context, *args, **kwargs):
        if context.get("errors"):
            sections = [
                (capfirst(inline.opts.verbose_name_plural), inline.formset)
                for inline in context["inline_admin_formsets"]
            ]
            context["error_summary"] = error_summary(context["adminform"].form, sections)
            # The summary takes the place of Django's "Please correct the
            # errors below.", which names no error and stays English in
            # Vietnamese (the admin catalogue lacks its plural form).
            context["errors"] = None
        return super().render_change_form(request, context, *args, **kwargs)

    fieldsets = [
        (None, {"fields": ["code", "name", "sector", "level", "levels", "status", "is_active", "effective_from"]}),
        (_("Review"), {"fields": ["review_problems_list"]}),
        (
            _("Who and how"),
            {
                "fields": [
                    "applicants",
                    "online_level",
                    "is_location_independent",
                    "is_simple",
                    "payment_due",
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        day = form.cleaned_data["effective_from"]
        version = record_version(form.instance, by=request.user, effective_from=day)
        if version is not None and version.is_pending:
            messages.info(
                request,
                _(
                    "Version %(number)s is recorded and takes effect on %(day)s; "
                    "until then the procedure stays as it is in force."
                )
                % {"number": version.number, "day": day.strftime("%d/%m/%Y")},
            )
        elif version is not None:
            for waiting in form.instance.versions.pending():
                shared = overlap(waiting.changes, version.changes)
                if shared:
                    messages.warning(
                        request,
                        _(
                            "Version %(number)s, which takes effect on %(day)s, also changes %(parts)s: "
                            "on that day its %(parts)s replace this change's; the rest of this change stays."
                        )
                        % {
                            "number": waiting.number,
                            "day": waiting.effective_from.strftime("%d/%m/%Y"),
                            "parts": ", ".join(change_labels(shared)),
                        },
                    )

    @admin.display(description=_("what the import could not read"))
    def review_problems_list(self, procedure: Procedure) -> str:
        return format_html_join(
            "\n",
            '<p><strong>{}</strong>: {}<br><small lang="vi">{}</small></p>',
            ((capfirst(p.label), p.translated, p.source) for p in procedure.review_notes()),
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
        # Offered already, with proposals of the import to confirm or reword
        # (questions about the applicant's situation, groups of alternatives).
        to_confirm = (
            Procedure.objects.filter(status=Procedure.Status.PUBLISHED)
            .exclude(review_problems=[])
            .select_related("sector")
            .annotate(used=Count("dossiers", filter=Q(dossiers__received_at__gte=since)))
            .order_by("-used", "code")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Procedures in review"),
            "page": page,
            "to_confirm": to_confirm[:50],
            "to_confirm_count": to_confirm.count(),
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

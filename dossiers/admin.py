"""Dossiers in the administration site: to look, never to edit (changes go
through the counter and the API). Supervisors see the dossiers of the offices
they oversee, and the notifications, failed ones first."""

from django.contrib import admin

from dossiers.models import Dossier, DossierEvent, Notification, Pause


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierEvent
    fields = ["at", "action", "from_state", "to_state", "actor", "note"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class PauseInline(ReadOnlyMixin, admin.TabularInline):
    model = Pause
    fields = ["started_at", "ended_at", "working_seconds", "reason"]
    readonly_fields = fields
    extra = 0


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "applicant_name", "procedure", "state", "channel", "received_at", "due_at", "finished_at"]
    list_filter = ["state", "channel", "delivery", "competent_office", "receiving_office"]
    search_fields = ["code", "applicant_name", "applicant_phone", "applicant_id_number"]
    list_select_related = ["procedure"]
    date_hierarchy = "submitted_at"
    inlines = [PauseInline, EventInline]

    def get_queryset(self, request):
        return Dossier.objects.visible_to(request.user)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "medium", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "medium", "kind"]
    search_fields = ["recipient", "dossier__code"]
    ordering = ["status", "-created_at"]

    def get_queryset(self, request):
        visible = Dossier.objects.visible_to(request.user)
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(dossier__in=visible)

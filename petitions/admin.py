"""The line in the administration site: each office's setting (whether its
leader approves answers), and the cases and their trails to read, never to
edit (every change goes through petitions/workflow.py)."""

from django.contrib import admin

from petitions.models import Case, CaseEvent, OfficeLine


@admin.register(OfficeLine)
class OfficeLineAdmin(admin.ModelAdmin):
    list_display = ("office", "requires_approval")
    list_filter = ("requires_approval",)


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_state", "to_state", "actor", "at", "note")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "channel", "state", "answering_office", "received_at", "due_at")
    list_filter = ("state", "kind", "channel")
    search_fields = ("code",)
    inlines = [CaseEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Case._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

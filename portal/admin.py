"""Administration of the organisation: offices, staff and their roles, the
working calendar, and user accounts."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.models import CalendarDay, Membership, Office, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["office"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "parent",
        "phone",
        "opens_saturday_morning",
        "holiday_country",
        "is_active",
    ]
    list_filter = ["level", "parent", "is_active", "opens_saturday_morning", "holiday_country"]
    search_fields = ["code", "name", "address"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "level", "parent", "is_active"]}),
        (_("Contact"), {"fields": ["address", "phone", "email"]}),
        (_("Official slips"), {"fields": ["authority", "locality", "language"]}),
        (
            _("Office hours"),
            {
                "fields": [
                    ("morning_opens_at", "morning_closes_at"),
                    ("afternoon_opens_at", "afternoon_closes_at"),
                    "opens_saturday_morning",
                    "holiday_country",
                ]
            },
        ),
    ]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "country", "office", "source"]
    list_filter = ["kind", "country", "source", "office"]
    search_fields = ["name"]
    date_hierarchy = "date"
    autocomplete_fields = ["office"]

    @admin.display(description=_("weekday"))
    def weekday(self, day: CalendarDay) -> str:
        return date_format(day.date, "l")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email", "phone"]
    inlines = [UserMembershipInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone"]}),
        (_("Access"), {"fields": ["is_active", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes a superuser.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

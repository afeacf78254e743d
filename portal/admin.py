"""Administration of the organisation: offices, staff and their roles, the
working calendar, and user accounts.

A province's catalogue administrator manages the offices, the staff and the
closures of their own province, and nothing else: no other province, no
superuser, not their own roles. The national holiday table belongs to
superusers. Supervisors look at the same things, without changing them.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.models import ApiToken, CalendarDay, CalendarYear, HolidaysUnknown, Membership, Office, User


def managed_offices(request):
    """The offices whose organisation `request.user` may see or manage."""
    if request.user.is_superuser:
        return Office.objects.all()
    return Office.objects.visible_to(request.user, roles=Membership.OVERSEEING_ROLES)


class MembershipFormSet(forms.BaseInlineFormSet):
    """Nobody but a superuser gives roles to a superuser or to themselves."""

    acting_user = None

    def clean(self):
        super().clean()
        if self.acting_user is None or self.acting_user.is_superuser:
            return
        for form in self.forms:
            user = form.cleaned_data.get("user") if form.cleaned_data else None
            if user is None:
                continue
            if user == self.acting_user:
                form.add_error("user", _("You cannot change your own roles."))
            elif user.is_superuser:
                form.add_error("user", _("Only a superuser changes a superuser's roles."))


class ScopedMembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.acting_user = request.user
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["queryset"] = managed_offices(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(ScopedMembershipInline):
    autocomplete_fields = ["user"]


class UserMembershipInline(ScopedMembershipInline):
    pass


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

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=managed_offices(request).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = managed_offices(request).filter(level=Office.Level.PROVINCE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A province administrator opens commune counters, not provinces.
        return [] if request.user.is_superuser else ["level"]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and not change:
            obj.level = Office.Level.COMMUNE
        super().save_model(request, obj, form, change)
        if "holiday_country" in form.changed_data or not change:
            self._load_calendar(request, obj)

    def _load_calendar(self, request, office: Office) -> None:
        """An office that follows a country's holidays for the first time gets
        them loaded for this year and the next, so that its deadlines count."""
        year = timezone.localdate().year
        missing = [year for _country, year in CalendarYear.missing([office.holiday_country], [year, year + 1])]
        if not missing:
            return
        try:
            CalendarDay.seed_public_holidays(office.holiday_country, missing)
        except HolidaysUnknown:
            self.message_user(
                request,
                _(
                    "The holidays package does not know the country %(country)s: enter its public holidays in "
                    "Calendar days, then add each year in Calendar years, or no deadline can be counted there."
                )
                % {"country": office.holiday_country},
                level=messages.WARNING,
            )

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "country", "office", "source"]

    def clean(self):
        data = super().clean()
        if data.get("office") is None and not data.get("country"):
            raise ValidationError(_("Choose the office (or province) the day applies to, or a country."))
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["date", "weekday", "kind", "name", "country", "office", "source"]
    list_filter = ["kind", "country", "source", "office"]
    search_fields = ["name"]
    date_hierarchy = "date"
    autocomplete_fields = ["office"]

    @admin.display(description=_("weekday"))
    def weekday(self, day: CalendarDay) -> str:
        return date_format(day.date, "l")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(office__isnull=True) | queryset.filter(office__in=managed_offices(request))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if request.user.is_superuser:
            return fields
        # The national table is the superuser's: others set a day for their offices.
        return [name for name in fields if name not in ("country", "source")]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["queryset"] = managed_offices(request)
            kwargs["required"] = not request.user.is_superuser
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.office_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.office_id is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class StaffCreationForm(UserCreationForm):
    """A new account with its first role, so that it belongs to an office
    the administrator manages from the start."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "full_name", "email", "phone"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email", "phone"]
    inlines = [UserMembershipInline]
    add_form = StaffCreationForm
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone"]}),
        (_("Access"), {"fields": ["is_active", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "email", "phone", "office", "role", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Staff of the offices they manage: not citizens, not superusers, not themselves.
        return (
            queryset.filter(memberships__office__in=managed_offices(request), is_superuser=False)
            .exclude(pk=request.user.pk)
            .distinct()
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form.base_fields["office"].queryset = managed_offices(request)
        return form

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes a superuser.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields

    def get_inlines(self, request, obj):
        return [] if obj is None else super().get_inlines(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            Membership.objects.get_or_create(
                user=obj, office=form.cleaned_data["office"], role=form.cleaned_data["role"]
            )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """The years whose public holidays are loaded: deadlines count only
    through these. Part of the national holiday table, so the superuser's:
    others look."""

    list_display = ["country", "year", "loaded_at"]
    list_filter = ["country"]
    ordering = ["country", "-year"]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or super().has_view_permission(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API keys are issued by signing in through the API or by
    `manage.py issue_api_key`; here they are only looked at and revoked
    (deleted)."""

    list_display = ["name", "user", "prefix", "scopes", "created_at", "expires_at", "last_used_at"]
    list_filter = ["created_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at"]
    exclude = ["key_sha256"]

    def has_add_permission(self, request) -> bool:
        return False

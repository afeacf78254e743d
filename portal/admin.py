"""Administration of the organisation: offices, staff and their roles, the
working calendar, and user accounts.

An office administrator manages the staff, the roles, the office and the
closures of the offices they administer (a province's: the province and its
communes), and nothing else: no other province, no superuser, not their own
account or roles, and only the roles portal/roles.py lets them give — which
is asked before every role given, changed or taken away and every account
changed. The national holiday table belongs to superusers. Province
supervisors look at the same things, without changing them. Catalogue
administrators see none of it. The module is long because each of its
models asks that one reach rule in its own admin hooks, side by side.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal import roles, two_factor
from portal.models import ApiToken, CalendarDay, CalendarYear, HolidaysUnknown, Membership, Office, User
from portal.phones import clean_id_number


def looked_after(request):
    """The offices whose organisation `request.user` sees: those they
    administer, and those a province supervisor oversees."""
    if request.user.is_superuser:
        return Office.objects.all()
    return Office.objects.visible_to(request.user, roles=[Membership.Role.SUPERVISOR, Membership.Role.OFFICE_ADMIN])


class MembershipFormSet(forms.BaseInlineFormSet):
    """Each role given, changed or taken away is one the acting user may
    give (portal/roles.py), to someone whose account is theirs to change."""

    acting_user = None

    def clean(self):
        super().clean()
        if self.acting_user is None or self.acting_user.is_superuser:
            return
        refused = []
        for form in self.forms:
            if not form.cleaned_data or not (form.has_changed() or self._should_delete_form(form)):
                continue
            reason = self._why_not(form)
            if reason and self._should_delete_form(form):
                refused.append(reason)  # a form being deleted shows no errors of its own
            elif reason:
                form.add_error(None, reason)
        if refused:
            raise ValidationError(refused)

    def _why_not(self, form) -> str:
        granter = self.acting_user
        user = form.cleaned_data.get("user")
        if user is None:
            return ""
        if user == granter:
            return str(_("You cannot change your own roles."))
        reason = roles.why_not_manage(granter, user)
        if not reason and form.instance.pk:
            was = Membership.objects.select_related("user", "office", "office__parent").get(pk=form.instance.pk)
            reason = roles.why_not_manage(granter, was.user) or roles.why_not_grant(granter, was.role, was.office)
        if not reason and not self._should_delete_form(form):
            office, role = form.cleaned_data.get("office"), form.cleaned_data.get("role")
            if office is not None and role:
                reason = roles.why_not_grant(granter, role, office)
        return reason


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
            kwargs["queryset"] = looked_after(request)
        if db_field.name == "user" and not request.user.is_superuser:
            # Never a citizen's account, nor anyone outside these offices.
            kwargs["queryset"] = roles.staff_of(looked_after(request))
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
        (_("Settling on the spot"), {"fields": ["settles_on_the_spot"]}),
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
        return super().get_queryset(request).filter(pk__in=looked_after(request).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = roles.administered_offices(request.user).filter(level=Office.Level.PROVINCE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        # A province's office administrator opens commune counters, not
        # provinces, and no counter moves to another province.
        return ["level"] if obj is None else ["level", "parent"]

    def has_change_permission(self, request, obj=None):
        user = request.user
        administers = obj is None or user.is_superuser or user.has_role(Membership.Role.OFFICE_ADMIN, obj)
        return administers and super().has_change_permission(request, obj)

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
        return queryset.filter(office__isnull=True) | queryset.filter(office__in=looked_after(request))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if request.user.is_superuser:
            return fields
        # The national table is the superuser's: others set a day for their offices.
        return [name for name in fields if name not in ("country", "source")]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["queryset"] = roles.administered_offices(request.user)
            kwargs["required"] = not request.user.is_superuser
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _administers(self, request, day: CalendarDay | None) -> bool:
        """A day of the national table is the superuser's; an office's, its administrators'."""
        if day is None or request.user.is_superuser:
            return True
        return day.office_id is not None and roles.administered_offices(request.user).filter(pk=day.office_id).exists()

    def has_change_permission(self, request, obj=None):
        return self._administers(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._administers(request, obj) and super().has_delete_permission(request, obj)


class StaffCreationForm(UserCreationForm):
    """A new account with its first role, so that it belongs to an office
    the administrator manages from the start; the role is one they may give."""

    granter = None  # set per request by UserAdmin.get_form
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "full_name", "email", "phone", "id_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.granter is not None:
            offices = list(roles.administered_offices(self.granter))
            self.fields["office"].queryset = roles.administered_offices(self.granter)
            self.fields["role"].choices = [
                (role, label)
                for role, label in Membership.Role.choices
                if any(roles.may_grant(self.granter, role, office) for office in offices)
            ]

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data.get("id_number", ""))

    def clean(self):
        data = super().clean()
        office, role = data.get("office"), data.get("role")
        if self.granter is not None and office is not None and role:
            reason = roles.why_not_grant(self.granter, role, office)
            if reason:
                self.add_error("role", reason)
        return data


class StaffChangeForm(UserChangeForm):
    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data.get("id_number", ""))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts. An office administrator sees the staff of their offices and
    changes — details, password, access, roles — only the accounts
    portal/roles.py puts in their hands; the others they only look at, with
    the reason. Only a superuser makes a superuser or deletes an account (an
    administrator turns one off: Active)."""

    list_display = ["username", "full_name", "email", "phone", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email", "phone"]
    inlines = [UserMembershipInline]
    form = StaffChangeForm
    add_form = StaffCreationForm
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "phone", "id_number"]}),
        (_("Access"), {"fields": ["is_active", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "email",
                    "phone",
                    "id_number",
                    "office",
                    "role",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_two_step"]

    @admin.action(description=_("Reset two-step sign-in (a lost phone)"))
    def reset_two_step(self, request, queryset):
        done = [user for user in queryset if roles.may_manage(request.user, user)]
        for user in done:
            two_factor.reset(user)
        refused = len(queryset) - len(done)
        self.message_user(
            request,
            _("Two-step sign-in reset for %(done)s accounts; %(refused)s not in your hands were left as they were.")
            % {"done": len(done), "refused": refused},
            level=messages.SUCCESS if not refused else messages.WARNING,
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or roles.may_manage(request.user, obj):
            return fieldsets
        # Looked at, not theirs to change: no link to a password form that refuses them.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Staff of the offices they look after: not citizens, not superusers, not themselves.
        staff = roles.staff_of(looked_after(request)).exclude(pk=request.user.pk)
        return queryset.filter(pk__in=staff.values("pk"))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            # A class of its own for this request: the acting user is not shared.
            form = type(form.__name__, (form,), {"granter": request.user})
        return form

    def has_change_permission(self, request, obj=None):
        if obj is not None and not roles.may_manage(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and request.method == "GET":
            reason = roles.why_not_manage(request.user, obj)
            if reason and self.has_view_permission(request, obj):
                self.message_user(request, reason, level=messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        obj = self.get_object(request, unquote(id))
        if obj is not None:
            reason = roles.why_not_manage(request.user, obj)
            if reason:
                raise PermissionDenied(reason)
        return super().user_change_password(request, id, form_url)

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

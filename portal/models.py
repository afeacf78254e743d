"""The organisation: people, one-stop offices, staff roles, and the days each
office is closed or works exceptionally.

A province runs a province-level service centre and the one-stop counters of
its communes and wards (after the 2025 reform, two tiers: province → commune).
Staff belong to offices through memberships, one per role; a membership at the
province office covers the communes below it only for the roles that oversee
(supervisor, catalogue administrator).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from portal.calendar import Calendar, WorkingWeek
from portal.phones import normalise_phone
from portal.public_holidays import public_days


class User(AbstractUser):
    """Anyone who signs in: citizens, counter staff, supervisors, administrators.

    Staff are told apart by their memberships, not by a flag on the user.
    """

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    # The applicant's details, typed once and offered on every application.
    id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta(AbstractUser.Meta):
        constraints = [
            # A citizen signs in with their phone number or email address.
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="one_account_per_phone"),
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="one_account_per_email"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def save(self, *args, **kwargs) -> None:
        self.phone = normalise_phone(self.phone)
        self.email = self.email.strip()
        super().save(*args, **kwargs)

    def remember_applicant(self, applicant: dict[str, str]) -> None:
        """Keep an application's details in the profile ("only once"),
        without taking a phone number or email another account holds."""
        self.full_name, self.id_number, self.address = applicant["name"], applicant["id_number"], applicant["address"]
        fields = ["full_name", "id_number", "address"]
        others = User.objects.exclude(pk=self.pk)
        if applicant["phone"] and not others.filter(phone=normalise_phone(applicant["phone"])).exists():
            self.phone = applicant["phone"]
            fields.append("phone")
        if applicant["email"] and not others.filter(email__iexact=applicant["email"]).exists():
            self.email = applicant["email"]
            fields.append("email")
        self.save(update_fields=fields)

    @property
    def applicant(self) -> dict[str, str]:
        """The profile as an application's applicant details."""
        return {
            "name": self.get_full_name() if self.full_name else "",
            "id_number": self.id_number,
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
        }

    def roles_at(self, office: Office) -> set[str]:
        """The roles this user holds that cover `office`."""
        return {m.role for m in self.memberships_covering(office)}

    def has_role(self, role: str, office: Office | None = None) -> bool:
        if office is None:
            return any(m.role == role for m in self._memberships())
        return role in self.roles_at(office)

    def memberships_covering(self, office: Office) -> list[Membership]:
        return [m for m in self._memberships() if m.covers(office)]

    @property
    def is_office_staff(self) -> bool:
        return bool(self._memberships())

    @property
    def may_see_reports(self) -> bool:
        """Supervisors and office leaders see the timeliness reports."""
        return self.is_active and (
            self.is_superuser or any(m.role in Membership.REPORTING_ROLES for m in self._memberships())
        )

    @property
    def may_administer(self) -> bool:
        """May open the administration site."""
        return self.is_active and (
            self.is_superuser or any(m.role in Membership.ADMIN_ROLES for m in self._memberships())
        )

    def _memberships(self) -> list[Membership]:
        # Cached on the instance: a request asks many times.
        if not hasattr(self, "_membership_cache"):
            if self.pk is None or not self.is_active:
                self._membership_cache = []
            else:
                self._membership_cache = list(self.memberships.select_related("office", "office__parent"))
        return self._membership_cache


office_code_validator = RegexValidator(
    r"^[A-Z0-9]+(\.[A-Z0-9]+)*$",
    _("Use capital letters and digits in groups separated by dots, e.g. 000.00.12.H12."),
)


def default_holiday_country() -> str:
    return settings.HOLIDAY_COUNTRY


def default_language() -> str:
    return settings.LANGUAGE_CODE


class OfficeQuerySet(models.QuerySet["Office"]):
    def counters(self) -> OfficeQuerySet:
        return self.filter(is_active=True)

    def in_province(self, province: Office) -> OfficeQuerySet:
        return self.filter(Q(pk=province.pk) | Q(parent=province))

    def visible_to(self, user, roles: Iterable[str] | None = None) -> OfficeQuerySet:
        """Offices whose work `user` may see, through memberships with `roles`
        (any role when None)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        memberships = Membership.objects.filter(user=user)
        if roles is not None:
            memberships = memberships.filter(role__in=list(roles))
        own = memberships.values("office")
        overseen = memberships.filter(role__in=Membership.OVERSEEING_ROLES).values("office")
        return self.filter(Q(pk__in=own) | Q(parent__in=overseen))


class Office(models.Model):
    """A one-stop office (Bộ phận Một cửa): a commune or ward counter, or the
    province's public administration service centre."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        COMMUNE = "commune", _("Commune / ward")

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[office_code_validator],
        help_text=_("The unit identifier (Circular 10/2016/TT-BTTTT) used in dossier codes."),
    )
    name = models.CharField(_("name"), max_length=200)
    authority = models.CharField(
        _("governing authority"),
        max_length=200,
        blank=True,
        help_text=_("The line above the office's name on official slips, e.g. UBND phường Hoa Lư."),
    )
    locality = models.CharField(
        _("locality"), max_length=100, blank=True, help_text=_("The place written before the date on slips.")
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"level": "province"},
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    morning_opens_at = models.TimeField(_("morning opens at"), default=dt.time(7, 0))
    morning_closes_at = models.TimeField(_("morning closes at"), default=dt.time(11, 30))
    afternoon_opens_at = models.TimeField(_("afternoon opens at"), default=dt.time(13, 30))
    afternoon_closes_at = models.TimeField(_("afternoon closes at"), default=dt.time(17, 0))
    opens_saturday_morning = models.BooleanField(_("open on Saturday morning"), default=False)
    holiday_country = models.CharField(
        _("holiday calendar"),
        max_length=2,
        default=default_holiday_country,
        help_text=_("Country whose public holidays close this office (VN, TH, ...)."),
    )
    language = models.CharField(
        _("language of slips"), max_length=8, choices=settings.LANGUAGES, default=default_language
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_opens_at__lt=models.F("morning_closes_at"))
                & Q(morning_closes_at__lte=models.F("afternoon_opens_at"))
                & Q(afternoon_opens_at__lt=models.F("afternoon_closes_at")),
                name="office_hours_in_order",
                violation_error_message=_("Office hours must run in order: morning, then afternoon."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.level == self.Level.PROVINCE and self.parent_id:
            raise ValidationError({"parent": _("A province office has no parent office.")})
        if self.level == self.Level.COMMUNE and not self.parent_id:
            raise ValidationError({"parent": _("A commune office belongs to a province.")})

    @property
    def province(self) -> Office:
        return self if self.level == self.Level.PROVINCE or self.parent is None else self.parent

    def working_week(self) -> WorkingWeek:
        morning = (self.morning_opens_at, self.morning_closes_at)
        afternoon = (self.afternoon_opens_at, self.afternoon_closes_at)
        return WorkingWeek(
            weekday=(morning, afternoon),
            saturday=(morning,) if self.opens_saturday_morning else (),
        )

    def calendar(self) -> Calendar:
        """The office's working calendar: its hours, the public holidays of
        its country, and the days set for the office or for its province.

        One small query; callers that need many calendars keep them.
        """
        offices = [self.pk] if self.parent_id is None else [self.pk, self.parent_id]
        days = CalendarDay.objects.filter(Q(country=self.holiday_country, office=None) | Q(office__in=offices))
        days_off: dict[dt.date, str] = {}
        working_days: dict[dt.date, str] = {}
        # National rows first, then the province's, then the office's own:
        # the nearer rule wins.
        rank = {None: 0, self.parent_id: 1, self.pk: 2}
        for day in sorted(days, key=lambda d: rank.get(d.office_id, 0)):
            if day.kind == CalendarDay.Kind.WORKING_DAY:
                working_days[day.date] = day.name
                days_off.pop(day.date, None)
            else:
                days_off[day.date] = day.name
                working_days.pop(day.date, None)
        return Calendar(self.working_week(), days_off, working_days, settings.TIME_ZONE)


class Membership(models.Model):
    """A member of staff's role at one office."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("Counter clerk")
        SPECIALIST = "specialist", _("Specialist (appraises)")
        APPROVER = "approver", _("Approver (leader)")
        SUPERVISOR = "supervisor", _("Supervisor")
        CATALOGUE_ADMIN = "catalogue_admin", _("Catalogue administrator")

    # Roles that see the communes below a province office, not just the office.
    OVERSEEING_ROLES = (Role.SUPERVISOR, Role.CATALOGUE_ADMIN)
    # Roles that see the timeliness reports of the offices they cover.
    REPORTING_ROLES = (Role.SUPERVISOR, Role.APPROVER)
    # Roles that open the administration site (administrators edit, supervisors look).
    ADMIN_ROLES = (Role.SUPERVISOR, Role.CATALOGUE_ADMIN)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "office", "role"], name="one_role_once_per_office"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.office}"

    def covers(self, office: Office) -> bool:
        if office.pk == self.office_id:
            return True
        return self.role in self.OVERSEEING_ROLES and office.parent_id == self.office_id


class CalendarDay(models.Model):
    """A day that differs from the office's ordinary week.

    Public holidays and their compensatory days are seeded per year from the
    `holidays` package (`manage.py seed_holidays`); administrators add the
    rest: an extra day off, the make-up working Saturday that pays for a
    bridged holiday (the package does not list those as working days), an
    emergency closure of one office or of a whole province.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off (holiday)")
        WORKING_DAY = "working_day", _("Make-up working day")
        CLOSURE = "closure", _("Emergency closure")

    class Source(models.TextChoices):
        PACKAGE = "package", _("Public holiday table")
        ADMINISTRATOR = "administrator", _("Administrator")

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("For a national day: the country whose offices it applies to."),
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
        help_text=_("For a closure: the office, or the province office to close all its counters."),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.ADMINISTRATOR)

    class Meta:
        verbose_name = _("day in the calendar")
        verbose_name_plural = _("days in the calendar")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "country"], condition=Q(office=None), name="one_national_entry_per_day"
            ),
            models.UniqueConstraint(
                fields=["date", "office"], condition=Q(office__isnull=False), name="one_office_entry_per_day"
            ),
            models.CheckConstraint(
                condition=(Q(office=None) & ~Q(country="")) | (Q(office__isnull=False) & Q(country="")),
                name="calendar_day_national_or_office",
                violation_error_message=_("A calendar day applies to a country or to an office, not both."),
            ),
        ]
        # The calendar of an office reads one country's days and its own.
        indexes = [models.Index(fields=["country", "date"], name="calendar_day_country_date")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    @classmethod
    def seed_public_holidays(cls, country: str, years: Iterable[int]) -> dict[str, int]:
        """Write the public holiday table of `country` for `years` from the
        `holidays` package. Safe to run again: a day an administrator set is
        never overwritten, a package day is updated in place."""
        counts = {"created": 0, "updated": 0, "kept": 0}
        for year in years:
            for public_day in public_days(country, year):
                kind = cls.Kind.WORKING_DAY if public_day.is_working_day else cls.Kind.DAY_OFF
                existing = cls.objects.filter(date=public_day.date, country=country, office=None).first()
                if existing is None:
                    cls.objects.create(
                        date=public_day.date,
                        country=country,
                        kind=kind,
                        name=public_day.name,
                        source=cls.Source.PACKAGE,
                    )
                    counts["created"] += 1
                elif existing.source == cls.Source.ADMINISTRATOR:
                    counts["kept"] += 1
                elif (existing.kind, existing.name) != (kind, public_day.name):
                    existing.kind, existing.name = kind, public_day.name
                    existing.save(update_fields=["kind", "name"])
                    counts["updated"] += 1
        return counts


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: dt.datetime) -> ApiTokenQuerySet:
        return self.filter(Q(expires_at=None) | Q(expires_at__gt=now), user__is_active=True)


class ApiToken(models.Model):
    """A key for the REST API. A person gets one by signing in through the
    API and acts with their own roles; a partner system (a hospital, the
    post) gets one from an administrator with `scopes`, and may then call
    only the endpoints of those scopes. Only the key's SHA-256 is kept: the
    key itself is shown once, when it is issued."""

    class Scope(models.TextChoices):
        BIRTH_EVENTS = "events:birth", _("Report births")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=150, help_text=_("Who or what uses the key."))
    key_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, user, name: str, *, scopes: Iterable[str] = (), expires_at: dt.datetime | None = None
    ) -> tuple[ApiToken, str]:
        """A new token and its key, which is not stored and cannot be shown again."""
        key = secrets.token_urlsafe(30)
        token = cls.objects.create(
            user=user,
            name=name,
            key_sha256=cls.digest(key),
            prefix=key[:8],
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
        )
        return token, key

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_partner(self) -> bool:
        """A partner system's key: good only for its scopes."""
        return bool(self.scopes)

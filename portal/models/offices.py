"""The organisation: one-stop offices and the roles staff hold at them.

A province runs a province-level service centre and the one-stop counters of
its communes and wards (after the 2025 reform, two tiers: province → commune).
Staff belong to offices through memberships, one per role; a membership at the
province office covers the communes below it only for the roles that oversee
(supervisor, office administrator). Who may give which role is
portal/roles.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.calendar import Calendar, WorkingWeek

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
        (by default the roles that see dossiers, `Membership.DOSSIER_ROLES`:
        administrators keep the catalogue or the staff, not the dossiers)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        roles = Membership.DOSSIER_ROLES if roles is None else roles
        memberships = Membership.objects.filter(user=user, role__in=list(roles))
        own = memberships.values("office")
        overseen = memberships.filter(role__in=Membership.OVERSEEING_ROLES).values("office")
        return self.filter(Q(pk__in=own) | Q(parent__in=overseen))

    def reported_to(self, user) -> OfficeQuerySet:
        """The counters whose figures `user` may read: those a supervisor
        oversees, the office an approver leads."""
        return self.visible_to(user, roles=Membership.REPORTING_ROLES).filter(level=Office.Level.COMMUNE)


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
    settles_on_the_spot = models.BooleanField(
        _("one person may settle simple procedures on the spot"),
        default=False,
        db_default=False,
        help_text=_(
            "“5 tại chỗ”: for procedures the catalogue marks simple, the same member of staff may appraise and "
            "approve a dossier. Left unticked, the four-eyes rule holds for every procedure."
        ),
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

        It counts only through years whose public holidays are loaded
        (`CalendarYear`): beyond them it raises `CalendarMissing` rather than
        treat Tết as a working week. Two small queries; for many offices,
        `calendars_of` answers with the same two.
        """
        return calendars_of([self])[self.pk]


def calendars_of(offices: Iterable[Office]) -> dict[int, Calendar]:
    """The working calendar of each office (`Office.calendar`), by office
    id, in two queries however many offices there are. Offices whose
    calendars cannot differ (the same hours and holiday country, and no day
    set for them or their province apart from the others) share one
    `Calendar` object, so that a caller asking the same question of many
    offices can ask it once per calendar."""
    from portal.models.calendar_days import CalendarDay, CalendarYear

    offices = list(offices)
    if not offices:
        return {}
    countries = {office.holiday_country for office in offices}
    nearby = {office.pk for office in offices} | {office.parent_id for office in offices if office.parent_id}
    rows = list(CalendarDay.objects.filter(Q(country__in=countries, office=None) | Q(office__in=nearby)))
    known: dict[str, set[int]] = {country: set() for country in countries}
    for country, year in CalendarYear.objects.filter(country__in=countries).values_list("country", "year"):
        known[country].add(year)
    with_days = {day.office_id for day in rows if day.office_id is not None}
    shared: dict[tuple, Calendar] = {}
    found: dict[int, Calendar] = {}
    for office in offices:
        parent = office.parent_id if office.parent_id in with_days else None
        own = office.pk if office.pk in with_days else None
        key = (office.working_week(), office.holiday_country, parent, own)
        if key not in shared:
            shared[key] = _calendar(office, rows, known[office.holiday_country])
        found[office.pk] = shared[key]
    return found


def _calendar(office: Office, rows: list, known: set[int]) -> Calendar:
    """The calendar of `office` from the calendar days of its country, its
    province and itself (and others', which it leaves out)."""
    from portal.models.calendar_days import CalendarDay

    days_off: dict[dt.date, str] = {}
    working_days: dict[dt.date, str] = {}
    # National rows first, then the province's, then the office's own:
    # the nearer rule wins.
    rank = {None: 0, office.parent_id: 1, office.pk: 2}
    mine = [
        day
        for day in rows
        if (day.office_id is None and day.country == office.holiday_country)
        or (day.office_id is not None and day.office_id in (office.pk, office.parent_id))
    ]
    for day in sorted(mine, key=lambda d: rank.get(d.office_id, 0)):
        if day.kind == CalendarDay.Kind.WORKING_DAY:
            working_days[day.date] = day.name
            days_off.pop(day.date, None)
        else:
            days_off[day.date] = day.name
            working_days.pop(day.date, None)
    return Calendar(
        office.working_week(),
        days_off,
        working_days,
        settings.TIME_ZONE,
        known_years=frozenset(known),
        country=office.holiday_country,
    )


class Membership(models.Model):
    """A member of staff's role at one office."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("Counter clerk")
        SPECIALIST = "specialist", _("Specialist (appraises)")
        APPROVER = "approver", _("Approver (leader)")
        SUPERVISOR = "supervisor", _("Supervisor")
        OFFICE_ADMIN = "office_admin", _("Office administrator (staff and roles)")
        CATALOGUE_ADMIN = "catalogue_admin", _("Catalogue administrator")
        OPERATOR = "operator", _("Switchboard operator (feedback line)")
        ACCOUNTANT = "accountant", _("Accountant (fees collected)")

    # Roles that see the communes below a province office, not just the office.
    # (The catalogue serves every office: its administrator's office does not matter.)
    # A switchboard operator at the province takes calls about any of its communes.
    OVERSEEING_ROLES = (Role.SUPERVISOR, Role.OFFICE_ADMIN, Role.OPERATOR)
    # Roles that see dossiers: those who work on them, and supervisors who look.
    # Administrators see none: the catalogue's and the staff's are other jobs.
    DOSSIER_ROLES = (Role.CLERK, Role.SPECIALIST, Role.APPROVER, Role.SUPERVISOR)
    # Roles that see the timeliness reports of the offices they cover.
    REPORTING_ROLES = (Role.SUPERVISOR, Role.APPROVER)
    # Roles that open the administration site (administrators edit, supervisors look).
    ADMIN_ROLES = (Role.SUPERVISOR, Role.OFFICE_ADMIN, Role.CATALOGUE_ADMIN)
    # Roles that read an office's daily statement of fees and import the
    # gateway's settlement file: its accountant, its leader, its supervisors.
    STATEMENT_ROLES = (Role.ACCOUNTANT, Role.APPROVER, Role.SUPERVISOR)

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

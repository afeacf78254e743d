"""The days an office's calendar departs from its ordinary week, and the
years whose public holidays are loaded.

Deadlines count working time (portal/calendar.py). A year whose public
holidays are not loaded would count Tết as a working week: `CalendarYear`
says which years of a country are loaded, and `Office.calendar()` refuses to
count into any other (`CalendarMissing`), instead of answering wrong.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models.offices import Office
from portal.public_holidays import PublicDay, public_days


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
        `holidays` package, and mark each year loaded once all its days are
        written (one transaction a year: a failure leaves the year unloaded,
        never half-loaded). Safe to run again: a day an administrator set is
        never overwritten, a package day is updated in place."""
        counts = {"created": 0, "updated": 0, "kept": 0}
        for year in years:
            try:
                days = public_days(country, year)
            except NotImplementedError:
                raise HolidaysUnknown(country, year) from None
            if not days:
                raise HolidaysUnknown(country, year)
            with transaction.atomic():
                cls._write_year(country, days, counts)
                CalendarYear.objects.get_or_create(country=country, year=year)
        return counts

    @classmethod
    def _write_year(cls, country: str, days: list[PublicDay], counts: dict[str, int]) -> None:
        for public_day in days:
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


class HolidaysUnknown(Exception):
    """The `holidays` package has no public holidays of this country for
    this year: an administrator enters them by hand (Calendar days), then
    marks the year loaded (Calendar years)."""

    def __init__(self, country: str, year: int) -> None:
        self.country, self.year = country, year
        super().__init__(f"The holidays package has no public holidays of {country!r} for {year}.")


class CalendarYear(models.Model):
    """The public holidays of a country for a year are loaded: deadlines may
    be counted through it. Seeded from the `holidays` package with its days
    (`CalendarDay.seed_public_holidays`: at migration, each January for the
    year after, or `manage.py seed_holidays`); an administrator adds one by
    hand for a country the package does not know, once its days are entered.
    """

    country = models.CharField(_("country"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["country", "year"]
        constraints = [models.UniqueConstraint(fields=["country", "year"], name="one_calendar_year_per_country")]

    def __str__(self) -> str:
        return f"{self.country} {self.year}"

    @classmethod
    def missing(cls, countries: Iterable[str], years: Iterable[int]) -> list[tuple[str, int]]:
        """The (country, year) pairs among these whose holidays are not loaded."""
        wanted = {(country, year) for country in countries for year in years}
        loaded = set(cls.objects.filter(country__in={c for c, _y in wanted}).values_list("country", "year"))
        return sorted(wanted - loaded)

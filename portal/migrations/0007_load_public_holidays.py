"""The working calendar is never silently wrong: the years whose public
holidays were already seeded are marked loaded, and this year's and next
year's are loaded now, for the default country and every country an office
follows. Later years come each January (0008) or from `seed_holidays`;
dossiers/0011 loads the years that hold dossiers. (This reads the installed
`holidays` package, as `seed_holidays` does.)"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, transaction


def load_years(apps, country, years):
    """Load and mark the public holidays of `country` for each of `years`
    not loaded yet; a country the package does not know is left to the
    system check."""
    from portal.public_holidays import public_days

    CalendarDay = apps.get_model("portal", "CalendarDay")
    CalendarYear = apps.get_model("portal", "CalendarYear")
    for year in years:
        if CalendarYear.objects.filter(country=country, year=year).exists():
            continue
        try:
            days = public_days(country, year)
        except NotImplementedError:
            return
        if not days:
            continue
        with transaction.atomic():
            for day in days:
                CalendarDay.objects.get_or_create(
                    date=day.date,
                    country=country,
                    office=None,
                    defaults={
                        "kind": "working_day" if day.is_working_day else "day_off",
                        "name": day.name,
                        "source": "package",
                    },
                )
            CalendarYear.objects.create(country=country, year=year)


def load(apps, schema_editor):
    CalendarDay = apps.get_model("portal", "CalendarDay")
    CalendarYear = apps.get_model("portal", "CalendarYear")
    Office = apps.get_model("portal", "Office")
    # Years seeded before the table existed.
    seeded = CalendarDay.objects.filter(source="package", office=None).values_list("country", "date__year")
    for country, year in set(seeded):
        CalendarYear.objects.get_or_create(country=country, year=year)
    this_year = dt.datetime.now(ZoneInfo(settings.TIME_ZONE)).year
    countries = set(Office.objects.values_list("holiday_country", flat=True)) | {settings.HOLIDAY_COUNTRY}
    for country in sorted(countries):
        load_years(apps, country, [this_year, this_year + 1])


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_calendar_years")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

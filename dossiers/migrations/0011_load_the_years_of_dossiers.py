"""Every year that holds a dossier gets its public holidays loaded, for the
country its office follows: a database that never ran `seed_holidays`
counted those years without holidays, and the calendar now refuses to count
through a year that is not loaded (handing back a result, a supplement, an
explanation, the report of why dossiers were late)."""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.db.models import Max, Min


def load(apps, schema_editor):
    load_years = importlib.import_module("portal.migrations.0007_load_public_holidays").load_years
    Dossier = apps.get_model("dossiers", "Dossier")
    this_year = dt.datetime.now(ZoneInfo(settings.TIME_ZONE)).year
    spans = Dossier.objects.values("competent_office__holiday_country").annotate(
        first=Min("submitted_at"), last=Max("due_at")
    )
    for span in spans:
        country = span["competent_office__holiday_country"]
        last = max(this_year + 1, span["last"].year if span["last"] else this_year)
        load_years(apps, country, range(span["first"].year, last + 1))


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0010_resume_states_from_the_trail"),
        ("portal", "0007_load_public_holidays"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

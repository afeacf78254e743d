"""On the 1st of each month, shortly after midnight, store the month's
opening balances, so that the first supervisor to read the month does not
wait for them (reports.tasks.store_opening_balances)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

TASK = "reports.tasks.store_opening_balances"


def first_of_next_month(now: dt.datetime) -> dt.datetime:
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return dt.datetime(year, month, 1, 0, 30, tzinfo=now.tzinfo)


def create_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        func=TASK,
        defaults={
            "name": "Opening balances of the month",
            "schedule_type": "M",
            "next_run": first_of_next_month(dt.datetime.now(ZoneInfo(settings.TIME_ZONE))),
            "repeats": -1,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_export_cleanup_schedule"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]

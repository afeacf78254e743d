"""The background schedules: the daily deadline sweep at 07:00 and the retry
of failed notifications every ten minutes."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

SWEEP = "dossiers.tasks.sweep_deadlines"
RETRY = "dossiers.tasks.retry_failed_notifications"


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    tz = ZoneInfo(settings.TIME_ZONE)
    tomorrow = dt.datetime.now(tz).date() + dt.timedelta(days=1)
    Schedule.objects.get_or_create(
        func=SWEEP,
        defaults={
            "name": "Deadline warnings for staff",
            "schedule_type": "D",
            "next_run": dt.datetime.combine(tomorrow, dt.time(7, 0), tzinfo=tz),
            "repeats": -1,
        },
    )
    Schedule.objects.get_or_create(
        func=RETRY,
        defaults={"name": "Retry failed notifications", "schedule_type": "I", "minutes": 10, "repeats": -1},
    )


def delete_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func__in=[SWEEP, RETRY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]

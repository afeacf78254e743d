"""The daily task that puts in force the pending versions of procedures
whose day has come, just after midnight."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

TASK = "procedures.tasks.apply_due_versions"


def create_schedule(apps, schema_editor):
    tz = ZoneInfo(settings.TIME_ZONE)
    tomorrow = dt.datetime.now(tz).date() + dt.timedelta(days=1)
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        func=TASK,
        defaults={
            "name": "Procedure versions taking effect today",
            "schedule_type": "D",
            "next_run": dt.datetime.combine(tomorrow, dt.time(0, 5), tzinfo=tz),
            "repeats": -1,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0008_first_versions"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]

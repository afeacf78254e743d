"""Each 1 January, load the public holidays of the year after (the task
loads this year's too, in case a January came and went without it)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

TASK = "portal.tasks.load_public_holidays_ahead"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    tz = ZoneInfo(settings.TIME_ZONE)
    next_january = dt.datetime(dt.datetime.now(tz).year + 1, 1, 1, 1, 0, tzinfo=tz)
    Schedule.objects.get_or_create(
        func=TASK,
        defaults={
            "name": "Public holidays of the coming year",
            "schedule_type": "Y",
            "next_run": next_january,
            "repeats": -1,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0007_load_public_holidays"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]

"""Each morning at 08:00, remind citizens of the unfinished applications
about to be deleted, and delete those left alone past their day (at a
waking hour: the reminder may be a text message)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

TASK = "citizens.tasks.expire_drafts"


def create_schedule(apps, schema_editor):
    tz = ZoneInfo(settings.TIME_ZONE)
    tomorrow = dt.datetime.now(tz).date() + dt.timedelta(days=1)
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        func=TASK,
        defaults={
            "name": "Unfinished applications: remind, then delete",
            "schedule_type": "D",
            "next_run": dt.datetime.combine(tomorrow, dt.time(8, 0), tzinfo=tz),
            "repeats": -1,
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0004_draft_reminders"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]

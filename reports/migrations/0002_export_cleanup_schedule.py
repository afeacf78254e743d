"""Every hour, delete the exports past their time with their files, call
failed those a dead worker left running, and queue again those the broker
never took."""

from django.db import migrations

TASK = "reports.tasks.delete_expired_exports"


def create_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        func=TASK,
        defaults={"name": "Delete expired exports", "schedule_type": "H", "repeats": -1},
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_exports"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]

"""The payments sweep: every five minutes, ask the gateway about the online
payments it has not answered and expire those it never saw paid."""

from django.db import migrations

TASK = "dossiers.tasks.sweep_payments"


def create_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        func=TASK,
        defaults={"name": "Online payments: ask about and expire", "schedule_type": "I", "minutes": 5, "repeats": -1},
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0029_intake_fees_become_payments")]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]

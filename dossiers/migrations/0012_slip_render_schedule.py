"""Every ten minutes, render the slips whose PDF the task cluster never got
to (the broker was down when they were issued)."""

from django.db import migrations

TASK = "dossiers.tasks.render_missing_slips"


def create_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        func=TASK,
        defaults={"name": "Render slips left without their PDF", "schedule_type": "I", "minutes": 10, "repeats": -1},
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0011_load_the_years_of_dossiers"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]

"""The counters hear of new online dossiers in a digest instead of one email
per dossier: a task every five minutes sends each counter's round when its
period (SUBMISSION_DIGEST_MINUTES) has passed and the office is open. The
online dossiers waiting at this migration were announced one by one
already: they count as listed, in one round per counter."""

from django.db import migrations
from django.utils import timezone

TASK = "dossiers.tasks.send_submission_digests"


def create_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        func=TASK,
        defaults={"name": "New online dossiers: the counters' digest", "schedule_type": "I", "minutes": 5, "repeats": -1},
    )


def count_waiting_as_told(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    CounterDigest = apps.get_model("dossiers", "CounterDigest")
    waiting = Dossier.objects.filter(state="submitted", channel="online")
    for office_id in waiting.values_list("receiving_office", flat=True).distinct().order_by():
        digest = CounterDigest.objects.create(office_id=office_id, sent_at=timezone.now())
        digest.dossiers.set(waiting.filter(receiving_office=office_id))


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0017_counter_digests"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.RunPython(create_schedule, delete_schedule),
        migrations.RunPython(count_waiting_as_told, migrations.RunPython.noop),
    ]

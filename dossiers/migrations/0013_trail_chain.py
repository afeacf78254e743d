"""Each audit event carries its hash and the hash of the event before it on
its dossier; the dossier names the hash of its last event (dossiers/audit.py).
Filled for the events already written by the next migration."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0012_slip_render_schedule'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='trail_head',
            field=models.CharField(blank=True, db_default='', default='', editable=False, max_length=64, verbose_name="last event's hash"),
        ),
        migrations.AddField(
            model_name='dossierevent',
            name='hash',
            field=models.CharField(blank=True, db_default='', default='', editable=False, max_length=64, verbose_name='hash'),
        ),
        migrations.AddField(
            model_name='dossierevent',
            name='previous_hash',
            field=models.CharField(blank=True, db_default='', default='', editable=False, max_length=64, verbose_name="previous event's hash"),
        ),
    ]

"""A reported life event reaches only whoever proves they hold the reported
phone (a one-time code). Applications prepared before this for an account
chosen by a profile field (an ID number anyone can type) and not yet sent
are taken back, with their files' rows: the parent claims the event again
with a code, and nobody else keeps the parent's and the child's details."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def take_back_unsent_drafts(apps, schema_editor):
    LifeEvent = apps.get_model("citizens", "LifeEvent")
    Draft = apps.get_model("citizens", "Draft")
    unsent = LifeEvent.objects.filter(dossier=None, draft__isnull=False)
    drafts = list(unsent.values_list("draft_id", flat=True))
    unsent.update(draft=None)
    Draft.objects.filter(pk__in=drafts).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('citizens', '0002_tables_renamed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='lifeevent',
            name='claimed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='claimed at'),
        ),
        migrations.AddField(
            model_name='lifeevent',
            name='claimed_by',
            field=models.ForeignKey(blank=True, help_text='The account that proved it holds the reported phone.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='claimed by'),
        ),
        migrations.AddField(
            model_name='lifeevent',
            name='code_attempts',
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='lifeevent',
            name='code_digest',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name='lifeevent',
            name='code_sent_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='lifeevent',
            name='codes_sent',
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(take_back_unsent_drafts, migrations.RunPython.noop),
    ]

"""Drafts, feedback and life events now belong to the citizens app
(citizens/migrations/0001 took them over): they leave the dossiers app's
migration state; their tables and rows stay, for the citizens app."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0008_life_events'),
        ('citizens', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='lifeevent',
                    name='draft',
                ),
                migrations.RemoveField(
                    model_name='draftfile',
                    name='draft',
                ),
                migrations.RemoveField(
                    model_name='feedback',
                    name='answered_by',
                ),
                migrations.RemoveField(
                    model_name='feedback',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='feedback',
                    name='dossier',
                ),
                migrations.RemoveField(
                    model_name='lifeevent',
                    name='dossier',
                ),
                migrations.RemoveField(
                    model_name='lifeevent',
                    name='office',
                ),
                migrations.RemoveField(
                    model_name='lifeevent',
                    name='partner',
                ),
                migrations.RemoveField(
                    model_name='lifeevent',
                    name='procedure',
                ),
                migrations.DeleteModel(
                    name='Draft',
                ),
                migrations.DeleteModel(
                    name='DraftFile',
                ),
                migrations.DeleteModel(
                    name='Feedback',
                ),
                migrations.DeleteModel(
                    name='LifeEvent',
                ),
            ],
            database_operations=[],
        ),
    ]

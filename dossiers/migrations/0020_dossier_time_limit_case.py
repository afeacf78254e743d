"""The case whose time limit a dossier was received under; months as a unit."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0019_document_kinds_and_answers'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='time_limit_case',
            field=models.CharField(blank=True, db_default='', default='', help_text='The case whose time limit applies, when the procedure publishes several for the channel.', max_length=300, verbose_name='time limit case'),
        ),
        migrations.AlterField(
            model_name='dossier',
            name='time_limit_unit',
            field=models.CharField(choices=[('working_days', 'working days'), ('working_hours', 'working hours'), ('calendar_days', 'calendar days'), ('months', 'months'), ('same_day', 'same day (15:00 cut-off)')], max_length=16, verbose_name='unit'),
        ),
    ]

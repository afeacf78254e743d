"""The catalogue as published: procedures in review with their problems, every
level and the agencies, several time limits per channel (one per case), and
fees with currency, unit, case and dates."""

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('procedures', '0005_document_requirements'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='procedurechannel',
            options={'ordering': ['procedure', 'channel', 'pk'], 'verbose_name': 'channel and time limit', 'verbose_name_plural': 'channels and time limits'},
        ),
        migrations.RemoveConstraint(
            model_name='fee',
            name='fee_not_negative',
        ),
        migrations.RemoveConstraint(
            model_name='procedurechannel',
            name='one_row_per_procedure_channel',
        ),
        # Existing fees are in VND: the amount keeps its value, the currency defaults to VND.
        migrations.RenameField(
            model_name='fee',
            old_name='amount_vnd',
            new_name='amount',
        ),
        migrations.AlterField(
            model_name='fee',
            name='amount',
            field=models.BigIntegerField(validators=[django.core.validators.MinValueValidator(0)], verbose_name='amount'),
        ),
        migrations.AddField(
            model_name='fee',
            name='case_name',
            field=models.CharField(blank=True, db_default='', default='', help_text='The case or tier it applies to.', max_length=500, verbose_name='case'),
        ),
        migrations.AddField(
            model_name='fee',
            name='currency',
            field=models.CharField(db_default='VND', default='VND', help_text='VND, or as published: USD.', max_length=3, verbose_name='currency'),
        ),
        migrations.AddField(
            model_name='fee',
            name='unit',
            field=models.CharField(blank=True, db_default='', default='', help_text='What the amount is charged per: bản, lần, trang; blank if flat.', max_length=100, verbose_name='per'),
        ),
        migrations.AddField(
            model_name='fee',
            name='valid_from',
            field=models.DateField(blank=True, null=True, verbose_name='valid from'),
        ),
        migrations.AddField(
            model_name='fee',
            name='valid_until',
            field=models.DateField(blank=True, null=True, verbose_name='valid until'),
        ),
        migrations.AddField(
            model_name='procedure',
            name='competent_agency',
            field=models.TextField(blank=True, db_default='', default='', verbose_name='competent agency'),
        ),
        migrations.AddField(
            model_name='procedure',
            name='implementing_agency',
            field=models.TextField(blank=True, db_default='', default='', verbose_name='implementing agency'),
        ),
        migrations.AddField(
            model_name='procedure',
            name='levels',
            field=models.JSONField(blank=True, db_default=[], default=list, help_text='Every level that handles it, as published (ministry, province, commune, other).', verbose_name='levels'),
        ),
        migrations.AddField(
            model_name='procedure',
            name='review_problems',
            field=models.JSONField(blank=True, db_default=[], default=list, verbose_name='review problems'),
        ),
        migrations.AddField(
            model_name='procedure',
            name='status',
            field=models.CharField(choices=[('published', 'Published'), ('in_review', 'In review')], db_default='published', default='published', max_length=16, verbose_name='review status'),
        ),
        migrations.AddField(
            model_name='procedurechannel',
            name='case_name',
            field=models.CharField(blank=True, db_default='', default='', help_text='Blank for the usual time limit; the case it applies to when the channel has several.', max_length=300, verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='procedure',
            name='level',
            field=models.CharField(choices=[('ministry', 'Ministry'), ('province', 'Province'), ('commune', 'Commune'), ('other', 'Other agency')], default='commune', help_text='The level that handles it; a procedure published at several levels lists them all below.', max_length=16, verbose_name='main level'),
        ),
        migrations.AlterField(
            model_name='procedure',
            name='name',
            field=models.TextField(verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='procedurechannel',
            name='time_limit_amount',
            field=models.DecimalField(blank=True, decimal_places=2, help_text='Fractions allowed: 0.5 working day = 4 working hours. Ignored for same day.', max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='time limit'),
        ),
        migrations.AlterField(
            model_name='procedurechannel',
            name='time_limit_unit',
            field=models.CharField(blank=True, choices=[('working_days', 'working days'), ('working_hours', 'working hours'), ('calendar_days', 'calendar days'), ('months', 'months'), ('same_day', 'same day (15:00 cut-off)')], max_length=16, verbose_name='unit'),
        ),
        migrations.AddIndex(
            model_name='procedure',
            index=models.Index(fields=['status'], name='procedure_status'),
        ),
        migrations.AddConstraint(
            model_name='fee',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='fee_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='fee',
            constraint=models.CheckConstraint(condition=models.Q(('valid_from__isnull', True), ('valid_until__isnull', True), ('valid_from__lte', models.F('valid_until')), _connector='OR'), name='fee_valid_from_before_until'),
        ),
        migrations.AddConstraint(
            model_name='procedurechannel',
            constraint=models.UniqueConstraint(fields=('procedure', 'channel', 'case_name'), name='one_row_per_channel_case'),
        ),
    ]

"""The citizens' models take over the tables the dossiers app created for
them (dossiers_draft, dossiers_draftfile, dossiers_feedback,
dossiers_lifeevent): in the migration state only, nothing is written to the
database here; 0002 renames the tables."""

import django.db.models.deletion
import django.utils.timezone
import dossiers.models.dossier
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('dossiers', '0008_life_events'),
        ('portal', '0005_api_keys'),
        ('procedures', '0004_refold_search_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Draft',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('applicant_name', models.CharField(blank=True, max_length=150, verbose_name='full name')),
                        ('applicant_id_number', models.CharField(blank=True, max_length=20, verbose_name='ID number')),
                        ('applicant_phone', models.CharField(blank=True, max_length=20, verbose_name='phone number')),
                        ('applicant_email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                        ('applicant_address', models.CharField(blank=True, max_length=300, verbose_name='address')),
                        ('delivery', models.CharField(blank=True, choices=[('counter', 'At the counter'), ('post', 'By post'), ('electronic', 'Electronically')], max_length=16, verbose_name='result delivery')),
                        ('delivery_address', models.CharField(blank=True, max_length=300, verbose_name='delivery address')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('citizen', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='drafts', to=settings.AUTH_USER_MODEL)),
                        ('office', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='portal.office', verbose_name='office')),
                        ('procedure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.procedure', verbose_name='procedure')),
                    ],
                    options={
                        'db_table': 'dossiers_draft',
                        'verbose_name': 'draft application',
                        'verbose_name_plural': 'draft applications',
                    },
                ),
                migrations.CreateModel(
                    name='DraftFile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(help_text="The document's number in the procedure's list.")),
                        ('file', models.FileField(storage=dossiers.models.dossier.private_storage, upload_to='drafts/%Y/%m/')),
                        ('original_name', models.CharField(max_length=255)),
                        ('content_type', models.CharField(max_length=100)),
                        ('size', models.PositiveIntegerField()),
                        ('sha256', models.CharField(max_length=64)),
                        ('pages', models.PositiveSmallIntegerField(default=1)),
                        ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('draft', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='files', to='citizens.draft')),
                    ],
                    options={
                        'db_table': 'dossiers_draftfile',
                        'ordering': ['position', 'uploaded_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Feedback',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('rating', 'Rating'), ('feedback', 'Feedback'), ('complaint', 'Complaint')], max_length=16, verbose_name='kind')),
                        ('rating', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='rating')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('stage', models.CharField(choices=[('submitted', 'Submitted, waiting for the counter'), ('received', 'Received, being appraised'), ('appraised', 'Appraised, waiting for approval'), ('approved', 'Approved, waiting for the stamp'), ('stamped', 'Result ready'), ('returned', 'Result handed over'), ('supplement_requested', "Waiting for the citizen's supplement"), ('refused', 'Refused at the counter'), ('rejected', 'Rejected'), ('withdrawn', 'Withdrawn')], max_length=24, verbose_name='stage')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='sent at')),
                        ('answer', models.TextField(blank=True, verbose_name='answer')),
                        ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                        ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='feedback', to='dossiers.dossier')),
                    ],
                    options={
                        'db_table': 'dossiers_feedback',
                        'verbose_name': 'feedback',
                        'verbose_name_plural': 'feedback',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='LifeEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reference', models.CharField(max_length=64, verbose_name="partner's reference")),
                        ('kind', models.CharField(choices=[('birth', 'Birth')], default='birth', max_length=16, verbose_name='kind')),
                        ('occurred_at', models.DateTimeField(verbose_name='occurred at')),
                        ('place', models.CharField(max_length=300, verbose_name='place')),
                        ('details', models.JSONField(default=dict, help_text='What the partner reported of the child.', verbose_name='details')),
                        ('parent_name', models.CharField(max_length=150, verbose_name="parent's name")),
                        ('parent_id_number', models.CharField(max_length=20, verbose_name="parent's ID number")),
                        ('parent_phone', models.CharField(max_length=20, verbose_name="parent's phone")),
                        ('parent_email', models.EmailField(blank=True, max_length=254, verbose_name="parent's email")),
                        ('parent_address', models.CharField(blank=True, max_length=300, verbose_name="parent's address")),
                        ('token', models.CharField(editable=False, max_length=43, unique=True)),
                        ('reported_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='reported at')),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='sent by the parent at')),
                        ('dossier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='life_events', to='dossiers.dossier')),
                        ('draft', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='life_events', to='citizens.draft')),
                        ('office', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='portal.office', verbose_name='office')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reported by')),
                        ('procedure', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='procedures.procedure', verbose_name='procedure')),
                    ],
                    options={
                        'db_table': 'dossiers_lifeevent',
                        'verbose_name': 'life event',
                        'verbose_name_plural': 'life events',
                        'ordering': ['-reported_at'],
                    },
                ),
                migrations.AddIndex(
                    model_name='draft',
                    index=models.Index(fields=['citizen', 'updated_at'], name='draft_citizen'),
                ),
                migrations.AddIndex(
                    model_name='feedback',
                    index=models.Index(fields=['answered_at', 'created_at'], name='feedback_unanswered'),
                ),
                migrations.AddConstraint(
                    model_name='feedback',
                    constraint=models.UniqueConstraint(condition=models.Q(('kind', 'rating')), fields=('dossier',), name='one_rating_per_dossier'),
                ),
                migrations.AddConstraint(
                    model_name='feedback',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'rating'), ('rating__gte', 1), ('rating__lte', 5)), models.Q(models.Q(('kind', 'rating'), _negated=True), ('rating', None)), _connector='OR'), name='rating_one_to_five'),
                ),
                migrations.AddConstraint(
                    model_name='lifeevent',
                    constraint=models.UniqueConstraint(fields=('partner', 'reference'), name='one_life_event_per_reference'),
                ),
            ],
            database_operations=[],
        ),
    ]

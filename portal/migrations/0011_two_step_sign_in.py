"""Two-step sign-in: the authenticator secret (empty: none) and the last
step used. The empty default lives in the database too, so rows written
without the model (a COPY, an older migration state) stay valid."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0010_every_key_expires'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='totp_last_step',
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='user',
            name='totp_secret',
            field=models.CharField(
                blank=True, default='', db_default='', editable=False, max_length=64, verbose_name='authenticator secret'
            ),
        ),
    ]

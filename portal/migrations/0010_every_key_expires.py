"""Every API key expires: keys issued without an end get one (a person's
after API_TOKEN_DAYS, a partner's after PARTNER_KEY_DAYS, from now), then
the end becomes required."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def give_every_key_an_end(apps, schema_editor):
    ApiToken = apps.get_model("portal", "ApiToken")
    now = timezone.now()
    for token in ApiToken.objects.filter(expires_at=None).only("pk", "scopes"):
        days = settings.PARTNER_KEY_DAYS if token.scopes else settings.API_TOKEN_DAYS
        ApiToken.objects.filter(pk=token.pk).update(expires_at=now + dt.timedelta(days=days))


class Migration(migrations.Migration):
    dependencies = [("portal", "0009_cache_table")]

    operations = [
        migrations.RunPython(give_every_key_an_end, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken", name="expires_at", field=models.DateTimeField(verbose_name="expires at")
        ),
    ]

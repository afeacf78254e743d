"""The table of the database cache, which holds the attempt limits when no
Redis is configured (CACHE_URL). `createcachetable` creates only the tables
of database caches in CACHES that do not exist yet, so this is a no-op with
Redis and safe to run again."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("portal", "0008_yearly_holiday_schedule")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]

"""On PostgreSQL, the database itself refuses to change or remove an audit
event: a trigger refuses every UPDATE and DELETE of a row of the events
table, whoever sends it (the ORM, a script, a console), and TRUNCATE too.
The portal never needs either: an event is only ever inserted, and a dossier
with events cannot be deleted (its events protect it).

TRUNCATE empties the whole table at once. It is refused as well, because
`manage.py flush` or a mistaken command on the production database would
take the whole trail with it; a session that means to empty a database (a
test database between tests, a staging copy) says so first with
`SET dossiers.allow_trail_truncate = on`. The test suite's connections do
(tests/conftest.py): pytest-django empties the database with TRUNCATE after
each test that commits. Rows are never let through that way: the setting
opens TRUNCATE only, never UPDATE or DELETE.

The owner of the table can still drop the trigger; what such a person
changes, the hash chain shows (`manage.py verify_audit`).

SQLite has no such trigger: it is the database of development and tests,
where the Python side refuses the same (the event's save and delete, the
query set's update and delete). Backwards, the trigger and its function go.
"""

from django.db import migrations

TABLE = "dossiers_dossierevent"

INSTALL = f"""
CREATE FUNCTION dossiers_refuse_trail_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('dossiers.allow_trail_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'integrity_constraint_violation',
        MESSAGE = 'The audit trail is append-only: ' || TG_OP || ' on ' || TG_TABLE_NAME || ' is refused.',
        HINT = 'Events are never edited or deleted; a correction is a new event.';
END;
$$;
CREATE TRIGGER dossiers_event_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION dossiers_refuse_trail_change();
CREATE TRIGGER dossiers_event_never_truncated BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION dossiers_refuse_trail_change();
"""

REMOVE = f"""
DROP TRIGGER IF EXISTS dossiers_event_never_truncated ON {TABLE};
DROP TRIGGER IF EXISTS dossiers_event_append_only ON {TABLE};
DROP FUNCTION IF EXISTS dossiers_refuse_trail_change();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0014_chain_the_existing_trail")]

    operations = [migrations.RunPython(install, remove)]

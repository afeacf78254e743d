"""Chain the events already written: each dossier's events in the order they
were written (their ids), each hashed after the one before it, and the
dossier's head set to the last. A few thousand dossiers are read and
written back at a time, so that a large database is never read whole into
memory."""

from django.db import migrations

from dossiers import audit

DOSSIERS_AT_A_TIME = 2000


def update(schema_editor, table, columns, rows):
    """Set `columns` of the rows of `table` whose id is the first value of
    each row to its other values. PostgreSQL takes each column as one array
    (a statement a batch, whatever its size); SQLite, in the same process,
    updates row by row quickly."""
    if not rows:
        return
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            names = ", ".join(quote(name) for name in ["id", *columns])
            arrays = ", ".join(["%s::bigint[]"] + ["%s::text[]"] * len(columns))
            cursor.execute(
                f"UPDATE {quote(table)} SET {', '.join(f'{quote(c)} = v.{quote(c)}' for c in columns)} "
                f"FROM unnest({arrays}) AS v({names}) WHERE {quote(table)}.{quote('id')} = v.{quote('id')}",
                [list(values) for values in zip(*rows, strict=True)],
            )
        else:
            cursor.executemany(
                f"UPDATE {quote(table)} SET {', '.join(f'{quote(c)} = %s' for c in columns)} WHERE {quote('id')} = %s",
                [(*values, pk) for pk, *values in rows],
            )


def chain(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    pks = list(Dossier.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), DOSSIERS_AT_A_TIME):
        batch = pks[start : start + DOSSIERS_AT_A_TIME]
        events = DossierEvent.objects.filter(dossier_id__gte=batch[0], dossier_id__lte=batch[-1])
        hashes, heads = [], {}
        for pk, dossier_id, action, from_state, to_state, actor_id, at, note, details in events.order_by(
            "dossier_id", "pk"
        ).values_list("pk", "dossier_id", "action", "from_state", "to_state", "actor_id", "at", "note", "details"):
            previous = heads.get(dossier_id, "")
            heads[dossier_id] = audit.digest(
                dossier_id=dossier_id,
                action=action,
                from_state=from_state,
                to_state=to_state,
                actor_id=actor_id,
                at=at,
                note=note,
                details=details,
                previous_hash=previous,
            )
            hashes.append((pk, previous, heads[dossier_id]))
        update(schema_editor, DossierEvent._meta.db_table, ["previous_hash", "hash"], hashes)
        update(schema_editor, Dossier._meta.db_table, ["trail_head"], list(heads.items()))


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0013_trail_chain")]

    # Backwards, the previous migration drops the columns.
    operations = [migrations.RunPython(chain, migrations.RunPython.noop)]

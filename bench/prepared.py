"""A benchmark's schema, made once and copied after.

Replaying every migration takes about 12 s on this machine, on SQLite as on
PostgreSQL: longer than most quick benchmarks themselves. `migrate()`
replays them the first time for a given set of migration files and saves the
database it made (SQLite: a copy of the file; PostgreSQL: pg_dump's custom
format) in the user's cache folder, under a name that is the hash of the
migrations, the installed apps and the engine; afterwards it loads that copy
into the benchmark's own fresh database in under a second. A change to any
migration gives a new hash, so a copy is never out of date; copies unused for
two weeks are removed when a new one is saved.

The copy is written whole under a temporary name and then renamed, so two
benchmarks starting together at worst both replay the migrations. Without
pg_dump and pg_restore (PostgreSQL's client tools), or with PORTAL_BENCH_CACHE
set to an empty value, the migrations are simply replayed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

UNUSED_FOR = 14 * 24 * 3600  # seconds


def cache_folder() -> Path | None:
    configured = os.environ.get("PORTAL_BENCH_CACHE")
    if configured == "":
        return None
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "portal-bench"


def schema_key(*, syncdb: bool) -> str:
    """A hash of everything the schema comes from."""
    from importlib import import_module

    from django.apps import apps
    from django.conf import settings
    from django.db import connection

    digest = hashlib.sha256()
    digest.update(f"{connection.vendor}|{syncdb}|{settings.INSTALLED_APPS}|{settings.MIGRATION_MODULES}".encode())
    for config in apps.get_app_configs():
        name = settings.MIGRATION_MODULES.get(config.label, f"{config.name}.migrations")
        if name is None:
            continue
        try:
            module = import_module(name)
        except ImportError:
            continue
        folder = Path(module.__file__ or "").parent
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{name}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def migrate(*, syncdb: bool = False) -> str:
    """Bring the (empty) benchmark database to the current schema; says
    whether it was "replayed" or "copied"."""
    from django.db import connection

    folder = cache_folder()
    tools = connection.vendor == "sqlite" or (shutil.which("pg_dump") and shutil.which("pg_restore"))
    if folder is None or not tools or connection.vendor not in ("sqlite", "postgresql"):
        _replay(syncdb)
        return "replayed"
    saved = folder / f"schema-{connection.vendor}-{schema_key(syncdb=syncdb)}.copy"
    if saved.exists():
        _load(saved)
        os.utime(saved)
        return "copied"
    _replay(syncdb)
    _save(saved)
    return "replayed"


def _replay(syncdb: bool) -> None:
    """Every migration, then (`syncdb`) the tables of the apps without
    migrations, which may refer to the others' (bench.bare's do): after
    them, since PostgreSQL checks a foreign key's table when it is made."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if syncdb:
        call_command("migrate", verbosity=0, run_syncdb=True)


def _save(saved: Path) -> None:
    from django.db import connection

    saved.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=saved.parent, prefix=".saving-")
    os.close(handle)
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(temporary)
            connection.connection.backup(target)
            target.close()
        else:
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", temporary, *_libpq()], check=True, env=_env()
            )
        for old in saved.parent.glob("schema-*.copy"):
            if time.time() - old.stat().st_atime > UNUSED_FOR:
                old.unlink(missing_ok=True)
        os.replace(temporary, saved)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _load(saved: Path) -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(saved)
        source.backup(connection.connection)
        source.close()
    else:
        connection.close()
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *_libpq(), str(saved)], check=True, env=_env())


def _libpq() -> list[str]:
    from django.db import connection

    given = connection.settings_dict
    options = ["--dbname", given["NAME"]]
    if given.get("HOST"):
        options += ["--host", given["HOST"]]
    if given.get("PORT"):
        options += ["--port", str(given["PORT"])]
    if given.get("USER"):
        options += ["--username", given["USER"]]
    return options


def _env() -> dict[str, str]:
    from django.db import connection

    password = connection.settings_dict.get("PASSWORD")
    return {**os.environ, **({"PGPASSWORD": password} if password else {})}

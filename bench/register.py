"""The dossier register of a busy counter: what the supervisor's request
costs now, and what the task cluster spends making the file.

    .venv/bin/python bench/register.py                  # ~2,000 dossiers in the register
    .venv/bin/python bench/register.py --quick          # ~200 (CI)

Builds a database of its own (SQLite, in a fresh temporary folder removed at
the end) with the demo data (`manage.py demo --dossiers N`), then asks for
the register of the busiest counter over the last twelve months as PDF and
as XLSX, the way a supervisor's browser does, and runs the task that makes
each file. Prints the rows, the request's time, and the task's wall and CPU
time (the CPU time says more on a busy machine).
"""

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
FOLDER = Path(tempfile.mkdtemp(prefix="bench-register-"))
os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER / 'bench.sqlite3'}"
os.environ["PRIVATE_MEDIA_ROOT"] = str(FOLDER / "private")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(dossiers: int, quick: bool = False) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from bench.prepared import migrate
    from dossiers.management.commands.demo import POPULAR
    from dossiers.models import Dossier
    from portal.models import Office
    from reports import exports
    from reports.models import Export
    from reports.tasks import make_export

    migrate()
    # Quick: of the catalogue, only the procedures the demo's history uses most.
    only = list(POPULAR) if quick else None
    call_command("demo", dossiers=dossiers, only=only, stdout=open(os.devnull, "w"))  # noqa: SIM115
    busiest = (
        Dossier.objects.exclude(received_at=None)
        .values("receiving_office")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    office = Office.objects.get(pk=busiest["receiving_office"])
    today = timezone.localdate()
    start = today - dt.timedelta(days=365)
    client = Client()
    assert client.login(username="supervisor", password="demo-2026")
    client.get("/reports/")  # the first request loads the code
    query = f"period=custom&start={start}&end={today}&office={office.pk}"
    print(f"{office.name}: the register from {start:%d/%m/%Y} to {today:%d/%m/%Y}")
    print(
        f"in the request up to: PDF {exports.REGISTER_ROWS_IN_REQUEST['pdf']} rows, "
        f"XLSX {exports.REGISTER_ROWS_IN_REQUEST['xlsx']} rows"
    )
    for fmt in ("pdf", "xlsx"):
        response, wall, _cpu = timed(lambda fmt=fmt: client.get(f"/reports/register.{fmt}?{query}"))
        if response.status_code == 200:
            print(f"{fmt.upper():>4}: made in the request, {wall:.2f} s, {len(response.content):,} bytes")
            continue
        export = Export.objects.latest("pk")
        _result, task_wall, task_cpu = timed(lambda export=export: make_export(export.pk))
        export.refresh_from_db()
        print(
            f"{fmt.upper():>4}: request {wall * 1000:.0f} ms (answers {response.status_code} → {response.url}); "
            f"task {export.state}: {export.rows:,} rows in {task_wall:.1f} s ({task_cpu:.1f} s CPU, "
            f"{task_cpu * 1000 / max(export.rows, 1):.1f} ms a row), {export.file.size:,} bytes"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=6000, help="demo dossiers over twelve months (three counters)")
    parser.add_argument("--quick", action="store_true", help="600 dossiers: a few seconds, for CI")
    arguments = parser.parse_args()
    try:
        main(600 if arguments.quick else arguments.dossiers, quick=arguments.quick)
    finally:
        shutil.rmtree(FOLDER, ignore_errors=True)

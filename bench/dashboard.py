"""How many queries the supervisor's dashboard asks and how fast it answers
for a province of many counters, and whether it says what counting office by
office says.

    .venv/bin/python bench/dashboard.py --dossiers 100000          # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/dashboard.py --dossiers 1000000     # PostgreSQL
    .venv/bin/python bench/dashboard.py --quick                    # a few seconds (CI)

Builds its own database and drops it at the end, whatever happens, as
bench/report.py does (SQLite: a file in a fresh temporary folder;
PostgreSQL: a database named `bench_dashboard_<random>` beside the one
DATABASE_URL names, which it never touches), with bench/report.py's province
(`--offices` commune counters, 20 sectors, 60 procedures) and its dossiers,
received over the last `--years` years up to now, so that the recent ones are
still open and some are due within one working day. The public holidays are
those the migrations load.

Then a province supervisor opens the dashboard (`/reports/`, this month) and
the list of dossiers at risk through the whole Django stack, `--runs` times
each after a first opening (the first of a month also stores the month's
opening balances). Printed: the queries of each page, its median time, and
whether the dashboard's figures equal the recount from the dossiers
(`reports.recount.naive_report`) and its dossiers at risk those of each
counter's own "due soon" queue, read office by office (also timed, as the
dashboard used to do it).
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

from bench.report import TZ, bench_database, setup, simulate, write  # noqa: E402

GOAL_QUERIES = 20
GOAL_MS = 150.0
PASSWORD = "bench-dashboard-2026"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--offices", type=int, default=120)
    parser.add_argument("--years", type=float, default=3.9)
    parser.add_argument("--runs", type=int, default=21, help="openings of each page, after the first")
    parser.add_argument("--quick", action="store_true", help="3,000 dossiers at 12 offices, a few runs (CI)")
    args = parser.parse_args()
    if args.quick:
        args.dossiers, args.offices, args.runs = 3000, 12, 3

    url, drop = bench_database("dashboard")
    try:
        run(args, url)
    finally:
        drop()


def measured(client, path: str, runs: int):
    """The page's queries (the last opening), and its median time over
    `runs` openings after a first one: wall-clock, and the CPU time of this
    process alone (Django and the templates, without the database server),
    which a busy machine disturbs less."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(path)
    assert first.status_code == 200, first.status_code
    times, cpu = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    assert response.status_code == 200, response.status_code
    return len(queries), statistics.median(times), statistics.median(cpu), response


def run(args: argparse.Namespace, url: str) -> None:
    from django.db import connection

    province, offices, procedures = setup(args.offices)
    print(f"database: {connection.vendor} ({url.rsplit('@', 1)[-1]})")
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from dossiers import rollups
    from dossiers.queues import BY_SLUG, Moment, dossiers_in
    from portal.models import Membership, Office, User
    from reports import recount

    now = timezone.now().astimezone(TZ)
    start = now - dt.timedelta(days=round(365.25 * args.years))
    started = time.perf_counter()
    counts = write(simulate(random.Random(2026), args.dossiers, start, now, offices, procedures))
    print(f"written: {counts[0]:,} dossiers in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    rollups.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"rollups counted in {time.perf_counter() - started:.0f} s")

    supervisor = User.objects.create_user(username="bench-supervisor", password=PASSWORD, full_name="Giám sát")
    Membership.objects.create(user=supervisor, office=province, role=Membership.Role.SUPERVISOR)
    setup_test_environment()  # the pages' context, to read their answers back
    client = Client()
    assert client.login(username=supervisor.username, password=PASSWORD)
    offices = list(Office.objects.filter(parent=province).order_by("name"))
    print(f"{len(offices)} offices, {args.runs} openings of each page:")

    results, asked = {}, {}
    for name, path in (("dashboard", reverse("reports:dashboard")), ("at risk", reverse("reports:at_risk"))):
        queries, median, cpu, response = measured(client, path, args.runs)
        results[name] = response
        asked[name] = queries
        print(f"  {name:<9}: {queries} queries, median {median * 1000:.1f} ms ({cpu * 1000:.1f} ms CPU in Django)")
    print(f"  the goal at 120 offices and 1 M dossiers: at most {GOAL_QUERIES} queries and {GOAL_MS:.0f} ms")
    print(f"  load average of the machine meanwhile: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")

    # The same answers as counting office by office.
    shown = results["dashboard"].context["report"]
    started = time.perf_counter()
    recounted = recount.naive_report(shown.period, offices, today=timezone.localdate())
    recount_time = time.perf_counter() - started
    same_report = [(r.label, r.counts) for r in shown.rows] == [(r.label, r.counts) for r in recounted.rows]

    started = time.perf_counter()
    one_by_one = []
    for office in offices:
        dossiers = list(dossiers_in(BY_SLUG["due_soon"], office, Moment.at(office))[:200])
        if dossiers:
            one_by_one.append((office, dossiers))
    by_office_time = time.perf_counter() - started
    listed = [(office, [d for d, _t in rows]) for office, rows in results["at risk"].context["at_risk"]]
    same_risk = listed == one_by_one and len(results["dashboard"].context["at_risk"]) == len(one_by_one)
    due_soon = sum(len(dossiers) for _office, dossiers in one_by_one)
    print(f"  {shown.period}: received {shown.total['received']:,}, open {shown.total['open']:,}")
    print(f"  at risk: {due_soon:,} dossiers due within one working day at {len(one_by_one)} offices")
    print(
        f"  the report recounted from the dossiers: {recount_time * 1000:.0f} ms; "
        f"identical: {'yes' if same_report else 'NO'}"
    )
    print(
        f"  the dossiers at risk office by office (the former way, {3 * len(offices)} queries): "
        f"{by_office_time * 1000:.0f} ms; identical: {'yes' if same_risk else 'NO'}"
    )
    if not (same_report and same_risk):
        raise SystemExit("the dashboard and the office-by-office count disagree")
    if max(asked.values()) > GOAL_QUERIES:
        raise SystemExit(f"more than {GOAL_QUERIES} queries: {asked}")


if __name__ == "__main__":
    main()

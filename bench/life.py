"""A dossier's whole life through the write path on a large database —
opened and received at the counter, appraised, approved, stamped, returned
— against the same five writes done bare, in one run, interleaved.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/life.py --dossiers 1000000   # the 1 M-dossier province
    .venv/bin/python bench/life.py --quick                  # a few seconds (CI)

Builds its own database and drops it at the end, whatever happens, with
bench/report.py's province and generator (`--offices` counters, N dossiers
over `--years` years, the rollups counted from them), then a procedure of
three working days and a clerk, a specialist and an approver at one
counter. Then `--lives` times, in turn: one whole life through
`dossiers.workflow` (the rules, the audit trail, the rollups, the receipt,
the notifications and their one task), and one bare life (a row shaped like
a dossier inserted, then moved through the same four states with plain
updates, each step in its own transaction). Printed: the queries of a life
and of each step, the median time of both lives and their ratio, and
whether the steps that change no count (appraise, approve, return) read
the report's facts or touch a rollup.
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
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"

from bench.report import TZ, bench_database, setup, simulate, write  # noqa: E402

GOAL_MS, GOAL_QUERIES = 80.0, 50
STEPS = (("appraise", "specialist"), ("approve", "approver"), ("stamp", "clerk"), ("return", "clerk"))
ROLLUPS = ("dossiers_dailytally", "dossiers_monthlytally", "dossiers_balancedmonth", "dossiers_openbalance")


def reads_facts(sql: str) -> bool:
    """The query `rollups.with_history` reads the counted events with."""
    return "dossiers_dossierevent" in sql and "'request_supplement'" in sql and "'apologise'" in sql


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--offices", type=int, default=120)
    parser.add_argument("--years", type=float, default=3.9)
    parser.add_argument("--lives", type=int, default=41)
    parser.add_argument("--quick", action="store_true", help="3,000 dossiers at 12 offices, a few lives (CI)")
    parser.add_argument("--queries", action="store_true", help="print the queries of each step of the last life")
    args = parser.parse_args()
    if args.quick:
        args.dossiers, args.offices, args.lives = 3000, 12, 5
    url, drop = bench_database("life")
    try:
        run(args, url)
    finally:
        drop()


def run(args: argparse.Namespace, url: str) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    _province, offices, _procedures = setup(args.offices)
    call_command("migrate", verbosity=0, run_syncdb=True)  # the bare table
    print(f"database: {connection.vendor} ({url.rsplit('@', 1)[-1]})")
    from bench.bare.models import Application
    from dossiers import rollups
    from dossiers.workflow import open_dossier, perform
    from portal.models import Membership
    from tests.factories import ProcedureFactory, applicant, staff_member

    now = timezone.now().astimezone(TZ)
    started = time.perf_counter()
    counts = write(simulate(random.Random(2026), args.dossiers, now - dt.timedelta(days=round(365.25 * args.years)),
                            now, offices, _procedures))  # fmt: skip
    rollups.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"written: {counts[0]:,} dossiers and their rollups in {time.perf_counter() - started:.0f} s")

    office = offices[0]
    procedure = ProcedureFactory(code="1.900001", name="Thủ tục đo", sector=_procedures[0].sector)
    staff = {
        role: staff_member(f"bench-{role}", f"Cán bộ {role}", office, getattr(Membership.Role, role.upper()))
        for role in ("clerk", "specialist", "approver")
    }
    person = applicant()

    def life() -> list[tuple[str, int, float]]:
        steps = []
        with CaptureQueriesContext(connection) as queries:
            begun = time.perf_counter()
            dossier = open_dossier(
                procedure=procedure,
                receiving_office=office,
                channel="in_person",
                applicant=person,
                actor=staff["clerk"],
                received_documents={1},
                receive=True,
            )
        steps.append(("open + receive", len(queries), time.perf_counter() - begun, queries.captured_queries))
        for action, role in STEPS:
            with CaptureQueriesContext(connection) as queries:
                begun = time.perf_counter()
                dossier = perform(dossier.pk, action, actor=staff[role])
            steps.append((action, len(queries), time.perf_counter() - begun, queries.captured_queries))
        return steps

    def bare() -> float:
        begun = time.perf_counter()
        with transaction.atomic():
            row = Application.objects.create(
                code=f"B-{time.perf_counter_ns()}",
                procedure=procedure,
                office=office,
                applicant_name=person["name"],
                channel="in_person",
                state="received",
            )
        for state in ("appraised", "approved", "stamped", "returned"):
            with transaction.atomic():
                Application.objects.filter(pk=row.pk).update(state=state)
        return time.perf_counter() - begun

    life(), bare()  # warm the caches
    lives, bares, last = [], [], []
    for _ in range(args.lives):
        last = life()
        lives.append(sum(step[2] for step in last))
        bares.append(bare())
    print(f"{args.lives} lives at {office.name}, each followed by a bare one:")
    for name, count, seconds, captured in last:
        touched = sorted({table for q in captured for table in ROLLUPS if table in q["sql"]})
        read = any(reads_facts(q["sql"]) for q in captured)
        print(f"    {name:<15} {count:3} queries, {seconds * 1000:5.1f} ms; report facts read: "
              f"{'yes' if read else 'no'}; rollups touched: {', '.join(touched) or 'none'}")  # fmt: skip
        if args.queries:
            for query in captured:
                print(f"        {' '.join(query['sql'].split())[:160]}")
    queries = sum(step[1] for step in last)
    median, floor = statistics.median(lives) * 1000, statistics.median(bares) * 1000
    print(f"  a life: {queries} queries, median {median:.1f} ms (goal ≤ {GOAL_MS:.0f} ms, ≤ {GOAL_QUERIES} queries)")
    print(f"  the bare life: median {floor:.1f} ms; ratio {median / floor:.1f}×")
    print(f"  load average of the machine meanwhile: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    quiet = [step for step in last if step[0] in ("appraise", "approve", "return")]
    if any(reads_facts(q["sql"]) or any(t in q["sql"] for t in ROLLUPS) for step in quiet for q in step[3]):
        raise SystemExit("a step that changes no count read the report facts or touched a rollup")


if __name__ == "__main__":
    main()

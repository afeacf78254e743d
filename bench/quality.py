"""How fast the Decision 766 index (reports/quality.py) answers at scale,
and how many queries it makes: a fixed number, whatever the offices.

    .venv/bin/python bench/quality.py --dossiers 1000000            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/quality.py --dossiers 1000000        # PostgreSQL
    .venv/bin/python bench/quality.py --quick                       # a few seconds

The province, its counters and the dossiers are bench/report.py's (its own
database, dropped at the end). Times the index of the last full month and
of the last full year for every office, and counts the queries.
"""

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report as base  # bench/report.py: the same province and dossiers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--offices", type=int, default=120)
    parser.add_argument("--years", type=float, default=1.5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="3,000 dossiers at 12 offices, 2 runs")
    args = parser.parse_args()
    if args.quick:
        args.dossiers, args.offices, args.runs = 3000, 12, 2
    url, drop = base.bench_database()
    try:
        run(args, url)
    finally:
        drop()


def run(args: argparse.Namespace, url: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _province, offices, procedures = base.setup(args.offices)
    print(f"database: {connection.vendor} ({url.rsplit('@', 1)[-1]})")
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=base.TZ)
    start = now - dt.timedelta(days=round(365.25 * args.years))
    started = time.perf_counter()
    written = base.write(base.simulate(random.Random(2026), args.dossiers, start, now, offices, procedures))
    print(f"written: {written[0]:,} dossiers in {time.perf_counter() - started:.0f} s")

    from reports import quality
    from reports.periods import Period

    today = now.date()
    for period in (Period.month(2026, 10), Period.year(2025)):
        with CaptureQueriesContext(connection) as queries:
            took, found = base.timed(lambda p=period: quality.index(p, offices, today=today), args.runs)
        per_run = len(queries) // args.runs
        figures = {key: str(figure) for key, figure in found.total.figures.items()}
        print(
            f"index {period}, {len(offices)} offices: median {took * 1000:.0f} ms, {per_run} queries; total {figures}"
        )


if __name__ == "__main__":
    main()

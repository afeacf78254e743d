"""How fast the timeliness report answers at scale, from the rollups and by a
full recount from the dossiers, and whether both say the same.

    .venv/bin/python bench/report.py --dossiers 1000000            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/report.py --dossiers 5000000        # PostgreSQL
    .venv/bin/python bench/report.py --quick                       # a few seconds (CI)

Builds its own database and drops it at the end, whatever happens (SQLite: a
file in a fresh temporary folder; PostgreSQL: a database named
`bench_report_<random>` beside the one DATABASE_URL names, which it never
touches): a province of
`--offices` commune counters and 20 sectors, and N dossiers received over the
last `--years` years with the demo's mix (mostly early, a few late, some
supplements, refusals, withdrawals and apologies, the recent ones still open).
Times follow a simplified clock (a working day is 1.4 calendar days): the
report reads the stored dates and does not care how they were computed.

It then counts the rollups once from the dossiers (`dossiers.rollups.rebuild`,
timed), and prints the median time of the report for the last full year and
all offices — through the rollups (`reports.stats.report`) and through the
recount (`reports.recount.naive_report`) — their ratio, and whether the two
agree cell by cell.
"""

import argparse
import datetime as dt
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def bench_database(bench: str = "report") -> tuple[str, Callable[[], None]]:
    """Point DATABASE_URL at a fresh database of the bench's own, under a
    name nothing else uses (`bench_<bench>_<random>`); returns its address
    and what drops it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, _, _name = url.rpartition("/")
        name = f"bench_{bench}_{secrets.token_hex(6)}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

        url = f"{base}/{name}"
    else:
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{bench}-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"

        def drop() -> None:
            shutil.rmtree(folder, ignore_errors=True)

    os.environ["DATABASE_URL"] = url
    return url, drop


def setup(offices: int):
    import django

    django.setup()
    from bench.prepared import migrate

    migrate()
    from portal.models import Office
    from procedures.models import Procedure, Sector

    province = Office.objects.create(code="000.00.00.H99", name="Tỉnh Thử", level=Office.Level.PROVINCE)
    communes = Office.objects.bulk_create(
        Office(code=f"000.{n:02d}.{n // 100:02d}.H99", name=f"Xã số {n}", level=Office.Level.COMMUNE, parent=province)
        for n in range(1, offices + 1)
    )
    sectors = Sector.objects.bulk_create(Sector(code=f"linh-vuc-{n}", name=f"Lĩnh vực {n}") for n in range(1, 21))
    procedures = Procedure.objects.bulk_create(
        Procedure(code=f"9.{n:06d}", name=f"Thủ tục {n}", sector=sectors[n % 20], level="commune") for n in range(1, 61)
    )
    return province, communes, procedures


def simulate(rng: random.Random, n: int, start: dt.datetime, now: dt.datetime, offices, procedures):
    """Rows for the dossier, pause and event tables, one dossier at a time."""
    from dossiers.states import RUNNING, State

    span = (now - start).total_seconds()
    weights = [1 / (1 + rank * 0.2) for rank in range(len(procedures))]
    for pk in range(1, n + 1):
        office = rng.choice(offices)
        procedure = rng.choices(procedures, weights)[0]
        submitted = start + dt.timedelta(seconds=rng.random() * span)
        submitted = submitted.replace(hour=rng.randint(7, 16))
        roll = rng.random()
        channel = "online" if roll < 0.42 else "post" if roll < 0.46 else "in_person"
        row = {
            "id": pk,
            "code": f"{office.code}-{pk:09d}",
            "procedure": procedure.pk,
            "office": office.pk,
            "channel": channel,
            "submitted_at": submitted,
            "state": State.SUBMITTED,
            "received_at": None,
            "due_at": None,
            "finished_at": None,
            "paused_at": None,
            "supplement_requests": 0,
        }
        pauses, events = [], []
        moment = submitted
        if channel != "in_person":
            moment = submitted + dt.timedelta(hours=rng.uniform(0.5, 5))
            if rng.random() < 0.05:
                events.append(("request_supplement", moment))
                moment += dt.timedelta(hours=rng.uniform(4, 30))
            if rng.random() < 0.03:
                row.update(state=State.REFUSED, finished_at=moment)
                yield row, pauses, events
                continue
        if moment >= now:
            yield row, pauses, events
            continue
        limit = dt.timedelta(days=1.4 * rng.choice([1, 3, 3, 5, 5, 7, 10, 15]))
        due = moment + limit
        row.update(state=State.RECEIVED, received_at=moment, due_at=due)
        cursor = moment
        requests = 2 if rng.random() < 0.0064 else 1 if rng.random() < 0.08 else 0
        for _ in range(requests):
            cursor += limit * rng.uniform(0.05, 0.25)
            if cursor >= now:
                break
            events.append(("request_supplement", cursor))
            row["supplement_requests"] += 1
            back = cursor + dt.timedelta(hours=rng.uniform(3, 100))
            if back >= now:
                pauses.append((cursor, None, due, None))
                row.update(state=State.SUPPLEMENT_REQUESTED, resume_state=State.RECEIVED, paused_at=cursor, due_at=due)
                break
            moved = due + (back - cursor)
            pauses.append((cursor, back, due, moved))
            due, cursor = moved, back
        row["due_at"] = due
        if row["state"] == State.SUPPLEMENT_REQUESTED:
            yield row, pauses, events
            continue
        roll = rng.random()
        if roll < 0.035:
            finish = due + dt.timedelta(days=rng.choice([1, 1, 2, 4]))
            if rng.random() < 0.6 and due - dt.timedelta(hours=6) < now:
                events.append(("apologise", max(cursor, due - dt.timedelta(hours=6))))
        elif roll < 0.105:
            finish = due.replace(hour=7) + (due - due.replace(hour=7)) * rng.random()
        else:
            finish = cursor + (due - cursor) * rng.uniform(0.2, 0.8)
        finish = max(finish, cursor + dt.timedelta(minutes=20))
        if finish >= now:
            row["state"] = rng.choice(RUNNING)
        else:
            ending = rng.random()
            state = State.WITHDRAWN if ending < 0.02 else State.REJECTED if ending < 0.05 else State.RETURNED
            row.update(state=state, finished_at=finish)
        yield row, pauses, events


DOSSIER_COLUMNS = [
    "id", "code", "procedure_id", "receiving_office_id", "competent_office_id", "applicant_name",
    "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address", "channel", "delivery",
    "delivery_address", "state", "version", "resume_state", "time_limit_amount", "time_limit_unit", "fees",
    "stage_shares", "submitted_at", "received_at", "due_at", "appointment_at", "finished_at", "paused_at",
    "paused_seconds", "supplement_requests", "reappointments",
]  # fmt: skip


def dossier_values(row: dict) -> tuple:
    return (
        row["id"], row["code"], row["procedure"], row["office"], row["office"], "Nguyễn Văn A", "", "", "", "",
        row["channel"], "counter", "", row["state"], 1, row.get("resume_state", ""), 3, "working_days", "[]", "{}",
        row["submitted_at"], row["received_at"], row["due_at"], row["due_at"], row["finished_at"], row["paused_at"], 0,
        row["supplement_requests"], 0,
    )  # fmt: skip


def write(rows, batch: int = 20000) -> tuple[int, int, int]:
    """Insert the rows: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    tables = {
        "dossiers_dossier": DOSSIER_COLUMNS,
        "dossiers_pause": [
            "dossier_id",
            "reason",
            "started_at",
            "ended_at",
            "working_seconds",
            "due_before",
            "due_after",
        ],
        "dossiers_dossierevent": ["dossier_id", "action", "from_state", "to_state", "at", "note", "details"],
    }
    buffers: dict[str, list[tuple]] = {table: [] for table in tables}
    written = dict.fromkeys(tables, 0)

    def flush(table: str) -> None:
        values = buffers[table]
        if not values:
            return
        columns = tables[table]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                # As the ORM stores them: UTC, without an offset.
                adapt = connection.ops.adapt_datetimefield_value
                values = [tuple(adapt(v) if isinstance(v, dt.datetime) else v for v in value) for value in values]
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
        written[table] += len(values)
        buffers[table].clear()

    for row, pauses, events in rows:
        buffers["dossiers_dossier"].append(dossier_values(row))
        for started, ended, before, after in pauses:
            buffers["dossiers_pause"].append((row["id"], "Bổ sung", started, ended, None, before, after))
        for action, at in events:
            buffers["dossiers_dossierevent"].append((row["id"], action, "", "", at, "", "{}"))
        if len(buffers["dossiers_dossier"]) >= batch:
            for table in tables:
                flush(table)
    for table in tables:
        flush(table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return written["dossiers_dossier"], written["dossiers_pause"], written["dossiers_dossierevent"]


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--offices", type=int, default=120)
    parser.add_argument("--years", type=float, default=3.9)
    parser.add_argument("--runs", type=int, default=21, help="report runs through the rollups")
    parser.add_argument("--naive-runs", type=int, default=3, help="report runs by the full recount")
    parser.add_argument("--quick", action="store_true", help="3,000 dossiers at 12 offices, a few runs (CI)")
    args = parser.parse_args()
    if args.quick:
        args.dossiers, args.offices, args.runs, args.naive_runs = 3000, 12, 3, 1

    url, drop = bench_database()
    try:
        run(args, url)
    finally:
        drop()


def run(args: argparse.Namespace, url: str) -> None:
    from django.db import connection

    _province, offices, procedures = setup(args.offices)
    print(f"database: {connection.vendor} ({url.rsplit('@', 1)[-1]})")
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ)
    start = now - dt.timedelta(days=round(365.25 * args.years))

    started = time.perf_counter()
    rng = random.Random(2026)
    counts = write(simulate(rng, args.dossiers, start, now, offices, procedures))
    print(f"written: {counts[0]:,} dossiers, {counts[1]:,} pauses, {counts[2]:,} events "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip

    from dossiers import rollups
    from dossiers.models import DailyTally, MonthlyTally
    from reports import recount, stats
    from reports.periods import Period

    started = time.perf_counter()
    rollups.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"rollups counted from the dossiers in {time.perf_counter() - started:.0f} s: "
        f"{DailyTally.objects.count():,} daily rows, {MonthlyTally.objects.count():,} monthly rows"
    )

    period = Period.year(now.year - 1)
    today = now.date()
    # The first report of a month also stores the month's opening balances.
    cold, _first = timed(lambda: stats.report(period, offices, today=today), 1)
    rolled_time, rolled = timed(lambda: stats.report(period, offices, today=today), args.runs)
    naive_time, naive = timed(lambda: recount.naive_report(period, offices, today=today), args.naive_runs)
    same = [(r.label, r.counts) for r in rolled.rows] == [(r.label, r.counts) for r in naive.rows]
    total = rolled.total
    print(f"report {period.start}–{period.end}, {len(offices)} offices + total:")
    print(
        "  total: "
        + json.dumps({k: total[k] for k in ("received", "carried_over", "finished", "open")})
        + f", on time {total.on_time_rate:.2f} %"
    )
    print(
        f"  rollups:     median {rolled_time * 1000:.1f} ms over {args.runs} runs"
        f" (the first, which stores the month's balances: {cold * 1000:.0f} ms)"
    )
    print(f"  full recount: median {naive_time * 1000:.0f} ms over {args.naive_runs} runs")
    print(f"  ratio: {naive_time / rolled_time:.0f}×; identical: {'yes' if same else 'NO'}")
    if not same:
        raise SystemExit("the rollups and the recount disagree")


if __name__ == "__main__":
    main()

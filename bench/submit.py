"""Opening a dossier through the API under gunicorn, against a bare DRF
create of a model shaped like it, in one run, interleaved.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/submit.py                 # 3 rounds of 8 s per kind and server setting
    .venv/bin/python bench/submit.py --quick             # a few seconds (CI, SQLite)

Builds its own database and drops it at the end, whatever happens, as
bench/report.py does (PostgreSQL: `bench_submit_<random>` beside the one
DATABASE_URL names; SQLite: a file in a fresh temporary folder), with one
commune, a procedure of three working days and two documents, a citizen
and a clerk with API tokens, and the bare baseline's table (`bench.bare`,
installed by the benchmark's own settings `bench.bare.settings` only).

It first counts the queries of each kind of create in this process, the
task broker's included (the ORM broker, as in the default set-up). Then it
starts gunicorn (2 workers × 4 threads, the production shape) on
127.0.0.1:`--port`, once with a connection per request and once with
persistent connections (`DB_CONN_MAX_AGE=60`), and sends from 8 threads,
each on its own keep-alive connection, round after round for `--seconds`
each in turn: a citizen applying online, a clerk's walk-in dossier
(received at once, receipt and notifications queued, rollups updated) and
the bare create. Printed per kind: requests, errors, requests per second,
p50 and p95, and the ratio of each kind to the bare create.
"""

import argparse
import http.client
import itertools
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# The benchmark sends far more than a person: lift the per-account limit.
os.environ["API_USER_RATE"] = "100000000/min"

from bench.report import bench_database  # noqa: E402

GOALS = {"submit": 0.50, "walk-in": 0.40}
THREADS = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one round of one kind")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--quick", action="store_true", help="one short round, connections per request only (CI)")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds = 1.0, 1
    # A production-like server: DEBUG off (it keeps every query in memory).
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["DEBUG"] = "false"
    # Plain HTTP on 127.0.0.1: in production the front server ends TLS.
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    url, drop = bench_database("submit")
    try:
        run(args, url)
    finally:
        drop()


def prepare() -> dict:
    import django

    django.setup()
    from bench.prepared import migrate

    migrate(syncdb=True)  # with the bare table, which refers to the portal's
    from portal.models import ApiToken, Membership
    from tests.factories import OfficeFactory, ProcedureFactory, UserFactory, staff_member

    province = OfficeFactory(code="000.00.00.H98", name="Tỉnh Đo", level="province", parent=None)
    office = OfficeFactory(code="000.01.00.H98", name="Xã Đo", parent=province)
    procedure = ProcedureFactory(code="1.000001", name="Thủ tục đo")
    citizen = UserFactory(username="bench-citizen", full_name="Nguyễn Thị Lan", phone="0912345678")
    clerk = staff_member("bench-clerk", "Trần Thị Chi", office, Membership.Role.CLERK)
    _token, citizen_key = ApiToken.issue(citizen, "bench")
    _token, clerk_key = ApiToken.issue(clerk, "bench")
    applicant = {
        "name": "Nguyễn Thị Lan",
        "id_number": "001190012345",
        "phone": "0912345678",
        "email": "lan@example.org",
        "address": "Số 1 phố Hàng Bạc, Hà Nội",
    }
    return {
        "submit": (
            "/api/v1/dossiers/",
            citizen_key,
            {"procedure": procedure.code, "office": office.code, "applicant": applicant},
        ),
        "walk-in": (
            "/api/v1/dossiers/",
            clerk_key,
            {"procedure": procedure.code, "office": office.code, "applicant": applicant, "received_documents": [1]},
        ),
        "bare": (
            "/bench-bare/applications/",
            citizen_key,
            {
                "code": "",
                "procedure": procedure.pk,
                "office": office.pk,
                **{f"applicant_{key}": value for key, value in applicant.items()},
                "fees": [{"name": "Lệ phí", "amount": 8000}],
            },
        ),
    }


NUMBERS = itertools.count(1)


def body_of(kind: str, payload: dict) -> bytes:
    if kind == "bare":
        payload = {**payload, "code": f"B-{next(NUMBERS)}"}
    return json.dumps(payload).encode()


def queries_per_create(kinds: dict) -> dict[str, tuple[int, int]]:
    """The queries of one create of each kind, in this process (the second
    of two: the first warms the caches), and the bytes answered."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counted = {}
    for kind, (path, key, payload) in kinds.items():
        client = Client(HTTP_AUTHORIZATION=f"Token {key}")
        for _n in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.post(path, body_of(kind, payload), content_type="application/json")
            assert response.status_code == 201, (kind, response.content[:500])
        counted[kind] = (len(queries), len(response.content))
    return counted


class Load:
    """Threads, each with its own keep-alive connection, sending one kind."""

    def __init__(self, port: int, path: str, key: str, kind: str, payload: dict) -> None:
        self.port, self.path, self.kind, self.payload = port, path, kind, payload
        self.headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
        self.times: list[float] = []
        self.errors = 0
        self.lock = threading.Lock()

    def run(self, seconds: float) -> None:
        stop = time.perf_counter() + seconds
        threads = [threading.Thread(target=self.send, args=(stop,)) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def send(self, stop: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                connection.request("POST", self.path, body_of(self.kind, self.payload), self.headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 201
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
            elapsed = time.perf_counter() - started
            with self.lock:
                if ok:
                    self.times.append(elapsed)
                else:
                    self.errors += 1
        connection.close()


def serve(port: int, conn_max_age: int) -> subprocess.Popen:
    env = {**os.environ, "DB_CONN_MAX_AGE": str(conn_max_age)}
    server = subprocess.Popen(
        [
            *(str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "--workers", "2", "--threads", "4"),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/offices/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def measure(args: argparse.Namespace, kinds: dict, conn_max_age: int) -> dict[str, Load]:
    server = serve(args.port, conn_max_age)
    try:
        loads = {kind: Load(args.port, path, key, kind, payload) for kind, (path, key, payload) in kinds.items()}
        for load in loads.values():  # warm every worker and thread
            load.run(0.3)
            load.times.clear()
            load.errors = 0
        for _ in range(args.rounds):
            for load in loads.values():
                load.run(args.seconds)
    finally:
        stop(server)
    return loads


def report(loads: dict[str, Load], seconds: float) -> None:
    rates = {kind: len(load.times) / seconds for kind, load in loads.items()}
    for kind, load in loads.items():
        times = sorted(load.times) or [0.0]
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        ratio = f"{rates[kind] / rates['bare'] * 100:5.1f} % of bare" if rates["bare"] else ""
        goal = f" (goal ≥ {GOALS[kind] * 100:.0f} %)" if kind in GOALS else ""
        print(
            f"    {kind:<8} {len(load.times):6,} requests, {load.errors} errors, {rates[kind]:6.1f} req/s, "
            f"p50 {statistics.median(times) * 1000:5.1f} ms, p95 {p95 * 1000:6.1f} ms  {ratio}{goal}"
        )


def run(args: argparse.Namespace, url: str) -> None:
    from django.db import connection

    started = time.perf_counter()
    kinds = prepare()
    print(f"set up in {time.perf_counter() - started:.1f} s")
    print(f"database: {connection.vendor} ({url.rsplit('@', 1)[-1]}); task broker: {broker()}")
    print("queries per create (the broker's included), bytes answered:")
    for kind, (queries, size) in queries_per_create(kinds).items():
        print(f"    {kind:<8} {queries:3} queries, {size:,} bytes")
    connection.close()
    settings = [("a connection per request", 0)]
    if not args.quick:
        settings.append(("persistent connections", 60))
    for label, conn_max_age in settings:
        loads = measure(args, kinds, conn_max_age)
        total = args.rounds * args.seconds
        print(f"gunicorn 2 × 4 threads, {label}, {THREADS} clients, {args.rounds} × {args.seconds:g} s per kind:")
        report(loads, total)
        if any(load.errors for load in loads.values()):
            raise SystemExit("some requests failed")
    print(f"load average meanwhile: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")


def broker() -> str:
    from django.conf import settings

    return "Redis" if "redis" in settings.Q_CLUSTER else "the database (ORM)"


if __name__ == "__main__":
    main()

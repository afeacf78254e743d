"""A mixed load against the production shape, and what it left behind.

    .venv/bin/python bench/load.py --users 50 --minutes 2
    .venv/bin/python bench/load.py --users 50 --minutes 10 --fault   # the soak
    .venv/bin/python bench/load.py --quick                           # CI: that it still runs

Long because it is the whole rig: it builds its own portal — a database
`bench_load_<random>` on the PostgreSQL server of DATABASE_URL (default the
local one), its own Redis server on a free port as the task broker and the
shared cache, files in a temporary folder — and starts the production shape
on it: two gunicorn processes with deploy/gunicorn.conf.py and two task
clusters. A small asyncio client (aiohttp) then plays four kinds of people at
a stated pace each, sending every request to one web process or the other in
turn, as the front server does (and to the other one when a process does not
answer, as nginx's upstream does):

- citizens searching and reading procedures (the public search page, a
  procedure's page, the API's search): one round every second;
- citizens submitting an application with a scan through the API (the
  dossier, with an Idempotency-Key so that a request cut by a restarting
  process is sent again to the other one without opening a second dossier;
  then the whole dossier, to read the documents asked for; then the file):
  one every three seconds;
- counter teams (clerk, specialist and approver of one commune) moving each
  submitted dossier through every step — receive, appraise, approve, stamp,
  return — through the API, half a second between steps;
- supervisors opening the dashboard, reading the report through the API and
  downloading the CSV export: one round every five seconds.

It prints the throughput and the p50/p95 of each kind of request. Then it
waits for the task queue to drain and checks, in the database and in the
counting SMS and email gateways (the classes below, which the portal's
processes load as SMS_BACKEND and EMAIL_BACKEND and which count every message
in Redis): 0 errors, 0 duplicate dossier codes, every accepted submission
stored, every notification sent exactly once, every received dossier with one
receipt slip, its PDF rendered. With --fault it restarts one task cluster and
one web process in the middle of the run. It exits 1 if a check fails. At the
end it stops what it started and drops its database.

--quick (CI) builds the schema straight from the models instead of replaying
every migration, loads one procedure, and runs six people for five seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
BIRTH = "1.001193"
SEARCHES = [
    "dang ky khai sinh",
    "khai sinh",
    "kết hôn",
    "chứng thực bản sao",
    "giấy xác nhận tình trạng hôn nhân",
    "đăng ký thường trú",
    "hộ kinh doanh",
    "khai tu",
    "birth registration",
    "จดทะเบียนเกิด",
]
COUNTER_KEY = "bench-load:sent"


# The gateways the portal's processes load: they count, and send nothing. -------


def _count(recipient: str, text: str) -> None:
    import redis

    digest = hashlib.sha256(f"{recipient}\n{text}".encode()).hexdigest()
    redis.Redis.from_url(os.environ["LOAD_COUNTER_URL"]).hincrby(COUNTER_KEY, digest, 1)


class CountingSms:
    """SMS_BACKEND for the load: one count per message sent."""

    def send(self, phone: str, text: str) -> None:
        _count(phone, text)


def _email_backend() -> type:
    from django.core.mail.backends.base import BaseEmailBackend

    class CountingEmail(BaseEmailBackend):
        def send_messages(self, email_messages: Any) -> int:
            for message in email_messages:
                for recipient in message.to:
                    _count(recipient, message.body)
            return len(email_messages)

    return CountingEmail


def __getattr__(name: str) -> Any:
    # EMAIL_BACKEND=bench.load.CountingEmail, made when Django asks for it.
    if name == "CountingEmail":
        return _email_backend()
    raise AttributeError(name)


# The rig. ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pdf() -> bytes:
    """A blank one-page PDF, standing in for a scan."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return data + b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


BUILD = """
import json, os, time
from django.conf import settings
took, mark = {}, time.perf_counter()
from django.core.management import call_command
quick = os.environ["LOAD_QUICK"] == "1"
if quick:
    # The schema straight from the models: replaying every migration takes longer than the run.
    from django.apps import apps
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("createcachetable", verbosity=0)
else:
    call_command("migrate", verbosity=0)
took["schema"], mark = round(time.perf_counter() - mark, 1), time.perf_counter()
call_command("collectstatic", interactive=False, verbosity=0,
             ignore_patterns=["admin", "rest_framework", "drf_spectacular_sidecar"])
call_command("demo", dossiers=0, only=[os.environ["LOAD_BIRTH"]] if quick else None,
             stdout=open(os.devnull, "w"))
took["static and demo"], mark = round(time.perf_counter() - mark, 1), time.perf_counter()
from django.test import Client
from portal.models import ApiToken, Membership, Office, User
Role = Membership.Role
teams = []
for office in Office.objects.filter(level=Office.Level.COMMUNE).order_by("code"):
    team = {"office": office.code}
    for role in (Role.CLERK, Role.SPECIALIST, Role.APPROVER):
        member = Membership.objects.filter(office=office, role=role).select_related("user").first()
        team[role] = ApiToken.issue(member.user, "load")[1]
    teams.append(team)
citizens = []
for number in range(int(os.environ["LOAD_CITIZENS"])):
    phone = "0988%06d" % number
    user = User.objects.create(username=phone, phone=phone, full_name="Nguyễn Văn Tải %d" % number,
                               email="tai%d@example.vn" % number, id_number="001190%06d" % number,
                               address="Số %d Trần Hưng Đạo, phường Hoa Lư" % (number + 1))
    citizens.append(ApiToken.issue(user, "load")[1])
supervisor = User.objects.get(username="supervisor")
browser = Client()
browser.force_login(supervisor)
print(json.dumps({"teams": teams, "citizens": citizens, "supervisor": ApiToken.issue(supervisor, "load")[1],
                  "session": browser.cookies["sessionid"].value, "took": took}))
"""


class Rig:
    """The portal's own database, Redis, folder and processes."""

    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
        server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        if not server.startswith("postgres"):
            raise SystemExit("bench/load.py runs on PostgreSQL: set DATABASE_URL=postgres://…")
        self.server = server.rsplit("/", 1)[0]
        self.name = f"bench_load_{secrets.token_hex(4)}"
        self.database = f"{self.server}/{self.name}"
        self.redis_port = free_port()
        self.web_ports = [free_port(), free_port()]
        self.redis: subprocess.Popen | None = None
        self.webs: list[subprocess.Popen | None] = [None, None]
        self.clusters: list[subprocess.Popen | None] = [None, None]
        self.created = False
        redis_url = f"redis://127.0.0.1:{self.redis_port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL", "REDIS_URL"}},
            "DATABASE_URL": self.database,
            "REDIS_URL": f"{redis_url}/0",
            "CACHE_URL": f"{redis_url}/1",
            "LOAD_COUNTER_URL": f"{redis_url}/2",
            "MEDIA_ROOT": str(self.folder / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.folder / "private"),
            # The offices' signing keys of its own, issued by the demo and
            # opened by every process with the same passphrase.
            "PDF_SIGNING_KEYS_DIR": str(self.folder / "keys"),
            "PDF_SIGNING_PASSPHRASE": secrets.token_urlsafe(16),
            "STATIC_ROOT": str(self.folder / "static"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SITE_URL": "http://127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "SMS_BACKEND": "bench.load.CountingSms",
            "EMAIL_BACKEND": "bench.load.CountingEmail",
            # Every simulated person comes from 127.0.0.1: the per-address
            # limits would throttle the crowd as one client.
            "API_PUBLIC_RATE": "1000000/min",
            "API_USER_RATE": "1000000/min",
            "LOG_LEVEL": "WARNING",
            "WEB_WORKERS": "2",
            "WEB_THREADS": "4",
            "WEB_ACCESS_LOG": "",
            "Q_WORKERS": "1",
            "LOAD_QUICK": "1" if quick else "0",
            "LOAD_BIRTH": BIRTH,
        }

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = subprocess.run(
            ["psql", f"{self.server}/{database}", "-qtAc", sql], capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise SystemExit(f"psql failed: {done.stderr}")
        return done.stdout.strip()

    def build(self, citizens: int) -> dict:
        self.redis = subprocess.Popen(
            [
                "redis-server",
                *("--port", str(self.redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.psql(f'CREATE DATABASE "{self.name}"')
        self.created = True
        done = subprocess.run(
            [PYTHON, "manage.py", "shell", "--no-imports", "-c", BUILD],
            cwd=ROOT,
            env={**self.env, "LOAD_CITIZENS": str(citizens)},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"building the portal failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start_web(self, index: int) -> None:
        log = open(self.folder / f"web{index}.log", "a")  # noqa: SIM115 - closed with the folder
        self.webs[index] = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env={**self.env, "WEB_BIND": f"127.0.0.1:{self.web_ports[index]}"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_cluster(self, index: int) -> None:
        log = open(self.folder / f"cluster{index}.log", "a")  # noqa: SIM115 - closed with the folder
        self.clusters[index] = subprocess.Popen(
            [PYTHON, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @staticmethod
    def stop(*processes: subprocess.Popen | None, grace: float = 30) -> None:
        """SIGTERM to each process (gunicorn and the cluster finish what
        they hold), then to its whole group SIGKILL once the grace has passed."""
        running = [process for process in processes if process is not None and process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(process.poll() is None for process in running):
            time.sleep(0.1)
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def wait_for_web(self) -> None:
        import urllib.request

        for port in self.web_ports:
            for _ in range(240):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/offices/", timeout=5):
                        break
                except OSError:
                    time.sleep(0.25)
            else:
                raise SystemExit(f"gunicorn on {port} did not start:\n" + self.logs())

    def logs(self) -> str:
        return "\n".join(path.read_text()[-2000:] for path in sorted(self.folder.glob("*.log")))

    def server_errors(self) -> dict[str, int]:
        """The exceptions in the processes' logs: their last line, counted."""
        found: dict[str, int] = defaultdict(int)
        for path in self.folder.glob("*.log"):
            lines = path.read_text().splitlines()
            for number, line in enumerate(lines):
                if line.startswith("Traceback"):
                    end = number + 1
                    while end < len(lines) and (lines[end].startswith(" ") or lines[end].startswith("During")):
                        end += 1
                    found[lines[end][:300] if end < len(lines) else "?"] += 1
        return found

    def close(self) -> None:
        self.stop(*self.webs, *self.clusters, grace=10)
        self.stop(self.redis, grace=5)
        if self.created:
            self.psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)


# The client. ---------------------------------------------------------------------


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    failovers: int = 0
    submitted: set[str] = field(default_factory=set)
    returned: set[str] = field(default_factory=set)


class Front:
    """Sends each request to the next web process; to the other one when a
    process refuses the connection (stopped, restarting), as nginx does."""

    def __init__(self, session: Any, ports: list[int], tally: Tally) -> None:
        self.session, self.ports, self.tally, self.turn = session, ports, tally, 0

    async def request(self, kind: str, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        import aiohttp

        self.turn += 1
        order = [self.ports[self.turn % 2], self.ports[(self.turn + 1) % 2]]
        started = time.perf_counter()
        for attempt, port in enumerate(order):
            try:
                data = kwargs.pop("data_factory")() if "data_factory" in kwargs else kwargs.get("data")
                if data is not None:
                    kwargs["data"] = data
                async with self.session.request(method, f"http://127.0.0.1:{port}{path}", **kwargs) as response:
                    body = await response.read()
                    break
            except aiohttp.ClientConnectorError:
                # Refused: the process is down; nothing of the request was read.
                if attempt:
                    raise
                self.tally.failovers += 1
            except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError) as error:
                # Cut while being answered: a read, or a write that carries
                # an Idempotency-Key (the server answers a repeat with what
                # the first did), is sent again; another write may have been
                # done, and counts as an error.
                retried = method == "GET" or "Idempotency-Key" in (kwargs.get("headers") or {})
                if attempt or not retried:
                    self.tally.times[kind].append(time.perf_counter() - started)
                    self.tally.errors[kind].append(f"cut: {error}")
                    return None
                self.tally.failovers += 1
        self.tally.times[kind].append(time.perf_counter() - started)
        if response.status != expect:
            self.tally.errors[kind].append(f"{response.status} {body[:200]!r}")
            return None
        return json.loads(body) if response.content_type == "application/json" else body


async def searcher(front: Front, until: float, codes: list[str]) -> None:
    while time.monotonic() < until:
        words = random.choice(SEARCHES)
        await front.request("search (page)", "GET", "/procedures/", params={"q": words})
        await front.request("procedure (page)", "GET", f"/procedures/{random.choice(codes)}/")
        await front.request("search (API)", "GET", "/api/v1/procedures/", params={"search": words})
        await asyncio.sleep(1.0)


async def submitter(
    front: Front, until: float, key: str, offices: list[str], answers: dict, queues: dict, tally: Tally
) -> None:
    headers = {"Authorization": f"Token {key}"}
    scan = pdf()
    while time.monotonic() < until:
        office = random.choice(offices)
        application = {"procedure": BIRTH, "office": office, "answers": answers}
        dossier = await front.request(
            "submit (API)",
            "POST",
            "/api/v1/dossiers/",
            201,
            json=application,
            headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
        )
        if dossier is not None:
            tally.submitted.add(dossier["code"])
            # The answer is short (code, state, links); the documents asked
            # for are on the whole dossier, at links.self.
            whole = await front.request(
                "dossier (API)", "GET", f"/api/v1/dossiers/{dossier['code']}/", 200, headers=headers
            )
            documents = (whole or {}).get("documents") or []
            if documents:

                def form(position: int = documents[0]["position"]) -> Any:
                    import aiohttp

                    data = aiohttp.FormData()
                    data.add_field("document", str(position))
                    data.add_field("file", scan, filename="scan.pdf", content_type="application/pdf")
                    return data

                await front.request(
                    "upload (API)",
                    "POST",
                    f"/api/v1/dossiers/{dossier['code']}/attachments/",
                    201,
                    data_factory=form,
                    headers=headers,
                )
            mandatory = [d["position"] for d in documents if d.get("mandatory")]
            await queues[office].put((dossier["code"], mandatory or [d["position"] for d in documents[:1]]))
        await asyncio.sleep(3.0)


STEPS = [("receive", "clerk"), ("appraise", "specialist"), ("approve", "approver"), ("stamp", "clerk")]
STEPS += [("return", "clerk")]


async def counter_team(front: Front, until: float, team: dict, queue: asyncio.Queue, tally: Tally) -> None:
    while time.monotonic() < until:
        try:
            code, documents = await asyncio.wait_for(queue.get(), timeout=max(0.1, min(1.0, until - time.monotonic())))
        except TimeoutError:
            continue
        for action, role in STEPS:
            payload: dict[str, Any] = {"action": action}
            if action == "receive":
                payload["documents"] = documents
            moved = await front.request(
                f"{action} (API)",
                "POST",
                f"/api/v1/dossiers/{code}/transitions/",
                json=payload,
                headers={"Authorization": f"Token {team[role]}"},
            )
            if moved is None:
                break
            await asyncio.sleep(0.5)
        else:
            tally.returned.add(code)


async def supervisor(front: Front, until: float, key: str, session: str) -> None:
    headers = {"Authorization": f"Token {key}"}
    cookies = {"Cookie": f"sessionid={session}"}
    today = time.strftime("%Y-%m-%d")
    month = today[:8] + "01"
    while time.monotonic() < until:
        await front.request("dashboard (page)", "GET", "/reports/", headers=cookies)
        await front.request(
            "report (API)", "GET", "/api/v1/reports/timeliness/", params={"from": month, "to": today}, headers=headers
        )
        await front.request("export CSV (page)", "GET", "/reports/export.csv", headers=cookies)
        await asyncio.sleep(5.0)


async def fault(rig: Rig, at: float) -> list[str]:
    """Restart one task cluster and one web process in the middle of the run."""
    await asyncio.sleep(at)
    done = []
    started = time.perf_counter()
    await asyncio.to_thread(rig.stop, rig.clusters[0])
    rig.start_cluster(0)
    done.append(f"task cluster 1 restarted in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    await asyncio.to_thread(rig.stop, rig.webs[0])
    rig.start_web(0)
    await asyncio.to_thread(rig.wait_for_web)
    done.append(f"web process 1 restarted in {time.perf_counter() - started:.1f} s")
    return done


async def run_load(rig: Rig, people: dict, users: int, seconds: float, with_fault: bool, tally: Tally) -> list[str]:
    import aiohttp

    shares = {"search": 0.5, "submit": 0.2, "counter": 0.2, "supervise": 0.1}
    count = {role: max(1, round(users * share)) for role, share in shares.items()}
    count["counter"] = max(count["counter"], len(people["teams"]))
    offices = [team["office"] for team in people["teams"]]
    queues = {office: asyncio.Queue() for office in offices}
    codes = [BIRTH]
    # A connection per request, as nginx opens to gunicorn without keepalive:
    # a web process restarted never leaves the client a dead kept connection.
    connector = aiohttp.TCPConnector(limit=users * 2, force_close=True)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as http:
        front = Front(http, rig.web_ports, tally)
        listing = await front.request("search (API)", "GET", "/api/v1/procedures/", params={"page_size": 100})
        if listing:
            codes = [item["code"] for item in listing.get("results", [])] or codes
        birth = await front.request("procedure (API)", "GET", f"/api/v1/procedures/{BIRTH}/")
        answers = {question["key"]: False for question in (birth or {}).get("questions", [])}
        until = time.monotonic() + seconds
        work = [searcher(front, until, codes) for _ in range(count["search"])]
        work += [
            submitter(front, until, people["citizens"][i % len(people["citizens"])], offices, answers, queues, tally)
            for i in range(count["submit"])
        ]
        work += [
            counter_team(front, until + 15, people["teams"][i % len(offices)], queues[offices[i % len(offices)]], tally)
            for i in range(count["counter"])
        ]
        work += [supervisor(front, until, people["supervisor"], people["session"]) for _ in range(count["supervise"])]
        faults = [fault(rig, seconds / 2)] if with_fault else []
        print(
            f"== {sum(count.values())} people for {seconds:.0f} s: {count['search']} searching, "
            f"{count['submit']} submitting, {count['counter']} counter teams, {count['supervise']} supervisors"
        )
        results = await asyncio.gather(*faults, *work)
    return results[0] if with_fault else []


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(tally: Tally, seconds: float) -> None:
    total = sum(len(times) for times in tally.times.values())
    print(f"\n{'request':<20}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for kind in sorted(tally.times):
        times = tally.times[kind]
        print(
            f"{kind:<20}{len(times):>7}{len(times) / seconds:>8.1f}{statistics.median(times) * 1000:>9.0f}"
            f"{percentile(times, 0.95) * 1000:>9.0f}{len(tally.errors[kind]):>8}"
        )
    print(f"{'all':<20}{total:>7}{total / seconds:>8.1f}")
    for kind, errors in tally.errors.items():
        for error in errors[:3]:
            print(f"  {kind}: {error[:160]}")


def drain_and_check(rig: Rig, tally: Tally, wait: float) -> list[str]:
    """Wait until nothing is left to send or render, then count."""
    import redis

    left = ""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        left = rig.psql(
            "SELECT (SELECT count(*) FROM dossiers_notification WHERE status <> 'sent') || ' ' || "
            "(SELECT count(*) FROM dossiers_slip WHERE sha256 = '')",
            rig.name,
        )
        if left == "0 0":
            break
        time.sleep(1)
    problems = []
    drained = time.monotonic() - (deadline - wait)
    print(f"\n== After the load (queue drained in {drained:.1f} s)")
    duplicates = int(
        rig.psql(
            "SELECT count(*) FROM (SELECT code FROM dossiers_dossier GROUP BY code HAVING count(*) > 1) d", rig.name
        )
    )
    stored = set(rig.psql("SELECT code FROM dossiers_dossier", rig.name).split())
    lost_dossiers = len(tally.submitted - stored)
    unsent, unrendered = (int(n) for n in left.split())
    sent = {
        k.decode(): int(v) for k, v in redis.Redis.from_url(rig.env["LOAD_COUNTER_URL"]).hgetall(COUNTER_KEY).items()
    }
    rows = rig.psql("SELECT recipient || chr(10) || body FROM dossiers_notification", rig.name)
    expected: dict[str, int] = defaultdict(int)
    if rows:
        for row in rig.psql(
            "SELECT encode(sha256(convert_to(recipient || chr(10) || body, 'UTF8')), 'hex') FROM dossiers_notification",
            rig.name,
        ).split():
            expected[row] += 1
    doubled = sum(max(0, sent.get(key, 0) - n) for key, n in expected.items()) + sum(
        n for key, n in sent.items() if key not in expected
    )
    lost = sum(max(0, n - sent.get(key, 0)) for key, n in expected.items())
    received = int(rig.psql("SELECT count(*) FROM dossiers_dossier WHERE received_at IS NOT NULL", rig.name))
    receipts = rig.psql(
        "SELECT count(*) FILTER (WHERE n = 1) || ' ' || count(*) FILTER (WHERE n > 1) FROM "
        "(SELECT d.id, count(s.id) AS n FROM dossiers_dossier d LEFT JOIN dossiers_slip s "
        "ON s.dossier_id = d.id AND s.kind = 'receipt' WHERE d.received_at IS NOT NULL GROUP BY d.id) r",
        rig.name,
    )
    one_receipt, doubled_receipts = (int(n) for n in receipts.split())
    errors = sum(len(e) for e in tally.errors.values())
    exceptions = rig.server_errors()
    server_errors = sum(exceptions.values())
    for exception, times in sorted(exceptions.items(), key=lambda item: -item[1])[:5]:
        print(f"   {times} × {exception}")
    checks = [
        ("errors seen by the client", errors),
        ("server errors in the logs", server_errors),
        ("duplicate dossier codes", duplicates),
        ("accepted submissions not stored", lost_dossiers),
        ("notifications not sent", unsent + lost),
        ("notifications sent twice", doubled),
        ("received dossiers without one receipt", received - one_receipt),
        ("receipts issued twice", doubled_receipts),
        ("slips not rendered", unrendered),
    ]
    print(
        f"   {len(tally.submitted)} dossiers submitted, {len(tally.returned)} taken through every step, "
        f"{sum(expected.values())} notifications, {received} receipts; "
        f"{tally.failovers} requests sent to the other web process"
    )
    sizes = []
    for table in ("dossiers_dossier", "dossiers_dossierevent", "dossiers_notification", "dossiers_slip"):
        rows, size = rig.psql(
            f"SELECT count(*) || ' ' || pg_total_relation_size('{table}') FROM {table}", rig.name
        ).split()
        sizes.append(f"{table.removeprefix('dossiers_')} {int(rows)} rows, {int(size) / 1024:.0f} KB")
    files = sum(path.stat().st_size for path in (rig.folder / "private").rglob("*") if path.is_file())
    print("   on disk: " + "; ".join(sizes) + f"; files {files / 1024:.0f} KB")
    for name, found in checks:
        print(f"   {name}: {found}")
        if found:
            problems.append(name)
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated people at once (default 50)")
    parser.add_argument("--minutes", type=float, default=1.0, help="how long the load lasts (default 1)")
    parser.add_argument("--fault", action="store_true", help="restart a task cluster and a web process mid-run")
    parser.add_argument("--drain", type=float, default=120, help="seconds to wait for the queue to drain")
    parser.add_argument("--quick", action="store_true", help="six people for five seconds (CI)")
    options = parser.parse_args()
    users, seconds = (6, 5.0) if options.quick else (options.users, options.minutes * 60)
    rig = Rig(options.quick)
    tally = Tally()
    try:
        started = time.perf_counter()
        people = rig.build(citizens=max(1, round(users * 0.2)))
        for index in (0, 1):
            rig.start_web(index)
            rig.start_cluster(index)
        rig.wait_for_web()
        print(
            f"== A portal on PostgreSQL {rig.name} and Redis :{rig.redis_port}: gunicorn on "
            f"{rig.web_ports} (2 × 2 workers × 4 threads), two task clusters; built in "
            f"{time.perf_counter() - started:.1f} s {people['took']}"
        )
        faults = asyncio.run(run_load(rig, people, users, seconds, options.fault, tally))
        for line in faults:
            print(f"   fault: {line}")
        report(tally, seconds)
        problems = drain_and_check(rig, tally, options.drain)
    finally:
        closing = time.perf_counter()
        rig.close()
        print(f"== Stopped and dropped in {time.perf_counter() - closing:.1f} s")
    if problems:
        print("FAILED: " + ", ".join(problems))
        raise SystemExit(1)


if __name__ == "__main__":
    main()

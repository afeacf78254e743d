"""An attacker's probe of a live portal: what a stranger gets, over HTTP
only, when they try what once worked.

    .venv/bin/python bench/attack.py            # the full probe
    .venv/bin/python bench/attack.py --quick    # fewer tries of each (CI)

Builds a portal of its own in a fresh temporary folder (SQLite, the demo
accounts and catalogue, collected static files), removed at the end, and
serves it with gunicorn as production does: two workers, DEBUG off, and the
task broker pointed at a closed port, so that it is down for the whole
probe. Then, as an attacker with nothing but HTTP:

1. *A hijacked birth.* A hospital reports the birth of the demo citizen's
   child. A stranger types the parent's ID number into their own profile,
   opens the birth's link (as if it had leaked), asks for the code and
   guesses it.
2. *Account takeover.* Wrong passwords for one account from ever-changing
   forged X-Forwarded-For addresses, then the right one; the same through
   the API; a password everybody uses; an API key kept after the victim
   changes the password; an approver's password without the second step.
4. *A committed action answering an error.* With the broker down, a
   citizen submits through the API with an Idempotency-Key, then retries
   blindly, three times at once.
6. *Hostile uploads.* The citizen attaches each file of the hostile corpus
   (tests/hostile_uploads/: scripts in PDFs, polyglots, pixel and
   decompression bombs…) to that dossier through the API.

Prints what the attacker got from each; exits 1 if any attack succeeded.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
OFFICE = "000.01.00.H37"  # the demo's ward of Hoa Lư
BIRTH = "1.001193"
PARENT_PHONE = "0912345678"  # the demo citizen's
PARENT_ID = "001190012345"
STRANGER = ("mallory", "0987000111", "ruong-lua-xanh-2026")

failures: list[str] = []


def verdict(attack: str, held: bool, got: str) -> None:
    print(f"  {'refused' if held else 'SUCCEEDED'}: {attack} — the attacker got {got}")
    if not held:
        failures.append(attack)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Portal:
    """The portal under attack, in its own folder, behind gunicorn."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL", "REDIS_URL"}},
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "PRIVATE_MEDIA_ROOT": str(folder / "private"),
            "STATIC_ROOT": str(folder / "static"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": self.url,
            # Plain http on the loopback: the attacker's transport is not the point here.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            # The task broker is down for the whole probe.
            "REDIS_URL": "redis://127.0.0.1:9/0",
            "LOG_LEVEL": "WARNING",
            # Messages stay on the machine: the probe is an attacker, not a citizen.
            "ALLOW_CONSOLE_MESSAGES": "true",
        }
        self.server: subprocess.Popen | None = None

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def query(self, sql: str, *params: object) -> tuple:
        """One row of the portal's own SQLite database, read directly: a
        look at what the attack changed, without starting Django again."""
        with sqlite3.connect(self.folder / "db.sqlite3") as database:
            return database.execute(sql, params).fetchone()

    def shell(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code).strip()

    def build(self) -> None:
        """The database, the static files, the demo accounts and the
        attacker's own, in one process (each `manage.py` start costs a
        second)."""
        _name, phone, password = STRANGER
        self.hospital_key = self.shell(
            "from django.core.management import call_command; "
            # The portal's own static files (the probe opens no administration
            # or API docs page: compressing their scripts would take 20 s).
            "call_command('collectstatic', interactive=False, verbosity=0, "
            "ignore_patterns=['admin', 'rest_framework', 'drf_spectacular_sidecar']); "
            "from bench.prepared import migrate; migrate(); "
            # The demo accounts and offices; of the catalogue, only the procedure attacked.
            f"call_command('demo', dossiers=0, only=[{BIRTH!r}], stdout=open(__import__('os').devnull, 'w')); "
            "from portal.models import ApiToken, User; "
            f"u = User.objects.create(username={phone!r}, phone={phone!r}, full_name='Mallory'); "
            f"u.set_password({password!r}); u.save(); "
            "h = User.objects.create(username='bv-ninh-binh', full_name='Bệnh viện'); "
            "print(ApiToken.issue(h, 'Bệnh viện', scopes=['events:birth'])[1])"
        )

    def start(self) -> None:
        log = open(self.folder / "server.log", "w")  # noqa: SIM115 - closed with the folder
        self.server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "portal.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(120):
            try:
                if requests.get(f"{self.url}/api/v1/offices/", timeout=15).ok:
                    return
            except requests.RequestException:
                time.sleep(0.5)
        raise SystemExit("the portal did not start:\n" + (self.folder / "server.log").read_text()[-3000:])

    def stop(self) -> None:
        if self.server is not None:
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=30)

    def server_errors(self) -> int:
        return (self.folder / "server.log").read_text().count("Internal Server Error")


# Web forms ----------------------------------------------------------------------


def web_post(session: requests.Session, url: str, data: dict, **kwargs) -> requests.Response:
    """POST a form as a browser does: with the CSRF cookie and token."""
    if "csrftoken" not in session.cookies:
        session.get(url, **kwargs)
    token = session.cookies.get("csrftoken", "")
    return session.post(url, data={**data, "csrfmiddlewaretoken": token}, allow_redirects=False, **kwargs)


def web_sign_in(portal: Portal, username: str, password: str, forged: str | None = None) -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    headers = {"X-Forwarded-For": forged} if forged else {}
    session.last = web_post(  # type: ignore[attr-defined]
        session, f"{portal.url}/accounts/login/", {"username": username, "password": password}, headers=headers
    )
    return session


def api_key(portal: Portal, username: str, password: str) -> str:
    reply = requests.post(f"{portal.url}/api/v1/auth/token/", json={"username": username, "password": password})
    reply.raise_for_status()
    return reply.json()["token"]


# 1. A hijacked birth --------------------------------------------------------------


def hijacked_birth(portal: Portal, guesses: int) -> None:
    print("1. A reported birth, claimed by a stranger")
    report = {
        "type": "birth",
        "reference": f"probe-{uuid.uuid4().hex[:8]}",
        "occurred_at": "2026-11-20T22:10:00+07:00",
        "place": "Bệnh viện Đa khoa tỉnh Ninh Bình",
        "child": {"sex": "female", "weight_grams": 3100},
        "parent": {"name": "Nguyễn Thị Lan", "id_number": PARENT_ID, "phone": PARENT_PHONE},
        "office": OFFICE,
    }
    reply = requests.post(
        f"{portal.url}/api/v1/events/", json=report, headers={"Authorization": f"Token {portal.hospital_key}"}
    )
    assert reply.status_code == 201, reply.text
    # Assume the worst: the link texted to the parent has leaked.
    (token,) = portal.query("SELECT token FROM citizens_lifeevent ORDER BY id DESC LIMIT 1")
    _name, phone, password = STRANGER
    stranger = web_sign_in(portal, phone, password)
    web_post(
        stranger,
        f"{portal.url}/accounts/profile/",
        {"full_name": "Mallory", "phone": phone, "email": "", "id_number": PARENT_ID, "address": "Hoa Lư"},
    )
    link = f"{portal.url}/births/{token}/"
    page = stranger.get(link).text
    leaked = [word for word in ("Nguyễn Thị Lan", "Bệnh viện", "3100", PARENT_ID) if word in page]
    verdict("read the report by typing the parent's ID number", not leaked, f"{leaked or 'nothing of the report'}")
    sent = web_post(stranger, link, {"action": "send"})
    where = re.search(r"ending in (\d+)", stranger.get(link).text)
    verdict(
        "have the code sent to their own phone",
        sent.status_code in (200, 302) and (where is None or PARENT_PHONE.endswith(where.group(1))),
        f"a code sent to the phone ending in {where.group(1) if where else '?'} (the parent's, not theirs)",
    )
    answers = [web_post(stranger, link, {"action": "verify", "code": f"{n:06d}"}).status_code for n in range(guesses)]
    (claimed_by,) = portal.query("SELECT claimed_by_id FROM citizens_lifeevent ORDER BY id DESC LIMIT 1")
    (drafts,) = portal.query(
        "SELECT count(*) FROM citizens_draft JOIN portal_user ON portal_user.id = citizen_id WHERE username = ?", phone
    )
    verdict(
        f"guess the code ({guesses} tries)",
        claimed_by is None and drafts == 0,
        f"answers {sorted(set(answers))}; the birth is claimed by nobody and no application was prepared for them",
    )


# 2. Account takeover ----------------------------------------------------------------


def account_takeover(portal: Portal, tries: int) -> None:
    print("2. Account takeover")
    victim = "clerk2"
    for n in range(tries):
        web_sign_in(portal, victim, f"wrong-{n}", forged=f"198.51.100.{n % 250}")
    right = web_sign_in(portal, victim, "demo-2026", forged="203.0.113.7")
    counter = right.get(f"{portal.url}/counter/", allow_redirects=False).status_code
    verdict(
        f"{tries} wrong passwords from forged addresses, then the right one",
        right.last.status_code == 200 and counter == 302,  # type: ignore[attr-defined]
        f"the sign-in page again (HTTP {right.last.status_code}) and no session: signing in is paused",  # type: ignore[attr-defined]
    )
    statuses = [
        requests.post(
            f"{portal.url}/api/v1/auth/token/",
            json={"username": victim, "password": "demo-2026"},
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        ).status_code
        for n in range(3)
    ]
    verdict("the right password through the API, from fresh forged addresses", 201 not in statuses, f"{statuses}")

    _name, phone, password = STRANGER
    session = web_sign_in(portal, phone, password)
    weak = web_post(
        session,
        f"{portal.url}/accounts/password/change/",
        {"old_password": password, "password1": "matkhau1", "password2": "matkhau1"},
    )
    verdict("set the password matkhau1", weak.status_code == 400, f"HTTP {weak.status_code}, the password unchanged")

    key = api_key(portal, phone, password)
    new = "song-hong-chay-mai-2026"
    web_post(
        session,
        f"{portal.url}/accounts/password/change/",
        {"old_password": password, "password1": new, "password2": new},
    )
    after = requests.get(f"{portal.url}/api/v1/dossiers/", headers={"Authorization": f"Token {key}"})
    verdict(
        "keep using an API key after the victim changed the password",
        after.status_code == 401,
        f"HTTP {after.status_code}",
    )

    approver = requests.post(f"{portal.url}/api/v1/auth/token/", json={"username": "approver", "password": "demo-2026"})
    web = web_sign_in(portal, "approver", "demo-2026")
    counter = web.get(f"{portal.url}/counter/", allow_redirects=False)
    verdict(
        "an approver's password alone",
        approver.status_code == 400 and counter.status_code == 302,
        f"API {approver.status_code} asking for the authenticator code; the counter page redirects to sign in",
    )


# 4. A committed action and a blind retry -------------------------------------------------


def blind_retry(portal: Portal) -> None:
    print("4. A submission with the task broker down, retried blindly")
    key = api_key(portal, "citizen", "demo-2026")
    headers = {"Authorization": f"Token {key}", "Idempotency-Key": str(uuid.uuid4())}
    # A parent applying for their own child: "no" to each question about the situation.
    questions = requests.get(f"{portal.url}/api/v1/procedures/{BIRTH}/").json()["questions"]
    body = {"procedure": BIRTH, "office": OFFICE, "answers": {question["key"]: False for question in questions}}
    first = requests.post(f"{portal.url}/api/v1/dossiers/", json=body, headers=headers)
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        retries = list(
            pool.map(lambda _n: requests.post(f"{portal.url}/api/v1/dossiers/", json=body, headers=headers), range(3))
        )
    codes = {reply.json().get("code") for reply in [first, *retries] if reply.status_code in (200, 201)}
    count = requests.get(f"{portal.url}/api/v1/dossiers/", headers={"Authorization": f"Token {key}"}).json()["count"]
    verdict(
        "an error after the dossier exists, or a second dossier from a retry",
        first.status_code == 201 and len(codes) == 1 and count == 1,
        f"HTTP {first.status_code} then {[r.status_code for r in retries]}; {count} dossier ({', '.join(codes)})",
    )


# 6. Hostile uploads ------------------------------------------------------------------------


def hostile_uploads(portal: Portal, quick: bool) -> None:
    import json

    print("6. Hostile files attached to a dossier through the API")
    corpus = ROOT / "tests" / "hostile_uploads"
    hostile = sorted(json.loads((corpus / "manifest.json").read_text())["hostile"].items())
    if quick:
        hostile = hostile[::4]
    key = api_key(portal, "citizen", "demo-2026")
    auth = {"Authorization": f"Token {key}"}
    dossier = requests.get(f"{portal.url}/api/v1/dossiers/", headers=auth).json()["results"][0]
    position = requests.get(f"{portal.url}/api/v1/dossiers/{dossier['code']}/", headers=auth).json()["documents"][0][
        "position"
    ]
    answers: dict[str, int] = {}
    for name, expected in hostile:
        reply = requests.post(
            f"{portal.url}/api/v1/dossiers/{dossier['code']}/attachments/",
            data={"document": position},
            files={"file": (name, (corpus / name).read_bytes())},
            headers=auth,
        )
        answers[name] = reply.status_code
        if reply.status_code != 400 or reply.json()["error"]["code"] != "invalid":
            print(f"    {name} ({expected['why']}): HTTP {reply.status_code}")
    stored = requests.get(f"{portal.url}/api/v1/dossiers/{dossier['code']}/", headers=auth).json()
    attached = len(stored["attachments"])
    verdict(
        f"store any of {len(hostile)} hostile files",
        set(answers.values()) == {400} and attached == 0,
        f"HTTP {sorted(set(answers.values()))} for every one, each with its reason; {attached} files stored",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer tries of each attack (CI)")
    quick = parser.parse_args().quick
    folder = Path(tempfile.mkdtemp(prefix="bench-attack-"))
    portal = Portal(folder)
    started = time.perf_counter()
    try:
        portal.build()
        portal.start()
        print(
            f"A portal on {portal.url} (gunicorn, 2 workers, DEBUG off, task broker down), built in "
            f"{time.perf_counter() - started:.0f} s"
        )
        hijacked_birth(portal, guesses=6 if quick else 20)
        account_takeover(portal, tries=12 if quick else 60)
        blind_retry(portal)
        hostile_uploads(portal, quick)
        errors = portal.server_errors()
        verdict("a server error (500) anywhere in the probe", errors == 0, f"{errors} server errors in the log")
    finally:
        portal.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{len(failures)} attacks succeeded" if failures else "Every attack was refused.")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

"""Shared test set-up: fast settings and a few named people.

The people: Lan, a citizen; Chi, a clerk of commune A (Phường Ba Đình);
Binh, a clerk of commune B (Xã Tây Tựu); Son, a specialist of commune A;
Hoa, an approver of commune A; Tuan, a supervisor of the province; Mai, a
catalogue administrator of the province; Ngoc, an office administrator of the
province (staff and roles of the province and its communes); and Dung, an
office administrator of commune A.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.db.backends.signals import connection_created

from citizens.models import DraftFile
from dossiers.models import Attachment, Result, Slip
from dossiers.workflow import perform
from portal.models import CalendarDay, CalendarYear, Membership
from portal.sms import MemoryBackend
from procedures import search_index
from reports.models import Export
from tests import factories
from tests.factories import ProcedureFactory, SectorFactory, received_dossier, staff_member, submitted_online

Role = Membership.Role


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL (row locks, concurrent
    sessions): on SQLite they are skipped, saying why."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The migrations load this year's and next year's public holidays, as
    they must in production. Tests say which calendar they work on instead:
    those rows go, each office the factories make has the years 2024–2028
    marked loaded, and only the tests that ask for holidays (`vn_holidays`)
    have them."""
    with django_db_blocker.unblock():
        CalendarDay.objects.all().delete()
        CalendarYear.objects.all().delete()


def _may_empty_the_trail(connection, **kwargs):
    """pytest-django empties the database with TRUNCATE after each test that
    commits; on PostgreSQL the audit trail refuses that unless the session
    says it means to (dossiers/migrations/0015_append_only_trail.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET dossiers.allow_trail_truncate = on")


connection_created.connect(_may_empty_the_trail)


@pytest.fixture(scope="session")
def _static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.fixture(scope="session")
def _signing_keys(tmp_path_factory):
    """The development CA and the offices' keys, made once per test process."""
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(autouse=True)
def _files_elsewhere(settings, tmp_path, monkeypatch):
    """Uploaded and generated files go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    # A FileField resolves its storage once, when the model is defined.
    for model in (Attachment, DraftFile, Export, Slip, Result):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", storages["private"])


@pytest.fixture(autouse=True)
def _fast_settings(settings, _static_root, _signing_keys):
    # Static files are served from the source folders, no collectstatic needed.
    settings.STATIC_ROOT = _static_root
    settings.WHITENOISE_USE_FINDERS = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()  # rate limits start afresh in every test
    search_index.forget()  # and the search's counts of use, kept an hour in production
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "en"
    settings.PDF_SIGNING_KEYS_DIR = _signing_keys
    settings.PDF_SIGNING_DEVELOPMENT_CA = True
    settings.PDF_SIGNING_TSA_URL = ""
    settings.SMS_BACKEND = "portal.sms.MemoryBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _live_server_requests_end_with_the_test(request):
    """The live server outlives each test: the threads that answered a
    test's HTTP clients (a script, a gateway's notifications) finish closing
    their database connections before the next test starts, not during it
    (socketserver keeps them in `_threads`). A browser keeps its connections
    open across tests: its tests are left alone."""
    server = None
    if "live_server" in request.fixturenames and "page" not in request.fixturenames:
        server = request.getfixturevalue("live_server")
    yield
    if server is not None:
        for thread in list(getattr(server.thread.httpd, "_threads", None) or ()):
            thread.join(5)


@pytest.fixture(autouse=True)
def _tasks_run_at_once(monkeypatch):
    # django-q2 reads its configuration once; async_task checks Conf.SYNC on
    # every call, so this runs queued tasks in the test's own process.
    monkeypatch.setattr("django_q.conf.Conf.SYNC", True)
    MemoryBackend.outbox.clear()


@pytest.fixture
def vn_holidays(db):
    """The real Vietnamese public holidays of 2025–2027."""
    CalendarDay.seed_public_holidays("VN", [2025, 2026, 2027])


@pytest.fixture
def province(db):
    return factories.OfficeFactory(code="000.00.00.H01", name="Tỉnh Mẫu", level="province", parent=None)


@pytest.fixture
def office_a(province):
    return factories.OfficeFactory(code="000.01.00.H01", name="Phường Ba Đình", parent=province)


@pytest.fixture
def office_b(province):
    return factories.OfficeFactory(code="000.02.00.H01", name="Xã Tây Tựu", parent=province)


@pytest.fixture
def lan(db):
    return factories.UserFactory(username="lan", full_name="Nguyễn Thị Lan")


@pytest.fixture
def chi(office_a):
    return factories.staff_member("chi", "Trần Thị Chi", office_a, Role.CLERK)


@pytest.fixture
def binh(office_b):
    return factories.staff_member("binh", "Lê Văn Bình", office_b, Role.CLERK)


@pytest.fixture
def son(office_a):
    return factories.staff_member("son", "Phạm Văn Sơn", office_a, Role.SPECIALIST)


@pytest.fixture
def hoa(office_a):
    return factories.staff_member("hoa", "Đỗ Thị Hoa", office_a, Role.APPROVER)


@pytest.fixture
def tuan(province):
    return factories.staff_member("tuan", "Vũ Minh Tuấn", province, Role.SUPERVISOR)


@pytest.fixture
def mai(province):
    return factories.staff_member("mai", "Hoàng Thị Mai", province, Role.CATALOGUE_ADMIN)


@pytest.fixture
def ngoc(province):
    return factories.staff_member("ngoc", "Lương Thị Ngọc", province, Role.OFFICE_ADMIN)


@pytest.fixture
def dung(office_a):
    return factories.staff_member("dung", "Phan Văn Dũng", office_a, Role.OFFICE_ADMIN)


@pytest.fixture
def specialist_b(office_b):
    return factories.staff_member("khanh", "Đinh Văn Khánh", office_b, Role.SPECIALIST)


@pytest.fixture
def procedure(db):
    """Three working days on every channel; a mandatory form and an optional
    power of attorney."""
    return factories.ProcedureFactory(code="1.000001", name="Thủ tục thử nghiệm")


# A history for the timeliness report ------------------------------------------
# Three working days on office hours 07:00–11:30 and 13:30–17:00: a dossier
# received Monday 12/01/2026 09:00 is due Thursday 15/01 09:00.

REPORT_TODAY = dt.date(2026, 2, 27)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.strptime(f"{day} {time}", "%d/%m/%Y %H:%M").replace(tzinfo=HCM)


class Counter:
    """Commune A's staff, acting at given moments."""

    def __init__(self, clerk, specialist, approver, procedure, office):
        self.clerk, self.specialist, self.approver = clerk, specialist, approver
        self.procedure, self.office = procedure, office

    def walk_in(self, when, **kwargs):
        return received_dossier(self.procedure, self.office, self.clerk, at=at(*when), **kwargs)

    def finish(self, dossier, when):
        moment = at(*when)
        for action, actor in (("appraise", self.specialist), ("approve", self.approver), ("stamp", self.clerk)):
            dossier = perform(dossier, action, actor=actor, at=moment)
        return dossier

    def act(self, dossier, action, when, actor=None, **kwargs):
        actor = actor or {"request_supplement": self.specialist, "apologise": self.approver}.get(action, self.clerk)
        kwargs.setdefault("note", "Lý do")
        return perform(dossier, action, actor=actor, at=at(*when), **kwargs)


@pytest.fixture
def history(vn_holidays, office_a, office_b, chi, son, hoa, binh, specialist_b, lan, procedure):
    a = Counter(chi, son, hoa, procedure, office_a)
    approver_b = staff_member("lam", "Lâm Thị Hà", office_b, Membership.Role.APPROVER)
    other_sector = SectorFactory(code="chung-thuc", name="Chứng thực")
    b = Counter(binh, specialist_b, approver_b, ProcedureFactory(code="2.000815", sector=other_sector), office_b)
    made = {}
    # Finished in January: exactly at the due moment, later on the due day, a day early.
    made["exactly_at_due"] = a.finish(a.walk_in(("12/01/2026",)), ("15/01/2026", "09:00"))
    made["on_the_due_day"] = a.finish(a.walk_in(("12/01/2026",)), ("15/01/2026", "16:30"))
    made["early"] = a.finish(a.walk_in(("12/01/2026",)), ("14/01/2026", "10:00"))
    # Late, after an apology with a new appointment: still late.
    late = a.walk_in(("12/01/2026",))
    late = a.act(late, "apologise", ("14/01/2026",), new_appointment=at("19/01/2026", "16:00"))
    made["late_after_apology"] = a.finish(late, ("16/01/2026", "10:00"))
    # Received on 29/12/2025, due 02/01 (01/01 is a holiday), finished on its due day.
    made["carried_over"] = a.finish(a.walk_in(("29/12/2025",)), ("02/01/2026", "10:00"))
    # Paused across the month's end: asked 29/01, supplied 03/02 (3 working
    # days later), so due 30/01 09:00 becomes 04/02 09:00; stamped 04/02 08:00.
    paused = a.walk_in(("27/01/2026",))
    paused = a.act(paused, "request_supplement", ("29/01/2026", "10:00"))
    paused = a.act(paused, "supplement", ("03/02/2026", "10:00"))
    made["paused_across_months"] = a.finish(paused, ("04/02/2026", "08:00"))
    # Due 29/01, still open at the end of January, finished in February.
    made["overdue_across_months"] = a.finish(a.walk_in(("26/01/2026",)), ("03/02/2026",))
    # Reopened twice by supplements, finished before its due date: late all the same.
    twice = a.walk_in(("05/01/2026",))
    for asked, back in (("06/01/2026", "09:00"), ("07/01/2026", "09:00")):
        twice = a.act(twice, "request_supplement", (asked, back))
        twice = a.act(twice, "supplement", (asked, "14:00"))
    made["two_supplements"] = a.finish(twice, ("08/01/2026", "10:00"))
    made["withdrawn_after_receipt"] = a.act(a.walk_in(("19/01/2026",)), "withdraw", ("20/01/2026",))
    refused = submitted_online(procedure, office_a, lan, at=at("20/01/2026"))
    made["refused_at_intake"] = a.act(refused, "refuse", ("20/01/2026", "10:00"))
    withdrawn = submitted_online(procedure, office_a, lan, at=at("21/01/2026"))
    made["withdrawn_before_receipt"] = a.act(withdrawn, "withdraw", ("21/01/2026", "10:00"))
    # Online, received 28/01, due 02/02: within at the end of January, overdue since.
    online = submitted_online(procedure, office_a, lan, at=at("28/01/2026", "08:00"))
    made["online_still_open"] = a.act(online, "receive", ("28/01/2026",), documents={1})
    # Commune B: by post, finished early; and one overdue since 23/01.
    post = received_dossier(
        b.procedure, office_b, binh, channel="post", incoming_item_number="EB123456785VN", at=at("13/01/2026")
    )
    made["b_post_early"] = b.finish(post, ("14/01/2026",))
    made["b_open_overdue"] = b.walk_in(("20/01/2026",))
    return made


# The REST API ---------------------------------------------------------------------


@pytest.fixture
def api():
    """An API client for anyone, or signed in with `api.as_(user)`."""
    from rest_framework.test import APIClient

    from portal.models import ApiToken

    class Client(APIClient):
        def as_(self, user, scopes=()):
            _token, key = ApiToken.issue(user, "test", scopes=scopes)
            client = Client()
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            return client

    return Client()


def error_of(response) -> dict:
    """The API's one error shape, checked, and its contents."""
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"]
    return body["error"]

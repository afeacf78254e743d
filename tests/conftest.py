"""Shared test set-up: fast settings and a few named people.

The people: Lan, a citizen; Chi, a clerk of commune A (Phường Ba Đình);
Binh, a clerk of commune B (Xã Tây Tựu); Son, a specialist of commune A;
Hoa, an approver of commune A; Tuan, a supervisor of the province; and Mai, a
catalogue administrator of the province.
"""

import pytest

from dossiers.sms import MemoryBackend
from portal.models import CalendarDay, Membership
from tests import factories

Role = Membership.Role


@pytest.fixture(scope="session")
def _static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.fixture(autouse=True)
def _files_elsewhere(settings, tmp_path):
    """Uploaded and generated files go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _fast_settings(settings, _static_root):
    # Static files are served from the source folders, no collectstatic needed.
    settings.STATIC_ROOT = _static_root
    settings.WHITENOISE_USE_FINDERS = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "en"
    settings.SMS_BACKEND = "dossiers.sms.MemoryBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


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
def specialist_b(office_b):
    return factories.staff_member("khanh", "Đinh Văn Khánh", office_b, Role.SPECIALIST)


@pytest.fixture
def procedure(db):
    """Three working days on every channel; a mandatory form and an optional
    power of attorney."""
    return factories.ProcedureFactory(code="1.000001", name="Thủ tục thử nghiệm")

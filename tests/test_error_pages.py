"""The error pages a citizen meets: branded, in the reader's language, with
the right status and the way on (home, the procedures, My dossiers,
tracking a dossier)."""

import re

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WAYS_ON = ('href="/"', 'href="/procedures/"', 'href="/my/"', 'href="/track/"')


@pytest.fixture(autouse=True)
def _as_in_production(settings):
    """Vietnamese by default and DEBUG off, as the portal runs."""
    settings.LANGUAGE_CODE = "vi"
    settings.DEBUG = False


def in_language(client, language):
    if language:
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


@pytest.mark.parametrize(
    ("language", "heading"),
    [(None, "Không tìm thấy trang"), ("en", "Page not found"), ("th", "ไม่พบหน้านี้")],
)
def test_an_address_that_leads_nowhere_says_so_in_the_readers_language(client, language, heading):
    response = in_language(client, language).get("/procedures/9.999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{heading}</h1>" in page and title(page).startswith(heading)
    assert f'<html lang="{language or "vi"}">' in page
    assert all(way in page for way in WAYS_ON)
    assert 'action="/procedures/"' in page  # a search box for the procedures


@pytest.mark.parametrize(
    ("language", "heading"),
    [(None, "Không đọc được yêu cầu"), ("en", "The request could not be read"), ("th", "ไม่สามารถอ่านคำขอได้")],
)
def test_a_request_the_portal_cannot_read_is_a_branded_400(client, language, heading):
    response = in_language(client, language).get("/", HTTP_HOST="not-this-portal.example")
    page = response.content.decode()
    assert response.status_code == 400
    assert f"<h1>{heading}</h1>" in page
    assert all(way in page for way in WAYS_ON)


@pytest.mark.parametrize(
    ("language", "heading", "reason"),
    [
        (None, "Không được phép", "Khu vực làm việc này chỉ dành cho cán bộ"),
        ("en", "Not allowed", "The counter workspace is for the staff of a one-stop office."),
        ("th", "ไม่ได้รับอนุญาต", "พื้นที่ทำงาน"),
    ],
)
def test_a_citizen_at_the_counters_page_is_told_it_is_not_for_them(client, lan, language, heading, reason):
    client.login(username="lan", password=PASSWORD)
    response = in_language(client, language).get("/counter/")
    page = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in page and reason in page
    assert all(way in page for way in WAYS_ON)


@pytest.mark.parametrize(
    ("language", "heading"),
    [(None, "Biểu mẫu của bạn chưa được gửi"), ("en", "Your form was not sent"), ("th", "ยังไม่ได้ส่งแบบฟอร์มของคุณ")],
)
def test_a_form_sent_from_a_stale_page_says_what_happened_and_changes_nothing(language, heading, django_user_model):
    client = in_language(Client(enforce_csrf_checks=True), language)
    response = client.post("/accounts/register/", {"full_name": "An", "phone": "0912345678", "password1": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in page
    assert "CSRF" not in page and "Referer" not in page
    assert all(way in page for way in WAYS_ON)
    assert not django_user_model.objects.exists()


def test_the_500_page_renders_without_a_request_or_a_session():
    translation.deactivate()  # as in a thread that has served nothing yet
    page = render_to_string("500.html")
    assert '<html lang="vi">' in page
    assert "<h1>Đã xảy ra lỗi</h1>" in page
    assert all(way in page for way in WAYS_ON)


@pytest.mark.parametrize(("language", "heading"), [(None, "Đã xảy ra lỗi"), ("en", "Something went wrong")])
def test_an_unexpected_error_is_a_branded_500_that_names_no_one(lan, monkeypatch, language, heading):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("procedures.views.Paginator", broken)
    client = in_language(Client(raise_request_exception=False), language)
    client.login(username="lan", password=PASSWORD)
    response = client.get("/procedures/")
    page = response.content.decode()
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in page
    assert "Nguyễn Thị Lan" not in page and "database went away" not in page
    assert all(way in page for way in WAYS_ON)


def test_a_foreign_host_refused_before_any_session_exists_still_gets_the_branded_400(client, settings):
    """The redirect to HTTPS reads the host before the session middleware
    has run: the page renders without a session."""
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/", HTTP_HOST="not-this-portal.example")
    assert response.status_code == 400
    assert "<h1>Không đọc được yêu cầu</h1>" in response.content.decode()

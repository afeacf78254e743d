"""What a citizen reads when a form is refused: every message in the chosen
language (Django's own and the password rules' included), a summary on top
that names each field and links to it, and "Error:" before the page's
title."""

import re
from html import unescape

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils import translation

from citizens.models import Draft
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
THAI = re.compile(r"[\u0e00-\u0e7f]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
EMPTY = {"full_name": "", "phone": "", "email": "", "password1": "", "password2": ""}
# Said wrong on every count: no name, an email address mistyped, a password
# short, common and all digits, typed the same twice.
BAD_REGISTRATION = {"full_name": "", "phone": "", "email": "not-an-email", "password1": "1234", "password2": "1234"}


@pytest.fixture(autouse=True)
def _vietnamese_by_default(settings):
    """As the portal runs: a message missing in Thai is looked up in the
    default language, Vietnamese."""
    settings.LANGUAGE_CODE = "vi"


def in_language(client, language):
    if language:
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def text(fragment: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def summary(page: str) -> list[tuple[str, str]]:
    """The error summary's lines: (link target, text)."""
    box = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert box, "no error summary"
    return [(href, text(line)) for href, line in re.findall(r'<li><a href="([^"]*)">(.*?)</a></li>', box.group(0))]


def field_errors(page: str) -> list[str]:
    hidden = r'<span class="visually-hidden">[^<]*</span>'
    return [text(error) for error in re.findall(rf'<span class="field-error">(?:{hidden})?(.*?)</span>', page, re.S)]


def messages(page: str) -> list[str]:
    return [line for _href, line in summary(page)] + field_errors(page)


def title(page: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip())


def test_a_refused_registration_in_thai_speaks_only_thai(client):
    page = in_language(client, "th").post("/accounts/register/", BAD_REGISTRATION).content.decode()
    said = messages(page)
    assert len(said) >= 8  # a name, an address and three password rules, each on top and beside its field
    for message in said:
        assert THAI.search(message), message
        assert not VIETNAMESE.search(message), message
        assert not ENGLISH_WORD.search(message.replace("name@example.com", "")), message
    assert "รหัสผ่านนี้สั้นเกินไป ต้องมีอย่างน้อย 8 ตัวอักษร" in page
    assert "รหัสผ่านนี้ใช้กันทั่วไปเกินไป" in page and "รหัสผ่านนี้มีแต่ตัวเลข" in page


def test_a_refused_registration_in_english_shows_no_vietnamese(client):
    page = in_language(client, "en").post("/accounts/register/", BAD_REGISTRATION).content.decode()
    said = messages(page)
    assert said and not any(VIETNAMESE.search(message) for message in said)
    assert "Full name: This field is required." in said
    assert "Password: This password is too short. It must contain at least 8 characters." in said


def test_a_refused_registration_in_vietnamese_has_no_english_left(client):
    page = client.post("/accounts/register/", BAD_REGISTRATION).content.decode()
    said = messages(page)
    assert "Họ và tên: Trường này là bắt buộc." in said
    assert "Mật khẩu: Mật khẩu này quá ngắn: cần ít nhất 8 ký tự." in said
    for message in said:
        assert not ENGLISH_WORD.search(message.replace("ten@example.com", "").replace("email", "")), message


def test_two_different_passwords_and_a_password_like_the_phone_are_said_in_thai(client):
    client = in_language(client, "th")
    differ = client.post(
        "/accounts/register/", {**BAD_REGISTRATION, "full_name": "An", "password2": "12345"}
    ).content.decode()
    assert "ยืนยันรหัสผ่าน: รหัสผ่านทั้งสองไม่ตรงกัน" in messages(differ)
    similar = client.post(
        "/accounts/register/",
        {"full_name": "An", "phone": "", "email": "somchai.jaidee@example.org", "password1": "somchai.jaidee"}
        | {"password2": "somchai.jaidee"},
    ).content.decode()
    assert "รหัสผ่านคล้ายกับอีเมลของคุณเกินไป" in similar


def test_the_summary_names_each_field_links_to_it_and_comes_right_after_the_heading(client):
    page = client.post("/accounts/register/", EMPTY).content.decode()
    lines = summary(page)
    assert ("#id_full_name", "Họ và tên: Trường này là bắt buộc.") in lines
    assert ("#id_password1", "Mật khẩu: Trường này là bắt buộc.") in lines
    assert ("#id_password2", "Nhập lại mật khẩu: Trường này là bắt buộc.") in lines
    assert len({line for _href, line in lines}) == len(lines)  # no line said twice
    for href, _line in lines:
        assert f'id="{href[1:]}"' in page
    assert re.search(r"</h1>\s*<div class=\"error-summary\"[^>]*tabindex=\"-1\"[^>]*autofocus", page)
    assert 'src="/static/js/error-summary.js"' in page


@pytest.mark.parametrize(("language", "prefix"), [(None, "Lỗi: "), ("en", "Error: "), ("th", "ข้อผิดพลาด: ")])
def test_a_refused_form_puts_error_before_the_title_and_only_then(client, language, prefix):
    client = in_language(client, language)
    assert not title(client.get("/accounts/register/").content.decode()).startswith(prefix)
    assert title(client.post("/accounts/register/", EMPTY).content.decode()).startswith(prefix)
    assert title(client.post("/track/", {"code": "", "phone_last4": ""}).content.decode()).startswith(prefix)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (None, "Số điện thoại, email hoặc mật khẩu chưa đúng."),
        ("en", "The phone number, email or password is not right."),
        ("th", "หมายเลขโทรศัพท์ อีเมล หรือรหัสผ่านไม่ถูกต้อง"),
    ],
)
def test_a_wrong_sign_in_speaks_of_phone_and_email_not_username_or_letter_case(client, lan, language, said):
    response = in_language(client, language).post("/accounts/login/", {"username": "0912345678", "password": "x"})
    page = response.content.decode()
    lines = summary(page)
    assert lines[0] == ("#id_username", lines[0][1]) and lines[0][1].startswith(said)
    for word in ("username", "case-sensitive", "tên đăng nhập", "chữ hoa", "ชื่อผู้ใช้", "ตัวพิมพ์"):
        assert word not in lines[0][1]
    assert title(page).startswith({"en": "Error: ", "th": "ข้อผิดพลาด: "}.get(language, "Lỗi: "))


def test_changing_the_password_in_thai_names_each_problem_in_thai(client, lan):
    client.login(username="lan", password=PASSWORD)
    response = in_language(client, "th").post(
        "/accounts/password/change/", {"old_password": "wrong", "password1": "", "password2": ""}
    )
    said = messages(response.content.decode())
    assert response.status_code == 400 and said
    for message in said:
        assert THAI.search(message) and not VIETNAMESE.search(message), message


def test_a_track_form_sent_empty_names_both_fields(client):
    page = in_language(client, "en").post("/track/", {"code": "", "phone_last4": ""}).content.decode()
    assert ("#id_code", "Dossier code: This field is required.") in summary(page)
    assert ("#id_phone_last4", "Last 4 digits of the phone number on the dossier: This field is required.") in summary(
        page
    )


def test_an_application_step_with_errors_names_its_fields_in_thai(client, lan, procedure):
    client.login(username="lan", password=PASSWORD)
    client.post(f"/apply/{procedure.code}/")
    draft = Draft.objects.latest("pk")
    response = in_language(client, "th").post(f"/applications/{draft.pk}/applicant/", {"name": "", "email": "x"})
    page = response.content.decode()
    lines = summary(page)
    assert lines and all(href.startswith("#id_") for href, _line in lines)
    for _href, line in lines:
        label, message = line.split(": ", 1)
        assert THAI.search(label) and THAI.search(message), line
        assert not VIETNAMESE.search(line), line
    assert title(page).startswith("ข้อผิดพลาด: ")


def test_setting_a_new_password_in_thai_says_every_rule_in_thai(lan):
    """The page after the code (Django's own form): its labels, the rules
    under the field and the mismatch are all Thai."""
    with translation.override("th"):
        form = SetPasswordForm(lan, {"new_password1": "12345678", "new_password2": "1234567"})
        said = [str(form.fields[name].label) for name in form.fields] + [
            str(error) for errors in form.errors.values() for error in errors
        ]
        said.append(str(form.fields["new_password1"].help_text))
    assert "รหัสผ่านทั้งสองช่องไม่ตรงกัน" in said
    for message in said:
        assert THAI.search(message) and not VIETNAMESE.search(message), message


def test_a_field_in_error_is_described_by_its_message_and_its_hint(client, lan, procedure):
    # A screen reader on the input hears the message beside it, then the hint.
    client.login(username="lan", password=PASSWORD)
    client.post(f"/apply/{procedure.code}/")
    draft = Draft.objects.latest("pk")
    page = in_language(client, "en").post(f"/applications/{draft.pk}/applicant/", {"phone": "12"}).content.decode()
    phone = re.search(r"<input[^>]*id=\"id_phone\"[^>]*>", page).group(0)
    assert 'aria-describedby="id_phone_error id_phone_helptext"' in phone and 'aria-invalid="true"' in phone
    assert re.search(r'<span id="id_phone_error"><span class="field-error">', page)
    # A field without an error is described by nothing else.
    assert "_error" not in re.search(r"<input[^>]*id=\"id_email\"[^>]*>", page).group(0)

"""Citizen accounts: register with a phone number or an email address, proved
by a code sent to it, sign in with either, set a new password the same way,
and keep the details that fill every application. Registering and the new
password tell nobody whether a number or an address has an account."""

import re

import pytest
from django.core import mail

from portal.models import User
from portal.sms import MemoryBackend
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "ruong-lua-xanh-2026"
CODE_PAGE = "/accounts/register/code/"

pytestmark = pytest.mark.django_db


def register(client, **data):
    form = {"full_name": "Lò Văn Páo", "phone": "", "email": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post("/accounts/register/", {**form, **data})


def enter(client, code, page=CODE_PAGE):
    return client.post(page, {"action": "verify", "code": code})


def texts_to(phone) -> list[str]:
    return [text for to, text in MemoryBackend.outbox if to == phone]


def code_in(text) -> str:
    return re.search(r"\b\d{6}\b", text).group()


def test_registering_with_a_phone_number_takes_the_code_texted_to_it(client):
    response = register(client, phone="0987 654 321")
    assert response.status_code == 302 and response["Location"] == CODE_PAGE
    assert not User.objects.exists()  # nothing before the code
    [text] = texts_to("0987654321")
    assert "Your code to create your account on the One-stop portal" in text
    page = client.get(CODE_PAGE).content.decode()
    assert "We texted a 6-digit code to 09******21." in page and "0987654321" not in page

    wrong = enter(client, "000000" if code_in(text) != "000000" else "111111")
    assert wrong.status_code == 400
    assert "That is not the code we sent. 4 tries left with this code." in wrong.content.decode()
    assert not User.objects.exists()

    response = enter(client, f" {code_in(text)} ")
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.username, user.phone, user.full_name) == ("0987654321", "0987654321", "Lò Văn Páo")
    assert user.check_password(NEW_PASSWORD)
    assert "Lò Văn Páo" in client.get("/my/").content.decode()
    # The code is spent, and the page has nothing to wait for.
    assert client.get(CODE_PAGE)["Location"] == "/accounts/register/"


def test_registering_with_an_email_address_takes_the_code_emailed_to_it(client):
    register(client, email="Pao@Example.org", **{"next": "/procedures/"})
    [message] = mail.outbox
    assert message.to == ["Pao@Example.org"] and "Your code to create your account" in message.subject
    assert code_in(message.subject + message.body) not in message.subject  # the code only in the body
    assert "We emailed a 6-digit code to P**@Example.org." in client.get(CODE_PAGE).content.decode()
    response = enter(client, code_in(message.body))
    assert response["Location"] == "/procedures/"
    assert User.objects.get().username == "pao@example.org"


def as_seen(response, *masked: str) -> tuple[int, str, str]:
    """What the person sees, but for the form's token and the masked number."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())
    for mask in masked:
        text = text.replace(mask, "MASKED")
    return response.status_code, response.get("Location", ""), text


def test_registration_answers_the_same_whether_or_not_the_phone_has_an_account(client, django_user_model):
    holder = UserFactory(username="someone", phone="0987654321", email="taken@example.org")
    answers, wrong = [], "123456"
    for phone in ("0987 654 322", "+84 987 654 321"):  # the second is the holder's, however spelt
        client.logout()
        seen = [as_seen(register(client, phone=phone)), as_seen(client.get(CODE_PAGE), "09******21", "09******22")]
        if MemoryBackend.outbox and code_in(MemoryBackend.outbox[0][1]) == wrong:
            wrong = "654321"
        seen += [as_seen(enter(client, wrong), "09******21", "09******22") for _ in range(6)]
        answers.append(seen)
    free, taken = answers
    assert taken == free
    assert taken[0][:2] == (302, CODE_PAGE)
    assert "That is not the code we sent. 4 tries left with this code." in taken[2][2]
    assert "This code is no longer valid: ask for a new one." in taken[-1][2]
    # The holder is told, and given no code; nothing else changes.
    [notice] = texts_to("0987654321")
    assert "Someone tried to create an account on the One-stop portal with this phone number" in notice
    assert "If it was you, sign in or set a new password at http" in notice
    assert not re.search(r"\b\d{6}\b", notice)
    assert list(django_user_model.objects.values_list("username", flat=True)) == [holder.username]


def test_registration_answers_the_same_whether_or_not_the_email_has_an_account(client):
    UserFactory(username="someone", email="taken@example.org")
    assert register(client, email="TAKEN@example.org")["Location"] == CODE_PAGE
    [notice] = mail.outbox
    assert notice.to == ["TAKEN@example.org"]
    assert "with this email address, which your account already uses" in notice.body
    assert not re.search(r"\b\d{6}\b", notice.body)
    page = client.get(CODE_PAGE).content.decode()
    assert "We emailed a 6-digit code to T****@example.org." in page
    for code in ("000000", "999999"):
        assert "That is not the code we sent." in enter(client, code).content.decode()
    assert User.objects.count() == 1


def test_an_email_given_beside_a_phone_goes_on_the_account_only_if_it_is_free(client):
    UserFactory(username="someone", email="taken@example.org")
    register(client, phone="0987654321", email="taken@example.org")
    enter(client, code_in(texts_to("0987654321")[0]))
    newcomer = User.objects.get(phone="0987654321")
    assert newcomer.email == ""
    [notice] = mail.outbox
    assert notice.to == ["taken@example.org"] and "already uses" in notice.body


def test_a_code_is_good_for_ten_minutes_and_five_wrong_tries(client):
    register(client, phone="0987654321")
    code = code_in(texts_to("0987654321")[0])
    session = client.session
    session["registration"]["sent_at"] -= 601
    session.save()
    assert "This code is no longer valid: ask for a new one." in enter(client, code).content.decode()

    client.logout()
    register(client, phone="0987654322")
    code = code_in(texts_to("0987654322")[0])
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        assert f"{left} tries left" in enter(client, wrong).content.decode()
    assert "That is not the code we sent. Ask for a new one." in enter(client, wrong).content.decode()
    assert "This code is no longer valid" in enter(client, code).content.decode()
    assert not User.objects.exists()


def test_a_new_code_after_a_minute_and_the_old_one_stops_working(client):
    register(client, phone="0987654321")
    old = code_in(texts_to("0987654321")[0])
    page = client.post(CODE_PAGE, {"action": "send"}, follow=True).content.decode()
    assert "A code was sent less than a minute ago" in page
    assert len(texts_to("0987654321")) == 1
    session = client.session
    session["registration"]["sent_at"] -= 61
    session.save()
    page = client.post(CODE_PAGE, {"action": "send"}, follow=True).content.decode()
    assert "We sent a new code to 09******21." in page
    new = code_in(texts_to("0987654321")[1])
    if new != old:
        assert enter(client, old).status_code == 400
    assert enter(client, new).status_code == 302


def test_codes_to_one_number_are_limited_whoever_asks(client, settings):
    settings.CODE_RECIPIENT_ATTEMPTS = 2
    for _ in range(2):
        client.logout()
        assert register(client, phone="0987654321").status_code == 302
    client.logout()
    refused = register(client, phone="0987 654 321")
    assert refused.status_code == 200
    assert "Too many codes were asked for this number or address" in refused.content.decode()
    assert len(texts_to("0987654321")) == 2


def test_a_gateway_that_fails_is_said_and_nothing_waits(client, settings):
    settings.SMS_BACKEND = "tests.gateways.BrokenGateway"
    page = register(client, phone="0987654321").content.decode()
    assert "We could not send the message just now. Try again in a few minutes." in page
    assert client.get(CODE_PAGE)["Location"] == "/accounts/register/"


def test_a_citizen_signs_in_with_the_phone_in_any_spelling_or_the_email(client):
    UserFactory(username="pao", phone="0987654321", email="Pao@Example.org")
    for identifier in ("0987 654 321", "+84 987.654.321", "pao@example.org", "pao"):
        client.logout()
        response = client.post("/accounts/login/", {"username": identifier, "password": PASSWORD})
        assert response.status_code == 302, identifier
    client.logout()
    page = client.post("/accounts/login/", {"username": "0987654321", "password": "wrong"}).content.decode()
    assert "The phone number, email or password is not right" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter a phone number or an email address"),
        ({"phone": "12ab"}, "Enter a phone number of 9 to 12 digits"),
        ({"phone": "0987654321", "password2": "something-else-1"}, "The two passwords differ"),
        (
            {"phone": "0987654321", "password1": "12345678", "password2": "12345678"},
            "This password is entirely numeric",
        ),
    ],
)
def test_registration_explains_what_is_wrong_and_sends_nothing(client, data, message):
    response = register(client, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists() and not MemoryBackend.outbox


def test_the_profile_keeps_the_details_and_refuses_another_accounts_phone(client, lan):
    UserFactory(username="other", phone="0911111111")
    client.login(username="lan", password=PASSWORD)
    details = {
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "email": "lan@example.org",
        "id_number": "001190012345",
        "address": "Số 1 phố Hàng Bạc",
    }
    assert client.post("/accounts/profile/", details).status_code == 302
    lan.refresh_from_db()
    assert (lan.phone, lan.id_number, lan.address) == ("0912345678", "001190012345", "Số 1 phố Hàng Bạc")

    page = client.post("/accounts/profile/", {**details, "phone": "0911 111 111"}).content.decode()
    assert "An account with this phone number already exists" in page
    lan.refresh_from_db()
    assert lan.phone == "0912345678"


def test_a_phone_number_given_up_by_one_account_signs_in_to_its_new_holder(client):
    UserFactory(username="0987654321", phone="0911000111")  # registered with it, then changed
    register(client, phone="0987654321")
    enter(client, code_in(texts_to("0987654321")[0]))
    newcomer = User.objects.get(phone="0987654321")
    assert newcomer.username == "0987654321.2"
    client.logout()
    client.post("/accounts/login/", {"username": "0987 654 321", "password": NEW_PASSWORD})
    assert client.get("/my/").context["user"] == newcomer


# A new password ------------------------------------------------------------------------------


def test_a_forgotten_password_is_replaced_with_a_code_texted_to_the_accounts_phone(client, settings):
    settings.SIGN_IN_ACCOUNT_FAILURES = 2
    lan = UserFactory(username="lan", phone="0912345678")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "0912345678", "password": "wrong"})
    assert (
        "signing in is paused"
        in client.post("/accounts/login/", {"username": "0912345678", "password": PASSWORD}).content.decode()
    )

    assert client.post("/accounts/password/", {"destination": "+84 912 345 678"})["Location"] == (
        "/accounts/password/code/"
    )
    [text] = texts_to("0912345678")
    assert "Your code to set a new password on the One-stop portal" in text
    assert client.get("/accounts/password/new/")["Location"] == "/accounts/password/"  # not before the code
    assert enter(client, code_in(text), "/accounts/password/code/")["Location"] == "/accounts/password/new/"
    short = client.post("/accounts/password/new/", {"new_password1": "matkhau1", "new_password2": "matkhau1"})
    assert short.status_code == 200 and "one of the most common" in short.content.decode()
    done = client.post("/accounts/password/new/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/my/"
    lan.refresh_from_db()
    assert lan.check_password(NEW_PASSWORD)
    # The code is spent; the lockout of the wrong passwords is over.
    assert client.get("/accounts/password/new/")["Location"] == "/accounts/password/"
    client.logout()
    assert client.post("/accounts/login/", {"username": "0912345678", "password": NEW_PASSWORD}).status_code == 302


def test_asking_for_a_new_password_tells_nobody_whether_an_account_exists(client):
    UserFactory(username="lan", phone="0912345678")
    pages = []
    for phone in ("0912345678", "0912345679"):
        client.logout()
        client.post("/accounts/password/", {"destination": phone})
        page = client.get("/accounts/password/code/").content.decode()
        pages.append(re.sub(r"csrfmiddlewaretoken\" value=\"\w+|09\*+7[89]", "", page))
        assert "That is not the code we sent." in enter(client, "123456", "/accounts/password/code/").content.decode()
    assert pages[0] == pages[1]
    [stranger] = texts_to("0912345679")
    assert "no account uses it" in stranger and not re.search(r"\b\d{6}\b", stranger)
    assert client.get("/accounts/password/new/")["Location"] == "/accounts/password/"


def test_a_new_password_is_asked_for_by_phone_or_email_only(client):
    page = client.post("/accounts/password/", {"destination": "lan"}).content.decode()
    assert "Enter the phone number or the email address your account uses." in page
    assert not MemoryBackend.outbox and not mail.outbox


def test_a_registration_kept_in_an_older_shape_starts_again(client):
    session = client.session
    session["registration"] = {"phone": "0987654321", "code": "123456"}
    session.save()
    assert client.get(CODE_PAGE)["Location"] == "/accounts/register/"

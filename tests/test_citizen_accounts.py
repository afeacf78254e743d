"""Citizen accounts: register with a phone number or an email address, sign in
with either, and keep the details that fill every application."""

import pytest

from portal.models import User
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "ruong-lua-xanh-2026"


def register(client, **data):
    form = {"full_name": "Lò Văn Páo", "phone": "", "email": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post("/accounts/register/", {**form, **data})


@pytest.mark.django_db
def test_registering_with_a_phone_number_signs_the_citizen_in(client):
    response = register(client, phone="0987 654 321")
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.username, user.phone, user.full_name) == ("0987654321", "0987654321", "Lò Văn Páo")
    assert "Lò Văn Páo" in client.get("/my/").content.decode()


@pytest.mark.django_db
def test_a_citizen_signs_in_with_the_phone_in_any_spelling_or_the_email(client):
    UserFactory(username="pao", phone="0987654321", email="Pao@Example.org")
    for identifier in ("0987 654 321", "+84 987.654.321", "pao@example.org", "pao"):
        client.logout()
        response = client.post("/accounts/login/", {"username": identifier, "password": PASSWORD})
        assert response.status_code == 302, identifier
    client.logout()
    page = client.post("/accounts/login/", {"username": "0987654321", "password": "wrong"}).content.decode()
    assert "Please enter a correct" in page


@pytest.mark.django_db
def test_registration_refuses_a_taken_phone_or_email_and_creates_nothing(client):
    UserFactory(username="someone", phone="0987654321", email="taken@example.org")
    page = register(client, phone="+84987654321").content.decode()
    assert "An account with this phone number already exists" in page
    page = register(client, email="TAKEN@example.org").content.decode()
    assert "An account with this email address already exists" in page
    assert User.objects.count() == 1


@pytest.mark.django_db
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
def test_registration_explains_what_is_wrong(client, data, message):
    response = register(client, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_a_phone_number_given_up_by_one_account_signs_in_to_its_new_holder(client):
    UserFactory(username="0987654321", phone="0911000111")  # registered with it, then changed
    register(client, phone="0987654321")
    newcomer = User.objects.get(phone="0987654321")
    assert newcomer.username == "0987654321.2"
    client.logout()
    client.post("/accounts/login/", {"username": "0987 654 321", "password": NEW_PASSWORD})
    assert client.get("/my/").context["user"] == newcomer

"""Account takeover, refused: a lockout after a few wrong passwords at every
door, limits counted by the client's real address (never by a header the
caller wrote), passwords nobody can guess from a receipt, and API keys that
expire and die with the password that issued them."""

import datetime as dt
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.utils import timezone

from portal import limits
from portal.clients import client_address
from portal.models import ApiToken
from tests.conftest import error_of
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, **headers)


def signed_in(client) -> bool:
    return client.get("/my/").status_code == 200


# Lockout -----------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_to_the_right_one(client, settings):
    UserFactory(username="pao", phone="0987654321")
    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURES):
        assert "Please enter a correct" in sign_in(client, "0987654321", "wrong").content.decode()
    page = sign_in(client, "0987654321", PASSWORD).content.decode()
    assert "Too many wrong passwords" in page and "Try again in 15 minutes" in page
    assert not signed_in(client)


def test_the_lock_counts_one_account_however_its_phone_is_typed(client, settings):
    UserFactory(username="pao", phone="0987654321")
    for spelling in ("0987 654 321", "+84987654321", "+84 987.654.321", "0987-654-321", "pao"):
        sign_in(client, spelling, "wrong")
    assert "Too many wrong passwords" in sign_in(client, "0987654321", PASSWORD).content.decode()


def test_the_lock_ends_by_itself(client, settings, monkeypatch):
    UserFactory(username="pao", phone="0987654321")
    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURES):
        sign_in(client, "pao", "wrong")
    later = time.time() + settings.SIGN_IN_LOCKOUT_SECONDS
    monkeypatch.setattr(limits.time, "time", lambda: later)
    assert sign_in(client, "pao", PASSWORD).status_code == 302


def test_a_right_password_clears_the_wrong_ones_before_it(client, settings):
    UserFactory(username="pao")
    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURES - 1):
        sign_in(client, "pao", "wrong")
    assert sign_in(client, "pao", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURES - 1):
        sign_in(client, "pao", "wrong")
    assert sign_in(client, "pao", PASSWORD).status_code == 302


def test_unknown_names_lock_too_so_a_lock_tells_nobody_who_has_an_account(client, settings):
    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURES):
        sign_in(client, "0900000001", "wrong")
    assert "Too many wrong passwords" in sign_in(client, "0900000001", "wrong").content.decode()


def test_the_api_and_the_administration_site_share_the_lock(client, api, settings, mai):
    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURES):
        api.post("/api/v1/auth/token/", {"username": "mai", "password": "wrong"}, format="json")
    refused = api.post("/api/v1/auth/token/", {"username": "mai", "password": PASSWORD}, format="json")
    assert refused.status_code == 429
    assert "Too many wrong passwords" in error_of(refused)["message"]
    admin = client.post("/admin/login/", {"username": "mai", "password": PASSWORD})
    assert "Too many wrong passwords" in admin.content.decode()
    assert not ApiToken.objects.exists()


def test_many_wrong_passwords_from_one_address_lock_that_address_only(client, settings):
    settings.SIGN_IN_ADDRESS_FAILURES = 3
    UserFactory(username="pao")
    for name in ("an", "binh", "cuong"):
        sign_in(client, name, "wrong", REMOTE_ADDR="203.0.113.9")
    assert "Too many wrong passwords" in sign_in(client, "pao", PASSWORD, REMOTE_ADDR="203.0.113.9").content.decode()
    assert sign_in(client, "pao", PASSWORD, REMOTE_ADDR="203.0.113.10").status_code == 302


def test_a_forged_forwarded_header_buys_no_fresh_address(client, settings):
    settings.SIGN_IN_ADDRESS_FAILURES = 3
    UserFactory(username="pao")
    for number, name in enumerate(("an", "binh", "cuong")):
        sign_in(client, name, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    forged = sign_in(client, "pao", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert "Too many wrong passwords" in forged.content.decode()


# The client's address ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.2"),  # no proxy trusted: the header is the caller's word
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the forged entry is further left
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (3, "198.51.100.7", "198.51.100.7"),
    ],
)
def test_the_client_address_is_read_past_the_trusted_proxies_only(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_the_proxy_header_can_be_another_one(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_HEADER = 1, "X-Real-IP"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.7")
    assert client_address(request) == "198.51.100.7"


def test_the_api_rate_counts_the_real_address_not_a_forged_header(api, settings):
    rest_framework = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "sign_in": "2/min"},
    }
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        answers = [
            api.post(
                "/api/v1/auth/token/",
                {"username": "x", "password": "y"},
                format="json",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            ).status_code
            for n in range(3)
        ]
    finally:
        # The rates a throttle class holds outlive the settings fixture: put
        # the real ones back for the tests after this one.
        settings.REST_FRAMEWORK = rest_framework
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert answers == [400, 400, 429]


def test_behind_a_trusted_proxy_each_citizen_has_their_own_tracking_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRACKING_ADDRESS_ATTEMPTS = 1, 2
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        client.post("/track/", {"code": "NO-SUCH", "phone_last4": "0000"}, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    refused = client.post(
        "/track/", {"code": "NO-OTHER", "phone_last4": "0000"}, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy
    )
    assert refused.status_code == 429
    neighbour = client.post(
        "/track/", {"code": "NO-OTHER", "phone_last4": "0000"}, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy
    )
    assert neighbour.status_code == 404


# The shared cache ------------------------------------------------------------------------------------


def test_limits_live_in_the_database_cache_by_default():
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}}
    ):
        cache.close()
        limit = limits.SIGN_IN_ACCOUNT
        for _ in range(3):
            limit.hit("user:1")
        assert limit.count("user:1") == 3
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM portal_cache")
            assert cursor.fetchone()[0] == 1


# Passwords --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["matkhau1", "MậtKhẩu@2026", "anh yeu em 123", "dichvucong2025!", "Abc123456"])
def test_common_local_passwords_are_refused_however_decorated(password):
    with pytest.raises(ValidationError):
        validate_password(password, UserFactory.build(username="x"))


def test_a_password_holding_the_phone_or_id_number_is_refused():
    user = UserFactory.build(username="x", phone="0987654321", id_number="001090012345")
    with pytest.raises(ValidationError, match="phone number"):
        validate_password("toi-0987654321", user)
    with pytest.raises(ValidationError, match="ID number"):
        validate_password("so-001090012345", user)
    validate_password("ruong-lua-xanh-2026", user)


def test_registration_refuses_a_common_password_and_creates_nothing(client):
    form = {
        "full_name": "Lò Văn Páo",
        "phone": "0987654321",
        "email": "",
        "password1": "matkhau1",
        "password2": "matkhau1",
    }
    page = client.post("/accounts/register/", form).content.decode()
    assert "one of the most common" in page
    assert not UserFactory._meta.model.objects.filter(phone="0987654321").exists()


# API keys -----------------------------------------------------------------------------------------------


def test_every_key_expires(lan):
    personal, _ = ApiToken.issue(lan, "phone")
    partner, _ = ApiToken.issue(UserFactory(username="hospital"), "Bệnh viện", scopes=["events:birth"])
    now = timezone.now()
    assert dt.timedelta(days=29) < personal.expires_at - now <= dt.timedelta(days=30)
    assert dt.timedelta(days=364) < partner.expires_at - now <= dt.timedelta(days=365)


def test_a_password_change_revokes_the_keys_signed_in_with_the_old_one(api, lan):
    _token, key = ApiToken.issue(lan, "stolen")
    partner_account = UserFactory(username="hospital")
    ApiToken.issue(partner_account, "Bệnh viện", scopes=["events:birth"])
    lan.set_password("ruong-lua-xanh-2026")
    lan.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/dossiers/").status_code == 401
    assert not lan.api_tokens.exists()
    assert partner_account.api_tokens.count() == 1

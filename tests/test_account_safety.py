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
        assert (
            "The phone number, email or password is not right"
            in sign_in(client, "0987654321", "wrong").content.decode()
        )
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
    admin = client.post("/accounts/login/?next=/admin/", {"username": "mai", "password": PASSWORD})
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


def test_the_api_rate_counts_the_real_address_not_a_forged_header(api, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "sign_in": "2/min"})
    answers = [
        api.post(
            "/api/v1/auth/token/",
            {"username": "x", "password": "y"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(3)
    ]
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


# Forgotten passwords (the flow itself: tests/test_citizen_accounts.py) -------------------------------


def texted_code(phone: str) -> str:
    import re

    from portal.sms import MemoryBackend

    texts = [text for to, text in MemoryBackend.outbox if to == phone]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def new_password_by_code(client, phone: str, password: str):
    client.post("/accounts/password/", {"destination": phone})
    client.post("/accounts/password/code/", {"action": "verify", "code": texted_code(phone)})
    return client.post("/accounts/password/new/", {"new_password1": password, "new_password2": password})


def test_a_password_set_by_code_revokes_the_keys_of_the_old_one(client, api):
    user = UserFactory(username="pao", phone="0987654321")
    _token, key = ApiToken.issue(user, "old phone")
    assert new_password_by_code(client, "0987654321", "ruong-lua-xanh-2026").status_code == 302
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/dossiers/").status_code == 401


def test_a_code_to_the_phone_opens_no_session_for_those_who_sign_in_in_two_steps(client, hoa):
    import pyotp

    hoa.phone, hoa.totp_secret = "0987000222", pyotp.random_base32()
    hoa.save()
    done = new_password_by_code(client, "0987000222", "ruong-lua-xanh-2026")
    assert done["Location"] == "/accounts/login/"
    assert not signed_in(client)
    assert sign_in(client, "hoa", "ruong-lua-xanh-2026")["Location"] == "/accounts/login/code/"


# Changing a password ------------------------------------------------------------------------------------


def test_changing_the_password_needs_the_current_one_and_revokes_the_keys(client, lan):
    _token, _key = ApiToken.issue(lan, "laptop")
    client.force_login(lan)
    wrong = {"old_password": "nope", "password1": "ruong-lua-xanh-2026", "password2": "ruong-lua-xanh-2026"}
    assert "not your current password" in client.post("/accounts/password/change/", wrong).content.decode()
    assert lan.api_tokens.count() == 1
    right = {**wrong, "old_password": PASSWORD}
    assert client.post("/accounts/password/change/", right).status_code == 302
    assert signed_in(client)  # this session goes on
    assert not lan.api_tokens.exists()


def test_a_changed_password_signs_out_the_other_devices(client, lan):
    from django.test import Client

    other = Client()
    other.force_login(lan)
    client.force_login(lan)
    client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "password1": "ruong-lua-xanh-2026", "password2": "ruong-lua-xanh-2026"},
    )
    assert not signed_in(other)


# Revoking keys -------------------------------------------------------------------------------------------


def test_the_owner_revokes_a_key_on_the_web(client, api, lan):
    token, key = ApiToken.issue(lan, "old laptop")
    client.force_login(lan)
    assert "old laptop" in client.get("/accounts/keys/").content.decode()
    client.post("/accounts/keys/", {"revoke": token.pk})
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/dossiers/").status_code == 401


def test_nobody_revokes_another_persons_key(client, lan):
    token, _key = ApiToken.issue(lan, "mine")
    client.force_login(UserFactory(username="stranger"))
    client.post("/accounts/keys/", {"revoke": token.pk})
    client.post("/accounts/keys/", {"revoke": "not-a-number"})
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_owner_lists_and_revokes_keys_through_the_api(api, lan):
    token, key = ApiToken.issue(lan, "script")
    other, _ = ApiToken.issue(UserFactory(username="stranger"), "theirs")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    keys = api.get("/api/v1/auth/keys/").json()
    assert [(k["name"], k["current"]) for k in keys] == [("script", True)]
    assert "key_sha256" not in keys[0]
    assert error_of(api.delete(f"/api/v1/auth/keys/{other.pk}/"))["code"] == "not_found"
    assert api.delete(f"/api/v1/auth/keys/{token.pk}/").status_code == 204
    assert api.get("/api/v1/auth/keys/").status_code == 401
    assert ApiToken.objects.filter(pk=other.pk).exists()


# Two-step sign-in ----------------------------------------------------------------------------------------


def secret_on(page) -> str:
    import re

    return re.search(r'id="totp-secret">(\w+)<', page.content.decode()).group(1)


def test_an_approver_sets_up_two_step_sign_in_before_any_session(client, hoa):
    import pyotp

    assert sign_in(client, "hoa", PASSWORD)["Location"] == "/accounts/login/code/"
    assert not signed_in(client)
    secret = secret_on(client.get("/accounts/login/code/"))
    wrong = client.post(
        "/accounts/login/code/", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "wrong or already used" in wrong.content.decode()
    assert client.post("/accounts/login/code/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert signed_in(client)
    hoa.refresh_from_db()
    assert hoa.totp_secret == secret


def test_a_code_is_good_once(client, hoa):
    import pyotp

    hoa.totp_secret = pyotp.random_base32()
    hoa.save()
    code = pyotp.TOTP(hoa.totp_secret).now()
    sign_in(client, "hoa", PASSWORD)
    assert client.post("/accounts/login/code/", {"code": code}).status_code == 302
    client.logout()
    sign_in(client, "hoa", PASSWORD)
    replay = client.post("/accounts/login/code/", {"code": code})
    assert replay.status_code == 400 and not signed_in(client)


def test_wrong_codes_count_toward_the_lockout(client, hoa, settings):
    import pyotp

    hoa.totp_secret = pyotp.random_base32()
    hoa.save()
    good = pyotp.TOTP(hoa.totp_secret).now()
    bad = f"{(int(good) + 500000) % 10**6:06d}"
    sign_in(client, "hoa", PASSWORD)
    for _ in range(settings.SIGN_IN_ACCOUNT_FAILURES):
        client.post("/accounts/login/code/", {"code": bad})
    assert client.post("/accounts/login/code/", {"code": good}).status_code == 302
    assert not signed_in(client)
    assert "Too many wrong passwords" in sign_in(client, "hoa", PASSWORD).content.decode()


def test_a_clerk_signs_in_in_one_step_and_may_turn_two_steps_on(client, chi):
    import pyotp

    assert sign_in(client, "chi", PASSWORD)["Location"] == "/"
    secret = secret_on(client.get("/accounts/two-step/"))
    assert client.post("/accounts/two-step/", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    client.logout()
    assert sign_in(client, "chi", PASSWORD)["Location"] == "/accounts/login/code/"


def test_the_api_asks_the_code_of_those_who_sign_in_in_two_steps(api, hoa):
    import pyotp

    credentials = {"username": "hoa", "password": PASSWORD}
    not_set_up = api.post("/api/v1/auth/token/", credentials, format="json")
    assert not_set_up.status_code == 403 and "set it up" in error_of(not_set_up)["message"]
    hoa.totp_secret = pyotp.random_base32()
    hoa.save()
    assert "otp" in error_of(api.post("/api/v1/auth/token/", credentials, format="json"))["fields"]
    assert api.post("/api/v1/auth/token/", {**credentials, "otp": "12345x"}, format="json").status_code == 400
    good = api.post("/api/v1/auth/token/", {**credentials, "otp": pyotp.TOTP(hoa.totp_secret).now()}, format="json")
    assert good.status_code == 201
    assert ApiToken.objects.filter(user=hoa).count() == 1


def test_the_admin_sign_in_goes_through_the_same_two_steps(client, mai):
    assert client.get("/admin/login/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert client.post("/accounts/login/?next=/admin/", {"username": "mai", "password": PASSWORD})["Location"] == (
        "/accounts/login/code/"
    )
    assert client.get("/admin/").status_code == 302


def test_an_office_administrator_resets_a_lost_authenticator_within_reach_only(client, ngoc, hoa, mai):
    import pyotp

    for user in (hoa, mai):
        user.totp_secret = pyotp.random_base32()
        user.save()
    client.force_login(ngoc)
    response = client.post(
        "/admin/portal/user/", {"action": "reset_two_step", "_selected_action": [hoa.pk, mai.pk]}, follow=True
    )
    assert response.status_code == 200
    hoa.refresh_from_db()
    mai.refresh_from_db()
    assert hoa.totp_secret == "" and mai.totp_secret != ""  # the catalogue administrator is beyond her reach
    client.logout()
    assert sign_in(client, "hoa", PASSWORD)["Location"] == "/accounts/login/code/"
    assert 'id="totp-secret"' in client.get("/accounts/login/code/").content.decode()  # set up again

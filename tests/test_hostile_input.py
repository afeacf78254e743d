"""Hostile input gets a clear 4xx, never a 500, and changes nothing: NUL
characters in addresses and queries (PostgreSQL refuses them in any query),
a drill-down for a sector that cannot exist, JSON nested thousands deep, a
body over the size limit, two people registering the same phone at once.
Each answer on /api/ is in the one error shape."""

import json
import re

import pytest

from portal.models import User
from portal.sms import MemoryBackend
from tests.conftest import error_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("vn_holidays")


@pytest.mark.parametrize(
    "address",
    [
        "/procedures/?q=khai%00sinh",
        "/procedures/%00/",
        "/verify/000.01.00.H01-260112-0001%00/?k=ABCD-EFGH",
        "/v/ABCD%00EFGH",
        "/track/?code=%00",
        "/my/dossiers/%00/",
    ],
)
def test_a_nul_character_in_a_page_address_is_a_plain_400(client, db, address):
    response = client.get(address)
    assert response.status_code == 400 and "NUL" in response.content.decode()


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/procedures/?search=%00",
        "/api/v1/procedures/1.00%001/",
        "/api/v1/track/?code=000%00&phone_last4=1234",
        "/api/v1/dossiers/%00/",
        "/api/v1/dossiers/?office=%00",
    ],
)
def test_a_nul_character_in_an_api_address_is_a_400_in_the_error_shape(api, chi, address):
    response = api.as_(chi).get(address)
    assert response.status_code == 400 and "NUL" in error_of(response)["message"]


def test_a_nul_character_typed_in_a_form_is_refused_beside_its_field(client, chi, procedure):
    client.login(username="chi", password=PASSWORD)
    page = client.post(f"/counter/intake/{procedure.code}/", {"name": "Lan\x00", "delivery": "counter"})
    assert page.status_code == 400 and "Null characters are not allowed." in str(page.context["form"].errors["name"])


def test_a_drill_down_for_a_sector_that_cannot_exist_is_not_found(client, tuan, office_a):
    client.login(username="tuan", password=PASSWORD)
    for sector in ("abc", "-1", "1e9", "99999999999999999999"):
        response = client.get("/reports/dossiers/", {"period": "2026-01", "measure": "received", "sector": sector})
        assert response.status_code == 404, sector


def test_json_nested_thousands_deep_is_a_400_not_a_crash(api, db):
    body = "[" * 100_000 + "]" * 100_000
    response = api.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400 and error_of(response)["message"] == "The JSON body is nested too deeply."


def test_a_body_over_the_limit_is_a_400_in_the_error_shape(api, chi, procedure, office_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {"procedure": procedure.code, "office": office_a.code, "applicant": {"name": "x" * 20_000}}
    response = api.as_(chi).post("/api/v1/dossiers/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and "too large" in error_of(response)["message"]


def test_two_registrations_of_one_phone_at_once_give_one_account_and_a_clear_answer(client, db):
    data = {
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "password1": "Hoa-sen-2026",
        "password2": "Hoa-sen-2026",
    }
    client.post("/accounts/register/", data)
    [(_phone, text)] = MemoryBackend.outbox
    # The same person, in another tab, finished first: the code proves the phone is theirs.
    User.objects.create(username="0912345678-first", phone="0912345678")
    code = re.search(r"\b\d{6}\b", text).group()
    response = client.post("/accounts/register/code/", {"action": "verify", "code": code})
    assert response.status_code == 400
    assert "already exists. Sign in instead." in response.content.decode()
    assert User.objects.filter(phone="0912345678").count() == 1


def test_an_unsafe_method_with_a_cookie_at_an_unknown_api_address_answers_the_json_404(lan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(lan)
    response = client.delete("/api/v1/auth/keys/null,null/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"

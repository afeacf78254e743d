"""The catalogue through the API: anyone reads the procedures in service and
the offices; catalogue administrators add, change and deactivate procedures
under the same rules as an import; keys and signing in."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from portal.models import ApiToken
from procedures.models import Procedure
from tests.conftest import error_of
from tests.factories import PASSWORD, ProcedureFactory, UserFactory


@pytest.fixture
def record():
    """A new procedure as a catalogue record (the interchange format)."""
    return {
        "code": "1.009999",
        "name": "Đăng ký kết hôn",
        "sector": "ho-tich",
        "level": "commune",
        "online_level": "full",
        "channels": [
            {"channel": "in_person", "time_limit": {"amount": "3", "unit": "working_days"}},
            {
                "channel": "online",
                "time_limit": {"amount": "3", "unit": "working_days"},
                "fees": [{"name": "Lệ phí", "amount_vnd": 0}],
            },
        ],
        "documents": [{"name": "Tờ khai đăng ký kết hôn"}, {"name": "Giấy xác nhận tình trạng hôn nhân"}],
    }


def test_anyone_reads_a_procedure_with_its_documents_fees_and_time_limit(api, procedure):
    body = api.get("/api/v1/procedures/1.000001/").json()
    assert body["code"] == "1.000001" and body["name"] == "Thủ tục thử nghiệm"
    assert body["sector"] == {"code": "ho-tich", "name": "Hộ tịch"}
    assert body["time_limit_days"] == 3 and body["time_limit"] == {"amount": 3, "unit": "working_days"}
    assert [(d["position"], d["name"], d["mandatory"]) for d in body["documents"]] == [
        (1, "Tờ khai", True),
        (2, "Giấy ủy quyền (nếu có)", False),
    ]
    assert body["fees"] == [
        {
            "name": "Lệ phí",
            "amount_vnd": 8000,
            "amount": 8000,
            "currency": "VND",
            "unit": "",
            "case": "",
            "valid_from": None,
            "valid_until": None,
            "channel": "in_person",
            "exemption_note": "",
        }
    ]
    assert {s["kind"] for s in body["stages"]} == {"receive", "appraise", "approve", "stamp", "return"}


def test_search_without_diacritics_and_filters(api, procedure):
    ProcedureFactory(code="2.000815", name="Chứng thực bản sao", level="province")
    found = api.get("/api/v1/procedures/", {"search": "thu nghiem"}).json()
    assert found["count"] == 1 and found["results"][0]["code"] == "1.000001"
    assert [p["code"] for p in api.get("/api/v1/procedures/", {"level": "province"}).json()["results"]] == ["2.000815"]
    error = error_of(api.get("/api/v1/procedures/", {"level": "district"}))
    assert error["code"] == "invalid" and "level" in error["fields"]


def test_an_unknown_procedure_is_a_404_in_the_error_shape(api, db):
    response = api.get("/api/v1/procedures/9.999999/")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert api.get("/api/v1/no-such-thing/").status_code == 404
    assert error_of(api.get("/api/v1/no-such-thing/"))["code"] == "not_found"


def test_the_offices_are_public(api, office_a, office_b):
    offices = api.get("/api/v1/offices/").json()["results"]
    codes = [office["code"] for office in offices]
    assert {"000.01.00.H01", "000.02.00.H01"} <= set(codes)
    ba_dinh = next(o for o in offices if o["code"] == "000.01.00.H01")
    assert ba_dinh["province"] == "000.00.00.H01" and ba_dinh["opening_hours"] == "07:00–11:30, 13:30–17:00"


def test_a_catalogue_administrator_adds_a_procedure(api, mai, procedure, record):
    response = api.as_(mai).post("/api/v1/procedures/", record, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["documents"][1]["name"] == "Giấy xác nhận tình trạng hôn nhân"
    assert Procedure.objects.get(code="1.009999").channel("online").time_limit_amount == 3
    again = api.as_(mai).post("/api/v1/procedures/", record, format="json")
    assert again.status_code == 400 and "code" in error_of(again)["fields"]


def test_a_bad_record_names_the_field_and_saves_nothing(api, mai, procedure, record):
    record["channels"][1]["fees"][0]["amount_vnd"] = -5
    response = api.as_(mai).post("/api/v1/procedures/", record, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["channels[1].fees[0].amount_vnd"]
    assert not Procedure.objects.filter(code="1.009999").exists()


def test_changing_and_deactivating_a_procedure(api, mai, procedure):
    admin = api.as_(mai)
    changed = admin.patch("/api/v1/procedures/1.000001/", {"name": "Thủ tục đã đổi tên"}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "Thủ tục đã đổi tên"
    assert len(changed.json()["documents"]) == 2  # the rest is unchanged

    gone = admin.delete("/api/v1/procedures/1.000001/")
    assert gone.status_code == 200 and gone.json()["is_active"] is False
    assert api.get("/api/v1/procedures/1.000001/").status_code == 404
    assert api.get("/api/v1/procedures/").json()["count"] == 0
    # Its administrator still finds it, and may bring it back.
    back = admin.patch("/api/v1/procedures/1.000001/", {"is_active": True}, format="json")
    assert back.status_code == 200 and api.get("/api/v1/procedures/1.000001/").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "citizen", "clerk", "supervisor"])
def test_only_catalogue_administrators_change_the_catalogue(api, who, lan, chi, tuan, procedure, record):
    client = {"anonymous": api, "citizen": api.as_(lan), "clerk": api.as_(chi), "supervisor": api.as_(tuan)}[who]
    expected = 401 if who == "anonymous" else 403
    assert client.post("/api/v1/procedures/", record, format="json").status_code == expected
    assert client.patch("/api/v1/procedures/1.000001/", {"name": "x"}, format="json").status_code == expected
    assert client.delete("/api/v1/procedures/1.000001/").status_code == expected
    procedure.refresh_from_db()
    assert procedure.name == "Thủ tục thử nghiệm" and procedure.is_active
    assert not Procedure.objects.filter(code="1.009999").exists()


def test_public_reads_are_rate_limited_per_address(api, procedure, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"public": "3/min"})
    statuses = [api.get("/api/v1/procedures/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert error_of(api.get("/api/v1/offices/"))["code"] == "throttled"


# Keys ------------------------------------------------------------------------------


def test_signing_in_by_phone_gives_a_key_that_works(api, db):
    UserFactory(username="lan", phone="0912345678")
    response = api.post("/api/v1/auth/token/", {"username": "+84 912 345 678", "password": PASSWORD}, format="json")
    assert response.status_code == 201
    key = response.json()["token"]
    assert dt.datetime.fromisoformat(response.json()["expires_at"]) > timezone.now() + dt.timedelta(days=29)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/dossiers/").status_code == 200
    assert key not in str(ApiToken.objects.values_list("key_sha256", "prefix"))  # only its digest is kept


def test_a_wrong_password_gives_no_key(api, lan):
    response = api.post("/api/v1/auth/token/", {"username": "lan", "password": "nope"}, format="json")
    assert response.status_code == 400 and error_of(response)["message"] == "The username or the password is wrong."
    assert not ApiToken.objects.exists()


def test_an_expired_or_unknown_key_is_refused(api, lan):
    _token, key = ApiToken.issue(lan, "old", expires_at=timezone.now() - dt.timedelta(minutes=1))
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/dossiers/")
    assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"
    api.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert api.get("/api/v1/dossiers/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token")
    assert api.get("/api/v1/dossiers/").status_code == 401


def test_a_partner_key_works_only_for_its_scope(api, db):
    hospital = UserFactory(username="hospital")
    partner = api.as_(hospital, scopes=[ApiToken.Scope.BIRTH_EVENTS])
    response = partner.get("/api/v1/dossiers/")
    assert response.status_code == 403 and error_of(response)["message"] == "This key may not call this endpoint."


def test_an_administrator_revokes_a_key(api, client, lan, django_user_model):
    token, key = ApiToken.issue(lan, "phone app")
    admin = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(admin)
    assert "phone app" in client.get("/admin/portal/apitoken/").content.decode()
    client.post(f"/admin/portal/apitoken/{token.pk}/delete/", {"post": "yes"})
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/dossiers/").status_code == 401

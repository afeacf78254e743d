"""Proactive service: a hospital's system reports a birth, the portal fills
in the birth registration for the parent and sends them the link; the
parent checks it, adds what is missing and sends it to the commune."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from citizens.models import Draft, LifeEvent
from dossiers.models import Dossier, Notification
from portal.models import ApiToken
from tests.conftest import error_of
from tests.factories import PASSWORD, PDF, UserFactory

pytestmark = pytest.mark.usefixtures("vn_holidays")


@pytest.fixture
def birth_registration(procedure, settings):
    settings.BIRTH_REGISTRATION_PROCEDURE = procedure.code
    return procedure


@pytest.fixture
def hospital(api, db):
    return api.as_(UserFactory(username="bv-nb", full_name="Bệnh viện Đa khoa"), scopes=[ApiToken.Scope.BIRTH_EVENTS])


@pytest.fixture
def mother(db):
    return UserFactory(username="lan", full_name="Nguyễn Thị Lan", phone="0912345678", id_number="")


def report(reference="BV-0001", **changes):
    return {
        "type": "birth",
        "reference": reference,
        "occurred_at": "2026-11-20T22:10:00+07:00",
        "place": "Bệnh viện Đa khoa tỉnh",
        "child": {"sex": "female", "weight_grams": 3100},
        "parent": {"name": "Nguyễn Thị Lan", "id_number": "001190012345", "phone": "+84 912 345 678"},
        "office": "000.01.00.H01",
        **changes,
    }


def test_a_reported_birth_prepares_the_registration_and_texts_the_parent(
    hospital, mother, birth_registration, office_a
):
    response = hospital.post("/api/v1/events/", report(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "waiting_for_parent" and response.json()["dossier"] is None
    event = LifeEvent.objects.get()
    draft = Draft.objects.get(citizen=mother)
    assert event.draft == draft and draft.office == office_a and draft.procedure == birth_registration
    assert (draft.applicant_name, draft.applicant_id_number, draft.applicant_phone) == (
        "Nguyễn Thị Lan",
        "001190012345",
        "0912345678",
    )
    [sms] = Notification.objects.filter(kind="life_event")
    assert sms.medium == "sms" and sms.recipient == "0912345678"
    assert f"/births/{event.token}/" in sms.body and "Bệnh viện Đa khoa tỉnh" in sms.body
    assert not Dossier.objects.exists()  # nothing reaches the counter before the parent sends it


def test_a_retry_reports_nothing_twice(hospital, mother, birth_registration, office_a):
    assert hospital.post("/api/v1/events/", report(), format="json").status_code == 201
    again = hospital.post("/api/v1/events/", report(), format="json")
    assert again.status_code == 200 and again.json()["reference"] == "BV-0001"
    assert LifeEvent.objects.count() == 1 and Draft.objects.count() == 1
    assert Notification.objects.filter(kind="life_event").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"parent": {"name": "Lan", "id_number": "12", "phone": "0912345678"}}, "parent.id_number"),
        ({"parent": {"name": "Lan", "id_number": "001190012345"}}, "parent.phone"),
        ({"occurred_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}, "occurred_at"),
        ({"office": "000.99.00.H01"}, "office"),
        ({"child": {"sex": "unknown"}}, "child.sex"),
    ],
)
def test_a_bad_report_names_the_field_and_stores_nothing(hospital, birth_registration, office_a, changes, field):
    response = hospital.post("/api/v1/events/", report(**changes), format="json")
    assert response.status_code == 400 and field in error_of(response)["fields"]
    assert not LifeEvent.objects.exists() and not Notification.objects.exists()


def test_only_a_partner_key_with_the_scope_reports_births(api, lan, chi, birth_registration, office_a):
    assert api.post("/api/v1/events/", report(), format="json").status_code == 401
    assert api.as_(lan).post("/api/v1/events/", report(), format="json").status_code == 403
    assert api.as_(chi).post("/api/v1/events/", report(), format="json").status_code == 403
    assert not LifeEvent.objects.exists()


def test_the_parent_follows_the_link_checks_and_sends(client, hospital, birth_registration, office_a, chi):
    # No account yet when the birth is reported: the parent makes one with the same phone.
    parent = {**report()["parent"], "address": "Số 1 phố Hàng Bạc"}
    hospital.post("/api/v1/events/", report(parent=parent), format="json")
    event = LifeEvent.objects.get()
    assert event.draft is None
    mother = UserFactory(username="me-lan", phone="0912345678")
    client.login(username="me-lan", password=PASSWORD)
    response = client.get(f"/births/{event.token}/")
    draft = Draft.objects.get(citizen=mother)
    assert response.status_code == 302 and response["Location"] == f"/applications/{draft.pk}/documents/"
    client.post(f"/applications/{draft.pk}/documents/", {"position": 1, "file": SimpleUploadedFile("t.pdf", PDF)})
    client.post(f"/applications/{draft.pk}/delivery/", {"delivery": "counter"})
    check = client.get(f"/applications/{draft.pk}/check/").content.decode()
    assert "Reported birth" in check and "Bệnh viện Đa khoa tỉnh" in check and "3100 g" in check
    client.post(f"/applications/{draft.pk}/submit/")
    dossier = Dossier.objects.get()
    event.refresh_from_db()
    assert event.dossier == dossier and event.confirmed_at and dossier.citizen == mother
    client.force_login(chi)
    assert "Bệnh viện Đa khoa tỉnh" in client.get(f"/counter/dossiers/{dossier.code}/").content.decode()
    # The link now leads to the dossier.
    client.force_login(mother)
    assert client.get(f"/births/{event.token}/")["Location"] == f"/my/dossiers/{dossier.code}/"


def test_the_link_shows_nothing_to_anyone_else(client, hospital, mother, birth_registration, office_a):
    hospital.post("/api/v1/events/", report(), format="json")
    event = LifeEvent.objects.get()
    client.force_login(UserFactory(username="neighbour", phone="0987654321"))
    response = client.get(f"/births/{event.token}/")
    assert response.status_code == 403 and "Bệnh viện" not in response.content.decode()
    assert Draft.objects.filter(citizen__username="neighbour").count() == 0
    assert client.get("/births/not-a-token/").status_code == 404

"""Proactive service: a hospital's system reports a birth, the portal fills
in the birth registration for the parent and sends them the link; the
parent checks it, adds what is missing and sends it to the commune."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from citizens.models import Draft, LifeEvent
from dossiers.models import Dossier, Notification
from portal.models import ApiToken
from portal.sms import MemoryBackend
from tests.conftest import error_of
from tests.factories import PASSWORD, PDF, UserFactory, submitted_online

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


def test_a_reported_birth_texts_the_parent_a_link_and_shows_nobody_anything_yet(
    hospital, mother, birth_registration, office_a
):
    response = hospital.post("/api/v1/events/", report(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "waiting_for_parent" and response.json()["dossier"] is None
    event = LifeEvent.objects.get()
    # Nothing is filled in for any account until someone proves the phone.
    assert event.draft is None and event.claimed_by is None and not Draft.objects.exists()
    [sms] = Notification.objects.filter(kind="life_event")
    assert sms.medium == "sms" and sms.recipient == "0912345678"
    assert f"/births/{event.token}/" in sms.body and "Bệnh viện Đa khoa tỉnh" in sms.body
    assert not Dossier.objects.exists()  # nothing reaches the counter before the parent sends it


def test_a_retry_reports_nothing_twice(hospital, mother, birth_registration, office_a):
    assert hospital.post("/api/v1/events/", report(), format="json").status_code == 201
    again = hospital.post("/api/v1/events/", report(), format="json")
    assert again.status_code == 200 and again.json()["reference"] == "BV-0001"
    assert LifeEvent.objects.count() == 1 and not Draft.objects.exists()
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


def texted_code(phone="0912345678") -> str:
    """The code in the last text to `phone`."""
    [code] = re.findall(r"\b(\d{6})\b", [text for to, text in MemoryBackend.outbox if to == phone][-1])
    return code


def test_the_parent_proves_the_phone_checks_and_sends(client, hospital, birth_registration, office_a, chi):
    # No account yet when the birth is reported: the parent makes one afterwards.
    parent = {**report()["parent"], "address": "Số 1 phố Hàng Bạc"}
    hospital.post("/api/v1/events/", report(parent=parent), format="json")
    event = LifeEvent.objects.get()
    mother = UserFactory(username="me-lan", phone="")
    client.login(username="me-lan", password=PASSWORD)
    page = client.get(f"/births/{event.token}/")
    assert page.status_code == 200 and "ends in 78" in page.content.decode()
    assert "Bệnh viện" not in page.content.decode()  # nothing of the report before the proof
    sent = client.post(f"/births/{event.token}/", {"action": "send"}, follow=True)
    assert "We texted a code to the phone ending in 78." in sent.content.decode()
    response = client.post(f"/births/{event.token}/", {"action": "verify", "code": texted_code()})
    draft = Draft.objects.get(citizen=mother)
    assert response.status_code == 302 and response["Location"] == f"/applications/{draft.pk}/documents/"
    assert (draft.applicant_name, draft.applicant_id_number, draft.applicant_phone) == (
        "Nguyễn Thị Lan",
        "001190012345",
        "0912345678",
    )
    client.post(f"/applications/{draft.pk}/documents/", {"upload": 1, "file-1": SimpleUploadedFile("t.pdf", PDF)})
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


def test_whoever_types_the_parents_id_or_phone_into_a_profile_gets_nothing(
    client, hospital, mother, birth_registration, office_a
):
    # A stranger claims the parent's ID number and phone in their own profile.
    stranger = UserFactory(username="stranger", id_number="001190012345", phone="")
    stranger.phone = "0912345678"  # self-declared, never verified (the mother's account has it too)
    hospital.post("/api/v1/events/", report(), format="json")
    event = LifeEvent.objects.get()
    assert not Draft.objects.exists()
    client.force_login(stranger)
    client.post(f"/births/{event.token}/", {"action": "send"})
    # The code goes to the reported phone, which the stranger does not hold.
    assert [to for to, _text in MemoryBackend.outbox] == ["0912345678"]
    for guess in ("000000", "123456", "999999"):
        refused = client.post(f"/births/{event.token}/", {"action": "verify", "code": guess})
        assert refused.status_code == 400 and "That is not the code we sent" in refused.content.decode()
    assert not Draft.objects.exists()
    # The real parent, with the phone in hand, opens it; the stranger is turned away for good.
    client.force_login(mother)
    assert client.post(f"/births/{event.token}/", {"action": "verify", "code": texted_code()}).status_code == 302
    assert Draft.objects.get().citizen == mother
    elsewhere = Client()  # the stranger, on their own phone
    elsewhere.force_login(stranger)
    turned_away = elsewhere.get(f"/births/{event.token}/")
    assert turned_away.status_code == 403 and "Bệnh viện" not in turned_away.content.decode()
    assert elsewhere.post(f"/births/{event.token}/", {"action": "send"}).status_code == 403
    assert elsewhere.get("/births/not-a-token/").status_code == 404


def test_a_code_is_good_for_ten_minutes_five_tries_and_five_codes_in_all(
    client, hospital, mother, birth_registration, office_a, monkeypatch
):
    hospital.post("/api/v1/events/", report(), format="json")
    event = LifeEvent.objects.get()
    client.force_login(mother)
    start = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: start)
    client.post(f"/births/{event.token}/", {"action": "send"})
    too_soon = client.post(f"/births/{event.token}/", {"action": "send"}, follow=True).content.decode()
    assert "less than a minute ago" in too_soon and len(MemoryBackend.outbox) == 1
    code = texted_code()
    for _try in range(5):
        client.post(f"/births/{event.token}/", {"action": "verify", "code": "000000" if code != "000000" else "111111"})
    spent = client.post(f"/births/{event.token}/", {"action": "verify", "code": code})
    assert spent.status_code == 400 and "no longer valid" in spent.content.decode()
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=2))
    client.post(f"/births/{event.token}/", {"action": "send"})
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=13))
    expired = client.post(f"/births/{event.token}/", {"action": "verify", "code": texted_code()})
    assert expired.status_code == 400 and "no longer valid" in expired.content.decode()
    for minute in (14, 16, 18):
        monkeypatch.setattr(timezone, "now", lambda minute=minute: start + dt.timedelta(minutes=minute))
        client.post(f"/births/{event.token}/", {"action": "send"})
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=20))
    no_more = client.post(f"/births/{event.token}/", {"action": "send"}, follow=True).content.decode()
    assert "No more codes can be sent" in no_more and len(MemoryBackend.outbox) == 5
    assert not Draft.objects.exists()


def test_applications_prepared_for_a_profile_match_and_not_sent_are_taken_back(
    hospital, mother, birth_registration, office_a
):
    import importlib

    from django.apps import apps

    hospital.post("/api/v1/events/", report(), format="json")
    hospital.post("/api/v1/events/", report(reference="BV-0002"), format="json")
    unsent, sent = LifeEvent.objects.order_by("reference")
    # As the earlier code did: a draft for whichever account had the ID number.
    for event in (unsent, sent):
        event.draft = Draft.objects.create(citizen=mother, procedure=birth_registration, office=office_a)
        event.save()
    sent.dossier = submitted_online(birth_registration, office_a, mother)
    sent.save()
    migration = importlib.import_module("citizens.migrations.0003_life_events_claimed_by_the_reported_phone")
    migration.take_back_unsent_drafts(apps, None)
    unsent.refresh_from_db()
    sent.refresh_from_db()
    assert unsent.draft is None and sent.draft is not None
    assert list(Draft.objects.all()) == [sent.draft]

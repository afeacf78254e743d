"""Dossiers through the API: opening one online or at the counter, files,
lists and filters, acting on it with the right status for every refusal,
slips as PDF, public tracking and the timeliness report."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from dossiers.models import Attachment, Dossier, Notification, State
from dossiers.tasks import send_submission_digests
from dossiers.workflow import perform
from reports import stats
from tests.conftest import REPORT_TODAY, at, error_of
from tests.factories import PDF, UserFactory, applicant, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")


@pytest.fixture
def dossier(procedure, office_a, lan):
    return submitted_online(procedure, office_a, lan)


def received(dossier, chi):
    return perform(dossier, "receive", actor=chi, documents={1})


def act(client, dossier, action, **fields):
    return client.post(f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": action, **fields}, format="json")


# Opening ---------------------------------------------------------------------------


def test_a_citizen_applies_online_and_the_counter_is_told(api, lan, chi, procedure, office_a):
    response = api.as_(lan).post(
        "/api/v1/dossiers/",
        {
            "procedure": "1.000001",
            "office": "000.01.00.H01",
            "applicant": applicant(),
            "delivery": "post",
            "delivery_address": "Số 1 phố Hàng Bạc",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "submitted" and body["channel"] == "online" and body["received_at"] is None
    assert response["Location"].endswith(f"/api/v1/dossiers/{body['code']}/")
    dossier = Dossier.objects.get(code=body["code"])
    assert dossier.citizen == lan and dossier.delivery_address == "Số 1 phố Hàng Bạc"
    # The counter hears of it in its clerks' next digest.
    send_submission_digests(now=at("13/01/2026", "09:00"))
    told = Notification.objects.get(kind="submission_digest", recipient=chi.email)
    assert dossier.code in told.body


def test_the_citizens_profile_fills_what_the_applicant_leaves_out(api, procedure, office_a):
    lan = UserFactory(
        username="lan2", full_name="Nguyễn Thị Lan", phone="0912345678", id_number="001190012345", address="Hà Nội"
    )
    citizen = api.as_(lan)
    response = citizen.post("/api/v1/dossiers/", {"procedure": "1.000001", "office": "000.01.00.H01"}, format="json")
    assert response.status_code == 201, response.json()
    assert citizen.get(response["Location"]).json()["applicant"] == {
        "name": "Nguyễn Thị Lan",
        "id_number": "001190012345",
        "phone": "0912345678",
        "email": "lan2@example.org",
        "address": "Hà Nội",
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"applicant": {**applicant(), "phone": "12"}}, "applicant.phone", "9 to 12 digits"),
        ({"applicant": {**applicant(), "id_number": "abc"}}, "applicant.id_number", "12-digit ID number"),
        ({"applicant": {**applicant(), "address": ""}}, "applicant.address", "address"),
        # Tracking needs the phone's last digits and updates come by text message.
        ({"applicant": {**applicant(), "phone": ""}}, "applicant.phone", "the counter texts you"),
        ({"delivery": "pigeon"}, "delivery", "not a valid choice"),
        ({"procedure": "9.999999"}, "procedure", "does not exist"),
        ({"office": "000.00.00.H01"}, "non_field_errors", "does not receive"),
        ({"channel": "in_person"}, "channel", "applies online"),
        ({"delivery": "post", "delivery_address": " "}, "non_field_errors", "posted to"),
    ],
)
def test_a_bad_application_says_why_and_opens_nothing(api, lan, procedure, office_a, change, field, message):
    data = {"procedure": "1.000001", "office": "000.01.00.H01", "applicant": applicant(), **change}
    response = api.as_(lan).post("/api/v1/dossiers/", data, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert message in " ".join(error["fields"][field])
    assert not Dossier.objects.exists()


def test_a_clerk_takes_a_walk_in_dossier_in_at_once(api, chi, procedure, office_a):
    data = {"procedure": "1.000001", "office": "000.01.00.H01", "applicant": applicant(), "received_documents": [1]}
    clerk = api.as_(chi)
    response = clerk.post("/api/v1/dossiers/", data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "received" and body["channel"] == "in_person" and body["due_at"] is not None
    assert body["fee_total_vnd"] == 8000
    # What to do next is linked; the whole dossier is at its address.
    assert body["links"]["self"] == response["Location"]
    assert body["links"]["transitions"].endswith(f"/api/v1/dossiers/{body['code']}/transitions/")
    assert clerk.get(body["links"]["slips"]).json()[0]["kind"] == "receipt"
    shown = clerk.get(response["Location"]).json()
    assert shown["documents"][0]["received"] is True and shown["due_at"] == body["due_at"]
    assert [e["action"] for e in shown["events"]] == ["submit", "receive"]
    assert "documents" not in body and "events" not in body


def test_a_walk_in_dossier_without_its_mandatory_document_is_not_opened(api, chi, procedure, office_a):
    data = {"procedure": "1.000001", "office": "000.01.00.H01", "applicant": applicant(), "received_documents": [2]}
    response = api.as_(chi).post("/api/v1/dossiers/", data, format="json")
    assert response.status_code == 400 and "Tờ khai" in error_of(response)["message"]
    assert not Dossier.objects.exists()


def test_staff_cannot_open_a_dossier_at_another_office(api, binh, son, procedure, office_a):
    data = {"procedure": "1.000001", "office": "000.01.00.H01", "applicant": applicant(), "received_documents": [1]}
    assert api.as_(binh).post("/api/v1/dossiers/", data, format="json").status_code == 403
    assert api.as_(son).post("/api/v1/dossiers/", data, format="json").status_code == 403
    assert not Dossier.objects.exists()


# Files -------------------------------------------------------------------------------


def upload(client, dossier, content, name="scan.pdf", document=1):
    return client.post(
        f"/api/v1/dossiers/{dossier.code}/attachments/",
        {"document": document, "file": io.BytesIO(content) if content is not None else ""},
        format="multipart",
    )


def named(content: bytes, name: str):
    file = io.BytesIO(content)
    file.name = name
    return file


def test_a_citizen_attaches_a_scan_before_the_counter_receives_it(api, lan, dossier):
    client = api.as_(lan)
    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/attachments/",
        {"document": 1, "file": named(PDF, "to-khai.pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "to-khai.pdf" and response.json()["document"] == 1
    with Attachment.objects.get(dossier=dossier).file.open("rb") as stored:
        assert stored.read() == PDF


def test_a_file_that_is_not_what_it_says_is_refused_and_not_kept(api, lan, dossier):
    client = api.as_(lan)
    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/attachments/",
        {"document": 1, "file": named(b"MZ\x90\x00 not a pdf", "to-khai.pdf")},
        format="multipart",
    )
    assert response.status_code == 400 and "not a PDF, JPEG or PNG" in error_of(response)["fields"]["file"][0]
    wrong_document = client.post(
        f"/api/v1/dossiers/{dossier.code}/attachments/",
        {"document": 9, "file": named(PDF, "to-khai.pdf")},
        format="multipart",
    )
    assert wrong_document.status_code == 400 and "document" in error_of(wrong_document)["fields"]
    assert not Attachment.objects.exists()


def test_a_citizen_cannot_add_files_once_the_dossier_is_being_appraised(api, lan, chi, dossier):
    received(dossier, chi)
    response = api.as_(lan).post(
        f"/api/v1/dossiers/{dossier.code}/attachments/", {"file": named(PDF, "late.pdf")}, format="multipart"
    )
    # Her own dossier: she may know its state, and is told it takes no files now.
    assert response.status_code == 409 and not Attachment.objects.exists()
    assert "takes no files now" in error_of(response)["message"]


# Lists and details ---------------------------------------------------------------------


def test_the_list_filters_by_state_office_overdue_and_due_date(api, chi, binh, lan, procedure, office_a, office_b):
    online = submitted_online(procedure, office_a, lan)
    old = timezone.now() - dt.timedelta(days=30)
    overdue = perform(submitted_online(procedure, office_a, lan, at=old), "receive", actor=chi, documents={1}, at=old)
    fresh = received(submitted_online(procedure, office_a, lan), chi)
    submitted_online(procedure, office_b, lan)  # commune B's: not chi's to see
    client = api.as_(chi)

    def codes(**query):
        response = client.get("/api/v1/dossiers/", query)
        assert response.status_code == 200, response.json()
        return {row["code"] for row in response.json()["results"]}

    assert codes() == {online.code, overdue.code, fresh.code}
    assert codes(state="submitted") == {online.code}
    assert codes(overdue="true") == {overdue.code}
    assert codes(overdue="false") == {online.code, fresh.code}
    assert codes(due_before=(timezone.now() - dt.timedelta(days=1)).isoformat()) == {overdue.code}
    assert codes(office="000.02.00.H01") == set()
    row = client.get("/api/v1/dossiers/", {"state": "received", "overdue": "true"}).json()["results"][0]
    assert row["timeliness"] == "overdue" and row["procedure"]["code"] == "1.000001"
    assert error_of(client.get("/api/v1/dossiers/", {"state": "lost"}))["fields"].keys() == {"state"}


def test_the_citizen_reads_their_dossier_without_staff_notes(api, lan, chi, son, dossier):
    dossier = received(dossier, chi)
    perform(dossier, "appraise", actor=son, note="internal remark for the leader")
    mine = api.as_(lan).get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert [(e["action"], e["from_state"], e["to_state"]) for e in mine["events"]] == [
        ("submit", "", "submitted"),
        ("receive", "submitted", "received"),
        ("appraise", "received", "appraised"),
    ]
    assert "internal remark" not in str(mine) and mine["events"][2]["actor"] is None
    assert mine["actions"] == ["withdraw"]
    staff = api.as_(chi).get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert staff["events"][2]["note"] == "internal remark for the leader"
    assert staff["events"][2]["actor"] == "Phạm Văn Sơn"
    assert dt.datetime.fromisoformat(staff["received_at"]).utcoffset() == dt.timedelta(hours=7)


# Transitions --------------------------------------------------------------------------


def test_staff_take_a_dossier_from_receipt_to_hand_over(api, chi, son, hoa, dossier):
    assert act(api.as_(chi), dossier, "receive", documents=[1]).json()["state"] == "received"
    assert act(api.as_(son), dossier, "appraise").json()["state"] == "appraised"
    assert act(api.as_(hoa), dossier, "approve").json()["state"] == "approved"
    assert act(api.as_(chi), dossier, "stamp").json()["state"] == "stamped"
    done = act(api.as_(chi), dossier, "return").json()
    assert done["state"] == "returned" and done["finished_at"] and done["timeliness"] in ("early", "on_time")


def test_a_refusal_says_403_409_or_400_and_changes_nothing(api, chi, son, hoa, dossier):
    dossier = received(dossier, chi)
    not_allowed = act(api.as_(chi), dossier, "appraise")
    assert not_allowed.status_code == 403 and error_of(not_allowed)["code"] == "forbidden"
    not_possible = act(api.as_(hoa), dossier, "approve")
    assert not_possible.status_code == 409 and error_of(not_possible)["code"] == "not_possible"
    stale = act(api.as_(son), dossier, "appraise", version=dossier.version - 1)
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    no_reason = act(api.as_(son), dossier, "reject", note="  ")
    assert no_reason.status_code == 400 and "reasons" in error_of(no_reason)["message"]
    unknown = act(api.as_(son), dossier, "fly")
    assert unknown.status_code == 400 and "action" in error_of(unknown)["fields"]
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED and dossier.events.count() == 2


def test_the_citizen_sends_a_supplement_only_with_a_file(api, lan, chi, son, dossier):
    dossier = received(dossier, chi)
    perform(dossier, "request_supplement", actor=son, note="Thiếu bản sao giấy chứng sinh")
    citizen = api.as_(lan)
    empty = act(citizen, dossier, "supplement")
    assert empty.status_code == 400 and "Upload what the counter asked for" in error_of(empty)["message"]
    citizen.post(
        f"/api/v1/dossiers/{dossier.code}/attachments/", {"file": named(PDF, "chung-sinh.pdf")}, format="multipart"
    )
    assert act(citizen, dossier, "supplement").json()["state"] == "received"


# Slips ----------------------------------------------------------------------------------


def test_slips_are_listed_and_downloaded_as_the_same_pdf(api, lan, chi, dossier):
    dossier = received(dossier, chi)
    slips = api.as_(lan).get(f"/api/v1/dossiers/{dossier.code}/slips/").json()
    assert [(s["kind"], s["number"]) for s in slips] == [("receipt", 1)]
    first = api.as_(lan).get(f"/api/v1/dossiers/{dossier.code}/slips/receipt/")
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert dossier.code in PdfReader(io.BytesIO(first.content)).pages[0].extract_text()
    assert api.as_(chi).get(f"/api/v1/dossiers/{dossier.code}/slips/receipt/?number=1").content == first.content
    missing = api.as_(lan).get(f"/api/v1/dossiers/{dossier.code}/slips/refusal/")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"


# Tracking ---------------------------------------------------------------------------------


def test_tracking_shows_the_state_and_appointment_and_nothing_more(api, chi, dossier):
    dossier = received(dossier, chi)
    body = api.get("/api/v1/track/", {"code": dossier.code.lower(), "phone_last4": "5678"}).json()
    assert set(body) == {
        *("code", "state", "state_display", "procedure", "office", "appointment_at"),
        *("postal_item_number", "posted_on"),
    }
    assert body["postal_item_number"] == "" and body["posted_on"] is None
    assert body["state"] == "received" and body["appointment_at"]
    wrong_digits = api.get("/api/v1/track/", {"code": dossier.code, "phone_last4": "0000"})
    wrong_code = api.get("/api/v1/track/", {"code": "NO-SUCH-CODE", "phone_last4": "5678"})
    assert wrong_digits.status_code == wrong_code.status_code == 404
    assert wrong_digits.json() == wrong_code.json()
    assert api.get("/api/v1/track/", {"code": dossier.code, "phone_last4": "56"}).status_code == 400


def test_wrong_guesses_at_one_code_are_limited_across_web_and_api(api, client, dossier, settings):
    settings.TRACKING_ATTEMPTS = 3
    query = {"code": dossier.code, "phone_last4": "0000"}
    assert [api.get("/api/v1/track/", query).status_code for _ in range(2)] == [404, 404]
    assert client.post("/track/", query).status_code == 404
    refused = api.get("/api/v1/track/", {"code": dossier.code, "phone_last4": "5678"})
    assert refused.status_code == 429 and error_of(refused)["code"] == "throttled"


# The report -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("history")
def test_the_report_gives_the_dashboards_numbers(api, tuan, office_a, office_b, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: REPORT_TODAY)
    response = api.as_(tuan).get("/api/v1/reports/timeliness/", {"from": "2026-01-01", "to": "2026-01-31"})
    assert response.status_code == 200, response.json()
    body = response.json()
    expected = stats.report(
        stats.Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31)), [office_a, office_b], today=REPORT_TODAY
    )
    assert body["from"] == "2026-01-01" and body["to"] == "2026-01-31"
    assert [row["office"] for row in body["rows"]] == ["000.01.00.H01", "000.02.00.H01"]
    for row, line in zip([*body["rows"], body["total"]], [*expected.rows, expected.total], strict=True):
        assert {measure: row[measure] for measure in stats.MEASURES} == line.counts
    total = body["total"]
    # Finished in January: in A, exactly at the due moment, on the due day,
    # early, the one carried over, the late one after an apology, the one
    # after two supplements and the one withdrawn after receipt; in B, the
    # one by post: 8. Overdue at its end: A's due 29/01 and B's due 23/01.
    assert total["office"] is None and total["finished"] == 8 and total["open_overdue"] == 2
    assert total["on_time_rate"] == round(100 * (total["finished_early"] + total["finished_on_time"]) / 8, 2)


def test_the_report_is_for_those_who_oversee(api, tuan, hoa, lan, chi, office_a, office_b):
    query = {"from": "2026-01-01", "to": "2026-01-31"}
    assert api.as_(lan).get("/api/v1/reports/timeliness/", query).status_code == 403
    assert api.as_(chi).get("/api/v1/reports/timeliness/", query).status_code == 403
    assert api.get("/api/v1/reports/timeliness/", query).status_code == 401
    leader = api.as_(hoa).get("/api/v1/reports/timeliness/", query).json()
    assert [row["office"] for row in leader["rows"]] == ["000.01.00.H01"]
    other = api.as_(hoa).get("/api/v1/reports/timeliness/", {**query, "office": "000.02.00.H01"})
    assert other.status_code == 403
    backwards = api.as_(tuan).get("/api/v1/reports/timeliness/", {"from": "2026-01-31", "to": "2026-01-01"})
    assert backwards.status_code == 400 and "to" in error_of(backwards)["fields"]
    assert api.as_(tuan).get("/api/v1/reports/timeliness/", {"from": "yesterday"}).status_code == 400


def test_the_citizen_sees_through_the_api_the_files_their_page_shows(api, dossier, lan, chi):
    # Both doors, one rule (Dossier.files_for_citizen): a staff scan is not the citizen's.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossiers.workflow import attach_upload

    attach_upload(dossier, upload=SimpleUploadedFile("giay-khai-sinh.pdf", PDF), document=None, actor=lan)
    attach_upload(dossier, upload=SimpleUploadedFile("ban-scan-noi-bo.pdf", PDF), document=None, actor=chi)
    mine = api.as_(lan).get(f"/api/v1/dossiers/{dossier.code}/").json()["attachments"]
    assert [item["name"] for item in mine] == ["giay-khai-sinh.pdf"]
    staff = api.as_(chi).get(f"/api/v1/dossiers/{dossier.code}/").json()["attachments"]
    assert sorted(item["name"] for item in staff) == ["ban-scan-noi-bo.pdf", "giay-khai-sinh.pdf"]

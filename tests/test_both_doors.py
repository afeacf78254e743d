"""Both doors, one rule: each rule that a page and an API endpoint share
lives once in the domain, and answers the same through either door —
the same refusal, the same message, nothing changed."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.errors import Invalid, NotAllowed, NotPossible
from dossiers.models import Dossier, DossierEvent, State
from dossiers.workflow import attach_upload, available_actions, open_dossier, perform
from portal.models import Membership
from tests.conftest import error_of
from tests.factories import PASSWORD, PDF, applicant, received_dossier, staff_member, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")

ELECTRONIC_NEEDS_EMAIL = "An electronic result needs an email address"
POST_NEEDS_ADDRESS = "Give the address the result is posted to."


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def act(api, dossier, action, **fields):
    return api.post(f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": action, **fields}, format="json")


def upload(name="scan.pdf"):
    file = io.BytesIO(PDF)
    file.name = name
    return file


# Who may act, before anything about the state ------------------------------------------


def test_a_citizen_asking_to_approve_is_refused_as_not_allowed_whatever_the_state(
    api, lan, chi, son, procedure, office_a
):
    dossier = submitted_online(procedure, office_a, lan)
    # Submitted: approving is not possible for anyone; appraised: possible for
    # the approver. Lan is told the same both times, and so learns nothing.
    for next_step, actor in (("receive", chi), ("appraise", son), (None, None)):
        if dossier.state in (State.SUBMITTED, State.APPRAISED):
            with pytest.raises(NotAllowed):
                perform(dossier, "approve", actor=lan)
            refused = act(api.as_(lan), dossier, "approve")
            assert refused.status_code == 403 and error_of(refused)["code"] == "forbidden"
        if next_step:
            dossier = perform(dossier, next_step, actor=actor, documents={1} if next_step == "receive" else None)
    assert dossier.state == State.APPRAISED and dossier.approver is None


def test_a_clerk_of_another_commune_is_refused_and_the_api_does_not_even_show_the_dossier(
    api, lan, binh, procedure, office_a
):
    dossier = submitted_online(procedure, office_a, lan)
    with pytest.raises(NotAllowed):
        perform(dossier, "receive", actor=binh, documents={1})
    assert act(api.as_(binh), dossier, "receive", documents=[1]).status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


# An apology needs an appointment to move ---------------------------------------------------


def test_apologising_for_a_dossier_never_received_is_neither_offered_nor_possible(
    api, client, lan, chi, hoa, procedure, office_a
):
    dossier = submitted_online(procedure, office_a, lan)
    dossier = perform(dossier, "request_supplement", actor=chi, note="Thiếu tờ khai")
    assert "apologise" not in available_actions(dossier, hoa)
    with pytest.raises(NotPossible, match="not been received"):
        perform(dossier, "apologise", actor=hoa, note="Chậm", new_appointment=None)
    through_api = act(api.as_(hoa), dossier, "apologise", note="Chậm", new_appointment="2026-12-01T10:00:00+07:00")
    assert through_api.status_code == 409 and "not been received" in error_of(through_api)["message"]
    page = sign_in(client, hoa).post(
        f"/counter/dossiers/{dossier.code}/act/",
        {"action": "apologise", "version": dossier.version, "note": "Chậm", "new_appointment": "2026-12-01T10:00"},
    )
    assert page.status_code == 409 and "not been received" in page.content.decode()
    assert dossier.events.count() == 2 and Dossier.objects.get(pk=dossier.pk).reappointments == 0


# Where the result goes ------------------------------------------------------------------------


def test_an_electronic_result_is_offered_with_an_email_and_a_posted_one_needs_an_address_through_every_door(
    api, client, chi, procedure, office_a
):
    walk_in = {"procedure": procedure.code, "office": office_a.code, "received_documents": [1]}
    without_email = api.as_(chi).post(
        "/api/v1/dossiers/", {**walk_in, "applicant": applicant(email=""), "delivery": "electronic"}, format="json"
    )
    assert without_email.status_code == 400 and ELECTRONIC_NEEDS_EMAIL in error_of(without_email)["message"]
    posted = api.as_(chi).post(
        "/api/v1/dossiers/", {**walk_in, "applicant": applicant(), "delivery": "post"}, format="json"
    )
    assert posted.status_code == 400 and POST_NEEDS_ADDRESS in error_of(posted)["message"]
    intake = sign_in(client, chi).get(f"/counter/intake/{procedure.code}/").content.decode()
    assert 'value="post"' in intake and 'value="electronic"' in intake
    page = client.post(
        f"/counter/intake/{procedure.code}/", {**applicant(email=""), "delivery": "electronic", "documents": ["1"]}
    )
    assert page.status_code == 400 and "email" in page.context["form"].errors
    assert not Dossier.objects.exists()
    with pytest.raises(Invalid, match=ELECTRONIC_NEEDS_EMAIL):
        open_dossier(
            procedure=procedure,
            receiving_office=office_a,
            channel="in_person",
            applicant=applicant(email=""),
            actor=chi,
            delivery="electronic",
            received_documents={1},
            receive=True,
        )
    through_api = api.as_(chi).post(
        "/api/v1/dossiers/", {**walk_in, "applicant": applicant(), "delivery": "electronic"}, format="json"
    )
    assert through_api.status_code == 201 and Dossier.objects.get().delivery == "electronic"


# A file is a document handed in --------------------------------------------------------------


def test_a_file_attached_through_the_api_counts_as_handed_in(api, lan, chi, procedure, office_a):
    citizen = api.as_(lan)
    opened = citizen.post(
        "/api/v1/dossiers/",
        {"procedure": procedure.code, "office": office_a.code, "applicant": applicant()},
        format="json",
    )
    assert opened.status_code == 201, opened.json()
    code = opened.json()["code"]
    assert [d["received"] for d in citizen.get(opened["Location"]).json()["documents"]] == [False, False]
    attached = citizen.post(
        f"/api/v1/dossiers/{code}/attachments/", {"document": 1, "file": upload()}, format="multipart"
    )
    assert attached.status_code == 201
    # The clerk receives it as it stands: the form sent through the API is there.
    received = act(api.as_(chi), Dossier.objects.get(code=code), "receive")
    assert received.status_code == 200, received.json()
    assert received.json()["state"] == "received" and received.json()["documents"][0]["received"] is True


def test_a_page_opened_before_a_file_came_cannot_untick_it(api, lan, chi, procedure, office_a):
    dossier = submitted_online(procedure, office_a, lan)
    seen = dossier.version
    attach_upload(
        dossier, upload=SimpleUploadedFile("to-khai.pdf", PDF), document=dossier.documents.get(position=1), actor=lan
    )
    # The clerk's page still shows the form unticked: receiving from it is refused.
    stale = act(api.as_(chi), dossier, "receive", documents=[], version=seen)
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    assert dossier.documents.get(position=1).is_received


def test_a_scan_attached_at_the_counter_ticks_its_document(client, lan, chi, procedure, office_a):
    dossier = submitted_online(procedure, office_a, lan)
    document = dossier.documents.get(position=1)
    sign_in(client, chi).post(
        f"/counter/dossiers/{dossier.code}/attachments/",
        {"document": document.pk, "file": SimpleUploadedFile("to-khai.pdf", PDF)},
    )
    document.refresh_from_db()
    assert document.is_received
    assert perform(dossier, "receive", actor=chi).state == State.RECEIVED


# The citizen's supplement -----------------------------------------------------------------------


def test_the_citizen_sends_a_supplement_with_a_file_on_the_page_as_through_the_api(
    client, lan, chi, son, procedure, office_a
):
    dossier = received_dossier(procedure, office_a, chi, citizen=lan)
    dossier = perform(dossier, "request_supplement", actor=son, note="Thiếu bản sao giấy chứng sinh")
    sign_in(client, lan)
    page = client.post(f"/my/dossiers/{dossier.code}/supplement/send/", {"version": dossier.version}, follow=True)
    assert "Upload what the counter asked for before you send the supplement." in page.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUPPLEMENT_REQUESTED
    attach_upload(dossier, upload=SimpleUploadedFile("chung-sinh.pdf", PDF), document=None, actor=lan)
    client.post(f"/my/dossiers/{dossier.code}/supplement/send/", {"version": dossier.version})
    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED


def test_the_clerk_records_a_supplement_brought_to_the_counter_without_a_file(chi, son, lan, procedure, office_a):
    dossier = received_dossier(procedure, office_a, chi, citizen=lan)
    perform(dossier, "request_supplement", actor=son, note="Mang bản chính để đối chiếu")
    assert perform(dossier, "supplement", actor=chi).state == State.RECEIVED


# What the citizen reads of the trail ---------------------------------------------------------------


def test_the_citizen_reads_the_same_trail_on_the_page_and_through_the_api(
    api, client, lan, chi, son, procedure, office_a
):
    dossier = submitted_online(procedure, office_a, lan)
    attach_upload(dossier, upload=SimpleUploadedFile("cua-lan.pdf", PDF), document=None, actor=lan)
    attach_upload(dossier, upload=SimpleUploadedFile("ban-scan-noi-bo.pdf", PDF), document=None, actor=chi)
    perform(dossier, "receive", actor=chi, documents={1}, note="Ghi chú nội bộ của cán bộ")
    perform(dossier, "request_supplement", actor=son, note="Thiếu bản sao giấy chứng sinh")
    through_api = api.as_(lan).get(f"/api/v1/dossiers/{dossier.code}/").json()["events"]
    page = sign_in(client, lan).get(f"/my/dossiers/{dossier.code}/").content.decode()
    notes = [event["note"] for event in through_api]
    assert "cua-lan.pdf" in notes and "Thiếu bản sao giấy chứng sinh" in notes
    for text in ("cua-lan.pdf", "Thiếu bản sao giấy chứng sinh"):
        assert text in page
    for hidden in ("ban-scan-noi-bo.pdf", "Ghi chú nội bộ của cán bộ"):
        assert hidden not in notes and hidden not in page
    assert DossierEvent.objects.filter(dossier=dossier, note="ban-scan-noi-bo.pdf").exists()


# Phone and ID numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "id_number", "field", "message"),
    [
        ("12 34", "001190012345", "phone", "Enter a phone number of 9 to 12 digits"),
        ("0912 345 678", "12-AB", "id_number", "Enter a 12-digit ID number"),
    ],
)
def test_a_bad_phone_or_id_number_gets_the_same_words_at_the_counter_the_api_and_the_profile(
    api, client, chi, lan, procedure, office_a, phone, id_number, field, message
):
    person = applicant(phone=phone, id_number=id_number)
    through_api = api.as_(chi).post(
        "/api/v1/dossiers/",
        {"procedure": procedure.code, "office": office_a.code, "applicant": person, "received_documents": [1]},
        format="json",
    )
    assert through_api.status_code == 400 and message in error_of(through_api)["fields"][f"applicant.{field}"][0]
    counter = sign_in(client, chi).post(
        f"/counter/intake/{procedure.code}/", {**person, "delivery": "counter", "documents": ["1"]}
    )
    assert message in str(counter.context["form"].errors[field])
    profile = sign_in(client, lan).post(
        "/accounts/profile/", {"full_name": "Nguyễn Thị Lan", "phone": phone, "id_number": id_number}
    )
    assert message in str(profile.context["form"].errors[field])
    assert not Dossier.objects.exists()


def test_a_phone_number_is_kept_in_one_form_whichever_door_it_came_through(api, client, chi, procedure, office_a):
    walk_in = {"procedure": procedure.code, "office": office_a.code, "received_documents": [1]}
    api.as_(chi).post("/api/v1/dossiers/", {**walk_in, "applicant": applicant(phone="+84 912.345.678")}, format="json")
    sign_in(client, chi).post(
        f"/counter/intake/{procedure.code}/",
        {**applicant(phone="0912 345 678"), "delivery": "counter", "documents": ["1"]},
    )
    assert list(Dossier.objects.values_list("applicant_phone", flat=True)) == ["0912345678", "0912345678"]


# A report's period ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("0001-01-01", "2026-01-31", "Reports start on 01/01/2000 at the earliest."),
        ("2026-01-31", "2026-01-01", "The last day comes before the first."),
        ("2099-01-01", "2099-01-31", "This period has not begun."),
    ],
)
def test_a_report_period_is_checked_the_same_on_the_page_and_through_the_api(
    api, client, tuan, office_a, start, end, message
):
    through_api = api.as_(tuan).get("/api/v1/reports/timeliness/", {"from": start, "to": end})
    assert through_api.status_code == 400 and [message] in error_of(through_api)["fields"].values()
    for page in ("/reports/", "/reports/sectors/", "/reports/delays/"):
        shown = sign_in(client, tuan).get(page, {"period": "custom", "start": start, "end": end})
        assert shown.status_code == 200 and message in shown.content.decode(), page


# The four-eyes rule, in the write path whichever door the action came through ---------

APPRAISER_DECIDES = "You appraised dossier {code}: another approver must decide on it"
OWN_DOSSIER = "Dossier {code} names you as its applicant: a colleague must handle it"


@pytest.fixture
def long(office_a):
    """One account holding two roles at commune A: specialist and approver."""
    user = staff_member("long", "Mạc Văn Long", office_a, Membership.Role.SPECIALIST)
    Membership.objects.create(user=user, office=office_a, role=Membership.Role.APPROVER)
    return user


def trace(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return dossier.state, dossier.version, dossier.approver_id, dossier.events.count()


def test_whoever_appraised_a_dossier_may_not_approve_or_reject_it_through_either_door(
    client, api, long, hoa, chi, procedure, office_a
):
    dossier = perform(received_dossier(procedure, office_a, chi), "appraise", actor=long)
    before = trace(dossier)
    reason = APPRAISER_DECIDES.format(code=dossier.code)
    page = sign_in(client, long).get(dossier.get_absolute_url()).content.decode()
    assert 'value="approve"' not in page and 'value="reject"' not in page
    assert "Left to a colleague" in page and reason in page
    assert "approve" not in api.as_(long).get(f"/api/v1/dossiers/{dossier.code}/").json()["actions"]
    for action in ("approve", "reject"):
        on_the_page = client.post(
            f"/counter/dossiers/{dossier.code}/act/",
            {"action": action, "note": "Ý kiến", "version": dossier.version, "confirm": "on"},
        )
        assert on_the_page.status_code == 403 and reason in on_the_page.content.decode(), action
        through_api = act(api.as_(long), dossier, action, note="Ý kiến")
        assert through_api.status_code == 403, action
        assert error_of(through_api)["code"] == "forbidden" and reason in error_of(through_api)["message"]
    assert trace(dossier) == before
    # Another approver decides: four eyes.
    assert act(api.as_(hoa), dossier, "approve").json()["state"] == State.APPROVED


def test_a_clerk_may_not_receive_her_own_application_through_either_door(client, api, chi, procedure, office_a):
    dossier = submitted_online(procedure, office_a, chi)  # Chi applied from her own account
    before = trace(dossier)
    reason = OWN_DOSSIER.format(code=dossier.code)
    page = sign_in(client, chi).get(dossier.get_absolute_url()).content.decode()
    assert 'value="receive"' not in page and reason in page
    on_the_page = client.post(
        f"/counter/dossiers/{dossier.code}/act/", {"action": "receive", "documents": ["1"], "version": dossier.version}
    )
    assert on_the_page.status_code == 403 and reason in on_the_page.content.decode()
    through_api = act(api.as_(chi), dossier, "receive", documents=[1])
    assert through_api.status_code == 403 and reason in error_of(through_api)["message"]
    assert trace(dossier) == before
    # As its citizen she may still take it back.
    assert act(api.as_(chi), dossier, "withdraw", note="Tôi nộp nhầm").json()["state"] == State.WITHDRAWN


def test_a_clerk_taking_in_a_dossier_that_names_her_is_refused_through_either_door(
    client, api, chi, procedure, office_a
):
    chi.phone, chi.id_number = "0987654321", "001190099999"
    chi.save(update_fields=["phone", "id_number"])
    sign_in(client, chi)
    # Her phone number, however it is typed.
    on_the_page = client.post(
        f"/counter/intake/{procedure.code}/",
        {"name": "Trần Thị Chi", "phone": "+84 987 654 321", "delivery": "counter", "documents": ["1"]},
    )
    assert on_the_page.status_code == 403
    assert "names you as its applicant: a colleague must handle it" in on_the_page.content.decode()
    # Her ID number.
    data = {
        "procedure": procedure.code,
        "office": office_a.code,
        "applicant": applicant(name="Trần Thị Chi", id_number="001 190 099 999", phone=""),
        "received_documents": [1],
    }
    through_api = api.as_(chi).post("/api/v1/dossiers/", data, format="json")
    assert through_api.status_code == 403
    assert "names you as its applicant" in error_of(through_api)["message"]
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()

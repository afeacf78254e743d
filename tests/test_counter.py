"""The counter workspace as staff use it, through the pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dossiers.models import Attachment, Dossier, State
from dossiers.workflow import perform
from tests.factories import PASSWORD, PDF, ProcedureFactory, received_dossier, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def walk_in(procedure, office, clerk, **kwargs):
    return received_dossier(procedure, office, clerk, **kwargs)


def test_the_workspace_is_for_signed_in_staff(client, lan, chi):
    assert client.get("/counter/").status_code == 302
    sign_in(client, lan)
    assert client.get("/counter/").status_code == 403
    sign_in(client, chi)
    assert client.get("/counter/").status_code == 200


def test_the_queues_count_what_needs_doing_at_my_office_only(
    client, procedure, office_a, office_b, chi, binh, son, lan
):
    submitted_online(procedure, office_a, lan)
    submitted_online(procedure, office_a, lan)
    received = walk_in(procedure, office_a, chi)
    waiting = walk_in(procedure, office_a, chi)
    perform(waiting, "request_supplement", actor=son, note="Thiếu")
    walk_in(procedure, office_b, binh)  # another commune's
    page = sign_in(client, chi).get("/counter/")
    counts = {tile["queue"].slug: tile["count"] for tile in page.context["tiles"]}
    assert counts == {
        "to_check": 2,
        "waiting_long": 0,  # just sent
        "to_appraise": 1,
        "to_approve": 0,
        "to_stamp": 0,
        "to_return": 0,
        "to_post": 0,
        "waiting": 1,
        "due_soon": 0,
        "overdue": 0,
    }
    listed = sign_in(client, chi).get("/counter/queue/to_appraise/").context["page"]
    assert [d.code for d in listed] == [received.code]


def test_due_soon_and_overdue_follow_the_calendar(client, procedure, office_a, chi, monkeypatch):
    # Received Mon 12/01/2026 09:00, 3 working days: due Thu 15/01 09:00.
    monday = dt.datetime(2026, 1, 12, 9, 0, tzinfo=timezone.get_default_timezone())
    dossier = received_dossier(procedure, office_a, chi, at=monday)
    for now, expected in [
        (dt.datetime(2026, 1, 13, 16, 0), {"due_soon": 0, "overdue": 0}),  # 9 working hours left
        (dt.datetime(2026, 1, 14, 10, 0), {"due_soon": 1, "overdue": 0}),
        (dt.datetime(2026, 1, 15, 16, 0), {"due_soon": 1, "overdue": 0}),  # due today: not overdue yet
        (dt.datetime(2026, 1, 16, 8, 0), {"due_soon": 0, "overdue": 1}),
    ]:
        now = now.replace(tzinfo=timezone.get_default_timezone())
        monkeypatch.setattr("django.utils.timezone.now", lambda now=now: now)
        sign_in(client, chi)  # a session signed in "now", whatever now is
        response = client.get("/counter/")
        assert response.status_code == 200, (response.status_code, response.get("Location"))
        counts = {t["queue"].slug: t["count"] for t in response.context["tiles"]}
        assert {k: counts[k] for k in expected} == expected, now
    assert dossier.timeliness(dt.date(2026, 1, 16)) == "overdue"


def test_a_clerk_of_commune_a_sees_nothing_of_commune_b(client, procedure, office_b, chi, binh):
    theirs = walk_in(procedure, office_b, binh, name="Hoàng Văn Bí Mật")
    sign_in(client, chi)
    assert client.get(f"/counter/dossiers/{theirs.code}/").status_code == 404
    page = client.get("/counter/", {"q": theirs.code}).content.decode()
    assert "No dossier of your offices matches" in page
    assert list(client.get("/counter/", {"q": "Bí Mật"}).context["found"]) == []
    assert client.post(f"/counter/dossiers/{theirs.code}/act/", {"action": "appraise", "version": 2}).status_code == 404


def test_finding_a_dossier_by_code_opens_it(client, procedure, office_a, chi):
    dossier = walk_in(procedure, office_a, chi)
    response = sign_in(client, chi).get("/counter/", {"q": dossier.code.lower()})
    assert response.status_code == 302 and response["Location"] == f"/counter/dossiers/{dossier.code}/"
    found = client.get("/counter/", {"q": "5678"}).context["found"]  # last digits of the phone
    assert list(found) == [dossier]


def test_the_dossier_page_offers_only_what_i_may_do(client, procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi)
    context = sign_in(client, son).get(dossier.get_absolute_url()).context
    assert [a["name"] for a in context["actions"]] == ["appraise", "request_supplement"]
    assert [a["name"] for a in context["stopping"]] == ["reject"]
    context = sign_in(client, chi).get(dossier.get_absolute_url()).context
    assert [a["name"] for a in context["actions"]] == ["request_supplement"]
    assert [a["name"] for a in context["stopping"]] == ["withdraw"]
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "3 working days from 12/01" in page or "3 working days from" in page


def test_acting_from_the_page(client, procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi)
    response = sign_in(client, son).post(
        f"/counter/dossiers/{dossier.code}/act/", {"action": "appraise", "version": dossier.version, "note": "Đủ"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.APPRAISED
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Appraised — dossier" in page and "Đủ" in page


def test_a_missing_reason_is_explained_and_changes_nothing(client, procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi)
    response = sign_in(client, son).post(
        f"/counter/dossiers/{dossier.code}/act/", {"action": "reject", "version": dossier.version, "note": ""}
    )
    assert response.status_code == 400
    assert "Give the reasons for the rejection; they go to the citizen." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED and dossier.events.count() == 2


def test_a_page_left_open_too_long_is_told_the_dossier_changed(client, procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi)
    seen = dossier.version
    perform(dossier, "appraise", actor=son)
    response = sign_in(client, son).post(
        f"/counter/dossiers/{dossier.code}/act/",
        {"action": "reject", "version": seen, "note": "Không đủ điều kiện", "confirm": "on"},
    )
    assert response.status_code == 409
    assert "changed since you opened it" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.APPRAISED


def test_checking_an_online_submission_ticks_the_documents_and_receives_it(client, procedure, office_a, chi, lan):
    dossier = submitted_online(procedure, office_a, lan)
    sign_in(client, chi)
    response = client.post(
        f"/counter/dossiers/{dossier.code}/act/", {"action": "receive", "version": dossier.version, "documents": []}
    )
    assert response.status_code == 400
    assert "These mandatory documents are not ticked as received: Tờ khai" in response.content.decode()
    assert not dossier.documents.filter(is_received=True).exists()
    response = client.post(
        f"/counter/dossiers/{dossier.code}/act/", {"action": "receive", "version": dossier.version, "documents": ["1"]}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED and dossier.due_at is not None


def test_the_walk_in_intake(client, procedure, office_a, chi):
    sign_in(client, chi)
    assert "Thủ tục thử nghiệm" in client.get("/counter/intake/", {"q": "thu nghiem"}).content.decode()
    form = client.get(f"/counter/intake/{procedure.code}/")
    assert form.status_code == 200
    data = {
        "name": "Phạm Thị Hương",
        "id_number": "001 190 012 345",
        "phone": "0987 654 321",
        "email": "",
        "address": "Thôn Đông, xã Gia Viễn",
        "delivery": "counter",
        "documents": ["1"],
    }
    response = client.post(f"/counter/intake/{procedure.code}/", data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == dossier.get_absolute_url()
    assert (dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_phone) == (
        "Phạm Thị Hương",
        "001190012345",
        "0987654321",
    )
    assert dossier.state == State.RECEIVED and dossier.received_by == chi
    assert f"Dossier {dossier.code} received. Appointment:" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"documents": ["2"]}, "These mandatory documents are not ticked as received: Tờ khai"),
        ({"id_number": "12345"}, "Enter a 12-digit ID number (9 on an old card), a 13-digit Thai ID number"),
        ({"name": ""}, "This field is required."),
        ({"delivery": "post"}, "Give the address the result is posted to."),
        ({"phone": "call me"}, "Enter a phone number of 9 to 12 digits"),
    ],
)
def test_bad_intake_input_is_explained_and_creates_nothing(client, procedure, office_a, chi, change, message):
    data = {"name": "Phạm Thị Hương", "delivery": "counter", "documents": ["1"], **change}
    response = sign_in(client, chi).post(f"/counter/intake/{procedure.code}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not Dossier.objects.exists()


def test_only_clerks_take_dossiers_in(client, procedure, son):
    assert sign_in(client, son).get("/counter/intake/").status_code == 403
    assert client.post(f"/counter/intake/{procedure.code}/", {"name": "X"}).status_code == 403


def test_a_location_independent_intake_chooses_the_competent_commune(client, office_a, office_b, chi):
    copies = ProcedureFactory(code="2.000635", is_location_independent=True)
    data = {"name": "Phạm Thị Hương", "delivery": "counter", "documents": ["1"], "competent_office": office_b.pk}
    response = sign_in(client, chi).post(f"/counter/intake/{copies.code}/", data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.competent_office == office_b and dossier.code.startswith(office_b.code)


def test_a_scan_is_checked_by_its_content(client, procedure, office_a, chi, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    dossier = walk_in(procedure, office_a, chi)
    document = dossier.documents.get(position=1)
    sign_in(client, chi)
    url = f"/counter/dossiers/{dossier.code}/attachments/"
    client.post(url, {"document": document.pk, "file": SimpleUploadedFile("to-khai.pdf", PDF)})
    attachment = Attachment.objects.get()
    assert (attachment.document, attachment.content_type, attachment.size) == (document, "application/pdf", len(PDF))
    download = client.get(f"{url}{attachment.pk}/")
    assert b"".join(download.streaming_content) == PDF

    for name, content, message in [
        ("fake.pdf", b"just text pretending", "not a PDF, JPEG or PNG"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ]:
        page = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True).content.decode()
        assert message in page
    assert Attachment.objects.count() == 1


def test_notes_keep_their_line_breaks_and_staff_see_messages_sent(client, procedure, office_a, chi, son):
    dossier = walk_in(procedure, office_a, chi)
    perform(dossier, "request_supplement", actor=son, note="1. Tờ khai\n2. Ảnh")
    page = sign_in(client, chi).get(dossier.get_absolute_url()).content.decode()
    assert "1. Tờ khai\n2. Ảnh" in page
    assert "Supplement requested" in page and "Waiting to be sent" in page


def test_attaching_a_scan_as_other_and_the_rules_of_attaching(client, procedure, office_a, chi, tuan, settings):
    dossier = walk_in(procedure, office_a, chi)
    url = f"/counter/dossiers/{dossier.code}/attachments/"
    sign_in(client, chi)
    client.post(url, {"document": "", "file": SimpleUploadedFile("khac.pdf", PDF)})
    attachment = Attachment.objects.get()
    assert attachment.document is None
    assert dossier.events.last().action == "attach" and dossier.events.last().note == "khac.pdf"
    # Scans are kept out of MEDIA_ROOT, which a proxy may serve to anyone.
    assert str(settings.MEDIA_ROOT) not in attachment.file.path

    sign_in(client, tuan)  # a supervisor looks but does not add files
    page = client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}, follow=True).content.decode()
    assert "You may not add files" in page
    perform(dossier, "withdraw", actor=chi, note="Rút")
    sign_in(client, chi)
    page = client.post(url, {"file": SimpleUploadedFile("y.pdf", PDF)}, follow=True).content.decode()
    assert "takes no files now" in page
    assert Attachment.objects.count() == 1

"""A citizen's own dossiers: where each stands in plain words, answering a
supplement request, withdrawing, rating the service, feedback that reaches a
supervisor; and public tracking by code and phone digits."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citizens.models import Feedback
from dossiers.models import Attachment, Notification, State
from dossiers.workflow import perform
from tests.factories import PASSWORD, PDF, UserFactory, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")


@pytest.fixture
def dossier(procedure, office_a, lan):
    return submitted_online(procedure, office_a, lan)


@pytest.fixture
def as_lan(client, lan):
    client.login(username="lan", password=PASSWORD)
    return client


def page_of(client, dossier) -> str:
    return client.get(f"/my/dossiers/{dossier.code}/").content.decode()


def received(dossier, chi):
    return perform(dossier, "receive", actor=chi, documents={1})


def test_the_dossier_page_tells_the_citizen_where_it_stands(as_lan, dossier, chi, son):
    page = page_of(as_lan, dossier)
    assert "Submitted, waiting for the counter" in page
    assert "The clock starts when the counter receives the dossier" in page

    dossier = received(dossier, chi)
    perform(dossier, "appraise", actor=son, note="internal remark for the leader")
    page = page_of(as_lan, dossier)
    assert "Appraised, waiting for approval" in page
    assert "How the date was worked out" in page
    assert "Receipt and appointment slip" in page
    # Staff's working notes stay with staff.
    assert "internal remark for the leader" not in page


def test_a_citizen_sees_only_their_own_dossiers(client, dossier, binh):
    other = UserFactory(username="hung")
    client.login(username=other.username, password=PASSWORD)
    assert client.get(f"/my/dossiers/{dossier.code}/").status_code == 404
    assert client.post(f"/my/dossiers/{dossier.code}/withdraw/", {"reason": "x"}).status_code == 404
    assert dossier.code not in client.get("/my/").content.decode()


def test_a_supplement_round_trip_restarts_the_clock(as_lan, dossier, chi, son):
    dossier = received(dossier, chi)
    due = dossier.due_at
    perform(dossier, "request_supplement", actor=son, note="Bổ sung bản sao giấy khai sinh")
    page = page_of(as_lan, dossier)
    assert "The counter asks you for more" in page and "Bổ sung bản sao giấy khai sinh" in page

    # Sending without a file is refused and changes nothing.
    as_lan.post(f"/my/dossiers/{dossier.code}/supplement/send/")
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_REQUESTED

    bad = as_lan.post(
        f"/my/dossiers/{dossier.code}/supplement/", {"file": SimpleUploadedFile("ks.pdf", b"not a pdf at all")}
    )
    assert bad.status_code == 400 and "not a PDF, JPEG or PNG" in bad.content.decode()
    assert not Attachment.objects.exists()

    as_lan.post(f"/my/dossiers/{dossier.code}/supplement/", {"file": SimpleUploadedFile("ban-sao-ks.pdf", PDF)})
    assert "ban-sao-ks.pdf" in page_of(as_lan, dossier)
    as_lan.post(f"/my/dossiers/{dossier.code}/supplement/send/", {"version": dossier.version})
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED
    assert dossier.events.last().actor.username == "lan"
    assert dossier.due_at >= due


def test_withdrawing_needs_a_reason_and_ends_the_dossier(as_lan, dossier, chi):
    dossier = received(dossier, chi)
    page = as_lan.post(f"/my/dossiers/{dossier.code}/withdraw/", {"reason": " "}).content.decode()
    assert "This field is required." in page
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED

    as_lan.post(
        f"/my/dossiers/{dossier.code}/withdraw/", {"reason": "Tôi nộp nhầm thủ tục", "version": dossier.version}
    )
    dossier.refresh_from_db()
    assert dossier.state == State.WITHDRAWN
    assert dossier.events.last().note == "Tôi nộp nhầm thủ tục"
    assert "Withdraw this dossier" not in page_of(as_lan, dossier)


def test_a_stale_page_cannot_withdraw_a_dossier_that_moved_on(as_lan, dossier, chi):
    version = dossier.version
    received(dossier, chi)
    page = as_lan.post(f"/my/dossiers/{dossier.code}/withdraw/", {"reason": "Rút", "version": version})
    assert page.status_code == 400 and "changed since you opened it" in page.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED


def finish(dossier, chi, son, hoa):
    dossier = received(dossier, chi)
    for action, actor in (("appraise", son), ("approve", hoa), ("stamp", chi), ("return", chi)):
        dossier = perform(dossier, action, actor=actor)
    return dossier


def test_the_service_is_rated_once_the_result_is_handed_over_and_only_once(as_lan, dossier, chi, son, hoa, tuan):
    early = as_lan.post(f"/my/dossiers/{dossier.code}/rate/", {"rating": "5"})
    assert early.status_code == 400 and "once the result has been handed over" in early.content.decode()

    dossier = finish(dossier, chi, son, hoa)
    assert "Rate the service" in page_of(as_lan, dossier)
    as_lan.post(f"/my/dossiers/{dossier.code}/rate/", {"rating": "4", "comment": "Nhanh, chu đáo"})
    again = as_lan.post(f"/my/dossiers/{dossier.code}/rate/", {"rating": "1"})
    assert again.status_code == 400 and "already rated" in again.content.decode()
    rating = Feedback.objects.get()
    assert (rating.kind, rating.rating, rating.stage) == ("rating", 4, State.RETURNED)
    assert Notification.objects.filter(kind=Notification.Kind.FEEDBACK, recipient=tuan.email).exists()
    assert "Rate the service" not in page_of(as_lan, dossier)


def test_a_complaint_reaches_the_supervisor_who_answers_it(client, as_lan, dossier, chi, tuan, binh):
    dossier = received(dossier, chi)
    empty = as_lan.post(f"/my/dossiers/{dossier.code}/feedback/", {"kind": "complaint", "comment": ""})
    assert empty.status_code == 400 and not Feedback.objects.exists()
    as_lan.post(
        f"/my/dossiers/{dossier.code}/feedback/",
        {"kind": "complaint", "comment": "Cán bộ hẹn ba lần vẫn chưa trả lời"},
    )
    complaint = Feedback.objects.get()
    assert (complaint.kind, complaint.stage) == ("complaint", State.RECEIVED)

    client.logout()
    client.login(username="binh", password=PASSWORD)  # a clerk of another commune
    assert client.get("/reports/feedback/").status_code == 403
    client.login(username="tuan", password=PASSWORD)
    listed = client.get("/reports/feedback/").content.decode()
    assert "Cán bộ hẹn ba lần vẫn chưa trả lời" in listed and dossier.code in listed
    assert "Received, being appraised" in listed and "Trần Thị Chi" in listed
    client.post(f"/reports/feedback/{complaint.pk}/answer/", {"answer": "Chúng tôi đã nhắc nhở cán bộ."})
    second = client.post(f"/reports/feedback/{complaint.pk}/answer/", {"answer": "Again"}, follow=True)
    assert "answered already" in second.content.decode()
    complaint.refresh_from_db()
    assert (complaint.answer, complaint.answered_by) == ("Chúng tôi đã nhắc nhở cán bộ.", tuan)
    told = Notification.objects.get(kind=Notification.Kind.ANSWER)
    assert told.recipient == dossier.applicant_email and "Chúng tôi đã nhắc nhở cán bộ." in told.body

    client.login(username="lan", password=PASSWORD)
    assert "Chúng tôi đã nhắc nhở cán bộ." in page_of(client, dossier)


def test_a_supervisor_of_another_province_cannot_answer(client, dossier, lan):
    from portal.models import Membership
    from tests.factories import OfficeFactory, staff_member

    elsewhere = OfficeFactory(code="000.00.00.H99", name="Tỉnh Khác", level="province")
    staff_member("khac", "Giám sát tỉnh khác", elsewhere, Membership.Role.SUPERVISOR)
    complaint = Feedback.objects.create(dossier=dossier, author=lan, kind="complaint", comment="x", stage="submitted")
    client.login(username="khac", password=PASSWORD)
    assert client.post(f"/reports/feedback/{complaint.pk}/answer/", {"answer": "Không"}).status_code in (403, 404)
    complaint.refresh_from_db()
    assert complaint.answered_at is None


# Public tracking -------------------------------------------------------------


def track(client, code, digits):
    return client.post("/track/", {"code": code, "phone_last4": digits})


def test_tracking_by_code_and_phone_digits_shows_the_stage_and_appointment_only(client, dossier, chi):
    dossier = received(dossier, chi)
    found = track(client, dossier.code.lower(), "5678")
    page = found.content.decode()
    assert found.status_code == 200
    assert "Received, being appraised" in page and dossier.appointment_at.strftime("%d/%m/%Y") in page
    assert dossier.applicant_name not in page and dossier.applicant_id_number not in page


def test_wrong_guesses_never_reveal_whether_a_code_exists(client, dossier):
    wrong_digits = track(client, dossier.code, "0000")
    unknown_code = track(client, "000.01.00.H01-991231-9999", "5678")
    assert wrong_digits.status_code == unknown_code.status_code == 404

    def message(response):
        page = response.content.decode()
        return page[page.index("error-summary") : page.index("</div>", page.index("error-summary"))]

    assert message(wrong_digits) == message(unknown_code)
    assert "No dossier matches this code and these digits" in message(wrong_digits)


def test_wrong_guesses_at_one_code_are_limited(client, dossier, settings):
    settings.TRACKING_ATTEMPTS = 3
    for _ in range(3):
        assert track(client, dossier.code, "0000").status_code == 404
    blocked = track(client, dossier.code, "5678")
    assert blocked.status_code == 429 and "Too many attempts" in blocked.content.decode()
    assert "Submitted, waiting for the counter" not in blocked.content.decode()


# Kiosk -----------------------------------------------------------------------


def test_kiosk_mode_enlarges_the_pages_and_starts_clean_for_the_next_person(client, lan):
    assert 'class="kiosk' not in client.get("/").content.decode()
    client.get("/kiosk/")
    page = client.get("/procedures/").content.decode()
    assert 'class="kiosk' in page and "Start again for the next person" in page
    client.login(username="lan", password=PASSWORD)
    client.get("/kiosk/reset/")
    assert client.get("/my/").status_code == 302  # signed out
    assert 'class="kiosk' in client.get("/").content.decode()


def test_the_reset_address_signs_nobody_out_outside_a_kiosk(client, lan):
    client.login(username="lan", password=PASSWORD)
    client.get("/kiosk/reset/")
    assert client.get("/my/").status_code == 200


def test_a_site_wide_kiosk_setting(client, settings):
    settings.KIOSK_MODE = True
    settings.KIOSK_IDLE_SECONDS = 90
    page = client.get("/").content.decode()
    assert 'class="kiosk' in page and 'content="90;url=/kiosk/reset/"' in page


def test_only_staff_turn_kiosk_mode_off(client, chi):
    client.get("/kiosk/")
    client.get("/kiosk/?off=1")
    assert 'class="kiosk' in client.get("/").content.decode()
    client.login(username="chi", password=PASSWORD)
    client.get("/kiosk/?off=1")
    assert 'class="kiosk' not in client.get("/").content.decode()


# The citizen's own files ----------------------------------------------------------------------


def test_the_citizen_downloads_again_the_files_they_sent_and_nobody_else_can(
    as_lan, client, dossier, chi, django_user_model
):
    from dossiers.workflow import attach_upload

    mine = attach_upload(
        dossier, upload=SimpleUploadedFile("giay-khai-sinh.pdf", PDF), document=None, actor=dossier.citizen
    )
    scan = attach_upload(dossier, upload=SimpleUploadedFile("ban-scan-noi-bo.pdf", PDF), document=None, actor=chi)
    page = page_of(as_lan, dossier)
    url = f"/my/dossiers/{dossier.code}/files/{mine.pk}/"
    assert f'href="{url}"' in page and "giay-khai-sinh.pdf" in page
    # Staff's scans are not the citizen's to take, as in their timeline.
    assert "ban-scan-noi-bo.pdf" not in page
    response = as_lan.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="giay-khai-sinh.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    assert "/media/" not in page
    assert as_lan.get(f"/my/dossiers/{dossier.code}/files/{scan.pk}/").status_code == 404
    assert as_lan.get(f"/my/dossiers/{dossier.code}/files/999999/").status_code == 404

    # Another citizen, and nobody signed in, get nothing.
    UserFactory(username="minh")
    as_lan.logout()
    assert as_lan.get(url).status_code == 302
    as_lan.login(username="minh", password=PASSWORD)
    assert as_lan.get(url).status_code == 404
    other = submitted_online(
        dossier.procedure, dossier.receiving_office, django_user_model.objects.get(username="minh")
    )
    assert as_lan.get(f"/my/dossiers/{other.code}/files/{mine.pk}/").status_code == 404

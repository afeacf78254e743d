"""Messages to citizens and staff: written with the change, sent by a
background task after it commits, retried when a send fails."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from dossiers import tasks
from dossiers.models import Notification
from dossiers.workflow import perform
from portal.sms import MemoryBackend
from tests.factories import received_dossier

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.usefixtures("vn_holidays")


@pytest.fixture
def received(procedure, office_a, chi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return received_dossier(procedure, office_a, chi, at=dt.datetime(2026, 1, 12, 9, 0, tzinfo=HCM))


def test_receipt_is_told_by_email_and_by_sms_with_diacritics(received):
    (email,) = mail.outbox
    assert email.to == ["lan@example.org"]
    assert email.subject == f"Dossier {received.code} received"
    assert "09:00 15/01/2026" in email.body and "Thủ tục thử nghiệm" in email.body
    assert email.alternatives[0][1] == "text/html"
    (sms,) = MemoryBackend.outbox
    assert sms == ("0912345678", f"Dossier {received.code} received. Result expected 09:00 15/01/2026.")
    assert set(received.notifications.values_list("status", flat=True)) == {"sent"}


def test_messages_are_written_in_the_portal_language(
    settings, procedure, office_a, chi, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "vi"
    with django_capture_on_commit_callbacks(execute=True):
        dossier = received_dossier(procedure, office_a, chi)
    _phone, text = MemoryBackend.outbox[0]
    assert text.startswith(f"Đã tiếp nhận hồ sơ {dossier.code}.")
    assert "Ngày hẹn trả kết quả" in text


def test_a_supplement_request_tells_the_citizen_what_to_bring(received, son, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        perform(received, "request_supplement", actor=son, note="Bản chính giấy chứng sinh")
    assert "Bản chính giấy chứng sinh" in mail.outbox[-1].body
    assert MemoryBackend.outbox[-1][1].endswith("Bản chính giấy chứng sinh")


def test_nothing_is_sent_for_an_action_that_fails(received, son, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="Say what"):
        perform(received, "request_supplement", actor=son, note="")
    assert len(mail.outbox) == 1
    assert received.notifications.count() == 2


def test_a_failed_send_is_kept_visible_and_retried(
    received, son, settings, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(phone, text):
        raise ConnectionError("SMS gateway unreachable")

    monkeypatch.setattr("dossiers.tasks.send_sms", broken)
    with django_capture_on_commit_callbacks(execute=True):
        perform(received, "request_supplement", actor=son, note="Thiếu tờ khai")
    failed = Notification.objects.get(status="failed")
    assert (failed.medium, failed.attempts) == ("sms", 1)
    assert failed.last_error == "ConnectionError: SMS gateway unreachable"

    monkeypatch.undo()
    monkeypatch.setattr("django_q.conf.Conf.SYNC", True)
    assert tasks.retry_failed_notifications() == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("sent", 2, "")
    # A second run sends nothing twice.
    assert tasks.send_notification(failed.pk) == "already sent"
    assert tasks.retry_failed_notifications() == 0


def test_the_daily_sweep_warns_staff_once(received, son, hoa, chi, monkeypatch, django_capture_on_commit_callbacks):
    # The dossier is due Thu 15/01 09:00; on Wed 14/01 at 10:00 it is due within a working day.
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 1, 14, 10, 0, tzinfo=HCM))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_deadlines() == 3  # the clerk, the specialist and the approver of office A
    assert {m.to[0] for m in mail.outbox} == {"chi@example.org", "son@example.org", "hoa@example.org"}
    assert mail.outbox[0].subject == "Deadlines: 1 due within a working day, 0 overdue"
    assert received.code in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_deadlines() == 0  # already warned today


def test_the_html_part_of_an_email_escapes_what_people_typed(
    procedure, office_a, chi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        received_dossier(procedure, office_a, chi, name='<a href="https://evil.example">Pay here</a>')
    html, _type = mail.outbox[0].alternatives[0]
    assert "<a href" not in html and "&lt;a href=&quot;https://evil.example&quot;&gt;" in html


def test_a_message_never_queued_is_picked_up_by_the_retry_sweep(received, son, monkeypatch):
    # The broker was down when the supplement was requested: nothing was queued.
    monkeypatch.setattr("dossiers.tasks.enqueue_outputs", lambda slip, pks: None)
    perform(received, "request_supplement", actor=son, note="Thiếu tờ khai")
    pending = Notification.objects.filter(status="pending")
    assert pending.count() == 2
    monkeypatch.undo()
    monkeypatch.setattr("django_q.conf.Conf.SYNC", True)
    assert tasks.retry_failed_notifications() == 0  # not stuck yet
    pending.update(created_at=dt.datetime(2026, 1, 1, tzinfo=HCM))
    assert tasks.retry_failed_notifications() == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_without_this_years_calendar_the_sweep_still_sends_what_is_overdue(
    received, son, hoa, chi, monkeypatch, django_capture_on_commit_callbacks
):
    from portal.models import CalendarYear

    # Due Thu 15/01 09:00; on Mon 19/01 it is overdue, whatever the calendar says of tomorrow.
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 1, 19, 10, 0, tzinfo=HCM))
    CalendarYear.objects.filter(year=2026).delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_deadlines() == 3
    assert mail.outbox[0].subject == "Deadlines: 0 due within a working day, 1 overdue"

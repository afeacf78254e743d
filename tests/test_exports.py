"""A long dossier register is made by the task cluster, not within the
request: the request asks for it and lands on a page that follows it (a
meta refresh and a plain link, no JavaScript), which offers the download
when it is ready; only the person who asked downloads it, and it is deleted
a day later. A short register still comes at once. January 2026 at commune
A has 9 dossiers in its register; these tests make anything over 5 long."""

import datetime as dt
import io
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.models import Membership
from reports import exports
from reports.models import Export
from reports.periods import Period
from reports.tasks import EXPORT_TIMEOUT, ask_register, delete_expired_exports, make_export
from tests.factories import PASSWORD, migrated_schedule, staff_member

QUERY = "period=2026-01&office={office}"


@pytest.fixture(autouse=True)
def long_registers(monkeypatch):
    monkeypatch.setattr(exports, "REGISTER_ROWS_IN_REQUEST", {"pdf": 5, "xlsx": 5})


@pytest.fixture
def tuan_signed_in(client, tuan):
    client.login(username="tuan", password=PASSWORD)
    return client


def register_url(office, fmt="pdf"):
    return reverse("reports:register", args=[fmt]) + "?" + QUERY.format(office=office.pk)


def exports_period():
    return Period.month(2026, 1)


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_long_register_is_made_in_the_background_and_followed_to_its_download(
    history, tuan_signed_in, tuan, office_a
):
    client = tuan_signed_in
    response = client.get(register_url(office_a))
    export = Export.objects.get()
    assert response.status_code == 302 and response.url == f"/reports/exports/{export.pk}/"
    assert (export.state, export.rows, export.format, export.requested_by) == ("queued", 9, "pdf", tuan)

    waiting = client.get(response.url).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in waiting
    assert "Waiting for its turn" in waiting and 'value="0"' in waiting
    assert f'href="/reports/exports/{export.pk}/">Look again now</a>' in waiting
    assert "/download/" not in waiting
    assert client.get(f"/reports/exports/{export.pk}/download/").status_code == 404

    assert make_export(export.pk) == "done"
    assert make_export(export.pk) == "already done"  # a second delivery does nothing
    ready = client.get(response.url).content.decode()
    assert "http-equiv" not in ready and "Your file is ready" in ready
    assert f"/reports/exports/{export.pk}/download/" in ready
    download = client.get(f"/reports/exports/{export.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="register-000.01.00.H01-2026-01.pdf"'
    text = pdf_text(b"".join(download.streaming_content))
    assert history["online_still_open"].code in text and history["exactly_at_due"].code in text


def test_only_the_person_who_asked_sees_and_downloads_the_file(history, client, tuan, lan, office_a):
    export = ask_register(tuan, office_a, exports_period(), "xlsx")
    make_export(export.pk)
    other = staff_member("vinh", "Trịnh Văn Vinh", office_a.parent, Membership.Role.SUPERVISOR)
    client.login(username=other.username, password=PASSWORD)
    assert client.get(f"/reports/exports/{export.pk}/").status_code == 404
    assert client.get(f"/reports/exports/{export.pk}/download/").status_code == 404
    client.login(username="lan", password=PASSWORD)
    assert client.get(f"/reports/exports/{export.pk}/download/").status_code == 403
    client.logout()
    assert client.get(f"/reports/exports/{export.pk}/download/").status_code == 302  # to sign in


def test_the_task_cluster_makes_it_once_the_request_commits(
    history, tuan_signed_in, office_a, django_capture_on_commit_callbacks
):
    # The tests run the cluster's tasks at once (Q_SYNC), as a worker would.
    with django_capture_on_commit_callbacks(execute=True):
        response = tuan_signed_in.get(register_url(office_a, "xlsx"))
    export = Export.objects.get()
    assert (export.state, export.progress, export.step) == ("done", 100, "finished")
    assert "Your file is ready" in tuan_signed_in.get(response.url).content.decode()


def test_the_file_made_in_the_background_is_the_register(history, tuan_signed_in, tuan, office_a):
    export = ask_register(tuan, office_a, exports_period(), "xlsx")
    make_export(export.pk)
    download = tuan_signed_in.get(f"/reports/exports/{export.pk}/download/")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    codes = {row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert history["exactly_at_due"].code in codes and len(codes) == 9


def test_a_short_register_still_comes_at_once(history, tuan_signed_in, office_a, monkeypatch):
    monkeypatch.setattr(exports, "REGISTER_ROWS_IN_REQUEST", {"pdf": 100, "xlsx": 2000})
    response = tuan_signed_in.get(register_url(office_a))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not Export.objects.exists()


def test_asking_again_while_it_is_made_gives_the_same_file_and_a_person_waits_for_three_at_most(
    history, tuan_signed_in, tuan, office_a
):
    client = tuan_signed_in
    first = client.get(register_url(office_a)).url
    assert client.get(register_url(office_a)).url == first and Export.objects.count() == 1
    client.get(register_url(office_a, "xlsx"))
    client.get(register_url(office_a) + "&period=custom&start=2026-01-01&end=2026-01-20")
    assert Export.objects.count() == 3
    refused = client.get(register_url(office_a) + "&period=custom&start=2026-01-02&end=2026-01-31", follow=True)
    assert "You have 3 files being made already: wait until one is ready." in refused.content.decode()
    assert Export.objects.count() == 3


def test_a_register_too_long_for_a_pdf_is_refused_with_a_way_out(history, tuan_signed_in, office_a, monkeypatch):
    monkeypatch.setattr(exports, "REGISTER_PDF_MAX_ROWS", 8)
    page = tuan_signed_in.get(register_url(office_a), follow=True).content.decode()
    assert "A register of 9 dossiers is too long for a PDF: download the XLSX, or a shorter period." in page
    assert not Export.objects.exists()
    assert tuan_signed_in.get(register_url(office_a, "xlsx")).status_code == 302


def test_a_failure_is_told_on_the_page_and_nothing_is_offered(history, tuan_signed_in, tuan, office_a, monkeypatch):
    export = ask_register(tuan, office_a, exports_period(), "pdf")

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(exports, "register_file", broken)
    assert make_export(export.pk) == "failed"
    page = tuan_signed_in.get(f"/reports/exports/{export.pk}/").content.decode()
    assert "The file could not be made" in page and "http-equiv" not in page and "/download/" not in page


def test_the_progress_is_reported_step_by_step(history, office_a):
    heard = []
    exports.register_file(office_a, exports_period(), "pdf", lambda step, percent: heard.append((step, percent)))
    assert heard == [("laying_out", 20), ("writing", 80)]


def test_a_file_is_deleted_a_day_after_it_is_made(history, tuan_signed_in, tuan, office_a, settings):
    export = ask_register(tuan, office_a, exports_period(), "pdf")
    make_export(export.pk)
    export.refresh_from_db()
    stored = export.file.storage.path(export.file.name)
    assert export.expires_at - export.finished_at == dt.timedelta(hours=24)
    assert delete_expired_exports(now=export.finished_at + dt.timedelta(hours=23)) == 0
    assert delete_expired_exports(now=export.finished_at + dt.timedelta(hours=24, minutes=1)) == 1
    assert not Export.objects.exists() and not os.path.exists(stored)
    assert tuan_signed_in.get(f"/reports/exports/{export.pk}/").status_code == 404


def test_an_export_a_dead_worker_left_running_is_called_failed(history, tuan, office_a):
    export = ask_register(tuan, office_a, exports_period(), "pdf")
    Export.objects.filter(pk=export.pk).update(state="running", started_at=timezone.now() - EXPORT_TIMEOUT * 2)
    delete_expired_exports()
    export.refresh_from_db()
    assert export.state == "failed" and export.error == "Making the file took too long."


def test_an_export_the_broker_never_took_is_queued_again(history, tuan, office_a, monkeypatch):
    export = ask_register(tuan, office_a, exports_period(), "pdf")
    Export.objects.filter(pk=export.pk).update(created_at=timezone.now() - dt.timedelta(minutes=11))
    queued = []
    monkeypatch.setattr("reports.tasks.async_task", lambda *args, **kwargs: queued.append((args, kwargs)))
    delete_expired_exports()
    assert queued == [(("reports.tasks.make_export", export.pk), {"task_name": f"export-{export.pk}", "timeout": 900})]


def test_the_clean_up_runs_every_hour(db):
    schedule = migrated_schedule(
        "reports.migrations.0002_export_cleanup_schedule", "reports.tasks.delete_expired_exports"
    )
    assert (schedule.schedule_type, schedule.repeats) == ("H", -1)

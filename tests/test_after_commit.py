"""A change that committed never answers an error, and a retry never makes
a second dossier: with the task broker down, a submission, a receipt, a
sent application and the counter's digest still go through, and what could not be queued waits
in its table for the sweeps; an `Idempotency-Key` makes a blind retry of
`POST /api/v1/dossiers/` open nothing new.

These run in real transactions, so that the work queued "after commit"
runs inside the request, as it does in production."""

import datetime as dt

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from citizens import applications
from dossiers import tasks
from dossiers.models import Dossier, Notification, Slip
from tests.conftest import at, error_of
from tests.factories import PASSWORD, PDF, applicant, submitted_online

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]


@pytest.fixture
def broker_down(monkeypatch):
    """The broker refuses every task; `broker_down()` brings it back."""
    working = tasks.async_task

    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks, "async_task", refuse)
    return lambda: monkeypatch.setattr(tasks, "async_task", working)


def application(procedure, office):
    return {"procedure": procedure.code, "office": office.code, "applicant": applicant()}


def test_a_submission_answers_201_with_the_broker_down_and_the_counters_digest_goes_later(
    api, lan, chi, procedure, office_a, broker_down
):
    response = api.as_(lan).post("/api/v1/dossiers/", application(procedure, office_a), format="json")
    assert response.status_code == 201, response.content
    assert Dossier.objects.count() == 1
    # The counter's digest is written; the broker cannot take it.
    assert tasks.send_submission_digests(now=at("13/01/2026", "09:00")) == 1
    waiting = Notification.objects.filter(kind=Notification.Kind.SUBMISSION_DIGEST)
    assert waiting.exists() and set(waiting.values_list("status", flat=True)) == {Notification.Status.PENDING}
    # The broker is back; ten minutes on, the retry sweep sends what waited.
    broker_down()  # back up
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(minutes=11))
    assert tasks.retry_failed_notifications() == waiting.count()
    assert set(waiting.values_list("status", flat=True)) == {Notification.Status.SENT}


def test_a_receipt_at_the_counter_is_done_with_the_broker_down_and_its_slip_rendered_later(
    client, lan, chi, procedure, office_a, broker_down
):
    dossier = submitted_online(procedure, office_a, lan)
    client.login(username="chi", password=PASSWORD)
    response = client.post(
        f"/counter/dossiers/{dossier.code}/act/", {"action": "receive", "version": dossier.version, "documents": ["1"]}
    )
    assert response.status_code == 302
    slip = Slip.objects.get(dossier=dossier, kind="receipt")
    assert Dossier.objects.get(pk=dossier.pk).state == "received" and not slip.sha256
    Slip.objects.filter(pk=slip.pk).update(issued_at=timezone.now() - dt.timedelta(minutes=11))
    assert tasks.render_missing_slips() == 1
    slip.refresh_from_db()
    assert len(slip.sha256) == 64 and tasks.render_missing_slips() == 0


def test_sending_an_application_is_done_even_if_its_draft_files_cannot_be_removed(
    lan, procedure, office_a, broker_down, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    draft = applications.start(lan, procedure)
    draft.office, draft.delivery = office_a, "counter"
    for key, value in applicant().items():
        setattr(draft, f"applicant_{key}", value)
    draft.save()
    applications.add_file(draft, 1, SimpleUploadedFile("to-khai.pdf", PDF))

    def refuse(storage, name):
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(FileSystemStorage, "delete", refuse)
    dossier = applications.submit(draft)
    assert Dossier.objects.filter(pk=dossier.pk, state="submitted").exists()
    assert dossier.attachments.count() == 1


# Idempotency-Key --------------------------------------------------------------------


def test_a_retry_with_the_same_key_gets_the_same_dossier(api, lan, procedure, office_a):
    citizen = api.as_(lan)
    body = application(procedure, office_a)
    first = citizen.post("/api/v1/dossiers/", body, format="json", HTTP_IDEMPOTENCY_KEY="7c1e2f9a-retry")
    again = citizen.post("/api/v1/dossiers/", body, format="json", HTTP_IDEMPOTENCY_KEY="7c1e2f9a-retry")
    assert first.status_code == again.status_code == 201
    assert again.json()["code"] == first.json()["code"] and again["Idempotent-Replayed"] == "true"
    other = citizen.post("/api/v1/dossiers/", body, format="json", HTTP_IDEMPOTENCY_KEY="another-request")
    assert other.json()["code"] != first.json()["code"]
    assert Dossier.objects.count() == 2


def test_another_persons_key_is_not_theirs_to_replay(api, lan, chi, procedure, office_a):
    api.as_(lan).post("/api/v1/dossiers/", application(procedure, office_a), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    walk_in = {**application(procedure, office_a), "received_documents": [1]}
    theirs = api.as_(chi).post("/api/v1/dossiers/", walk_in, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Dossier.objects.count() == 2


@pytest.mark.parametrize("key", ["x" * 101, "khóa tiếng Việt", "with space"])
def test_a_key_that_is_not_one_is_refused_and_opens_nothing(api, lan, procedure, office_a, key):
    response = api.as_(lan).post(
        "/api/v1/dossiers/",
        application(procedure, office_a),
        format="json",
        HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"),
    )
    assert response.status_code == 400 and "Idempotency-Key" in error_of(response)["fields"]
    assert not Dossier.objects.exists()

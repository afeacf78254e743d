"""Two people acting at the same instant, with real concurrent transactions
on PostgreSQL (SQLite serialises writers, so it cannot show the race)."""

import threading

import pytest
from django.db import connection

from dossiers.errors import ActionError, Conflict
from dossiers.models import Dossier, DossierEvent
from dossiers.workflow import perform
from tests.factories import received_dossier

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL set to PostgreSQL"


def race(*jobs):
    """Run the jobs in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # the outcome is what the test looks at
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_staff_acting_at_once_one_wins_and_the_other_is_told(procedure, office_a, chi, son, attempt):
    dossier = received_dossier(procedure, office_a, chi)
    seen = dossier.version
    results = race(
        lambda: perform(dossier.pk, "appraise", actor=son, version=seen),
        lambda: perform(dossier.pk, "request_supplement", actor=son, note="Thiếu", version=seen),
    )
    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, ActionError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], Conflict)
    assert "changed since you opened it" in losers[0].message
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.state, fresh.version) == (winners[0].state, seen + 1)
    assert DossierEvent.objects.filter(dossier=dossier).count() == 3  # submit, receive, the winner


def test_codes_stay_unique_and_consecutive_when_clerks_receive_at_once(procedure, office_a, chi):
    def receive_one():
        return received_dossier(procedure, office_a, chi).code

    codes = race(*[receive_one for _ in range(8)])
    assert all(isinstance(code, str) for code in codes), codes
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 9))


def test_five_retries_of_one_application_at_once_open_one_dossier(api, lan, procedure, office_a):
    from tests.factories import applicant

    key = api.as_(lan)  # one API key, as a partner system retrying would use
    body = {"procedure": procedure.code, "office": office_a.code, "applicant": applicant()}

    def send():
        return key.post("/api/v1/dossiers/", body, format="json", HTTP_IDEMPOTENCY_KEY="4f0c-retry-storm")

    results = race(*[send] * 5)
    assert [getattr(r, "status_code", r) for r in results] == [201] * 5
    assert len({r.json()["code"] for r in results}) == 1
    assert Dossier.objects.count() == 1


# Resources: what two requests at once must not both get ------------------------------------


def test_two_uploads_at_once_cannot_both_take_the_last_room_of_a_draft(procedure, lan, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from citizens import applications
    from citizens.models import DraftFile
    from tests.factories import pdf_of_size

    settings.APPLICATION_MAX_BYTES = 3 * 1024 * 1024
    draft = applications.start(lan, procedure)
    scan = pdf_of_size(2 * 1024 * 1024)
    results = race(
        lambda: applications.add_file(draft, 1, SimpleUploadedFile("a.pdf", scan)),
        lambda: applications.add_file(draft, 2, SimpleUploadedFile("b.pdf", scan)),
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and "an application may hold" in str(refused[0]), results
    assert DraftFile.objects.filter(draft=draft).count() == 1


def test_two_digest_runs_at_once_list_each_dossier_once(procedure, office_a, chi, lan):
    from dossiers.models import CounterDigest, Notification
    from dossiers.tasks import send_submission_digests
    from tests.conftest import at
    from tests.factories import submitted_online

    submitted_online(procedure, office_a, lan, at=at("13/01/2026", "08:05"))
    moment = at("13/01/2026", "08:30")
    results = race(lambda: send_submission_digests(now=moment), lambda: send_submission_digests(now=moment))
    assert sorted(results) == [0, 1], results
    assert CounterDigest.objects.count() == 1 and Notification.objects.count() == 1


def test_two_clicks_at_once_on_a_long_register_make_one_export(history, tuan, office_a, monkeypatch):
    from reports import exports
    from reports.models import Export
    from reports.periods import Period
    from reports.tasks import ask_register

    monkeypatch.setattr("reports.tasks.async_task", lambda *args, **kwargs: None)
    january = Period.month(2026, 1)
    results = race(*[lambda: ask_register(tuan, office_a, january, "pdf")] * 2)
    assert Export.objects.count() == 1 and results[0].pk == results[1].pk, results
    assert exports.register_dossiers(office_a, january).count() == 9


def test_an_action_does_not_wait_on_the_office_or_procedure_rows(procedure, office_a, chi, son):
    """The submission digest locks its office's row while it writes (as an
    administrator's edit of a procedure does its row); the counter's actions
    lock only the dossier's row, so they go on meanwhile (locking the joined
    rows too made a mixed load deadlock)."""
    from portal.models import Office
    from procedures.models import Procedure

    dossier = received_dossier(procedure, office_a, chi)
    held, release = threading.Event(), threading.Event()

    def hold_the_office_and_procedure():
        from django.db import transaction

        try:
            with transaction.atomic():
                Office.objects.select_for_update(no_key=True).get(pk=office_a.pk)
                Procedure.objects.select_for_update(no_key=True).get(pk=procedure.pk)
                held.set()
                release.wait(20)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_office_and_procedure)
    holder.start()
    try:
        assert held.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        moved = perform(dossier.pk, "appraise", actor=son)
        assert moved.state == "appraised"
    finally:
        release.set()
        holder.join(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")

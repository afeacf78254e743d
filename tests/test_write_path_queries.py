"""What the hot write paths ask of the database: opening a dossier through
the API answers what the caller needs without reading the dossier back, a
clerk's walk-in dossier is received in the same few queries, the steps that
change no count read no report facts and touch no rollup, and an action's
notifications and slip go out as one task. Counts of queries are behaviour,
not timing: bench/submit.py and bench/life.py give the figures."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers import tasks
from dossiers.models import Notification, Slip
from dossiers.workflow import perform
from reports import recount
from reports.periods import Period
from tests.factories import applicant, received_dossier

pytestmark = pytest.mark.usefixtures("vn_holidays")
ROLLUP_TABLES = ("dossiers_dailytally", "dossiers_monthlytally", "dossiers_balancedmonth", "dossiers_openbalance")


def application(procedure, office, **more):
    return {"procedure": procedure.code, "office": office.code, "applicant": applicant(), **more}


def test_an_online_application_through_the_api_is_opened_in_few_queries(
    api, lan, procedure, office_a, django_assert_max_num_queries
):
    citizen = api.as_(lan)
    with django_assert_max_num_queries(24):
        response = citizen.post("/api/v1/dossiers/", application(procedure, office_a), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "submitted" and body["links"]["self"] == response["Location"]
    # The whole dossier, at its address.
    shown = citizen.get(response["Location"]).json()
    assert shown["code"] == body["code"] and [d["position"] for d in shown["documents"]] == [1, 2]


def test_a_walk_in_dossier_through_the_api_is_received_in_few_queries(
    api, chi, procedure, office_a, django_assert_max_num_queries
):
    clerk = api.as_(chi)
    # 33: the fee rule's exemptions and the postal item's check came since 32.
    with django_assert_max_num_queries(33):
        response = clerk.post(
            "/api/v1/dossiers/", application(procedure, office_a, received_documents=[1]), format="json"
        )
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "received"
    assert [s["kind"] for s in clerk.get(response.json()["links"]["slips"]).json()] == ["receipt"]


def test_the_steps_that_change_no_count_neither_read_the_report_facts_nor_touch_a_rollup(
    procedure, office_a, chi, son, hoa
):
    dossier = received_dossier(procedure, office_a, chi)
    for action, actor in (("appraise", son), ("approve", hoa), ("stamp", chi), ("return", chi)):
        with CaptureQueriesContext(connection) as queries:
            dossier = perform(dossier, action, actor=actor)
        asked = [q["sql"] for q in queries.captured_queries]
        reads_facts = any("'request_supplement'" in sql and "'apologise'" in sql for sql in asked)
        touches = any(table in sql for sql in asked for table in ROLLUP_TABLES)
        assert (reads_facts, touches) == ((True, True) if action == "stamp" else (False, False)), action
    # And the counts still equal a recount from the dossiers.
    from django.utils import timezone

    from reports import stats

    today = timezone.localdate()
    period = Period.year(today.year)
    rolled = stats.report(period, [office_a], today=today)
    counted = recount.naive_report(period, [office_a], today=today)
    assert [(r.label, r.counts) for r in rolled.rows] == [(r.label, r.counts) for r in counted.rows]
    assert rolled.total["finished"] == 1


@pytest.mark.django_db(transaction=True)
def test_an_actions_notifications_and_slip_go_out_as_one_task(procedure, office_a, chi, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks, "async_task", lambda *args, **kwargs: queued.append(args))
    dossier = received_dossier(procedure, office_a, chi)
    slip = Slip.objects.get(dossier=dossier)
    messages = sorted(Notification.objects.filter(dossier=dossier).values_list("pk", flat=True))
    assert len(messages) == 2  # an email and a text message
    assert [(name, slip_pk, sorted(pks)) for name, slip_pk, pks in queued] == [
        ("dossiers.tasks.deliver", slip.pk, messages)
    ]
    # The task sends both and renders the receipt; a second run changes nothing.
    assert tasks.deliver(slip.pk, messages) == ["sent", "sent", "stored"]
    assert tasks.deliver(slip.pk, messages) == ["already sent", "already sent", "stored"]
    assert len(mail.outbox) == 1 and Slip.objects.get(pk=slip.pk).sha256


@pytest.mark.django_db(transaction=True)
def test_a_slip_that_cannot_be_rendered_does_not_hold_back_the_messages(procedure, office_a, chi, monkeypatch):
    monkeypatch.setattr(tasks, "async_task", lambda *args, **kwargs: None)
    dossier = received_dossier(procedure, office_a, chi)
    slip = Slip.objects.get(dossier=dossier)
    messages = list(Notification.objects.filter(dossier=dossier).values_list("pk", flat=True))

    def broken(pk):
        raise OSError("the file store refuses")

    monkeypatch.setattr(tasks.slips, "ensure_file", broken)
    assert tasks.deliver(slip.pk, messages) == ["sent", "sent", "failed"]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert Slip.objects.get(pk=slip.pk).sha256 == ""  # left for the sweep

"""The counter hears of new online dossiers in one digest per clerk (and one
to the counter's address) at most every SUBMISSION_DIGEST_MINUTES during
office hours, never one email per dossier; each dossier is listed once, and
nothing is sent when nothing is new. Office hours are 07:00–11:30 and
13:30–17:00, Monday to Friday; 13/01/2026 is a Tuesday."""

import pytest
from django.core import mail

from dossiers.models import CounterDigest, Notification
from dossiers.tasks import send_submission_digests
from dossiers.workflow import perform
from portal.models import Membership
from tests.conftest import at
from tests.factories import applicant, migrated_schedule, staff_member, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")

Kind = Notification.Kind


@pytest.fixture
def counter(office_a, chi):
    office_a.email = "motcua@phuongbadinh.gov.vn"
    office_a.save()
    staff_member("dung", "Phan Văn Dũng", office_a, Membership.Role.CLERK)
    return office_a


def digest(now, django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return send_submission_digests(now=now)


def test_one_digest_per_clerk_lists_what_arrived_and_then_nothing_until_something_new(
    counter, lan, binh, procedure, django_capture_on_commit_callbacks
):
    first = [submitted_online(procedure, counter, lan, at=at("13/01/2026", t)) for t in ("08:05", "08:10", "08:20")]
    assert not Notification.objects.exists()  # nothing at submission

    assert digest(at("13/01/2026", "08:30"), django_capture_on_commit_callbacks) == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["chi@example.org", "dung@example.org", "motcua@phuongbadinh.gov.vn"]
    assert {m.subject for m in mail.outbox} == {"3 new online dossiers to check at Phường Ba Đình"}
    body = mail.outbox[0].body
    assert all(dossier.code in body for dossier in first)
    assert "In all, 3 online dossiers wait to be checked:" in body and "/counter/queue/to_check/" in body
    # Office B had nothing new: its clerk hears nothing.
    assert "binh@example.org" not in {m.to[0] for m in mail.outbox}

    mail.outbox.clear()
    assert digest(at("13/01/2026", "08:35"), django_capture_on_commit_callbacks) == 0
    later = submitted_online(procedure, counter, lan, at=at("13/01/2026", "08:40"))
    # Within the period of the last round: it waits.
    assert digest(at("13/01/2026", "08:45"), django_capture_on_commit_callbacks) == 0
    assert digest(at("13/01/2026", "09:00"), django_capture_on_commit_callbacks) == 3
    assert {m.subject for m in mail.outbox} == {"1 new online dossier to check at Phường Ba Đình"}
    assert later.code in mail.outbox[0].body and first[0].code not in mail.outbox[0].body
    assert "In all, 4 online dossiers wait to be checked:" in mail.outbox[0].body
    assert Notification.objects.filter(kind=Kind.SUBMISSION_DIGEST).count() == 6


def test_a_dossier_taken_in_hand_before_the_round_is_not_listed(
    counter, chi, lan, procedure, django_capture_on_commit_callbacks
):
    received = submitted_online(procedure, counter, lan, at=at("13/01/2026", "08:05"))
    perform(received, "receive", actor=chi, documents={1}, at=at("13/01/2026", "08:15"))
    withdrawn = submitted_online(procedure, counter, lan, at=at("13/01/2026", "08:06"))
    perform(withdrawn, "withdraw", actor=lan, note="Nộp nhầm", at=at("13/01/2026", "08:20"))
    assert digest(at("13/01/2026", "08:30"), django_capture_on_commit_callbacks) == 0
    assert not mail.outbox


def test_outside_office_hours_the_digest_waits_for_the_opening(
    counter, lan, procedure, django_capture_on_commit_callbacks
):
    evening = submitted_online(procedure, counter, lan, at=at("13/01/2026", "18:00"))
    for moment in (("13/01/2026", "18:05"), ("13/01/2026", "23:00"), ("14/01/2026", "06:55")):
        assert digest(at(*moment), django_capture_on_commit_callbacks) == 0
    assert digest(at("14/01/2026", "07:00"), django_capture_on_commit_callbacks) == 3
    assert evening.code in mail.outbox[0].body
    noon = submitted_online(procedure, counter, lan, at=at("14/01/2026", "11:40"))
    assert digest(at("14/01/2026", "12:00"), django_capture_on_commit_callbacks) == 0  # lunch
    assert digest(at("14/01/2026", "13:30"), django_capture_on_commit_callbacks) == 3
    assert noon.code in mail.outbox[-1].body


def test_the_period_follows_the_setting(counter, lan, procedure, settings, django_capture_on_commit_callbacks):
    settings.SUBMISSION_DIGEST_MINUTES = 120
    submitted_online(procedure, counter, lan, at=at("13/01/2026", "08:00"))
    assert digest(at("13/01/2026", "08:05"), django_capture_on_commit_callbacks) == 3
    submitted_online(procedure, counter, lan, at=at("13/01/2026", "08:10"))
    assert digest(at("13/01/2026", "10:00"), django_capture_on_commit_callbacks) == 0
    assert digest(at("13/01/2026", "10:05"), django_capture_on_commit_callbacks) == 3


def test_an_online_application_through_the_api_emails_nobody_at_once(api, counter, lan, procedure):
    body = {"procedure": procedure.code, "office": counter.code, "applicant": applicant()}
    assert api.as_(lan).post("/api/v1/dossiers/", body, format="json").status_code == 201
    assert not Notification.objects.exists() and not mail.outbox


def test_the_digest_is_scheduled_every_five_minutes(db):
    schedule = migrated_schedule(
        "dossiers.migrations.0018_counter_digest_schedule", "dossiers.tasks.send_submission_digests"
    )
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 5, -1)


def test_the_dossiers_announced_one_by_one_before_the_digest_are_not_announced_again(
    counter, lan, procedure, django_capture_on_commit_callbacks
):
    import importlib

    from django.apps import apps

    submitted_online(procedure, counter, lan, at=at("12/01/2026", "16:00"))
    migration = importlib.import_module("dossiers.migrations.0018_counter_digest_schedule")
    migration.count_waiting_as_told(apps, None)
    CounterDigest.objects.update(sent_at=at("12/01/2026", "16:05"))  # migrated then
    assert digest(at("13/01/2026", "09:00"), django_capture_on_commit_callbacks) == 0
    submitted_online(procedure, counter, lan, at=at("13/01/2026", "09:10"))
    assert digest(at("13/01/2026", "09:40"), django_capture_on_commit_callbacks) == 3

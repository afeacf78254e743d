"""An unfinished application left alone is deleted with its files, and never
without notice: its citizen is reminded seven days before the day (by email
and SMS, as the account gives them), My dossiers shows the day, and saving
any page or "Keep it" starts the count again. Thirty days from the last
save; a reminder that went out late pushes the day back to seven days after
it."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from citizens import applications
from citizens.models import Draft, DraftFile
from citizens.tasks import expire_drafts
from dossiers.models import Notification
from portal.sms import MemoryBackend
from tests.conftest import at
from tests.factories import PASSWORD, PDF, migrated_schedule

pytestmark = pytest.mark.usefixtures("vn_holidays")


class Clock:
    def __init__(self, monkeypatch, moment: dt.datetime) -> None:
        self.moment = moment
        monkeypatch.setattr(timezone, "now", lambda: self.moment)

    def set(self, day: str, time: str = "08:00") -> dt.datetime:
        self.moment = at(day, time)
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, at("01/03/2026", "10:00"))


@pytest.fixture
def draft(clock, lan, procedure):
    lan.email, lan.phone = "lan@example.org", "0912345678"
    lan.save()
    draft = applications.start(lan, procedure)  # saved 01/03/2026 10:00
    applications.add_file(draft, 1, SimpleUploadedFile("to-khai.pdf", PDF))
    return Draft.objects.get(pk=draft.pk)


def private_files(settings) -> list[str]:
    folder = settings.STORAGES["private"]["OPTIONS"]["location"]
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_draft_is_deleted_thirty_days_after_its_last_save_with_a_reminder_seven_days_before(
    clock, draft, settings, django_capture_on_commit_callbacks
):
    assert draft.deletion_on == dt.date(2026, 3, 31)
    clock.set("23/03/2026")
    assert expire_drafts() == {"reminded": 0, "deleted": 0}

    clock.set("24/03/2026")
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_drafts() == {"reminded": 1, "deleted": 0}
    told = Notification.objects.filter(kind=Notification.Kind.DRAFT_EXPIRY)
    assert sorted(told.values_list("medium", "recipient")) == [("email", "lan@example.org"), ("sms", "0912345678")]
    assert mail.outbox[0].subject == "Your unfinished application will be deleted on 31/03/2026"
    assert "Thủ tục thử nghiệm" in mail.outbox[0].body and "/my/" in mail.outbox[0].body
    assert MemoryBackend.outbox[0][1].startswith("Your unsent application will be deleted on 31/03/2026")
    # Once: the runs of the days after remind no more.
    clock.set("25/03/2026")
    assert expire_drafts() == {"reminded": 0, "deleted": 0} and told.count() == 2

    clock.set("30/03/2026", "23:59")
    assert expire_drafts()["deleted"] == 0 and Draft.objects.exists()
    clock.set("31/03/2026")
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_drafts() == {"reminded": 0, "deleted": 1}
    assert not Draft.objects.exists() and not DraftFile.objects.exists() and private_files(settings) == []
    # A second run finds nothing.
    assert expire_drafts() == {"reminded": 0, "deleted": 0}


def test_saving_after_the_reminder_keeps_the_draft_and_earns_a_new_reminder_later(clock, draft):
    clock.set("24/03/2026")
    expire_drafts()
    clock.set("28/03/2026", "20:00")
    applications.keep(draft)
    draft.refresh_from_db()
    assert draft.deletion_on == dt.date(2026, 4, 27) and not draft.is_reminded
    clock.set("31/03/2026")
    assert expire_drafts() == {"reminded": 0, "deleted": 0} and Draft.objects.exists()
    clock.set("20/04/2026")
    assert expire_drafts() == {"reminded": 1, "deleted": 0}
    assert Notification.objects.filter(kind=Notification.Kind.DRAFT_EXPIRY).count() == 4


def test_a_late_reminder_pushes_the_deletion_back_seven_days_after_it(clock, draft):
    # The task cluster was down through March: nothing is deleted unannounced.
    clock.set("05/04/2026")
    assert expire_drafts() == {"reminded": 1, "deleted": 0}
    draft.refresh_from_db()
    assert draft.deletion_on == dt.date(2026, 4, 12)
    clock.set("11/04/2026")
    assert expire_drafts()["deleted"] == 0
    clock.set("12/04/2026")
    assert expire_drafts()["deleted"] == 1


def test_my_dossiers_shows_the_day_and_keep_it_moves_it(clock, client, draft):
    clock.set("10/03/2026", "09:00")
    client.login(username="lan", password=PASSWORD)
    page = client.get("/my/").content.decode()
    assert "Will be deleted on 31/03/2026 unless you continue it." in page
    assert "Keep it" not in page  # not near yet
    assert "An application left alone for 30 days is deleted with its files; you are reminded 7 days before." in page
    clock.set("26/03/2026", "09:00")
    client.login(username="lan", password=PASSWORD)
    page = client.get("/my/").content.decode()
    assert "expiry--near" in page and "Keep it" in page
    response = client.post(f"/applications/{draft.pk}/keep/", follow=True)
    assert "is kept until 25/04/2026." in response.content.decode()
    assert "Will be deleted on 25/04/2026 unless you continue it." in response.content.decode()


def test_saving_any_page_of_the_draft_counts_as_continuing(clock, client, draft, office_a):
    clock.set("20/03/2026", "09:00")
    client.login(username="lan", password=PASSWORD)
    client.post(f"/applications/{draft.pk}/office/", {"office": office_a.pk})
    draft.refresh_from_db()
    assert draft.deletion_on == dt.date(2026, 4, 19)


def test_only_its_citizen_keeps_a_draft(clock, client, draft, chi):
    client.login(username="chi", password=PASSWORD)
    assert client.post(f"/applications/{draft.pk}/keep/").status_code == 404
    draft.refresh_from_db()
    assert draft.deletion_on == dt.date(2026, 3, 31)
    assert client.get(f"/applications/{draft.pk}/keep/").status_code == 405


def test_the_sweep_runs_each_morning_at_eight(db):
    schedule = migrated_schedule("citizens.migrations.0005_draft_expiry_schedule", "citizens.tasks.expire_drafts")
    local = timezone.localtime(schedule.next_run)
    assert (schedule.schedule_type, schedule.repeats, local.hour, local.minute) == ("D", -1, 8, 0)

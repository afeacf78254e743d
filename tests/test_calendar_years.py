"""The working calendar is never silently wrong: a deadline is counted only
through years whose public holidays are loaded. The migrations load this
year's and next year's, a yearly task loads the one after, and a year that
is missing stops the count with a clear message instead of treating Tết as
a working week."""

import datetime as dt
import importlib
import io
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from dossiers.errors import CalendarNotReady
from dossiers.models import Dossier, State
from dossiers.workflow import perform
from portal.calendar import Calendar, CalendarMissing, TimeLimit, TimeUnit
from portal.checks import calendar_years_loaded
from portal.models import CalendarDay, CalendarYear
from portal.tasks import load_public_holidays_ahead
from tests.conftest import error_of
from tests.factories import PASSWORD, OfficeFactory, ProcedureFactory, staff_member, submitted_online

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TEN_DAYS = TimeLimit(10, TimeUnit.WORKING_DAYS)


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.strptime(f"{day} {time}", "%d/%m/%Y %H:%M").replace(tzinfo=HCM)


def test_a_calendar_counts_only_through_the_years_it_knows():
    calendar = Calendar(tz=HCM, known_years={2026}, country="VN")
    # Received Monday 14/12/2026 09:00, 5 working days: due Monday 21/12 09:00.
    assert calendar.deadline(at("14/12/2026"), TimeLimit(5, TimeUnit.WORKING_DAYS)).due_at == at("21/12/2026")
    # Ten working days reach into January 2027, whose holidays are unknown.
    with pytest.raises(CalendarMissing) as missing:
        calendar.deadline(at("21/12/2026"), TEN_DAYS)
    assert missing.value.year == 2027
    assert "seed_holidays --country VN --years 2027" in str(missing.value)


@pytest.fixture
def office_2026(db):
    """An office whose calendar is loaded for 2026 only."""
    office = OfficeFactory(code="000.01.00.H55", name="Phường Đông Hồ", calendar_years=[2026])
    CalendarYear.objects.filter(country=office.holiday_country).exclude(year=2026).delete()
    return office


def test_receiving_into_a_year_not_loaded_is_refused_and_changes_nothing(office_2026, lan, api, client, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at("21/12/2026"))
    clerk = staff_member("thu", "Đinh Thị Thu", office_2026, "clerk")
    procedure = ProcedureFactory(code="1.000055")
    procedure.channels.update(time_limit_amount=10)
    dossier = submitted_online(procedure, office_2026, lan, at=at("21/12/2026", "08:00"))
    with pytest.raises(CalendarNotReady, match="2027 is not set up yet"):
        perform(dossier, "receive", actor=clerk, documents={1})
    key = api.as_(clerk)
    through_api = key.post(
        f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "receive", "documents": [1]}, format="json"
    )
    assert through_api.status_code == 503 and error_of(through_api)["code"] == "calendar_not_ready"
    assert client.login(username="thu", password=PASSWORD)
    page = client.post(
        f"/counter/dossiers/{dossier.code}/act/", {"action": "receive", "version": dossier.version, "documents": ["1"]}
    )
    assert page.status_code == 503 and "2027 is not set up yet" in page.content.decode()
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == State.SUBMITTED and dossier.due_at is None and dossier.events.count() == 1
    # Once the year is loaded, the same dossier is received: New Year's Day 2027 (a Friday) skipped.
    CalendarDay.seed_public_holidays("VN", [2026, 2027])
    assert perform(dossier, "receive", actor=clerk, documents={1}).due_at == at("05/01/2027")


def test_the_counter_says_why_it_cannot_count_what_is_due_soon(office_2026, client, monkeypatch):
    staff_member("thu", "Đinh Thị Thu", office_2026, "clerk")
    CalendarYear.objects.filter(year=2026).delete()
    monkeypatch.setattr(timezone, "now", lambda: at("30/12/2026", "16:00"))
    assert client.login(username="thu", password=PASSWORD)
    page = client.get("/counter/")
    assert page.status_code == 200
    counts = {tile["queue"].slug: tile["count"] for tile in page.context["tiles"]}
    assert counts["due_soon"] is None and counts["to_check"] == 0
    assert "The working calendar of 2026 is not set up yet" in page.content.decode()


def test_the_migration_loads_this_year_and_the_next_and_marks_what_was_seeded_before(db, settings):
    settings.HOLIDAY_COUNTRY = "VN"
    OfficeFactory(code="000.09.00.H55", holiday_country="TH", calendar_years=[])
    CalendarYear.objects.all().delete()
    # Seeded by an older `seed_holidays`, before years were marked.
    CalendarDay.objects.create(
        date=dt.date(2025, 9, 2), country="VN", kind="day_off", name="Quốc khánh", source="package"
    )
    migration = importlib.import_module("portal.migrations.0007_load_public_holidays")
    migration.load(apps, None)
    this_year = timezone.localdate().year
    loaded = set(CalendarYear.objects.values_list("country", "year"))
    assert loaded == {("VN", 2025), ("VN", this_year), ("VN", this_year + 1), ("TH", this_year), ("TH", this_year + 1)}
    assert CalendarDay.objects.filter(country="TH", date__year=this_year + 1).exists()


def test_the_yearly_task_loads_the_year_ahead_once(db, monkeypatch):
    CalendarYear.objects.all().delete()
    OfficeFactory(code="000.09.00.H56", calendar_years=[])
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2027, 1, 1))
    assert load_public_holidays_ahead() == "VN 2027–2028"
    days = CalendarDay.objects.count()
    assert {2027, 2028} <= set(CalendarYear.objects.values_list("year", flat=True))
    # Tết 2028: Giao thừa falls on Tuesday 25/01/2028.
    assert CalendarDay.objects.filter(date=dt.date(2028, 1, 25), country="VN", kind="day_off").exists()
    load_public_holidays_ahead()
    assert CalendarDay.objects.count() == days


def test_the_yearly_task_is_scheduled_for_the_first_of_january(db):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(func="portal.tasks.load_public_holidays_ahead").delete()
    importlib.import_module("portal.migrations.0008_yearly_holiday_schedule").create_schedule(apps, None)
    schedule = Schedule.objects.get(func="portal.tasks.load_public_holidays_ahead")
    local = schedule.next_run.astimezone(HCM)
    assert schedule.schedule_type == "Y" and (local.month, local.day, local.hour) == (1, 1, 1)


def test_the_system_check_warns_while_a_year_ahead_is_missing(db, monkeypatch):
    OfficeFactory(code="000.09.00.H57", calendar_years=[])
    CalendarYear.objects.all().delete()
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 11, 29))
    warnings = calendar_years_loaded(None)
    assert [w.id for w in warnings] == ["portal.W002", "portal.W002"]
    assert "VN for 2027" in warnings[1].msg and "seed_holidays --country VN --years 2027" in warnings[1].hint
    call_command("seed_holidays", "--country", "VN", "--years", "2026", "2027", stdout=io.StringIO())
    assert calendar_years_loaded(None) == []

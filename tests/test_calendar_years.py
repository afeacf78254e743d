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


def test_working_time_to_the_last_hour_of_a_loaded_year_needs_nothing_of_the_next():
    calendar = Calendar(tz=HCM, known_years={2026}, country="VN")
    # Wednesday 30/12 09:00 to Thursday 31/12 16:00: 6 h + 7 h.
    assert calendar.working_time_between(at("30/12/2026"), at("31/12/2026", "16:00")) == dt.timedelta(hours=13)


@pytest.fixture
def stamped_in_2025(db, lan):
    """A dossier received and stamped in December 2025 at an office whose
    2025 calendar was never loaded (an upgraded database)."""
    office = OfficeFactory(code="000.01.00.H58", name="Xã Gia Sinh", calendar_years=[2025, 2026, 2027])
    clerk = staff_member("thu", "Đinh Thị Thu", office, "clerk")
    specialist = staff_member("son2", "Phạm Văn Sơn", office, "specialist")
    approver = staff_member("hoa2", "Đỗ Thị Hoa", office, "approver")
    procedure = ProcedureFactory(code="1.000058")
    dossier = submitted_online(procedure, office, lan, at=at("22/12/2025", "08:00"))
    dossier = perform(dossier, "receive", actor=clerk, documents={1}, at=at("22/12/2025"))
    dossier = perform(dossier, "request_supplement", actor=specialist, note="Thiếu bản sao", at=at("23/12/2025"))
    dossier = perform(dossier, "supplement", actor=clerk, at=at("24/12/2025"))
    for action, actor in (("appraise", specialist), ("approve", approver), ("stamp", clerk)):
        dossier = perform(dossier, action, actor=actor, at=at("05/01/2026"))
    CalendarYear.objects.filter(year=2025).delete()
    return dossier, clerk


def test_a_result_is_handed_over_even_when_the_stages_cannot_be_timed(stamped_in_2025):
    dossier, clerk = stamped_in_2025
    dossier = perform(dossier, "return", actor=clerk, at=at("06/01/2026"))
    assert dossier.state == State.RETURNED
    sheet = dossier.slips.get(kind="control").context
    assert sheet["stages_uncounted"] and all(row["due"] == "" and row["result"] == "" for row in sheet["stages"])
    assert [row["done"] != "" for row in sheet["stages"]] == [True, True, True, True, True]
    # The deadline explains itself in plain words, without the command to run.
    assert dossier.explain_deadline() == [
        "The deadline cannot be explained until the working calendar of 2025 is set up."
    ]


def test_why_late_says_which_dossiers_it_could_not_time(stamped_in_2025, client, monkeypatch):
    dossier, _clerk = stamped_in_2025
    office = dossier.competent_office
    staff_member("tuan2", "Vũ Minh Tuấn", office, "approver")
    # Late: due 30/12/2025 (moved by the pause), stamped 05/01/2026.
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 1, 31))
    assert client.login(username="tuan2", password=PASSWORD)
    page = client.get("/reports/delays/", {"period": "2026-01"})
    assert page.status_code == 200
    assert "1 late dossier could not be timed: The working calendar of 2025 is not set up yet" in page.content.decode()


def test_the_supervisors_list_of_what_is_due_soon_says_why_it_is_empty(office_2026, client, monkeypatch):
    staff_member("hoa3", "Đỗ Thị Hoa", office_2026, "approver")
    monkeypatch.setattr(timezone, "now", lambda: at("31/12/2026", "16:00"))
    assert client.login(username="hoa3", password=PASSWORD)
    page = client.get("/reports/at-risk/").content.decode()
    assert "The working calendar of 2027 is not set up yet" in page
    assert "No open dossier is due within one working day." not in page


def test_the_migration_of_dossiers_loads_every_year_they_hold(office_2026, lan):
    procedure = ProcedureFactory(code="1.000059")
    CalendarYear.objects.get_or_create(country="VN", year=2024)
    submitted_online(procedure, office_2026, lan, at=at("03/03/2024"))
    CalendarYear.objects.all().delete()
    importlib.import_module("dossiers.migrations.0011_load_the_years_of_dossiers").load(apps, None)
    this_year = timezone.localdate().year
    assert set(range(2024, this_year + 2)) <= set(CalendarYear.objects.values_list("year", flat=True))
    assert CalendarDay.objects.filter(date=dt.date(2024, 9, 2), kind="day_off").exists()  # National Day 2024


def test_a_year_is_marked_loaded_only_with_all_its_days(db, monkeypatch):
    CalendarYear.objects.all().delete()

    def broken(cls, country, days, counts):
        CalendarDay.objects.create(date=days[0].date, country=country, kind="day_off", name="x", source="package")
        raise RuntimeError("the database went away")

    monkeypatch.setattr(CalendarDay, "_write_year", classmethod(broken))
    with pytest.raises(RuntimeError):
        CalendarDay.seed_public_holidays("VN", [2027])
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()


def test_a_country_the_package_does_not_know_is_said_and_left_unloaded(db, monkeypatch):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no public holidays of 'ZZ' for 2027"):
        call_command("seed_holidays", "--country", "ZZ", "--years", "2027", stdout=io.StringIO())
    OfficeFactory(code="000.09.00.H59", holiday_country="ZZ", calendar_years=[])
    CalendarYear.objects.all().delete()
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2027, 1, 1))
    # The yearly task loads the countries it can and leaves the other to the system check.
    assert load_public_holidays_ahead() == "VN 2027–2028"
    assert not CalendarYear.objects.filter(country="ZZ").exists()
    assert any("public holidays of ZZ for 2027" in warning.msg for warning in calendar_years_loaded(None))

"""The working calendar against the real 2025 and 2026 Vietnamese calendars.

Every expected moment below was worked out by hand, counting office hours
07:00–11:30 and 13:30–17:00 (8 h a working day). The days off are those the
Prime Minister fixed: Tết 2025 is 25/01–02/02 (27/01–31/01 off, Saturday
01/02 too), 30/04–01/05/2025 bridged to Friday 02/05 and paid back on
Saturday 26/04; Tết 2026 is 14/02–22/02 (16/02–20/02 off); Hùng Kings 2026 is
Sunday 26/04, compensated on Monday 27/04; National Day 2026 is 01–02/09,
bridged to Monday 31/08 and paid back on Saturday 22/08; 24/11/2026 is
Vietnam Culture Day.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from portal.calendar import Calendar, ClosedPeriod, TimeLimit, TimeUnit, WorkingWeek, add_months
from portal.models import CalendarDay
from portal.public_holidays import public_days
from tests.factories import OfficeFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, time: str = "07:00") -> dt.datetime:
    """at("12/02/2026", "10:00") → that moment in Vietnam."""
    return dt.datetime.strptime(f"{day} {time}", "%d/%m/%Y %H:%M").replace(tzinfo=HCM)


def vietnam(saturday_morning: bool = False) -> Calendar:
    days_off, working_days = {}, {}
    for year in (2025, 2026):
        for day in public_days("VN", year, "vi"):
            (working_days if day.is_working_day else days_off)[day.date] = day.name
    morning = (dt.time(7), dt.time(11, 30))
    week = WorkingWeek(saturday=(morning,) if saturday_morning else ())
    return Calendar(week, days_off, working_days, HCM)


def limit(amount, unit=TimeUnit.WORKING_DAYS) -> TimeLimit:
    return TimeLimit(Decimal(str(amount)), unit)


VN = vietnam()


def test_the_package_gives_the_official_days_off_and_make_up_saturdays():
    days = {d.date: d for y in (2025, 2026) for d in public_days("VN", y, "vi")}
    off = {date for date, d in days.items() if not d.is_working_day}
    worked = {date for date, d in days.items() if d.is_working_day}
    assert {dt.date(2026, 2, d) for d in range(16, 21)} <= off
    assert {dt.date(2025, 1, d) for d in range(27, 32)} <= off
    assert dt.date(2025, 5, 2) in off and dt.date(2026, 8, 31) in off and dt.date(2026, 4, 27) in off
    assert worked == {dt.date(2025, 4, 26), dt.date(2026, 8, 22)}


def test_ten_working_days_keep_the_time_of_day():
    # Wed 07/01 09:12 → 5 h 48 min that day, nine full days (08/01–20/01), and
    # 2 h 12 min on Wed 21/01: two weeks later to the minute.
    deadline = VN.deadline(at("07/01/2026", "09:12"), limit(10))
    assert deadline.due_at == at("21/01/2026", "09:12")
    assert deadline.closed_periods == ()


def test_tet_2026_is_skipped_and_named_in_the_explanation():
    deadline = VN.deadline(at("12/02/2026", "10:00"), limit(5))
    # Thu 5 h + Fri 8 h, then 23, 24, 25/02 (24 h), then 3 h on Thu 26/02.
    assert deadline.due_at == at("26/02/2026", "10:00")
    assert deadline.closed_periods == (ClosedPeriod(dt.date(2026, 2, 14), dt.date(2026, 2, 22), "Tết Nguyên Đán"),)
    assert str(deadline.closed_periods[0]) == "Tết Nguyên Đán 14/02–22/02"


def test_tet_2025_with_a_saturday_holiday():
    # Fri 24/01/2025 16:00, 2 days = 16 h: 1 h on Friday, Tết closes 25/01–02/02,
    # then Mon 03/02 8 h, Tue 04/02 07:00 + 7 h = 16:00.
    deadline = VN.deadline(at("24/01/2025", "16:00"), limit(2))
    assert deadline.due_at == at("04/02/2025", "16:00")
    assert [(p.first_day, p.last_day) for p in deadline.closed_periods] == [(dt.date(2025, 1, 25), dt.date(2025, 2, 2))]
    assert deadline.closed_periods[0].name == "Tết"


def test_a_start_outside_office_hours_starts_at_the_next_opening_and_may_end_at_closing_time():
    deadline = VN.deadline(at("10/01/2026", "20:00"), limit(1))  # a Saturday evening
    assert deadline.clock_started_at == at("12/01/2026", "07:00")
    assert deadline.due_at == at("12/01/2026", "17:00")  # not 07:00 the next day


def test_a_start_during_lunch_starts_at_half_past_one():
    deadline = VN.deadline(at("12/01/2026", "12:15"), limit("0.5"))
    assert deadline.clock_started_at == at("12/01/2026", "13:30")
    assert deadline.due_at == at("13/01/2026", "07:30")


def test_a_start_on_a_holiday_waits_for_the_next_working_day():
    deadline = VN.deadline(at("01/01/2026", "09:00"), limit(2))  # New Year's Day
    assert deadline.clock_started_at == at("02/01/2026", "07:00")
    assert deadline.due_at == at("05/01/2026", "17:00")


def test_the_make_up_saturday_of_april_2025_is_worked():
    # Fri 25/04 14:00: 3 h; Sat 26/04 is worked, 8 h; Mon 28/04 4.5 h + 0.5 h.
    deadline = VN.deadline(at("25/04/2025", "14:00"), limit(2))
    assert deadline.due_at == at("28/04/2025", "14:00")


def test_the_bridge_of_30_april_2025():
    deadline = VN.deadline(at("29/04/2025", "16:00"), limit(1))
    assert deadline.due_at == at("05/05/2025", "16:00")
    (period,) = deadline.closed_periods
    assert (period.first_day, period.last_day) == (dt.date(2025, 4, 30), dt.date(2025, 5, 4))
    assert "Ngày Chiến thắng" in period.name and "Ngày Quốc tế Lao động" in period.name


def test_a_fractional_limit_skips_culture_day_2026():
    # Mon 23/11 08:00: 7 h; Tue 24/11 is a holiday; Wed 25/11 4.5 h + 0.5 h.
    deadline = VN.deadline(at("23/11/2026", "08:00"), limit("1.5"))
    assert deadline.due_at == at("25/11/2026", "14:00")


def test_working_hours_may_end_at_the_morning_closing():
    # Fri 28/08/2026 13:30: 3.5 h; 29/08–02/09 closed; Thu 03/09 07:00 + 4.5 h.
    deadline = VN.deadline(at("28/08/2026", "13:30"), limit(8, TimeUnit.WORKING_HOURS))
    assert deadline.due_at == at("03/09/2026", "11:30")
    (period,) = deadline.closed_periods
    assert (period.first_day, period.last_day) == (dt.date(2026, 8, 29), dt.date(2026, 9, 2))


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (("12/01/2026", "14:59"), ("12/01/2026", "17:00")),
        (("12/01/2026", "15:00"), ("13/01/2026", "17:00")),
        (("12/01/2026", "18:30"), ("13/01/2026", "17:00")),  # clock starts 07:00 next day
        (("28/08/2026", "15:10"), ("03/09/2026", "17:00")),  # after 15:00 before National Day
        (("21/08/2026", "16:00"), ("22/08/2026", "17:00")),  # the make-up Saturday is the next day
    ],
)
def test_same_day_with_the_three_pm_cut_off(received, due):
    deadline = VN.deadline(at(*received), limit(0, TimeUnit.SAME_DAY))
    assert deadline.due_at == at(*due)


def test_calendar_days_never_end_on_a_day_off():
    assert VN.deadline(at("22/04/2026", "10:00"), limit(7, TimeUnit.CALENDAR_DAYS)).due_at == at("29/04/2026", "17:00")
    # 30/04 and 01/05 are holidays, then a weekend: Monday 04/05.
    assert VN.deadline(at("22/04/2026", "10:00"), limit(8, TimeUnit.CALENDAR_DAYS)).due_at == at("04/05/2026", "17:00")


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        # Mon 12/01 + 1 month: Thu 12/02, a working day before Tết.
        (("12/01/2026", "10:00"), 1, ("12/02/2026", "17:00")),
        # 30/01 + 1 month: February has no 30th, so 28/02, a Saturday: Monday 02/03.
        (("30/01/2026", "10:00"), 1, ("02/03/2026", "17:00")),
        # 15/01 + 1 month: Sunday 15/02, then Tết 16/02–20/02 and a weekend: Monday 23/02.
        (("15/01/2026", "09:00"), 1, ("23/02/2026", "17:00")),
        # 31/03 + 2 months: May has a 31st, a Sunday: Monday 01/06.
        (("31/03/2026", "08:00"), 2, ("01/06/2026", "17:00")),
        # Received Friday 30/01 after closing: the clock starts Monday 02/02, so Monday 02/03.
        (("30/01/2026", "18:00"), 1, ("02/03/2026", "17:00")),
        # 29/05 + 3 months: Saturday 29/08, then Sunday and National Day 31/08–02/09: Thursday 03/09.
        (("29/05/2026", "14:00"), 3, ("03/09/2026", "17:00")),
    ],
)
def test_months_end_on_the_same_date_or_the_last_day_of_a_shorter_month(received, months, due):
    assert VN.deadline(at(*received), limit(months, TimeUnit.MONTHS)).due_at == at(*due)


def test_adding_months_keeps_the_date_or_takes_the_last_day():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 12, 15), 12) == dt.date(2027, 12, 15)


def test_months_are_whole():
    with pytest.raises(ValueError, match="whole number of months"):
        limit("1.5", TimeUnit.MONTHS)


def test_saturday_morning_counts_where_the_office_opens():
    calendar = vietnam(saturday_morning=True)
    # Fri 16:00: 1 h; Sat 10/01 07:00–11:30: 4.5 h; Mon 07:00 + 2.5 h.
    assert calendar.deadline(at("09/01/2026", "16:00"), limit(1)).due_at == at("12/01/2026", "09:30")
    # A holiday on a Saturday closes the Saturday morning too (01/02/2025, Tết).
    assert calendar.spans_on(dt.date(2025, 2, 1)) == ()


def test_working_time_between_two_moments():
    assert VN.working_time_between(at("12/02/2026", "10:00"), at("23/02/2026", "09:00")) == dt.timedelta(hours=15)
    assert VN.working_time_between(at("09/01/2026", "16:00"), at("12/01/2026", "08:00")) == dt.timedelta(hours=2)
    assert VN.working_time_between(at("12/01/2026", "11:00"), at("12/01/2026", "14:00")) == dt.timedelta(hours=1)
    assert VN.working_time_between(at("12/01/2026", "14:00"), at("12/01/2026", "11:00")) == dt.timedelta(0)


def test_moments_in_another_time_zone_are_read_in_the_office_time_zone():
    utc_midnight = dt.datetime(2026, 1, 12, 0, 0, tzinfo=dt.UTC)  # 07:00 in Vietnam
    assert VN.deadline(utc_midnight, limit(1)).due_at == at("12/01/2026", "17:00")


def test_naive_datetimes_and_negative_limits_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        VN.deadline(dt.datetime(2026, 1, 12, 9, 0), limit(1))
    with pytest.raises(ValueError, match="negative"):
        TimeLimit(Decimal("-1"), TimeUnit.WORKING_DAYS)


def test_a_time_limit_reads_as_people_say_it():
    assert str(limit(1)) == "1 working day"
    assert str(limit("1.50")) == "1.5 working days"
    assert str(limit(8, TimeUnit.WORKING_HOURS)) == "8 working hours"
    assert str(limit(15, TimeUnit.CALENDAR_DAYS)) == "15 calendar days"
    assert str(limit(1, TimeUnit.MONTHS)) == "1 month"
    assert str(limit(3, TimeUnit.MONTHS)) == "3 months"


# The calendar of an office, from the database --------------------------------


@pytest.fixture
def seeded(db):
    CalendarDay.seed_public_holidays("VN", [2025, 2026])


def test_an_office_calendar_reads_the_seeded_table(seeded):
    office = OfficeFactory()
    assert office.calendar().deadline(at("12/02/2026", "10:00"), limit(5)).due_at == at("26/02/2026", "10:00")


def test_an_emergency_closure_closes_one_office_or_a_whole_province(seeded):
    province = OfficeFactory(level="province", parent=None)
    flooded = OfficeFactory(parent=province)
    dry = OfficeFactory(parent=province)
    CalendarDay.objects.create(date=dt.date(2026, 1, 14), kind="closure", name="Lũ lụt", office=flooded)
    # Tue 13/01 17:00 is closing time: the clock starts Wed 07:00, or Thu where closed.
    assert flooded.calendar().deadline(at("13/01/2026", "17:00"), limit(1)).due_at == at("15/01/2026", "17:00")
    assert dry.calendar().deadline(at("13/01/2026", "17:00"), limit(1)).due_at == at("14/01/2026", "17:00")

    CalendarDay.objects.create(date=dt.date(2026, 1, 21), kind="closure", name="Bão", office=province)
    assert dry.calendar().deadline(at("20/01/2026", "17:00"), limit(1)).due_at == at("22/01/2026", "17:00")


def test_an_administrator_adds_a_make_up_working_saturday_and_an_extra_day_off(seeded):
    office = OfficeFactory()
    CalendarDay.objects.create(date=dt.date(2026, 3, 7), kind="working_day", name="Làm bù", country="VN")
    CalendarDay.objects.create(date=dt.date(2026, 3, 9), kind="day_off", name="Nghỉ thêm", country="VN")
    # Fri 06/03 16:00: 1 h; the Saturday is worked with weekday hours: 4.5 h + 2.5 h.
    assert office.calendar().deadline(at("06/03/2026", "16:00"), limit(1)).due_at == at("07/03/2026", "16:00")
    # Without the Saturday: Mon 09/03 is off, so Tue 10/03 07:00 + 7 h = 16:00.
    CalendarDay.objects.filter(date=dt.date(2026, 3, 7)).delete()
    assert office.calendar().deadline(at("06/03/2026", "16:00"), limit(1)).due_at == at("10/03/2026", "16:00")


def test_a_thai_office_follows_the_thai_calendar(db):
    CalendarDay.seed_public_holidays("TH", [2026])
    office = OfficeFactory(holiday_country="TH")
    # Songkran: Mon 13 – Wed 15/04/2026. Friday 10/04 17:00 → clock starts Thu 16/04.
    deadline = office.calendar().deadline(at("10/04/2026", "17:00"), limit(1))
    assert deadline.due_at == at("16/04/2026", "17:00")
    assert "สงกรานต์" in deadline.closed_periods[0].name


def test_seeding_again_changes_nothing_and_keeps_what_an_administrator_set(seeded):
    day = CalendarDay.objects.get(date=dt.date(2026, 11, 24), country="VN")
    day.kind, day.name, day.source = "working_day", "Đi làm", "administrator"
    day.save()
    count = CalendarDay.objects.count()
    result = CalendarDay.seed_public_holidays("VN", [2025, 2026])
    assert result == {"created": 0, "updated": 0, "kept": 1}
    assert CalendarDay.objects.count() == count
    assert CalendarDay.objects.get(date=dt.date(2026, 11, 24), country="VN").kind == "working_day"


def test_adding_no_working_time_keeps_the_moment():
    # A pause that took no working time (asked and answered after hours)
    # must not push a deadline at closing time to the next morning.
    assert VN.add_working_time(at("27/11/2026", "17:00"), dt.timedelta(0)) == at("27/11/2026", "17:00")
    assert VN.add_working_time(at("28/11/2026", "10:00"), dt.timedelta(0)) == at("28/11/2026", "10:00")

"""The supervisor's dashboard and the at-risk page ask the database a fixed
number of questions however many counters a province has, and still say what
counting office by office says: the report as recounted from the dossiers
(reports/recount.py), and each counter's "due within one working day" queue
as the counter itself reads it (dossiers/queues.py).

Two provinces share one database: one of 3 communes, one of 12. Among the 12,
one opens on Saturday mornings, one was closed by a flood tomorrow, one
observes another country's holidays whose years are not loaded: four
different working calendars, so the at-risk list is worked out per calendar,
not once for everybody.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dossiers import synthetic
from dossiers.queues import BY_SLUG, Moment, dossiers_in
from portal.models import CalendarDay, Membership, calendars_of
from reports import recount, stats
from reports.periods import Period
from tests.factories import PASSWORD, OfficeFactory, ProcedureFactory, received_dossier, staff_member

pytestmark = pytest.mark.usefixtures("vn_holidays")

# The dashboard's questions, whatever the number of counters.
MOST_QUERIES = 20


def _province(number: int, communes: int) -> tuple:
    province = OfficeFactory(code=f"000.00.00.H{number:02d}", name=f"Tỉnh {number}", level="province", parent=None)
    offices = [
        OfficeFactory(code=f"000.{n:02d}.00.H{number:02d}", name=f"Xã {number}-{n:02d}", parent=province)
        for n in range(1, communes + 1)
    ]
    for office in offices:
        for role in ("clerk", "specialist", "approver"):
            staff_member(f"{role}-{office.code}", f"Cán bộ {office.name}", office, role)
    supervisor = staff_member(f"supervisor-{number}", f"Giám sát tỉnh {number}", province, "supervisor")
    return province, offices, supervisor


@pytest.fixture
def provinces(db):
    """Province 3 (three communes) and province 12 (twelve), with a few
    hundred dossiers over the last month, some of them still open and
    due within one working day."""
    _p3, small, small_supervisor = _province(3, 3)
    p12, large, large_supervisor = _province(12, 12)
    large[1].opens_saturday_morning = True
    large[1].save()
    # A working day lost to a flood at one commune: its tomorrow comes later.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    CalendarDay.objects.create(date=tomorrow, kind="closure", name="Lũ lụt", office=large[2])
    procedure = ProcedureFactory(code="1.004194")
    synthetic.generate(240, [*small, *large], [procedure], months=1, now=timezone.now() - dt.timedelta(hours=1))
    # And a few dossiers received just now, due within half a working day.
    urgent = ProcedureFactory(code="2.000815")
    urgent.channels.update(time_limit_amount="0.5")
    for office in (small[0], *large[:4]):
        received_dossier(urgent, office, Membership.objects.get(office=office, role="clerk").user)
    foreign = OfficeFactory(
        code="000.99.00.H12", name="Xã 12-99", parent=p12, holiday_country="TH", calendar_years=[2020]
    )
    return {
        3: (small_supervisor, small),
        12: (large_supervisor, [*large, foreign]),
    }


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.login(username=user.username, password=PASSWORD)
        return client

    return sign_in


def _queries(client, url: str) -> tuple[int, object]:
    client.get(url)  # the first reader of a month also stores its opening balances
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _one_by_one(offices) -> tuple[list, list[str]]:
    """The at-risk list as each counter's own queue gives it."""
    found, problems = [], []
    for office in offices:
        moment = Moment.at(office)
        if moment.calendar_problem:
            problems.append(f"{office.name}: {moment.calendar_problem}")
        dossiers = list(dossiers_in(BY_SLUG["due_soon"], office, moment)[:200])
        if dossiers:
            found.append((office, dossiers))
    return found, problems


@pytest.mark.parametrize("page", ["reports:dashboard", "reports:at_risk"])
def test_the_number_of_questions_does_not_grow_with_the_province(provinces, client, as_user, page):
    counted = {}
    for size, (supervisor, _offices) in provinces.items():
        client.logout()
        counted[size], _response = _queries(as_user(supervisor), reverse(page))
    assert counted[12] <= MOST_QUERIES
    assert counted[12] == counted[3], counted


def test_the_dashboard_says_what_the_recount_says(provinces, as_user):
    supervisor, offices = provinces[12]
    _count, response = _queries(as_user(supervisor), reverse("reports:dashboard"))
    shown = response.context["report"]
    recounted = recount.naive_report(shown.period, offices, today=timezone.localdate())
    assert [(row.label, row.counts) for row in shown.rows] == [(row.label, row.counts) for row in recounted.rows]
    assert shown.total.counts == recounted.total.counts
    at_risk, _problems = _one_by_one(offices)
    assert len(at_risk) >= 4, "the data set should put several counters at risk"
    assert len(response.context["at_risk"]) == len(at_risk)


def test_the_at_risk_page_lists_what_each_counter_lists(provinces, as_user):
    supervisor, offices = provinces[12]
    _count, response = _queries(as_user(supervisor), reverse("reports:at_risk"))
    expected, problems = _one_by_one(offices)
    shown = [(office, [dossier for dossier, _timeliness in rows]) for office, rows in response.context["at_risk"]]
    assert shown == expected
    assert response.context["calendar_problems"] == problems
    assert len(problems) == 1 and "Xã 12-99" in problems[0]
    html = response.content.decode()
    assert all(office.name in html for office, _rows in expected)


def test_the_backlog_today_is_what_is_open_today(provinces):
    _supervisor, offices = provinces[12]
    today = timezone.localdate()
    this_month = recount.naive_report(Period.month(today.year, today.month), offices, today=today)
    expected = [(row.label, row["open_within"], row["open_overdue"]) for row in this_month.rows]
    assert any(within or overdue for _label, within, overdue in expected)
    for known in (None, stats.report(Period.month(today.year, today.month), offices, today=today)):
        backlog = stats.backlog(offices, today=today, known=known)
        assert [(row.label, row["open_within"], row["open_overdue"]) for row in backlog] == expected
    # A report of another period does not say what is open today.
    last_year = stats.report(Period.year(today.year - 1), offices, today=today)
    backlog = stats.backlog(offices, today=today, known=last_year)
    assert [(row.label, row["open_within"], row["open_overdue"]) for row in backlog] == expected


def _described(calendar) -> tuple:
    return (calendar.week, calendar.days_off, calendar.working_days, calendar.known_years, calendar.country)


def test_offices_read_together_get_the_calendars_each_gets_alone(provinces, django_assert_max_num_queries):
    _supervisor, small = provinces[3]
    _supervisor, large = provinces[12]
    # A make-up working day for every commune of province 12.
    CalendarDay.objects.create(date=dt.date(2026, 12, 19), kind="working_day", name="Làm bù", office=large[0].parent)
    offices = [*small, *large]
    with django_assert_max_num_queries(2):
        together = calendars_of(offices)
    for office in offices:
        assert _described(together[office.pk]) == _described(office.calendar()), office.name
    assert dt.date(2026, 12, 19) in together[large[0].pk].working_days
    assert dt.date(2026, 12, 19) not in together[small[0].pk].working_days
    # Alike calendars are one: the three communes of province 3; in province
    # 12 all but the one open on Saturdays, the flooded one and the foreign one.
    assert len({id(together[office.pk]) for office in small}) == 1
    alike = [large[0], *large[3:12]]
    assert len({id(together[office.pk]) for office in alike}) == 1
    distinct = {id(together[office.pk]) for office in (small[0], large[0], large[1], large[2], large[12])}
    assert len(distinct) == 5

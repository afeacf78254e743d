"""The report's upkeep: the month's opening balances stored on the 1st by
the task cluster rather than by whoever reads the month first, and the
list of late dossiers shown a page at a time rather than cut short."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from dossiers.models import BalancedMonth, OpenBalance
from reports import stats, views
from reports.periods import Period
from reports.tasks import store_opening_balances
from tests.conftest import REPORT_TODAY as TODAY
from tests.factories import PASSWORD

JANUARY = "period=2026-01"


# The opening balances, on the 1st ----------------------------------------------


def test_the_monthly_task_stores_the_balances_a_report_would_have_stored(history, office_a):
    BalancedMonth.objects.all().delete()
    OpenBalance.objects.all().delete()
    assert store_opening_balances(dt.date(2026, 2, 1)) == "2026-02 stored"
    stored = set(
        OpenBalance.objects.filter(month=dt.date(2026, 2, 1)).values_list("office", "sector", "within", "overdue")
    )
    assert stored  # dossiers were open when February began
    # A report reading February finds them and stores nothing more.
    report = stats.report(Period.month(2026, 2), [office_a], today=TODAY)
    assert (
        set(OpenBalance.objects.filter(month=dt.date(2026, 2, 1)).values_list("office", "sector", "within", "overdue"))
        == stored
    )
    # The same as when the report stores them itself.
    BalancedMonth.objects.all().delete()
    OpenBalance.objects.all().delete()
    assert stats.report(Period.month(2026, 2), [office_a], today=TODAY).rows[0].counts == report.rows[0].counts
    assert (
        set(OpenBalance.objects.filter(month=dt.date(2026, 2, 1)).values_list("office", "sector", "within", "overdue"))
        == stored
    )


def test_running_the_monthly_task_twice_changes_nothing(history):
    store_opening_balances(dt.date(2026, 2, 1))
    before = list(OpenBalance.objects.order_by("pk").values())
    assert store_opening_balances(dt.date(2026, 2, 1)) == "2026-02 already stored"
    assert list(OpenBalance.objects.order_by("pk").values()) == before
    assert BalancedMonth.objects.filter(month=dt.date(2026, 2, 1)).count() == 1


def test_the_monthly_task_stores_the_month_it_runs_in(history, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 2, 1))
    assert store_opening_balances() == "2026-02 stored"


def test_the_balances_are_scheduled_for_the_first_of_each_month_once(db):
    Schedule = apps.get_model("django_q", "Schedule")
    migration = importlib.import_module("reports.migrations.0003_opening_balances_schedule")
    Schedule.objects.filter(func="reports.tasks.store_opening_balances").delete()
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)  # migrating again adds no second schedule
    schedule = Schedule.objects.get(func="reports.tasks.store_opening_balances")
    local = timezone.localtime(schedule.next_run)
    assert (schedule.schedule_type, schedule.repeats, local.day, local.hour) == ("M", -1, 1, 0)
    assert local > timezone.localtime()


@pytest.mark.parametrize(
    ("now", "first"),
    [
        (dt.datetime(2026, 12, 7, 19, 0), dt.datetime(2027, 1, 1, 0, 30)),
        (dt.datetime(2026, 3, 1, 0, 10), dt.datetime(2026, 4, 1, 0, 30)),
    ],
)
def test_the_first_run_is_the_first_of_the_coming_month(now, first):
    migration = importlib.import_module("reports.migrations.0003_opening_balances_schedule")
    assert migration.first_of_next_month(now) == first


# The late dossiers, a page at a time ----------------------------------------------


@pytest.fixture
def supervisor(client, tuan):
    client.login(username=tuan.username, password=PASSWORD)
    return client


def codes_in(html: str) -> list[str]:
    return re.findall(r'class="code-link"[^>]*>([^<]+)<', html)


def test_every_late_dossier_is_listed_a_page_at_a_time(history, supervisor, monkeypatch, office_a):
    monkeypatch.setattr(views, "DELAYS_PER_PAGE", 3)
    url = reverse("reports:delays") + f"?{JANUARY}"
    first = supervisor.get(url).content.decode()
    assert "4 late dossiers" in first and "Page 1 of 2" in first
    assert len(codes_in(first)) == 3
    # The next page keeps the period chosen.
    link = re.search(r'href="([^"]*page=2)"', first).group(1).replace("&amp;", "&")
    assert JANUARY in link
    second = supervisor.get(reverse("reports:delays") + link).content.decode()
    assert "Page 2 of 2" in second and "4 late dossiers" in second
    assert len(codes_in(second)) == 1
    assert set(codes_in(first)) | set(codes_in(second)) == {
        history[name].code
        for name in ("late_after_apology", "two_supplements", "overdue_across_months", "b_open_overdue")
    }
    # The stage totals count every late dossier, whatever the page.
    assert (
        re.findall(r"<td class=\"number\">(\d+)</td>", first)[:3]
        == re.findall(r"<td class=\"number\">(\d+)</td>", second)[:3]
    )


def test_the_filters_go_with_the_page_links(history, supervisor, monkeypatch, office_a):
    monkeypatch.setattr(views, "DELAYS_PER_PAGE", 1)
    html = supervisor.get(reverse("reports:delays") + f"?{JANUARY}&office={office_a.pk}").content.decode()
    links = [href.replace("&amp;", "&") for href in re.findall(r'href="(\?[^"]*page=\d+)"', html)]
    assert links and all(JANUARY in link and f"office={office_a.pk}" in link for link in links)


@pytest.mark.parametrize("page", ["3", "0", "-1", "two", "1.5", "99999999999999999999"])
def test_a_page_that_is_not_there_is_not_found(history, supervisor, monkeypatch, page):
    monkeypatch.setattr(views, "DELAYS_PER_PAGE", 2)
    answer = supervisor.get(reverse("reports:delays") + f"?{JANUARY}&page={page}")
    assert answer.status_code == 404
    assert "Page not found" in answer.content.decode()


def test_a_period_without_late_dossiers_has_one_empty_page(history, supervisor):
    answer = supervisor.get(reverse("reports:delays") + "?period=custom&start=2025-06-01&end=2025-06-30")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "No dossier was late." in html and "Page 1" not in html

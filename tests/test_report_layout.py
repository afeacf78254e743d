"""The report pages' layout, on the server's side: charts whose text is
HTML (bars only in SVG, so no text shrinks with a drawing), and tables
that hold every column of the official report, the main ones marked for
the screen."""

import re

import pytest
from django.urls import reverse

from reports import charts, stats, views
from tests.factories import PASSWORD


def test_chart_text_is_the_pages_and_the_bars_hold_none():
    html = charts.backlog(
        [charts.OfficeBar("Phường <Ba Đình>", 30, 10), charts.OfficeBar("Xã Tây Tựu", 20, 0)],
        title="Open dossiers",
        legend=("Within", "Overdue"),
    )
    for svg in re.findall(r"<svg.*?</svg>", html):
        assert "<text" not in svg
    assert "Phường &lt;Ba Đình&gt;" in html and "<Ba" not in html
    # The most overdue first; the longest bar is the whole width.
    rows = re.findall(r'<li class="chart__row">.*?</li>', html)
    assert "Ba Đình" in rows[0] and "30 + <strong>10</strong>" in rows[0]
    assert re.findall(r' width="([\d.]+)"', rows[0]) == ["75.00", "25.00"]
    assert re.findall(r' width="([\d.]+)"', rows[1]) == ["50.00"]


def test_the_trend_gives_each_month_its_count_and_rate():
    html = charts.trend(
        [charts.MonthBar("01/26", 6, 3, 1, 90.0), charts.MonthBar("02/26", 0, 0, 0, None)],
        title="Trend",
        legend=("Early", "On time", "Late"),
    )
    # The rate to two decimals, as the table, the API and the exports give it.
    assert "10 · <strong>90.00 %</strong>" in html and "0 · <strong>—</strong>" in html
    assert html.count('<li class="chart__row">') == 2


def test_the_sector_groups_follow_the_official_columns():
    assert [m for _label, group in views.SECTOR_GROUPS for m in group] == list(stats.MEASURES)


@pytest.fixture
def supervisor(client, tuan):
    client.login(username=tuan.username, password=PASSWORD)
    return client


def test_every_column_is_in_the_page_the_main_ones_marked_for_the_screen(history, supervisor):
    html = supervisor.get(reverse("reports:sectors") + "?period=2026-01").content.decode()
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r'<td class="([^"]*)"', row)
    assert len(cells) == 20  # 16 numbers and 4 shares: the printed page has them all
    assert len([c for c in cells if "col-extra" not in c]) == 7
    # The switch keeps the period.
    assert 'href="?period=2026-01&amp;columns=all"' in html
    shown = supervisor.get(reverse("reports:sectors") + "?period=2026-01&columns=all").content.decode()
    assert "figures-table--all" in shown and 'href="?period=2026-01">' in shown

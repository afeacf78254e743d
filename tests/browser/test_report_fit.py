"""The supervisor's report pages fit the screen, measured in the browser:
at 1,366 px the office table fits its box, the column it is sorted by in
view; the report by sector shows its main columns, all of them a link away
(no JavaScript needed) with the first column kept in view while the rest
scrolls; and chart text is at least 12 px as drawn, on a desktop and on a
phone."""

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_counter_flow import sign_in
from tests.factories import OfficeFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

# The size of every piece of chart text as drawn: its computed font size,
# times the scale of the SVG it may sit in (a viewBox drawn smaller or
# larger than its user units).
CHART_TEXT_SIZES = """() => {
  const sizes = [];
  for (const el of document.querySelectorAll('.chart, .chart *')) {
    const text = [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!text || el.closest('.visually-hidden')) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGGraphicsElement) {
      const m = el.getScreenCTM();
      size *= Math.min(Math.hypot(m.a, m.b), Math.hypot(m.c, m.d));
    }
    sizes.push([el.textContent.trim().slice(0, 30), size]);
  }
  return sizes;
}"""


@pytest.fixture
def supervisor_page(browser: Browser, live_server, history, province, tuan):
    """Tuấn, the province's supervisor, signed in; the province has a
    third commune with a long name."""
    OfficeFactory(code="000.03.00.H01", name="Bộ phận Một cửa phường Nguyễn Trãi, quận Hà Đông", parent=province)
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server.url, tuan.username)
    yield page
    context.close()


def in_language(page: Page, base: str, language: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])


def fits(page: Page, table: str) -> tuple[int, int]:
    """The table's full width, and the width of the box it scrolls in."""
    return page.evaluate(
        "(id) => { const t = document.getElementById(id);"
        " return [t.scrollWidth, t.closest('.table-scroll').clientWidth]; }",
        table,
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_at_1366_px_the_office_table_fits_with_its_on_time_rate_in_view(supervisor_page, live_server, language):
    page = supervisor_page
    in_language(page, live_server.url, language)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/reports/")
    width, box = fits(page, "offices")
    assert width <= box, f"the office table is {width} px wide in a {box} px box"
    # The last column, the one the rows are ordered by, is on the screen.
    rate = page.locator("#offices thead th").last
    expect(rate).to_have_text({"vi": "Tỷ lệ đúng hạn", "en": "On-time rate"}[language])
    assert rate.bounding_box()["x"] + rate.bounding_box()["width"] <= DESKTOP["width"]
    assert "Nguyễn Trãi" in page.locator("#offices").inner_text()
    page.goto(f"{live_server.url}/reports/sectors/")
    width, box = fits(page, "sectors")
    assert width <= box, f"the sector table is {width} px wide in a {box} px box"


def test_every_column_is_a_link_away_without_javascript(browser: Browser, live_server, supervisor_page):
    page = supervisor_page
    page.goto(f"{live_server.url}/reports/sectors/")
    carried_over = page.locator("#sectors thead th", has_text="Carried over")
    expect(carried_over).to_be_hidden()
    assert page.locator("#sectors tbody tr").first.locator("td:visible").count() == 7
    # The switch is a plain link: the same page works with JavaScript off.
    context = browser.new_context(
        viewport=DESKTOP, java_script_enabled=False, storage_state=page.context.storage_state()
    )
    bare = context.new_page()
    bare.goto(f"{live_server.url}/reports/sectors/")
    bare.get_by_role("link", name="Show all columns").click()
    assert "columns=all" in bare.url
    expect(bare.locator("#sectors thead th", has_text="Carried over")).to_be_visible()
    # The official report's 16 numbers and 4 shares, each under its group.
    assert bare.locator("#sectors tbody tr").first.locator("td:visible").count() == 20
    spans = (
        bare.locator("#sectors thead tr").first.locator("th:visible").evaluate_all("cells => cells.map(c => c.colSpan)")
    )
    assert spans == [1, 5, 4, 3, 4, 4]
    bare.get_by_role("link", name="Show the main columns").click()
    expect(bare.locator("#sectors thead th", has_text="Carried over")).to_be_hidden()
    context.close()


def test_on_a_phone_the_first_column_stays_while_the_table_scrolls(supervisor_page, live_server):
    page = supervisor_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reports/sectors/?columns=all")
    box = page.locator("#sectors").locator("xpath=..")
    first = page.locator("#sectors tbody th[scope=row]").first
    before = first.bounding_box()["x"]
    box.evaluate("el => el.scrollLeft = 600")
    assert box.evaluate("el => el.scrollLeft") > 0
    assert first.bounding_box()["x"] == pytest.approx(before, abs=1)
    expect(first).to_be_visible()


def test_printing_gives_the_whole_official_table(supervisor_page, live_server):
    page = supervisor_page
    page.goto(f"{live_server.url}/reports/sectors/")
    page.emulate_media(media="print")
    assert page.locator("#sectors tbody tr").first.locator("td:visible").count() == 20
    expect(page.get_by_role("link", name="Show all columns")).to_be_hidden()
    page.goto(f"{live_server.url}/reports/")
    assert page.locator("#offices tbody tr").first.locator("td:visible").count() == 11
    page.emulate_media(media="screen")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_chart_text_is_at_least_12_px_as_drawn(supervisor_page, live_server, viewport):
    page = supervisor_page
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator(".chart")).to_have_count(2)
    sizes = page.evaluate(CHART_TEXT_SIZES)
    labels = [text for text, _size in sizes]
    assert any("Phường Ba Đình" in text for text in labels)  # the backlog's offices
    assert any("On time" in text for text in labels)  # the legends
    assert len(sizes) > 20
    small = [(text, round(size, 1)) for text, size in sizes if size < 12]
    assert small == []

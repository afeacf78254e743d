"""The header on a phone (a menu folded behind "Menu" that opens without
JavaScript), the focus ring, and the kiosk's touch targets on its
1080 x 1920 portrait screen, measured in the browser."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import ProcedureFactory, SectorFactory, submitted_online

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]

PHONE = {"width": 390, "height": 844}
KIOSK = {"width": 1080, "height": 1920}
# Every control a finger must hit (the skip link shows only when focused).
CONTROLS = "a:not(.skip-link), button, select, input:not([type=hidden], [type=checkbox], [type=radio]), summary"


@pytest.fixture
def catalogue(procedure, office_a, lan):
    """A few procedures of the life events, one of them used at office A."""
    births = SectorFactory(code="ho-tich", name="Hộ tịch")
    birth = ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh", sector=births)
    ProcedureFactory(code="1.000894", name="Thủ tục đăng ký kết hôn", sector=births)
    residence = SectorFactory(code="dang-ky-quan-ly-cu-tru", name="Đăng ký, quản lý cư trú")
    ProcedureFactory(code="1.004194", name="Đăng ký tạm trú", sector=residence)
    submitted_online(birth, office_a, lan)
    return birth


@pytest.mark.parametrize("language", ["vi", "th"])
def test_on_a_phone_the_menu_folds_and_opens_without_javascript(
    browser: Browser, live_server, catalogue, tmp_path, language
):
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=False, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/procedures/")
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] <= 70
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator("#language-select")).to_be_hidden()
    page.screenshot(path=str(tmp_path / f"phone-{language}.png"))

    page.locator(".menu-toggle").click()
    expect(page.locator(".site-nav")).to_be_visible()
    expect(page.locator(".menu-toggle")).to_be_hidden()
    for link in page.locator(".site-nav a").all():
        box = link.bounding_box()
        assert box["height"] >= 44, link.inner_text()
    page.screenshot(path=str(tmp_path / f"phone-{language}-menu.png"))
    # The language choice is in the menu and works without JavaScript.
    other = "en" if language == "vi" else "vi"
    page.locator("#language-select").select_option(other)
    page.locator(".language-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page.locator(".site-nav")).to_be_hidden()

    page.locator(".menu-toggle").click()
    page.locator(".menu-close").click()
    expect(page.locator(".site-nav")).to_be_hidden()
    assert header.bounding_box()["height"] <= 70
    context.close()


def test_a_wide_screen_keeps_its_menu_in_the_header(page: Page, live_server, catalogue):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/procedures/")
    expect(page.locator(".site-nav")).to_be_visible()
    expect(page.locator(".menu-toggle")).to_be_hidden()
    assert page.locator("header.site-header").bounding_box()["height"] <= 70


def test_the_focus_ring_is_yellow_inside_and_near_black_outside(page: Page, live_server, catalogue, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/procedures/")
    page.get_by_label("Words in the procedure's name or its code").focus()
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; }"""
    )
    assert style[:3] == ["solid", "3px", "rgb(255, 221, 0)"]
    assert style[3] == "rgb(11, 12, 12) 0px 0px 0px 6px"
    # A link turns yellow with near-black text, on the white page and in the blue header.
    for link in (page.locator("main .results a").first, page.locator(".site-nav a").first):
        link.focus()
        colours = link.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
        assert colours == ["rgb(255, 221, 0)", "rgb(11, 12, 12)"]
    page.screenshot(path=str(tmp_path / "focus.png"), clip={"x": 0, "y": 0, "width": 1280, "height": 200})


def too_small(page: Page) -> list:
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
             .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
             .map(e => { const r = e.getBoundingClientRect();
                         return [e.tagName, (e.innerText || e.name || '').trim().slice(0, 40), r.width, r.height]; })
             .filter(([, , w, h]) => w < 44 || h < 44)""",
        CONTROLS,
    )


def test_every_control_of_the_kiosk_takes_a_finger(page: Page, live_server, catalogue, office_a, tmp_path, settings):
    settings.KIOSK_OFFICE = office_a.code
    page.set_viewport_size(KIOSK)
    page.goto(f"{live_server.url}/kiosk/")
    expect(page.locator("#topic-birth")).to_be_visible()
    search = page.locator("#kiosk-q").bounding_box()
    main = page.locator("main").bounding_box()
    assert search["width"] >= 0.9 * main["width"] and search["height"] >= 44
    assert too_small(page) == []
    page.screenshot(path=str(tmp_path / "kiosk-start.png"))
    page.locator("#kiosk-q").fill("khai sinh")
    page.locator("main").get_by_role("button").first.click()
    expect(page.locator(".results a").first).to_be_visible()
    assert page.locator(".results a").first.bounding_box()["height"] >= 44
    assert too_small(page) == []
    page.locator(".results a").first.click()
    assert too_small(page) == []
    # The language choice: select and button.
    for control in (page.locator("#language-select"), page.locator(".language-form button")):
        box = control.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44

"""The feedback line in a browser: the switchboard operator records a call
in two clicks at a desktop, and the citizen on a phone sends a question
from a procedure's page without JavaScript, nothing wider than the screen.
(Tracking, rating and reopening: tests/test_line.py, through the pages.)"""

import pytest
from playwright.sync_api import Browser, expect

from petitions.models import Case, State
from portal.models import Membership
from tests.factories import PASSWORD, ProcedureFactory, staff_member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]


def test_the_operator_records_a_call_in_two_clicks(browser: Browser, live_server, province, office_a):
    staff_member("oanh", "Trịnh Thị Oanh", province, Membership.Role.OPERATOR)
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "oanh")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.goto(f"{live_server.url}/line/switchboard/")
    page.fill("#id_name", "Phạm Văn Hùng")
    page.fill("#id_phone", "0987 654 321")
    page.fill("#id_text", "Ở Phường Ba Đình cán bộ có thái độ hách dịch")
    page.click("button[name=suggest]")
    expect(page.locator("#id_kind")).to_have_value("complaint")
    expect(page.locator("#id_office")).to_have_value(str(office_a.pk))
    # The whole form, both buttons included, on one screen.
    assert page.locator("button[name=record]").bounding_box()["y"] < 768
    page.click("button[name=record]")
    expect(page.locator(".messages")).to_contain_text("PA-")
    case = Case.objects.get()
    assert (case.state, case.answering_office, case.phone) == (State.ASSIGNED, office_a, "0987654321")


def test_a_citizen_on_a_phone_asks_and_gets_a_code(browser: Browser, live_server, province):
    ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh")
    page = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/procedures/1.001193/")
    page.click("text=A question or feedback about this procedure")
    page.fill("#id_text", "Cần bản chính giấy chứng sinh không?")
    page.fill("#id_phone", "0912 345 678")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".reference")).to_contain_text("PA-")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

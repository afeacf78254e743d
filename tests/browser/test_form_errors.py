"""A form sent empty on a phone, in Thai: the error summary takes the focus,
names each field in Thai, links to it, and the tab's title says "error"
first."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_an_empty_registration_in_thai_focuses_a_summary_that_names_the_fields(page: Page, live_server, settings):
    settings.LANGUAGE_CODE = "vi"
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/register/")
    page.locator(".menu-toggle").click()  # on a phone the language is in the folded menu
    page.get_by_label("Language").select_option("th")
    page.locator(".language-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")

    page.get_by_role("button", name="ส่งรหัสให้ฉัน").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("ชื่อ-นามสกุล: ต้องกรอกช่องนี้")
    expect(summary).to_contain_text("รหัสผ่าน: ต้องกรอกช่องนี้")
    assert page.title().startswith("ข้อผิดพลาด: ")
    summary.get_by_role("link", name="ชื่อ-นามสกุล: ต้องกรอกช่องนี้").click()
    expect(page.locator("#id_full_name")).to_be_focused()

"""The catalogue administrator edits birth registration (1.001193, as the
demo imports it from the national records) on a 1,366 px screen, in an
English-language browser."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from procedures.interchange import import_national
from procedures.models import Procedure
from procedures.national import load_completions, parse_file
from tests.browser.test_counter_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DATA = Path(__file__).resolve().parents[2] / "procedures" / "data"


@pytest.fixture
def birth_registration() -> Procedure:
    records = [record for record in parse_file(DATA / "commune-procedures.jsonl.gz") if record.code == "1.001193"]
    import_national(records, load_completions(DATA / "completions.json"))
    return Procedure.objects.get(code="1.001193")


def horizontal_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_procedure_page_fits_1366_px_and_leads_to_each_error(page: Page, live_server, mai, birth_registration):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server.url, "mai")
    page.goto(f"{live_server.url}/admin/procedures/procedure/{birth_registration.pk}/change/")
    assert horizontal_overflow(page) == 0
    documents = birth_registration.documents.count()
    assert documents >= 3

    # Same day: no amount box, a note in its place; another unit brings it back.
    first_channel = page.locator(".field-channel select").first.input_value()
    row = page.locator("#channels-0")
    amount = row.locator("input[name$='-time_limit_amount']")
    expect(amount).to_be_hidden()
    expect(row).to_contain_text("none: same day")
    row.locator("select[name$='-time_limit_unit']").select_option("working_days")
    expect(amount).to_be_visible()
    amount.fill("1,5")  # read by the page, not by the browser's English locale

    # A document added at the end, and another one's name left empty.
    page.get_by_role("button", name="Add another Required document").click()
    new = page.locator(f"#documents-{documents}")
    new.locator("textarea[name$='-name']").fill("Giấy xác nhận cư trú")
    page.locator("#id_documents-2-name").fill("")
    page.get_by_role("button", name="Save and continue editing").first.click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Nothing was saved: 1 problem to correct")
    summary.get_by_role("link", name="Required documents, row 3: Name: This field is required.").click()
    assert page.url.endswith("#id_documents-2-name")
    expect(page.locator("#id_documents-2-name")).to_be_in_viewport()
    expect(page.locator("#id_documents-2-name")).to_have_attribute("aria-invalid", "true")
    assert horizontal_overflow(page) == 0
    # What was typed is still there.
    expect(page.locator("#id_channels-0-time_limit_amount")).to_have_value("1,5")

    page.locator("#id_documents-2-name").fill("Giấy chứng sinh")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert birth_registration.channel(first_channel).time_limit_amount == Decimal("1.5")
    expect(page.locator("#id_channels-0-time_limit_amount")).to_have_value("1.5")
    last = birth_registration.documents.last()
    assert (last.position, last.name) == (documents + 1, "Giấy xác nhận cư trú")

"""On a phone, what a citizen types or chooses in an online application is
never lost: "Save and come back later" saves the page; the documents page
keeps every file chosen whatever button is pressed; deleting a draft asks
first; Back after sending opens the dossier. No JavaScript is needed."""

import re

import pytest
from playwright.sync_api import Page, expect

from citizens.models import Draft, DraftFile
from dossiers.models import Dossier
from tests.browser.test_counter_flow import sign_in
from tests.factories import PDF, png

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def applying(page: Page, live_server, procedure, office_a, lan):
    """Lan, signed in on a phone, has started an application and chosen the counter."""
    lan.phone, lan.id_number, lan.address = "0912345678", "001190012345", "Số 1 phố Hàng Bạc"
    lan.save()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "lan")
    page.goto(f"{live_server.url}/apply/{procedure.code}/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Counter").select_option(label="Phường Ba Đình")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    return page


def files(tmp_path):
    form, power = tmp_path / "to-khai.pdf", tmp_path / "uy-quyen.png"
    form.write_bytes(PDF)
    power.write_bytes(png())
    return form, power


def test_save_and_come_back_later_keeps_the_address_just_typed(applying: Page, live_server, tmp_path):
    page = applying
    page.get_by_label("Address").fill("Số 9 ngõ Huế, phường Ba Đình")
    page.screenshot(path=str(tmp_path / "applicant-phone.png"), full_page=True)
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My dossiers")
    expect(page.locator(".messages")).to_contain_text("Your application is saved")
    page.get_by_role("link", name="Thủ tục thử nghiệm").click()
    page.get_by_role("link", name=re.compile("Change address")).click()
    expect(page.get_by_label("Address")).to_have_value("Số 9 ngõ Huế, phường Ba Đình")


def test_files_chosen_are_kept_whichever_button_is_pressed(applying: Page, tmp_path):
    page = applying
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload your documents")
    form, power = files(tmp_path)
    # Only the optional document chosen, then "Save and continue": kept, and the missing one named.
    page.locator("#file-2").set_input_files(str(power))
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("1 document is still missing")
    expect(page.locator("#document-2 .files")).to_contain_text("uy-quyen.png")
    page.screenshot(path=str(tmp_path / "documents-missing-phone.png"), full_page=True)
    summary.get_by_role("link", name="Upload “Tờ khai”.").click()
    assert page.url.endswith("#file-1")
    # The mandatory one chosen, and again "Save and continue", not its "Upload".
    page.locator("#file-1").set_input_files(str(form))
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Receiving the result")
    assert sorted(DraftFile.objects.values_list("original_name", flat=True)) == ["to-khai.pdf", "uy-quyen.png"]


def test_deleting_a_draft_asks_first(applying: Page, tmp_path):
    page = applying
    page.goto(page.url.replace("/applicant/", "/check/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending")
    page.get_by_role("link", name="Delete this unfinished application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this unfinished application?")
    page.screenshot(path=str(tmp_path / "discard-phone.png"), full_page=True)
    page.get_by_role("link", name="No, go back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending")
    assert Draft.objects.count() == 1
    page.get_by_role("link", name="Delete this unfinished application").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator(".messages")).to_contain_text("The unfinished application is deleted.")
    assert not Draft.objects.exists()


def test_back_after_sending_opens_the_dossier(applying: Page, tmp_path):
    page = applying
    page.get_by_role("button", name="Save and continue").click()
    form, _power = files(tmp_path)
    page.locator("#file-1").set_input_files(str(form))
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("At the counter").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Accept and send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application sent")
    page.go_back()
    code = Dossier.objects.get().code
    expect(page.locator(".dossier-code")).to_have_text(code)
    expect(page.locator(".messages")).to_contain_text("This application was sent on")
    page.screenshot(path=str(tmp_path / "back-after-sending-phone.png"), full_page=True)

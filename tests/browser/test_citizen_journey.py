"""A citizen finds a procedure without typing diacritics, creates an account,
applies online with files, and follows the dossier the counter receives;
then answers a supplement request. On a phone-sized screen, as most do."""

import re

import pytest
from playwright.sync_api import Page, expect

from dossiers.models import Dossier, State
from dossiers.supplements import Asked
from dossiers.workflow import perform
from portal.sms import MemoryBackend
from tests.browser.test_counter_flow import act, open_menu, sign_in, sign_out
from tests.factories import PDF, png, submitted_online

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]

PHONE = {"width": 390, "height": 844}
SECRET = "ruong-bac-thang-2026"


def test_from_search_to_a_received_dossier_and_its_receipt(page: Page, live_server, procedure, office_a, chi, tmp_path):
    base = live_server.url
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/procedures/")
    page.get_by_label("Words in the procedure's name or its code").fill("thu tuc thu nghiem")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Thủ tục thử nghiệm").click()
    page.get_by_role("link", name="Apply online").last.click()
    page.get_by_role("button", name="Start now").click()

    # Not signed in: create an account on the way, then come back.
    page.get_by_role("link", name="Create an account with your phone number or email").click()
    page.get_by_label("Full name").fill("Lò Thị Mai")
    page.get_by_label("Phone number").fill("0987 654 321")
    page.get_by_label("Password", exact=True).fill(SECRET)
    page.get_by_label("Password again").fill(SECRET)
    page.screenshot(path=str(tmp_path / "register-phone.png"), full_page=True)
    page.get_by_role("button", name="Send me the code").click()
    # The account exists once the code texted to the phone is entered.
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code to create your account")
    expect(page.locator("main")).to_contain_text("We texted a 6-digit code to 09******21.")
    [(_phone, text)] = MemoryBackend.outbox
    page.get_by_label("Code from the text message").fill(re.search(r"\b\d{6}\b", text).group())
    page.screenshot(path=str(tmp_path / "register-code-phone.png"), full_page=True)
    page.get_by_role("button", name="Create the account").click()
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Where to send it")
    page.get_by_label("Counter").select_option(label="Phường Ba Đình")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_label("Full name")).to_have_value("Lò Thị Mai")  # typed once, at registration
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_contain_text("This field is required.")
    page.get_by_label("ID number").fill("001190054321")
    page.get_by_label("Address").fill("Bản Lác, xã Chiềng Châu")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Upload your documents")
    # A text file dressed as a PDF is refused and not kept.
    fake = tmp_path / "to-khai.pdf"
    fake.write_bytes(b"this is only text")
    page.locator("#file-1").set_input_files(str(fake))
    page.locator("#document-1").get_by_role("button", name="Upload").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "This file is not a PDF, JPEG or PNG, whatever its name says."
    )
    expect(page.locator("#document-1 .files")).to_have_count(0)
    real = tmp_path / "to-khai-that.pdf"
    real.write_bytes(PDF)
    page.locator("#file-1").set_input_files(str(real))
    page.locator("#document-1").get_by_role("button", name="Upload").click()
    expect(page.locator("#document-1 .files")).to_contain_text("to-khai-that.pdf")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_label("At the counter").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending")
    expect(page.locator("main")).to_contain_text("to-khai-that.pdf")
    page.screenshot(path=str(tmp_path / "check-phone.png"), full_page=True)
    page.get_by_role("button", name="Accept and send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Application sent")
    code = page.locator(".reference").inner_text()
    assert re.fullmatch(r"000\.01\.00\.H01-\d{6}-0001", code)
    sign_out(page)

    # The clerk finds it in the online queue, the uploaded document ticked.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "chi")
    page.goto(f"{base}/counter/queue/to_check/")
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("checkbox", name=re.compile(r"Tờ khai \(mandatory\)"))).to_be_checked()
    act(page, "Receive")
    # Opened from the queue, the clerk is taken on to what else waits there: nothing.
    expect(page.get_by_role("status")).to_contain_text(f"dossier {code} is now “Received, being appraised”")
    expect(page.get_by_role("status")).to_contain_text("Nothing else is waiting in “Online submissions to check”")
    sign_out(page)

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Phone number, email or username").fill("+84 987 654 321")
    page.get_by_label("Password").fill(SECRET)
    page.locator("main").get_by_role("button", name="Sign in").click()
    open_menu(page)
    page.get_by_role("link", name="My dossiers").first.click()
    page.get_by_role("link", name=code).click()
    expect(page.locator(".state")).to_have_text("Received, being appraised")
    expect(page.locator("main")).to_contain_text("How the date was worked out")
    receipt = page.get_by_role("link", name="Receipt and appointment slip")
    response = page.request.get(base + receipt.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf" and response.body().startswith(b"%PDF")
    page.screenshot(path=str(tmp_path / "received-phone.png"), full_page=True)


def test_a_supplement_round_trip(page: Page, live_server, procedure, office_a, lan, chi, son, tmp_path):
    dossier = perform(submitted_online(procedure, office_a, lan), "receive", actor=chi, documents={1})
    perform(dossier, "request_supplement", actor=son, note="Bổ sung ảnh chân dung 4x6")

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "lan")
    page.goto(f"{live_server.url}/my/dossiers/{dossier.code}/")
    expect(page.locator(".panel--actions")).to_contain_text("Bổ sung ảnh chân dung 4x6")
    photo = tmp_path / "chan-dung.png"
    photo.write_bytes(png())
    page.get_by_label("File").set_input_files(str(photo))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".panel--actions")).to_contain_text("chan-dung.png")
    page.get_by_role("button", name="Send the supplement").click()
    expect(page.locator(".messages")).to_contain_text("Your supplement is sent")
    expect(page.locator(".state")).to_have_text("Received, being appraised")
    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED


def test_a_supplement_naming_documents_is_answered_one_by_one_on_a_phone(
    page: Page, live_server, procedure, office_a, lan, chi, son, tmp_path
):
    dossier = perform(submitted_online(procedure, office_a, lan), "receive", actor=chi, documents={1})
    perform(
        dossier,
        "request_supplement",
        actor=son,
        requested=[Asked(1, "faulty", "Ảnh chụp bị mờ"), Asked(2, "missing")],
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "lan")
    page.goto(f"{live_server.url}/my/dossiers/{dossier.code}/")
    items = page.locator(".requested-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Ảnh chụp bị mờ")
    expect(items.nth(1)).to_contain_text("Still missing")
    scan = tmp_path / "to-khai-moi.pdf"
    scan.write_bytes(PDF)
    items.nth(0).locator("input[type=file]").set_input_files(str(scan))
    items.nth(0).get_by_role("button", name="Upload").click()
    expect(page.locator(".requested-item").nth(0)).to_contain_text("Answered")
    expect(page.locator(".requested-item").nth(0)).to_contain_text("to-khai-moi.pdf")
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Send the supplement").click()
    expect(page.locator("main")).to_contain_text("Still missing: Giấy ủy quyền (nếu có).")
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUPPLEMENT_REQUESTED
    power = tmp_path / "uy-quyen.png"
    power.write_bytes(png())
    page.locator(".requested-item").nth(1).locator("input[type=file]").set_input_files(str(power))
    page.locator(".requested-item").nth(1).get_by_role("button", name="Upload").click()
    expect(page.locator(".requested-item").nth(1)).to_contain_text("Answered")
    page.get_by_role("button", name="Send the supplement").click()
    expect(page.locator(".messages")).to_contain_text("Your supplement is sent")
    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED

"""A clerk takes a walk-in citizen from intake to returned result, and the
specialist and the leader do their part, all in the browser."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from portal.models import User
from tests.factories import PASSWORD, received_dossier

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Phone number, email or username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    if page.url.endswith("/accounts/login/code/"):
        # Approvers sign in in two steps: the first time they set up the
        # authenticator app, then each time they type its code. A code is
        # good once, so a second sign-in in the same 30 seconds takes the next.
        user = User.objects.get(username=username)
        secret = user.totp_secret or page.locator("#totp-secret").inner_text()
        step = int(time.time()) // 30
        if user.totp_last_step is not None:
            step = max(step, user.totp_last_step + 1)
        page.get_by_label("The 6-digit code from your authenticator app").fill(pyotp.TOTP(secret).at(step * 30))
        page.locator("main").get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()


def open_menu(page: Page) -> None:
    """On a phone the header's menu folds behind "Menu"."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible():
        toggle.click()


def sign_out(page: Page) -> None:
    open_menu(page)
    page.get_by_role("button", name=re.compile("Sign out")).click()


def act(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def test_walk_in_to_returned_result(page: Page, live_server, procedure, chi, son, hoa, tmp_path):
    base = live_server.url
    sign_in(page, base, "chi")
    page.get_by_role("link", name="Counter", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phường Ba Đình")
    page.get_by_role("link", name="New walk-in dossier").click()

    # Find the procedure by typing without diacritics, keyboard only: the
    # search field has the focus as soon as the page is there.
    expect(page.locator("#procedure-q")).to_be_focused()
    page.keyboard.type("thu nghiem")
    page.keyboard.press("Enter")
    page.get_by_role("link", name=re.compile("Thủ tục thử nghiệm")).click()

    # Submitting without the mandatory document explains and keeps what was typed.
    page.get_by_label("Full name").fill("Phạm Thị Hương")
    page.get_by_label("ID number").fill("001190012345")
    page.get_by_label("Phone").fill("0987 654 321")
    page.get_by_role("button", name="Receive the dossier").click()
    expect(page.locator(".error-summary")).to_contain_text("These mandatory documents are not ticked as received")
    expect(page.get_by_label("Full name")).to_have_value("Phạm Thị Hương")

    page.get_by_role("checkbox", name=re.compile(r"Tờ khai \(mandatory\)")).check()
    page.get_by_role("button", name="Receive the dossier").click()
    expect(page.locator(".state")).to_have_text("Received, being appraised")
    code = page.locator(".dossier-code").inner_text()
    assert re.fullmatch(r"000\.01\.00\.H01-\d{6}-0001", code)
    expect(page.locator(".messages")).to_contain_text(f"Dossier {code} received")
    page.screenshot(path=str(tmp_path / "1-received.png"), full_page=True)
    sign_out(page)

    # The specialist finds it by code and appraises it.
    sign_in(page, base, "son")
    page.goto(f"{base}/counter/")
    page.get_by_label("Find a dossier").fill(code)
    page.keyboard.press("Enter")
    page.get_by_label("Note or reasons").fill("Hồ sơ hợp lệ, đủ điều kiện")
    act(page, "Appraise")
    expect(page.locator(".state")).to_have_text("Appraised, waiting for approval")
    sign_out(page)

    sign_in(page, base, "hoa")
    page.goto(f"{base}/counter/queue/to_approve/")
    page.get_by_role("link", name=code).click()
    act(page, "Approve")
    # Opened from a queue, each action leads on to what else waits there: here nothing.
    expect(page.get_by_role("status")).to_contain_text(f"dossier {code} is now “Approved, waiting for the stamp”")
    expect(page.get_by_role("heading", level=1)).to_contain_text("To approve")
    sign_out(page)

    sign_in(page, base, "chi")
    page.goto(f"{base}/counter/queue/to_stamp/")
    page.get_by_role("link", name=code).click()
    act(page, "Stamp and issue")
    expect(page.get_by_role("status")).to_contain_text(f"dossier {code} is now “Result ready”")
    page.goto(f"{base}/counter/queue/to_return/")
    page.get_by_role("link", name=code).click()
    act(page, "Hand over the result")
    expect(page.get_by_role("status")).to_contain_text(f"dossier {code} is now “Result handed over”")
    page.goto(f"{base}/counter/")
    page.get_by_label("Find a dossier").fill(code)
    page.keyboard.press("Enter")
    expect(page.locator(".state")).to_have_text("Result handed over")
    expect(page.locator(".timeline li")).to_have_count(6)
    expect(page.locator(".timeline")).to_contain_text("Hồ sơ hợp lệ, đủ điều kiện")
    page.screenshot(path=str(tmp_path / "2-returned.png"), full_page=True)


def test_a_reason_is_asked_for_before_a_rejection(page: Page, live_server, procedure, chi, son):
    dossier = received_dossier(procedure, chi.memberships.get().office, chi)
    sign_in(page, live_server.url, "son")
    page.goto(f"{live_server.url}/counter/dossiers/{dossier.code}/")
    act(page, "Reject")
    expect(page.locator(".error-summary")).to_contain_text(
        "Give the reasons for the rejection; they go to the citizen."
    )
    expect(page.locator(".state")).to_have_text("Received, being appraised")


def test_the_approver_page_puts_approve_first_and_asks_before_a_rejection(
    page: Page, live_server, procedure, chi, son, hoa
):
    from dossiers.workflow import perform

    page.set_viewport_size({"width": 1366, "height": 768})
    dossier = received_dossier(procedure, chi.memberships.get().office, chi)
    perform(dossier, "appraise", actor=son, note="Đủ điều kiện")
    sign_in(page, live_server.url, "hoa")
    page.goto(f"{live_server.url}/counter/dossiers/{dossier.code}/")
    buttons = page.locator(".panel--actions button[name=action]")
    expect(buttons.first).to_have_text("Approve")
    expect(buttons.last).to_have_text("Reject")
    approve, reject = page.get_by_role("button", name="Approve", exact=True), page.get_by_role("button", name="Reject")
    # Approve is the filled primary button, on screen without scrolling; Reject sits below, outlined.
    approve_box, reject_box = approve.bounding_box(), reject.bounding_box()
    assert approve_box and reject_box and approve_box["y"] < reject_box["y"]
    assert approve_box["y"] + approve_box["height"] <= 768
    assert approve.evaluate("b => getComputedStyle(b).backgroundColor") != "rgb(255, 255, 255)"
    assert reject.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(255, 255, 255)"
    expect(page.locator(".panel--actions")).to_contain_text("Shortcut: 1")

    # Rejecting without ticking the confirmation changes nothing and says why.
    page.get_by_label("Note or reasons").fill("Không đủ điều kiện")
    reject.click()
    expect(page.locator(".error-summary")).to_contain_text("Tick “I confirm” to reject the dossier")
    expect(page.locator(".state")).to_have_text("Appraised, waiting for approval")

    # The single key "1" presses Approve when no field has the focus, once
    # the page (and its deferred shortcut script) has loaded.
    page.wait_for_load_state("load")
    page.locator("h1").click()
    page.keyboard.press("1")
    expect(page.locator(".state")).to_have_text("Approved, waiting for the stamp")

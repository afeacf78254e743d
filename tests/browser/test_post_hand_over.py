"""On a phone, a clerk opens the "to send by post" queue, opens a result,
types a mistyped item number and is told so with nothing changed, then hands
the result over to the postal service; the page then says "sent by post"
with the tracking number, and nothing on it scrolls sideways."""

import pytest
from playwright.sync_api import Browser, expect

from dossiers.models import Dossier, State
from dossiers.workflow import perform
from tests.browser.test_counter_flow import sign_in
from tests.factories import received_dossier

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]

PHONE = {"width": 390, "height": 844}


def test_a_clerk_hands_a_result_over_to_the_postal_service_on_a_phone(
    browser: Browser, live_server, procedure, office_a, chi, son, hoa, tmp_path
):
    dossier = received_dossier(procedure, office_a, chi, delivery="post", delivery_address="Số 5 phố Kim Mã, Hà Nội")
    for action, actor in (("appraise", son), ("approve", hoa), ("stamp", chi)):
        dossier = perform(dossier, action, actor=actor)
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "chi")
    page.goto(f"{base}/counter/queue/to_post/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("To send by post")
    page.screenshot(path=str(tmp_path / "to-post-queue.png"), full_page=True)
    page.get_by_role("link", name=dossier.code).click()

    page.screenshot(path=str(tmp_path / "hand-over-form.png"), full_page=True)
    page.get_by_label("Postal item number").fill("EB123456784VN")  # one digit wrong
    page.get_by_role("button", name="Hand over to the postal service").click()
    expect(page.locator(".error-summary")).to_contain_text("does not check out")
    assert Dossier.objects.get(pk=dossier.pk).state == State.STAMPED

    page.get_by_label("Postal item number").fill("EB 123456785 VN")
    page.get_by_role("button", name="Hand over to the postal service").click()
    # Opened from the queue: back to it, now empty, with what was done.
    expect(page.locator("main")).to_contain_text(f"Handed over to the postal service — dossier {dossier.code}")
    expect(page.locator("main")).to_contain_text("Nothing else is waiting in “To send by post”")
    page.goto(f"{base}/counter/dossiers/{dossier.code}/")
    posted = page.locator("dl.facts", has_text="Sent by post")
    expect(posted).to_contain_text("handed over to the postal service on")
    expect(posted.locator(".posted")).to_contain_text("EB123456785VN")
    page.screenshot(path=str(tmp_path / "sent-by-post.png"), full_page=True)
    # Reflow: the page fits the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    dossier.refresh_from_db()
    assert dossier.state == State.RETURNED and dossier.postal_item_number == "EB123456785VN"
    context.close()

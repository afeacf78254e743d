"""A clerk on a phone, without JavaScript, stamps several approved dossiers
from the queue's list at once and reads what was done and what was not."""

import pytest
from playwright.sync_api import Browser, expect

from dossiers.models import Dossier, State
from dossiers.workflow import perform
from tests.browser.test_counter_flow import sign_in
from tests.factories import received_dossier

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]

PHONE = {"width": 390, "height": 844}


def test_stamping_several_at_once_on_a_phone(
    browser: Browser, live_server, procedure, office_a, chi, son, hoa, tmp_path
):
    approved = []
    for name in ("Lê Thị Một", "Trần Văn Hai", "Phạm Thị Ba"):
        dossier = received_dossier(procedure, office_a, chi, name=name)
        dossier = perform(dossier, "appraise", actor=son)
        approved.append(perform(dossier, "approve", actor=hoa))
    # A dossier that turns out to be Chi's own: the four-eyes rule keeps her
    # from handing it over.
    own = received_dossier(procedure, office_a, chi, name="Trần Thị Chi", details={"id_number": "079090001234"})
    chi.id_number = "079090001234"
    chi.save()
    own = perform(perform(perform(own, "appraise", actor=son), "approve", actor=hoa), "stamp", actor=hoa)
    own = Dossier.objects.get(pk=own.pk)
    assert own.state == State.STAMPED

    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server.url, "chi")
    page.goto(f"{live_server.url}/counter/queue/to_stamp/")
    rows = page.locator(".dossier-table tbody tr")
    expect(rows).to_have_count(3)
    # Each box is a finger's width and fits the screen.
    first_box = page.locator(".pick__label").first.bounding_box()
    assert first_box["height"] >= 44 and first_box["x"] + first_box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("checkbox", name=f"Choose {approved[0].code}").check()
    page.get_by_role("checkbox", name=f"Choose {approved[2].code}").check()
    page.screenshot(path=str(tmp_path / "queue-phone.png"), full_page=True)
    page.get_by_role("button", name="Stamp and issue: the ticked dossiers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Stamp and issue: 2 of 2 dossiers done")
    page.screenshot(path=str(tmp_path / "summary-phone.png"), full_page=True)
    states = dict(Dossier.objects.values_list("code", "state"))
    assert [states[d.code] for d in approved] == [State.STAMPED, State.APPROVED, State.STAMPED]

    # Hand back: her own dossier is refused with its reason, the others go.
    page.goto(f"{live_server.url}/counter/queue/to_return/")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Hand over the result: the ticked dossiers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand over the result: 2 of 3 dossiers done")
    refused = page.locator(".batch-refused")
    expect(refused).to_contain_text(own.code)
    expect(refused).to_contain_text("Not done")
    assert Dossier.objects.get(pk=own.pk).state == State.STAMPED
    page.screenshot(path=str(tmp_path / "summary-refused-phone.png"), full_page=True)
    context.close()

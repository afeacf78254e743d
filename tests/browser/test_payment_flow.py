"""A citizen pays a dossier's fees online on a phone: from the dossier's
page to the gateway simulator and back, the notification arriving over HTTP
meanwhile; then the clerk, who could not receive it before, receives it."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dossiers.models import Dossier
from gatewaysim import views as simulator
from procedures.models import Fee, PaymentDue
from tests.browser.test_counter_flow import sign_in, sign_out
from tests.factories import ProcedureFactory, submitted_online

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]
PHONE = {"width": 390, "height": 844}
# Where the pages are kept to look at (a temporary folder unless SCREENSHOTS names one).
SHOTS = os.environ.get("SCREENSHOTS")


@pytest.fixture
def gateway(settings, live_server, monkeypatch):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "gatewaysim"]
    settings.ROOT_URLCONF = "tests.simulator_urls"
    settings.PAYMENT_MERCHANTS = {"*": ("SIMMERCH", "browser-test-secret")}
    settings.PAYMENT_GATEWAY_URL = f"{live_server.url}/gateway-sim/paymentv2/vpcpay.html"
    settings.PAYMENT_GATEWAY_API_URL = f"{live_server.url}/gateway-sim/merchant_webapi/api/transaction"
    settings.PAYMENT_SIMULATOR_IPN_URL = f"{live_server.url}/payments/ipn/"
    # The live server's threads share one in-memory SQLite connection, so
    # the notification and the browser's return must not run at once (each
    # would open a transaction on it): the simulator delivers the
    # notification before it sends the browser back, as gateways often do.
    # The order the other way round is tested in tests/test_payment_gateway.py.
    send = simulator.send_notification

    def send_then_return(params, delay=0):
        thread = send(params, delay)
        thread.join(30)
        return thread

    monkeypatch.setattr(simulator, "send_notification", send_then_return)
    yield live_server
    simulator.wait_for_notifications()
    # The server threads that answered the notifications close their database
    # connections now, not during a later test (the browser's own kept-alive
    # connections are given a second each).
    for thread in list(getattr(live_server.thread.httpd, "_threads", None) or ()):
        thread.join(1)


def test_a_citizen_pays_online_on_a_phone_and_the_clerk_then_receives(
    page: Page, gateway, office_a, lan, chi, tmp_path
):
    shots = Path(SHOTS) if SHOTS else tmp_path
    procedure = ProcedureFactory(code="1.000002", name="Đăng ký khai sinh", payment_due=PaymentDue.BEFORE_PROCESSING)
    Fee.objects.create(procedure=procedure, channel="online", name="Lệ phí đăng ký", amount=50000)
    dossier = submitted_online(procedure, office_a, lan)
    base = gateway.url

    page.set_viewport_size(PHONE)
    sign_in(page, base, "lan")
    page.goto(f"{base}/my/dossiers/{dossier.code}/")
    expect(page.get_by_text("The counter receives your dossier once the fees are paid.")).to_be_visible()
    page.screenshot(path=str(shots / "pay-1-dossier.png"), full_page=True)
    page.get_by_role("button", name="Pay 50,000 VND online").click()

    expect(page.get_by_text("SIMMERCH")).to_be_visible()
    page.screenshot(path=str(shots / "pay-2-gateway.png"), full_page=True)
    page.get_by_role("button", name="Thanh toán thành công / Success").click()
    simulator.wait_for_notifications()
    page.screenshot(path=str(shots / "pay-3-return.png"), full_page=True)
    page.get_by_role("link", name="Back to your dossier").click()
    expect(page.locator("#payment").get_by_text("Paid", exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="Pay 50,000 VND online")).to_have_count(0)
    page.screenshot(path=str(shots / "pay-4-paid.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    sign_out(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "chi")
    page.goto(f"{base}/counter/dossiers/{dossier.code}/")
    page.screenshot(path=str(shots / "pay-5-counter.png"), full_page=True)
    page.get_by_role("checkbox", name=re.compile(r"Tờ khai \(mandatory\)")).check()
    page.get_by_role("button", name="Receive", exact=True).click()
    expect(page.locator(".message--success")).to_be_visible()
    assert Dossier.objects.get(pk=dossier.pk).state == "received"

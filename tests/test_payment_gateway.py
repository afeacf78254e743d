"""Online payment against the gateway simulator over real HTTP: the citizen
is sent to the simulator, chooses what happens, and the simulator's
notification (IPN) reaches the portal's live server from another thread, as
the real gateway's would; the sweep asks the simulator (querydr) about what
it never heard of. Bad notifications sent over HTTP are refused, logged, and
change nothing."""

import datetime as dt
import json
import urllib.request
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from dossiers import gateways, payments
from dossiers.models import Dossier, Payment, State
from dossiers.workflow import perform
from gatewaysim import views as simulator
from procedures.models import Fee, PaymentDue
from tests.factories import PASSWORD, ProcedureFactory, submitted_online

pytestmark = [pytest.mark.usefixtures("vn_holidays"), pytest.mark.django_db(transaction=True)]
SECRET = "simulated-merchant-secret"


@pytest.fixture
def gateway(settings, live_server):
    """The simulator installed, at the live server, notifying it there."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "gatewaysim"]
    settings.ROOT_URLCONF = "tests.simulator_urls"
    settings.PAYMENT_MERCHANTS = {"*": ("SIMMERCH", SECRET)}
    settings.PAYMENT_GATEWAY_URL = f"{live_server.url}/gateway-sim/paymentv2/vpcpay.html"
    settings.PAYMENT_GATEWAY_API_URL = f"{live_server.url}/gateway-sim/merchant_webapi/api/transaction"
    settings.PAYMENT_SIMULATOR_IPN_URL = f"{live_server.url}/payments/ipn/"
    settings.PAYMENT_SIMULATOR_LATE_SECONDS = 1
    yield live_server
    simulator.wait_for_notifications()


@pytest.fixture
def dossier(db, office_a, lan):
    procedure = ProcedureFactory(code="1.000002", payment_due=PaymentDue.BEFORE_PROCESSING)
    Fee.objects.create(procedure=procedure, channel="online", name="Lệ phí", amount=50000)
    return submitted_online(procedure, office_a, lan)


def to_gateway(client: Client, dossier: Dossier) -> tuple[Payment, str]:
    """The citizen presses "Pay online": the simulator's page."""
    response = client.post(f"/my/dossiers/{dossier.code}/pay/")
    assert response.status_code == 302
    address = urlsplit(response["Location"])
    page = client.get(address.path, dict(parse_qsl(address.query)))
    assert page.status_code == 200
    return dossier.payments.get(), page.content.decode()


def choose(client: Client, payment: Payment, outcome: str):
    return client.post("/gateway-sim/paymentv2/choose/", {"reference": payment.reference, "outcome": outcome})


def citizen(lan) -> Client:
    client = Client()
    assert client.login(username=lan.username, password=PASSWORD)
    return client


def ipn_over_http(base: str, params: dict[str, str]) -> dict:
    query = gateways.query_string(params) if "vnp_SecureHash" in params else gateways.signed_query(params)
    with urllib.request.urlopen(f"{base}/payments/ipn/?{query}", timeout=10) as response:
        return json.loads(response.read().decode())


def test_success_notifies_the_portal_over_http_and_the_dossier_may_be_received(gateway, dossier, lan, chi):
    client = citizen(lan)
    payment, page = to_gateway(client, dossier)
    assert "50,000 VND" in page and payment.reference in page
    back = choose(client, payment, "success")
    simulator.wait_for_notifications()
    payment.refresh_from_db()
    assert payment.state == "paid" and [m["kind"] for m in payment.messages] == ["request", "ipn"]
    # The citizen comes back with the signed result, and sees it confirmed.
    address = urlsplit(back["Location"])
    shown = client.get(address.path, dict(parse_qsl(address.query)))
    assert "The payment is confirmed" in shown.content.decode()
    assert perform(dossier, "receive", actor=chi, documents={1}).state == State.RECEIVED


def test_failure_leaves_it_unpaid_and_the_citizen_may_try_again(gateway, dossier, lan):
    client = citizen(lan)
    payment, _page = to_gateway(client, dossier)
    choose(client, payment, "failure")
    simulator.wait_for_notifications()
    assert Payment.objects.get(pk=payment.pk).state == "failed"
    assert "online</button>" in client.get(f"/my/dossiers/{dossier.code}/").content.decode()


def test_a_late_notification_after_the_browser_is_gone_still_marks_it_paid(gateway, dossier, lan):
    client = citizen(lan)
    payment, _page = to_gateway(client, dossier)
    back = choose(client, payment, "late")
    address = urlsplit(back["Location"])
    shown = client.get(address.path, dict(parse_qsl(address.query)))
    assert "waits for its confirmation" in shown.content.decode()
    assert Payment.objects.get(pk=payment.pk).state == "pending"
    simulator.wait_for_notifications()
    assert Payment.objects.get(pk=payment.pk).state == "paid"
    assert Dossier.objects.get(pk=dossier.pk).fee_received_vnd == 50000


def test_a_timeout_is_asked_about_then_expires(gateway, dossier, lan):
    client = citizen(lan)
    payment, _page = to_gateway(client, dossier)
    assert choose(client, payment, "timeout").status_code == 200
    later = timezone.now() + dt.timedelta(minutes=20)
    assert payments.sweep(at=later) == {"paid": 0, "failed": 0, "expired": 1, "unanswered": 0}
    payment.refresh_from_db()
    assert payment.state == "expired" and payment.messages[-1]["kind"] == "querydr"
    assert payments.sweep(at=later) == {"paid": 0, "failed": 0, "expired": 0, "unanswered": 0}


def test_a_lost_notification_is_found_by_the_query(gateway, dossier, lan, settings):
    client = citizen(lan)
    payment, _page = to_gateway(client, dossier)
    settings.PAYMENT_SIMULATOR_IPN_URL = f"{gateway.url}/nowhere/"
    choose(client, payment, "success")
    simulator.wait_for_notifications()
    assert Payment.objects.get(pk=payment.pk).state == "pending"
    assert payments.sweep(at=timezone.now() + dt.timedelta(minutes=20))["paid"] == 1
    assert Payment.objects.get(pk=payment.pk).state == "paid"


def test_bad_notifications_over_http_are_refused_and_change_nothing(gateway, dossier, lan, caplog):
    client = citizen(lan)
    payment, _page = to_gateway(client, dossier)
    genuine = {
        "vnp_Amount": "5000000",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": "SIMMERCH",
        "vnp_TransactionNo": "777",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": payment.reference,
    }
    signed = gateways.sign_params(SECRET, genuine)
    wrong_key = gateways.sign_params("another-secret", genuine)
    wrong_amount = gateways.sign_params(SECRET, {**genuine, "vnp_Amount": "100"})
    unknown = gateways.sign_params(SECRET, {**genuine, "vnp_TxnRef": "P0NOSUCHORDER"})
    assert ipn_over_http(gateway.url, wrong_key)["RspCode"] == "97"
    assert ipn_over_http(gateway.url, wrong_amount)["RspCode"] == "04"
    assert ipn_over_http(gateway.url, unknown)["RspCode"] == "01"
    assert Payment.objects.get(pk=payment.pk).state == "pending"
    assert ipn_over_http(gateway.url, signed)["RspCode"] == "00"
    kept = Payment.objects.get(pk=payment.pk).messages
    assert ipn_over_http(gateway.url, signed)["RspCode"] == "02"
    assert Payment.objects.get(pk=payment.pk).messages == kept
    assert Dossier.objects.get(pk=dossier.pk).fee_received_vnd == 50000
    assert caplog.text.count("payment notification refused") == 4


def test_the_simulator_refuses_a_request_signed_wrong(gateway, dossier):
    response = Client().get("/gateway-sim/paymentv2/vpcpay.html", {"vnp_TmnCode": "SIMMERCH", "vnp_Amount": "100"})
    assert response.status_code == 400 and "70" in response.content.decode()


def test_the_simulator_is_not_there_unless_enabled(client, db):
    assert client.get("/gateway-sim/paymentv2/vpcpay.html").status_code == 404

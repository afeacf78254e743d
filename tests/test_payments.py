"""Fees paid at the counter and online: one write path (dossiers/payments.py),
the payment rule on receipt and hand-over through the page and the API, the
fee receipt, refunds, and the gateway's notifications checked before they
change anything. (Over real HTTP against the simulator: test_payment_gateway.py.)"""

import datetime as dt
import hashlib
import hmac
import io

import pytest
from pypdf import PdfReader

from dossiers import gateways, payments
from dossiers.errors import NotAllowed, NotPossible
from dossiers.intake import FeeInvalid
from dossiers.models import Dossier, Payment, State
from dossiers.workflow import perform
from portal import signing
from procedures.models import Fee, PaymentDue
from tests.conftest import error_of
from tests.factories import PASSWORD, ProcedureFactory, received_dossier, staff_member, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")
SECRET = "test-merchant-secret"
MERCHANT = "TESTMERCH"


@pytest.fixture(autouse=True)
def _merchant(settings):
    settings.PAYMENT_MERCHANTS = {"*": (MERCHANT, SECRET)}
    settings.PAYMENT_GATEWAY_URL = "https://gateway.example/paymentv2/vpcpay.html"


@pytest.fixture
def paid_first(db):
    """50,000 đồng online and in person, to be paid before the dossier is received."""
    procedure = ProcedureFactory(code="1.000002", name="Thủ tục có lệ phí", payment_due=PaymentDue.BEFORE_PROCESSING)
    Fee.objects.create(procedure=procedure, channel="online", name="Lệ phí", amount=50000)
    Fee.objects.filter(procedure=procedure, channel="in_person").update(amount=50000)
    return procedure


@pytest.fixture
def paid_at_handover(db):
    return ProcedureFactory(code="1.000003", name="Thủ tục trả phí khi nhận", payment_due=PaymentDue.AT_HANDOVER)


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def notice(payment: Payment, **change) -> dict[str, str]:
    """A notification as the gateway signs it: signed here by hand, over the
    sorted, form-encoded fields, with HMAC-SHA512."""
    fields = {
        "vnp_Amount": str(payment.amount_vnd * 100),
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": "Le phi",
        "vnp_PayDate": "20260112093000",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": MERCHANT,
        "vnp_TransactionNo": "14400001",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": payment.reference,
        **change,
    }
    text = "&".join(f"{key}={fields[key].replace(' ', '+')}" for key in sorted(fields))
    fields["vnp_SecureHash"] = hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    return fields


def started(dossier, citizen) -> Payment:
    payment, _url = payments.start_online(
        dossier, actor=citizen, return_url="http://testserver/payments/return/", client_ip="127.0.0.1"
    )
    return payment


# The protocol ---------------------------------------------------------------------


def test_the_redirect_is_signed_over_its_sorted_query_like_the_gateway_checks_it(paid_first, office_a, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    payment, url = payments.start_online(
        dossier, actor=lan, return_url="http://testserver/payments/return/", client_ip="127.0.0.1"
    )
    base, query = url.split("?")
    assert base == "https://gateway.example/paymentv2/vpcpay.html"
    unsigned, signature = query.rsplit("&vnp_SecureHash=", 1)
    assert [part.split("=")[0] for part in unsigned.split("&")] == sorted(
        part.split("=")[0] for part in unsigned.split("&")
    )
    assert hmac.new(SECRET.encode(), unsigned.encode(), hashlib.sha512).hexdigest() == signature
    assert "vnp_Amount=5000000" in unsigned and f"vnp_TxnRef={payment.reference}" in unsigned
    assert SECRET not in url and SECRET not in str(payment.messages)
    assert payment.state == "pending" and payment.messages[0]["kind"] == "request"
    assert dossier.events.filter(action="payment_started").count() == 1


def test_a_message_signed_by_hand_reads_and_a_changed_one_does_not():
    merchant = gateways.Merchant(MERCHANT, SECRET)
    params = {"vnp_Amount": "800000", "vnp_TxnRef": "P1AB", "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"}
    text = "vnp_Amount=800000&vnp_ResponseCode=00&vnp_TransactionStatus=00&vnp_TxnRef=P1AB"
    params["vnp_SecureHash"] = hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    result = gateways.VNPay(merchant).read(params)
    assert result == gateways.Result(reference="P1AB", amount_vnd=8000, outcome="paid")
    assert gateways.VNPay(merchant).read({**params, "vnp_Amount": "900000"}) is None
    assert "secret" not in repr(merchant)


# At the counter --------------------------------------------------------------------


def test_the_fee_taken_at_intake_is_a_cash_payment_with_its_receipt(procedure, office_a, chi):
    dossier = received_dossier(procedure, office_a, chi, fee_received=8000, fee_receipt_number="BL-0042")
    payment = dossier.payments.get()
    assert (payment.method, payment.state, payment.amount_vnd, payment.receipt_number) == (
        "cash",
        "paid",
        8000,
        "BL-0042",
    )
    assert payment.collected_by == chi and payment.receipt["lines"] == [{"name": "Lệ phí", "amount_vnd": 8000}]
    dossier.refresh_from_db()
    assert (dossier.fee_received_vnd, dossier.fee_receipt_number, dossier.amount_outstanding_vnd) == (
        8000,
        "BL-0042",
        0,
    )
    assert [event.action for event in dossier.events.order_by("pk")] == ["submit", "pay", "receive"]


def test_a_walk_in_that_must_be_paid_first_is_received_only_with_the_fee(paid_first, office_a, chi):
    with pytest.raises(NotPossible, match="paid before the dossier is received"):
        received_dossier(paid_first, office_a, chi)
    assert not Dossier.objects.exists() and not Payment.objects.exists()
    dossier = received_dossier(paid_first, office_a, chi, fee_received=50000, fee_receipt_number="BL-7")
    assert dossier.state == State.RECEIVED


def test_the_clerk_takes_the_fee_on_the_page_and_prints_the_receipt(client, paid_first, office_a, chi, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    sign_in(client, chi)
    page = client.get(f"/counter/dossiers/{dossier.code}/").content.decode()
    assert "Take a payment at the counter" in page and "take the payment first" in page
    assert 'value="receive"' not in page
    response = client.post(
        f"/counter/dossiers/{dossier.code}/payments/",
        {"method": "card", "fee_received": "50.000", "fee_receipt_number": "BL-0099"},
    )
    assert response.status_code == 302
    payment = dossier.payments.get()
    assert (payment.method, payment.state, payment.collected_by) == ("card", "paid", chi)
    page = client.get(f"/counter/dossiers/{dossier.code}/").content.decode()
    assert 'value="receive"' in page and "BL-0099 (PDF)" in page
    first = client.get(f"/counter/dossiers/{dossier.code}/payments/{payment.reference}/receipt/")
    assert first["Content-Type"] == "application/pdf"
    again = client.get(f"/counter/dossiers/{dossier.code}/payments/{payment.reference}/receipt/")
    assert first.content == again.content and first["X-Content-SHA256"] == hashlib.sha256(first.content).hexdigest()
    text = PdfReader(io.BytesIO(first.content)).pages[0].extract_text()
    assert "BL-0099" in text and "Nguyễn Thị Lan" in text and "Lệ phí" in text and "Phường Ba Đình" in text
    # Signed by the office that took the money, like its slips.
    report = signing.validate(first.content)
    assert report.valid and report.signer == "Phường Ba Đình"


def test_while_the_office_cannot_sign_the_receipt_waits_and_the_money_stays_recorded(
    client, api, settings, tmp_path, paid_first, office_a, chi, lan
):
    settings.PDF_SIGNING_KEYS_DIR = tmp_path / "keys"
    dossier = submitted_online(paid_first, office_a, lan)
    payment = payments.record_at_counter(dossier, amount=50000, receipt_number="BL-5", actor=chi)
    # The office's key file is replaced by one locked with another passphrase.
    signing.issue_development_certificate(settings.PDF_SIGNING_KEYS_DIR, office_a, b"another passphrase")
    sign_in(client, chi)
    address = f"/counter/dossiers/{dossier.code}/payments/{payment.reference}/receipt/"
    response = client.get(address)
    assert response.status_code == 503 and "check the passphrase" in response.content.decode()
    through_api = api.as_(chi).get(f"/api/v1/dossiers/{dossier.code}/payments/{payment.reference}/receipt/")
    assert through_api.status_code == 503
    payment.refresh_from_db()
    assert payment.state == "paid" and not payment.receipt_sha256
    settings.PDF_SIGNING_PASSPHRASE = "another passphrase"
    response = client.get(address)
    assert response.status_code == 200 and signing.validate(response.content).valid


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"method": "cash", "fee_received": "năm mươi", "fee_receipt_number": "BL-1"}, "fee_received", "whole đồng"),
        ({"method": "cash", "fee_received": "60000", "fee_receipt_number": "BL-1"}, "fee_received", "more than"),
        ({"method": "cash", "fee_received": "-5", "fee_receipt_number": "BL-1"}, "fee_received", "negative"),
        ({"method": "cash", "fee_received": "50000", "fee_receipt_number": ""}, "fee_receipt_number", "required"),
        ({"method": "bitcoin", "fee_received": "50000", "fee_receipt_number": "BL-1"}, "method", "valid choice"),
    ],
)
def test_a_payment_typed_wrong_is_refused_beside_its_field_and_nothing_is_kept(
    client, paid_first, office_a, chi, lan, data, field, message
):
    dossier = submitted_online(paid_first, office_a, lan)
    response = sign_in(client, chi).post(f"/counter/dossiers/{dossier.code}/payments/", data)
    assert response.status_code == 400
    assert message in " ".join(response.context["payment_form"].errors[field])
    assert not Payment.objects.exists()


def test_another_offices_clerk_cannot_take_or_see_the_fees(client, paid_first, office_a, binh, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    data = {"method": "cash", "fee_received": "50000", "fee_receipt_number": "BL-1"}
    assert sign_in(client, binh).post(f"/counter/dossiers/{dossier.code}/payments/", data).status_code == 404
    with pytest.raises(NotAllowed):
        payments.record_at_counter(dossier, amount=50000, receipt_number="BL-1", actor=binh)
    assert not Payment.objects.exists()


def test_the_api_lists_and_takes_payments_with_the_same_rules(api, paid_first, office_a, chi, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    url = f"/api/v1/dossiers/{dossier.code}/payments/"
    response = api.as_(chi).post(url, {"method": "cash", "amount_vnd": 60000, "receipt_number": "BL-1"}, format="json")
    assert response.status_code == 400 and "amount_vnd" in error_of(response)["fields"]
    response = api.as_(chi).post(url, {"amount_vnd": 50000, "receipt_number": "BL-2"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["method"], body["amount_vnd"], body["receipt_number"]) == (
        "paid",
        "cash",
        50000,
        "BL-2",
    )
    assert api.as_(chi).get(body["receipt_url"])["Content-Type"] == "application/pdf"
    assert api.as_(lan).post(url, {"amount_vnd": 1, "receipt_number": "X"}, format="json").status_code == 403
    assert [row["reference"] for row in api.as_(lan).get(url).json()] == [body["reference"]]
    shown = api.as_(chi).get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert (shown["fee_total_vnd"], shown["fee_received_vnd"], shown["payment_due"]) == (
        50000,
        50000,
        "before_processing",
    )


# The payment rule, both doors ----------------------------------------------------


def test_an_unpaid_dossier_is_not_received_through_the_api_either(api, paid_first, office_a, chi, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    response = api.as_(chi).post(f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "receive"}, format="json")
    assert response.status_code == 409 and "paid before the dossier is received" in error_of(response)["message"]
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


def test_the_result_is_held_until_paid_at_handover(api, client, paid_at_handover, office_a, chi, son, hoa):
    dossier = received_dossier(paid_at_handover, office_a, chi)
    for action, who in (("appraise", son), ("approve", hoa), ("stamp", chi)):
        perform(dossier, action, actor=who)
    response = api.as_(chi).post(f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "return"}, format="json")
    assert response.status_code == 409 and "held until they are" in error_of(response)["message"]
    page = sign_in(client, chi).get(f"/counter/dossiers/{dossier.code}/").content.decode()
    assert "the result is held until they are" in page and 'value="return"' not in page
    payments.record_at_counter(dossier, amount=8000, receipt_number="BL-8", actor=chi)
    assert perform(dossier, "return", actor=chi).state == State.RETURNED


# Refunds --------------------------------------------------------------------------


def test_a_withdrawal_after_payment_opens_a_refund_on_the_trail(paid_first, office_a, chi, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    payment = payments.record_at_counter(dossier, amount=50000, receipt_number="BL-3", actor=chi)
    perform(dossier, "withdraw", actor=lan, note="Tôi không cần nữa")
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.state == "refunded" and payment.refunded_at is not None
    assert "withdrawn" in payment.refund_reason
    assert dossier.fee_received_vnd == 0
    refund = dossier.events.get(action="refund")
    assert refund.actor == lan and refund.details["payment"] == payment.reference


# Notifications (the IPN), checked before anything changes -----------------------


def test_a_verified_notification_marks_paid_once_and_its_replay_changes_nothing(paid_first, office_a, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    payment = started(dossier, lan)
    assert payments.notify(notice(payment)) == payments.CONFIRMED
    payment.refresh_from_db()
    assert (payment.state, payment.gateway_reference) == ("paid", "14400001")
    assert [message["kind"] for message in payment.messages] == ["request", "ipn"]
    before = (list(dossier.events.values_list("pk", flat=True)), payment.messages)
    assert payments.notify(notice(payment)) == payments.ALREADY
    payment.refresh_from_db()
    assert (list(dossier.events.values_list("pk", flat=True)), payment.messages) == before
    assert Dossier.objects.get(pk=dossier.pk).fee_received_vnd == 50000


@pytest.mark.parametrize(
    ("change", "answer"),
    [
        ({"vnp_Amount": "100"}, payments.WRONG_AMOUNT),
        ({"vnp_TxnRef": "P999NOSUCHORDER"}, payments.NOT_FOUND),
        ({"vnp_TmnCode": "SOMEONEELSE"}, payments.WRONG_SIGNATURE),
    ],
)
def test_a_wrong_notification_is_refused_and_logged_and_changes_nothing(
    paid_first, office_a, lan, caplog, change, answer
):
    dossier = submitted_online(paid_first, office_a, lan)
    payment = started(dossier, lan)
    assert payments.notify(notice(payment, **change)) == answer
    forged = {**notice(payment), "vnp_ResponseCode": "00", "vnp_Amount": str(payment.amount_vnd * 100)}
    forged["vnp_SecureHash"] = "0" * 128
    assert payments.notify(forged) == payments.WRONG_SIGNATURE
    payment.refresh_from_db()
    assert payment.state == "pending" and len(payment.messages) == 1
    assert Dossier.objects.get(pk=dossier.pk).fee_received_vnd == 0
    assert "payment notification refused" in caplog.text and SECRET not in caplog.text


def test_a_failure_then_a_late_success_counts_the_money(paid_first, office_a, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    payment = started(dossier, lan)
    failed = notice(payment, vnp_ResponseCode="24", vnp_TransactionStatus="02")
    assert payments.notify(failed) == payments.CONFIRMED
    assert Payment.objects.get(pk=payment.pk).state == "failed"
    assert payments.notify(failed) == payments.ALREADY
    assert payments.notify(notice(payment)) == payments.CONFIRMED
    assert Payment.objects.get(pk=payment.pk).state == "paid"


def test_money_paid_for_a_withdrawn_dossier_is_refunded_not_lost(paid_first, office_a, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    payment = started(dossier, lan)
    perform(dossier, "withdraw", actor=lan, note="Nộp nhầm")
    assert payments.notify(notice(payment)) == payments.CONFIRMED
    payment.refresh_from_db()
    assert payment.state == "refunded" and payment.paid_at and payment.refunded_at
    assert [e.action for e in Dossier.objects.get(pk=dossier.pk).events.order_by("pk")][-2:] == ["pay", "refund"]


def test_a_second_attempt_paid_after_the_first_is_refunded(paid_first, office_a, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    first, second = started(dossier, lan), started(dossier, lan)
    assert payments.notify(notice(first)) == payments.CONFIRMED
    assert payments.notify(notice(second, vnp_TransactionNo="14400002")) == payments.CONFIRMED
    assert Payment.objects.get(pk=second.pk).state == "refunded"
    assert Dossier.objects.get(pk=dossier.pk).fee_received_vnd == 50000


def test_the_ipn_answers_json_even_to_nonsense(client, db):
    response = client.get("/payments/ipn/", {"vnp_TxnRef": "x", "vnp_SecureHash": "y"})
    assert response.status_code == 200 and response.json() == {"RspCode": "97", "Message": "Invalid signature"}
    assert client.post("/payments/ipn/").status_code == 405


def test_a_return_visited_by_hand_marks_nothing_paid(client, paid_first, office_a, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    payment = started(dossier, lan)
    sign_in(client, lan)
    forged = {**notice(payment), "vnp_SecureHash": "ab" * 64}
    response = client.get("/payments/return/", forged)
    assert response.status_code == 400 and "does not come from the payment gateway" in response.content.decode()
    # A genuine return tells the citizen, and still waits for the notification.
    response = client.get("/payments/return/", notice(payment))
    assert response.status_code == 200 and "waits for its confirmation" in response.content.decode()
    payment.refresh_from_db()
    assert payment.state == "pending" and [m["kind"] for m in payment.messages] == ["request", "return"]
    assert Dossier.objects.get(pk=dossier.pk).fee_received_vnd == 0


# The citizen's page ---------------------------------------------------------------


def test_the_citizen_pays_from_the_dossier_page_and_sees_the_state(client, paid_first, office_a, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    sign_in(client, lan)
    page = client.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "The counter receives your dossier once the fees are paid." in page and "online</button>" in page
    response = client.post(f"/my/dossiers/{dossier.code}/pay/")
    assert response.status_code == 302 and response["Location"].startswith("https://gateway.example/")
    page = client.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "waiting for the bank" in page and "online</button>" not in page
    payments.notify(notice(dossier.payments.get()))
    page = client.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "Receipt</a>" not in page or "(PDF)" in page
    assert (
        client.get(f"/my/dossiers/{dossier.code}/payments/{dossier.payments.get().reference}/receipt/")["Content-Type"]
        == "application/pdf"
    )


def test_no_one_else_pays_or_reads_a_citizens_receipt(client, paid_first, office_a, lan):
    dossier = submitted_online(paid_first, office_a, lan)
    stranger = staff_member("minh", "Hồ Văn Minh", office_a, "supervisor")
    with pytest.raises(NotAllowed):
        started(dossier, stranger)
    sign_in(client, stranger)
    assert client.post(f"/my/dossiers/{dossier.code}/pay/").status_code == 404
    assert not Payment.objects.exists()


def test_nothing_owed_nothing_to_pay(procedure, office_a, lan):
    dossier = submitted_online(procedure, office_a, lan)
    assert dossier.fee_total_vnd == 0
    with pytest.raises(NotPossible, match="owes nothing"):
        started(dossier, lan)


def test_the_counter_payment_checks_its_method():
    with pytest.raises(FeeInvalid) as refused:
        payments.check_counter(1000, "BL-1", "cheque")
    assert refused.value.field == "method"


# At the same instant, on PostgreSQL -------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_the_same_notification_twice_at_once_counts_once(paid_first, office_a, chi, lan, attempt):
    from tests.test_concurrency import race

    dossier = submitted_online(paid_first, office_a, lan)
    payment = started(dossier, lan)
    answers = race(lambda: payments.notify(notice(payment)), lambda: payments.notify(notice(payment)))
    assert sorted(answer.code for answer in answers) == ["00", "02"]
    assert Payment.objects.get(pk=payment.pk).state == "paid"
    assert Dossier.objects.get(pk=dossier.pk).fee_received_vnd == 50000
    assert dossier.events.filter(action="pay").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_notification_and_a_withdrawal_at_once_leave_the_money_refunded(paid_first, office_a, lan):
    from tests.test_concurrency import race

    dossier = submitted_online(paid_first, office_a, lan)
    payment = started(dossier, lan)
    race(lambda: payments.notify(notice(payment)), lambda: perform(dossier.pk, "withdraw", actor=lan, note="Thôi"))
    payment.refresh_from_db()
    assert Dossier.objects.get(pk=dossier.pk).state == State.WITHDRAWN
    assert payment.state == "refunded" and Dossier.objects.get(pk=dossier.pk).fee_received_vnd == 0


# The sweep's schedule, and the fees taken before payments existed ------------------


def test_the_sweep_runs_every_five_minutes_and_expires_what_no_gateway_answers(paid_first, office_a, lan, settings):
    from django.utils import timezone

    from dossiers import tasks
    from tests.factories import migrated_schedule

    schedule = migrated_schedule("dossiers.migrations.0030_payment_sweep_schedule", "dossiers.tasks.sweep_payments")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 5, -1)
    dossier = submitted_online(paid_first, office_a, lan)
    payment = started(dossier, lan)
    assert tasks.sweep_payments() == {"paid": 0, "failed": 0, "expired": 0, "unanswered": 0}  # not due yet
    settings.PAYMENT_MERCHANTS = {}  # the province's merchant withdrawn since: nobody to ask
    later = timezone.now() + dt.timedelta(minutes=16)
    assert payments.sweep(at=later) == {"paid": 0, "failed": 0, "expired": 1, "unanswered": 0}
    assert Payment.objects.get(pk=payment.pk).state == "expired"
    assert dossier.events.filter(action="payment_expired").count() == 1


def test_a_fee_taken_before_payments_existed_becomes_a_paid_cash_payment(procedure, office_a, chi):
    import importlib

    from django.apps import apps

    dossier = received_dossier(procedure, office_a, chi)
    Dossier.objects.filter(pk=dossier.pk).update(fee_received_vnd=8000, fee_receipt_number="BL-OLD")
    importlib.import_module("dossiers.migrations.0029_intake_fees_become_payments").fees_to_payments(apps, None)
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.state, payment.method, payment.amount_vnd, payment.receipt_number) == (
        "paid",
        "cash",
        8000,
        "BL-OLD",
    )
    assert payment.collected_by == chi


def test_the_citizen_starts_paying_through_the_api_and_no_one_else_may(api, paid_first, office_a, lan, chi):
    dossier = submitted_online(paid_first, office_a, lan)
    url = f"/api/v1/dossiers/{dossier.code}/payments/online/"
    assert api.as_(chi).post(url).status_code == 403
    response = api.as_(lan).post(url)
    assert response.status_code == 201
    body = response.json()
    assert body["redirect_url"].startswith("https://gateway.example/") and body["reference"] in body["redirect_url"]
    assert "vnp_ReturnUrl=http%3A%2F%2Ftestserver%2Fpayments%2Freturn%2F" in body["redirect_url"]
    payments.notify(notice(Payment.objects.get(reference=body["reference"])))
    assert api.as_(lan).post(url).status_code == 409  # nothing left to pay


def test_another_provinces_merchant_cannot_confirm_this_order(paid_first, office_a, lan, settings):
    settings.PAYMENT_MERCHANTS = {"*": (MERCHANT, SECRET), "000.00.00.H99": ("OTHERPROV", "other-secret")}
    dossier = submitted_online(paid_first, office_a, lan)
    payment = started(dossier, lan)
    params = {key: value for key, value in notice(payment).items() if key != "vnp_SecureHash"}
    params["vnp_TmnCode"] = "OTHERPROV"
    assert payments.notify(gateways.sign_params("other-secret", params)) == payments.NOT_FOUND
    assert Payment.objects.get(pk=payment.pk).state == "pending"

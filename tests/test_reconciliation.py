"""The daily statement of an office's fees and its match against the
gateway's settlement file: the totals by method, procedure and fee line on a
known day, every kind of mismatch, a wrong file refused whole with its line
and what is wrong, the same file twice kept once, who may read it, and the
statement as XLSX and PDF read back. The simulator's own settlement file,
after a payment over real HTTP, matches with nothing to report."""

import datetime as dt
import hashlib
import hmac
import io
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from dossiers import payments, reconciliation, settlements
from dossiers.errors import NotAllowed
from dossiers.models import Payment, Settlement
from dossiers.settlements import AMOUNT, DUPLICATE, IN_FILE_ONLY, IN_PORTAL_ONLY, MERCHANT, SettlementInvalid
from dossiers.workflow import perform
from gatewaysim import views as simulator
from portal.models import Membership
from procedures.models import Fee
from tests.conftest import at
from tests.factories import PASSWORD, ProcedureFactory, received_dossier, staff_member, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")
SECRET = "test-merchant-secret"
MERCHANT_CODE = "TESTMERCH"
DAY = dt.date(2026, 12, 7)  # a Monday
HEADER = (
    "vnp_TmnCode,vnp_TxnRef,vnp_TransactionNo,vnp_Amount,vnp_PayDate,vnp_BankCode,"
    "vnp_TransactionType,vnp_TransactionStatus\r\n"
)


@pytest.fixture(autouse=True)
def _merchant(settings):
    settings.PAYMENT_MERCHANTS = {"*": (MERCHANT_CODE, SECRET)}
    settings.PAYMENT_GATEWAY_URL = "https://gateway.example/paymentv2/vpcpay.html"


@pytest.fixture
def at_counter(db):
    """In person: Lệ phí 20.000 đồng and Phí 5.000 đồng, 25.000 in all."""
    procedure = ProcedureFactory(code="1.000010", name="Chứng thực bản sao")
    Fee.objects.filter(procedure=procedure, channel="in_person").update(amount=20000)
    Fee.objects.create(procedure=procedure, channel="in_person", name="Phí", amount=5000)
    return procedure


@pytest.fixture
def online(db):
    """Online: Lệ phí đăng ký 50.000 đồng."""
    procedure = ProcedureFactory(code="1.000020", name="Đăng ký thường trú")
    Fee.objects.create(procedure=procedure, channel="online", name="Lệ phí đăng ký", amount=50000)
    return procedure


@pytest.fixture
def ke(office_a):
    return staff_member("ke", "Ngô Thị Kế", office_a, Membership.Role.ACCOUNTANT)


def notice(payment: Payment, **change) -> dict[str, str]:
    """The gateway's notification, signed here by hand (HMAC-SHA512)."""
    fields = {
        "vnp_Amount": str(payment.amount_vnd * 100),
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20261207140000",
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": MERCHANT_CODE,
        "vnp_TransactionNo": f"1440{payment.pk:04d}",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": payment.reference,
        **change,
    }
    text = "&".join(f"{key}={fields[key].replace(' ', '+')}" for key in sorted(fields))
    fields["vnp_SecureHash"] = hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    return fields


def paid_online(procedure, office, citizen, when) -> Payment:
    dossier = submitted_online(procedure, office, citizen, at=when - dt.timedelta(minutes=10))
    payment, _url = payments.start_online(
        dossier, actor=citizen, return_url="http://testserver/payments/return/", client_ip="127.0.0.1", at=when
    )
    assert payments.notify(notice(payment), at=when).code == "00"
    return Payment.objects.get(pk=payment.pk)


def cash(procedure, office, clerk, amounts, receipts, moments):
    dossier = received_dossier(procedure, office, clerk, at=moments[0] - dt.timedelta(minutes=5))
    for amount, receipt, moment in zip(amounts, receipts, moments, strict=True):
        method = "card" if receipt.startswith("THE") else "cash"
        payments.record_at_counter(
            dossier, amount=amount, receipt_number=receipt, method=method, actor=clerk, at=moment
        )
    return dossier


@pytest.fixture
def known_day(at_counter, online, office_a, chi, lan):
    """07/12/2026 at commune A: 25.000 cash; 10.000 by card then 15.000 cash
    for one dossier; 50.000 online, refunded when the dossier is withdrawn;
    and a payment either side of midnight that belong to other days."""
    cash(at_counter, office_a, chi, [25000], ["BL-1"], [at("07/12/2026", "09:00")])
    cash(
        at_counter,
        office_a,
        chi,
        [10000, 15000],
        ["THE-2", "BL-3"],
        [at("07/12/2026", "10:00"), at("07/12/2026", "11:00")],
    )
    online_payment = paid_online(online, office_a, lan, at("07/12/2026", "14:00"))
    perform(online_payment.dossier, "withdraw", actor=lan, at=at("07/12/2026", "16:00"), note="Nộp nhầm")
    cash(at_counter, office_a, chi, [25000], ["BL-0"], [at("06/12/2026", "23:59")])
    cash(at_counter, office_a, chi, [25000], ["BL-9"], [at("08/12/2026", "00:00")])
    return Payment.objects.get(pk=online_payment.pk)


def figures(rows):
    return {row.label: (row.count, row.paid_vnd, row.refunded_vnd, row.net_vnd) for row in rows}


def test_the_statement_adds_up_by_method_procedure_and_fee_line_to_the_dong(known_day, office_a):
    found = reconciliation.statement(office_a, DAY)
    assert figures(found.by_method) == {
        "cash": (2, 40000, 0, 40000),
        "card at the counter": (1, 10000, 0, 10000),
        "online": (1, 50000, 50000, 0),
    }
    assert figures(found.by_procedure) == {
        "1.000010 — Chứng thực bản sao": (3, 50000, 0, 50000),
        "1.000020 — Đăng ký thường trú": (1, 50000, 50000, 0),
    }
    # The card's 10.000 goes to the first line; the cash after it finishes
    # that line (10.000) and pays the second (5.000).
    assert figures(found.by_fee_line) == {
        "Lệ phí": (3, 40000, 0, 40000),
        "Phí": (2, 10000, 0, 10000),
        "Lệ phí đăng ký": (1, 50000, 50000, 0),
    }
    assert (found.total.count, found.total.paid_vnd, found.total.refunded_vnd, found.total.net_vnd) == (
        4,
        100000,
        50000,
        50000,
    )
    assert [entry.receipt_number for entry in found.payments] == ["BL-1", "THE-2", "BL-3", ""]
    assert [entry.reference for entry in found.refunds] == [known_day.reference]


def test_a_payment_beyond_every_fee_line_is_not_itemised():
    lines = [("Lệ phí", 20000), ("Phí", 5000)]
    assert reconciliation.allocate(lines, 0, 30000) == [
        ("Lệ phí", 20000),
        ("Phí", 5000),
        ("Not itemised (no fee line owed)", 5000),
    ]
    assert reconciliation.allocate(lines, 22000, 3000) == [("Phí", 3000)]


def settlement_file(*lines: str) -> bytes:
    return (HEADER + "".join(f"{line}\r\n" for line in lines)).encode()


def line(payment_or_reference, amount_vnd, *, merchant=MERCHANT_CODE, kind="01", status="00", when="20261207100000"):
    reference = getattr(payment_or_reference, "reference", payment_or_reference)
    return f"{merchant},{reference},1440{len(reference):04d},{amount_vnd * 100},{when},NCB,{kind},{status}"


def test_every_kind_of_mismatch_is_listed(online, office_a, office_b, lan, ke):
    ok = paid_online(online, office_a, lan, at("07/12/2026", "09:00"))
    missing = paid_online(online, office_a, lan, at("07/12/2026", "10:00"))
    differs = paid_online(online, office_a, lan, at("07/12/2026", "11:00"))
    wrong_merchant = paid_online(online, office_a, lan, at("07/12/2026", "12:00"))
    elsewhere = paid_online(online, office_b, lan, at("07/12/2026", "13:00"))
    data = settlement_file(
        line(ok, 50000),
        line(ok, 50000),
        line(differs, 40000),
        line("PXUNKNOWN0001", 30000),
        line(wrong_merchant, 50000, merchant="OTHERMER"),
        line(elsewhere, 50000),
        line("PXFAILED0001", 50000, status="02"),
    )
    kept, created = settlements.import_settlement(office_a, DAY, data, filename="dsoat.csv", actor=ke)
    assert created
    found = {(row["kind"], row["reference"], row["line"]) for row in kept.result["mismatches"]}
    assert found == {
        (DUPLICATE, ok.reference, 3),
        (IN_PORTAL_ONLY, missing.reference, None),
        (AMOUNT, differs.reference, 4),
        (IN_FILE_ONLY, "PXUNKNOWN0001", 5),
        (MERCHANT, wrong_merchant.reference, 6),
    }
    amounts = {row["kind"]: (row["file_amount_vnd"], row["portal_amount_vnd"]) for row in kept.result["mismatches"]}
    assert amounts[AMOUNT] == (40000, 50000)
    assert (kept.result["matched"], kept.result["other_offices"], kept.result["not_settled"]) == (1, 1, 1)
    assert kept.sha256 == hashlib.sha256(data).hexdigest() and kept.imported_by == ke


def test_a_line_paid_in_the_portal_on_another_day_says_so(online, office_a, lan, ke):
    late = paid_online(online, office_a, lan, at("08/12/2026", "00:00"))
    kept, _created = settlements.import_settlement(
        office_a, DAY, settlement_file(line(late, 50000, when="20261207235959")), filename="a.csv", actor=ke
    )
    (mismatch,) = kept.result["mismatches"]
    assert mismatch["kind"] == IN_FILE_ONLY and "08/12/2026" in mismatch["note"]


def test_refunds_match_the_gateways_refund_lines(known_day, office_a, ke):
    both = settlement_file(
        line(known_day, 50000, when="20261207140000"), line(known_day, 50000, kind="02", when="20261207160500")
    )
    kept, _created = settlements.import_settlement(office_a, DAY, both, filename="a.csv", actor=ke)
    assert kept.result["mismatches"] == [] and kept.result["matched"] == 2
    no_refund = settlement_file(line(known_day, 50000, when="20261207140000"))
    kept, _created = settlements.import_settlement(office_a, DAY, no_refund, filename="b.csv", actor=ke)
    assert [(row["kind"], row["is_refund"]) for row in kept.result["mismatches"]] == [(IN_PORTAL_ONLY, True)]


# The page -------------------------------------------------------------------------


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page_url(office, day=DAY) -> str:
    return f"/reports/statements/{office.code}/{day.isoformat()}/"


def post_file(client, office, data: bytes, name="dsoat.csv"):
    return client.post(page_url(office), {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_the_accountant_reads_the_statement_and_imports_the_file_once(known_day, office_a, ke):
    client = signed_in(ke)
    page = client.get(page_url(office_a))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Chứng thực bản sao" in text and "Lệ phí đăng ký" in text and "100,000" in text
    data = settlement_file(line(known_day, 50000, when="20261207140000"))
    first = post_file(client, office_a, data)
    assert first.status_code == 302
    again = post_file(client, office_a, data, name="same-file-again.csv")
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Settlement.objects.count() == 1
    shown = client.get(first["Location"]).content.decode()
    assert "1 mismatch" in shown and "missing from the file" in shown and "(refund)" in shown


BAD_FILES = {
    "a bad amount": (
        settlement_file(line("P1ABC", 50000), "TESTMERCH,P2ABC,14400002,50.000,20261207100000,NCB,01,00"),
        "Line 3",
    ),
    "a missing column": (b"vnp_TmnCode,vnp_TxnRef,vnp_Amount\r\nTESTMERCH,P1,5000000\r\n", "vnp_TransactionNo"),
    "a short line": (settlement_file("TESTMERCH,P1,1,5000000"), "Line 2: 4 columns"),
    "not UTF-8": (
        HEADER.encode() + "TESTMERCH,P1,1,5000000,20261207100000,Ngân hàng,01,00\r\n".encode("cp1258"),
        "UTF-8",
    ),
    "an empty file": (b"", "empty"),
    "a huge file": (settlement_file(*[line(f"P{n}ABCDEF", 50000) for n in range(90_000)]), "larger than 5 MB"),
    "another day": (settlement_file(line("P1ABC", 50000, when="20261206100000")), "not on 07/12/2026"),
    "a bad date": (settlement_file(line("P1ABC", 50000, when="20261307100000")), "vnp_PayDate"),
}


@pytest.mark.parametrize("bad", BAD_FILES, ids=list(BAD_FILES))
def test_a_wrong_file_is_refused_with_its_line_and_nothing_is_kept(bad, known_day, office_a, ke):
    data, expected = BAD_FILES[bad]
    before = list(Payment.objects.order_by("pk").values_list("state", "amount_vnd"))
    response = post_file(signed_in(ke), office_a, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and expected in text
    assert Settlement.objects.count() == 0
    assert list(Payment.objects.order_by("pk").values_list("state", "amount_vnd")) == before


def test_several_wrong_lines_are_each_named():
    bad = settlement_file(
        "TESTMERCH,P1,1,abc,20261207100000,NCB,01,00", "TESTMERCH,,1,5000000,20261207100000,NCB,09,00"
    )
    with pytest.raises(SettlementInvalid) as refused:
        settlements.read(bad)
    assert [error[:7] for error in refused.value.errors] == ["Line 2:", "Line 3:"]
    assert "vnp_TxnRef is empty" in refused.value.errors[1] and "vnp_TransactionType" in refused.value.errors[1]


def test_only_the_offices_readers_see_its_statement(known_day, office_a, office_b, chi, binh, tuan, hoa, dung):
    # A clerk reads no statement; an accountant of another office does not find this one.
    assert signed_in(chi).get(page_url(office_a)).status_code == 403
    assert signed_in(binh).post(page_url(office_a), {}).status_code == 403
    other = staff_member("ketoan_b", "Lý Văn Toán", office_b, Membership.Role.ACCOUNTANT)
    assert signed_in(other).get(page_url(office_a)).status_code == 404
    assert signed_in(other).get(page_url(office_a) + "statement.xlsx").status_code == 404
    # Office administrators keep staff and roles, not the money.
    assert signed_in(dung).get(page_url(office_a)).status_code == 403
    # The commune's leader and the province's supervisor read it.
    assert signed_in(hoa).get(page_url(office_a)).status_code == 200
    assert signed_in(tuan).get(page_url(office_a)).status_code == 200
    assert signed_in(tuan).get(f"/reports/statements/{office_a.code}/2026-13-01/").status_code == 404
    with pytest.raises(NotAllowed):
        settlements.import_settlement(office_a, DAY, settlement_file(), filename="x.csv", actor=binh)


def test_the_statement_as_xlsx_and_pdf_reads_back(known_day, office_a, ke):
    client = signed_in(ke)
    post_file(client, office_a, settlement_file(line(known_day, 50000, when="20261207140000")))
    book = load_workbook(io.BytesIO(client.get(page_url(office_a) + "statement.xlsx").content))
    rows = [[cell for cell in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert ["cash", 2, 40000, 0, 40000] in rows
    assert ["Lệ phí", 3, 40000, 0, 40000] in rows
    assert rows.count(["Total", 4, 100000, 50000, 50000]) == 3
    listed = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(listed) == 1 + 5 and listed[-1][-1] == -50000
    mismatches = list(book.worksheets[2].iter_rows(values_only=True))
    assert mismatches[2][0].startswith("Paid online in the portal, missing from the file")
    response = client.get(page_url(office_a) + "statement.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages))
    assert "Phường Ba Đình" in text and "Chứng thực bản sao" in text
    assert "100,000" in text or "100.000" in text
    assert "missing from the file" in text


def test_the_statement_as_json_through_the_api(known_day, office_a, ke, binh, api):
    answer = api.as_(ke).get(f"/api/v1/offices/{office_a.code}/statements/{DAY.isoformat()}/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == {
        "key": "total",
        "label": "Total",
        "count": 4,
        "paid_vnd": 100000,
        "refunded_vnd": 50000,
        "net_vnd": 50000,
    }
    assert {row["label"]: row["net_vnd"] for row in body["by_fee_line"]} == {
        "Lệ phí": 40000,
        "Phí": 10000,
        "Lệ phí đăng ký": 0,
    }
    assert api.as_(binh).get(f"/api/v1/offices/{office_a.code}/statements/{DAY.isoformat()}/").status_code in (403, 404)


# The simulator's file, over real HTTP ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_simulators_settlement_file_matches_a_payment_made_through_it(
    settings, live_server, online, office_a, lan, ke
):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "gatewaysim"]
    settings.ROOT_URLCONF = "tests.simulator_urls"
    settings.PAYMENT_MERCHANTS = {"*": ("SIMMERCH", SECRET)}
    settings.PAYMENT_GATEWAY_URL = f"{live_server.url}/gateway-sim/paymentv2/vpcpay.html"
    settings.PAYMENT_SIMULATOR_IPN_URL = f"{live_server.url}/payments/ipn/"
    dossier = submitted_online(online, office_a, lan)
    citizen = signed_in(lan)
    address = urlsplit(citizen.post(f"/my/dossiers/{dossier.code}/pay/")["Location"])
    assert citizen.get(address.path, dict(parse_qsl(address.query))).status_code == 200
    payment = dossier.payments.get()
    citizen.post("/gateway-sim/paymentv2/choose/", {"reference": payment.reference, "outcome": "success"})
    simulator.wait_for_notifications()
    today = timezone.localdate()
    csv = Client().get(
        "/gateway-sim/merchant_webapi/settlement.csv", {"vnp_TmnCode": "SIMMERCH", "date": f"{today:%Y%m%d}"}
    )
    assert csv.status_code == 200 and payment.reference in csv.content.decode()
    accountant = signed_in(ke)
    response = accountant.post(
        page_url(office_a, today), {"file": SimpleUploadedFile("sim.csv", csv.content, content_type="text/csv")}
    )
    assert response.status_code == 302
    kept = Settlement.objects.get()
    assert kept.result["matched"] == 1 and kept.result["mismatches"] == []


def test_the_accountant_chooses_an_office_and_a_day(office_a, ke):
    client = signed_in(ke)
    assert "Phường Ba Đình" in client.get("/reports/statements/").content.decode()
    chosen = client.get("/reports/statements/", {"office": office_a.pk, "day": "2026-12-07"})
    assert chosen.status_code == 302 and chosen["Location"] == page_url(office_a)
    refused = client.get("/reports/statements/", {"office": office_a.pk, "day": "2026-02-30"})
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()

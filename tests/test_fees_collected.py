"""Fees collected per counter beside the timeliness report
(reports/collected.py), and the service-quality index's online payment
indicators 3.5 and 3.6 (reports/quality.py): known payments give known
sums to the đồng, on the page and in its CSV and XLSX; a clerk is refused."""

import csv
import io

import pytest
from django.urls import reverse

from dossiers.models import Dossier, Payment
from procedures.models import Fee
from reports import collected, quality
from reports.periods import Period
from tests.conftest import at
from tests.factories import PASSWORD, received_dossier

JANUARY = Period.month(2026, 1)


def pay(dossier, office, method, amount, paid=None, refunded=None, state=None, ref=None):
    state = state or ("refunded" if refunded else "paid" if paid else "failed")
    return Payment.objects.create(
        dossier=dossier,
        reference=ref or f"P{Payment.objects.count() + 1:04d}",
        method=method,
        amount_vnd=amount,
        office=office,
        state=state,
        receipt_number="" if method == "online" else f"BL{Payment.objects.count() + 1}",
        created_at=paid or at("10/01/2026"),
        paid_at=paid,
        refunded_at=refunded,
    )


@pytest.fixture
def payments(vn_holidays, office_a, office_b, chi, binh, procedure):
    """Phường Ba Đình in January 2026:
    cash 50.000 (05/01), card 30.000 (10/01), online 120.000 paid 15/01 and
    refunded 20/01, online 70.000 paid 25/12/2025 and refunded 03/01, an
    online attempt of 40.000 that failed → cash 50.000, card 30.000, online
    120.000, refunded 190.000, net 10.000.
    Xã Tây Tựu: cash 25.000 at 23:30 on 31/01 (January, local time), cash
    10.000 at 00:10 on 01/02 (February's) → cash 25.000, net 25.000."""
    a = received_dossier(procedure, office_a, chi, at=at("05/01/2026"))
    b = received_dossier(procedure, office_b, binh, at=at("05/01/2026"))
    pay(a, office_a, "cash", 50_000, at("05/01/2026"))
    pay(a, office_a, "card", 30_000, at("10/01/2026"))
    pay(a, office_a, "online", 120_000, at("15/01/2026"), refunded=at("20/01/2026"))
    pay(a, office_a, "online", 70_000, at("25/12/2025"), refunded=at("03/01/2026"))
    pay(a, office_a, "online", 40_000)
    pay(b, office_b, "cash", 25_000, at("31/01/2026", "23:30"))
    pay(b, office_b, "cash", 10_000, at("01/02/2026", "00:10"))
    return a, b


def test_the_sums_per_counter_by_method_with_refunds_netted(
    payments, office_a, office_b, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        found = collected.collected(JANUARY, [office_a, office_b])
    ba_dinh, tay_tuu = found.rows
    assert ba_dinh.by_method == {"cash": 50_000, "card": 30_000, "online": 120_000}
    assert (ba_dinh.gross, ba_dinh.refunded, ba_dinh.net) == (200_000, 190_000, 10_000)
    assert tay_tuu.cells() == [25_000, 0, 0, 0, 25_000]
    assert found.total.cells() == [75_000, 30_000, 120_000, 190_000, 35_000]
    # February: Tây Tựu's 10.000 only; an office with nothing reads noughts.
    february = collected.collected(Period.month(2026, 2), [office_a, office_b])
    assert [row.net for row in february.rows] == [0, 10_000]


def test_the_pure_tally_keeps_every_office_and_ignores_others(office_a, office_b):
    found = collected.tally([office_a], [(office_a.pk, "cash", 5, None), (office_b.pk, "cash", 7, 7)], JANUARY)
    assert [row.cells() for row in found.rows] == [[5, 0, 0, 0, 5]]


@pytest.fixture
def supervisor(client, tuan):
    client.login(username=tuan.username, password=PASSWORD)
    return client


def test_the_dashboard_and_its_files_show_the_fees(payments, supervisor, office_a):
    page = supervisor.get(reverse("reports:dashboard") + "?period=2026-01").content.decode()
    assert "Fees collected" in page
    assert '<td class="number">190,000</td>' in page and '<td class="number">35,000</td>' in page
    text = supervisor.get(reverse("reports:export", args=["csv"]) + "?period=2026-01").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    head = rows[2]
    assert head[-5:] == ["Cash (đồng)", "Card (đồng)", "Online (đồng)", "Refunded (đồng)", "Net collected (đồng)"]
    by_office = {row[0]: row for row in rows[3:]}
    assert by_office[office_a.name][-5:] == ["50000", "30000", "120000", "190000", "10000"]
    assert by_office["Total"][-5:] == ["75000", "30000", "120000", "190000", "35000"]
    assert len(by_office[office_a.name]) == len(head)
    from openpyxl import load_workbook

    book = load_workbook(
        io.BytesIO(supervisor.get(reverse("reports:export", args=["xlsx"]) + "?period=2026-01").content)
    )
    sheet = book.worksheets[1]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [office_a.name, 50_000, 30_000, 120_000, 190_000, 10_000] in values
    # By sector, the fees are not the sectors': no such lines.
    by_sector = supervisor.get(reverse("reports:export", args=["csv"]) + "?period=2026-01&by=sector")
    assert "190000" not in by_sector.content.decode("utf-8-sig")


def test_the_api_gives_the_same_sums(payments, api, tuan, office_a, office_b):
    body = api.as_(tuan).get("/api/v1/reports/fees/", {"from": "2026-01-01", "to": "2026-01-31"}).json()
    by_code = {row["office"]: row for row in body["rows"]}
    assert by_code[office_a.code] == {
        "office": office_a.code,
        "name": office_a.name,
        "cash": 50_000,
        "card": 30_000,
        "online": 120_000,
        "refunded": 190_000,
        "net": 10_000,
    }
    assert by_code[office_b.code]["net"] == 25_000 and body["total"]["net"] == 35_000
    one = api.as_(tuan).get(
        "/api/v1/reports/fees/", {"from": "2026-01-01", "to": "2026-01-31", "office": office_b.code}
    )
    assert [row["office"] for row in one.json()["rows"]] == [office_b.code]
    backwards = api.as_(tuan).get("/api/v1/reports/fees/", {"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 400 and "comes before the first" in backwards.content.decode()


def test_a_clerk_is_refused_the_fees(payments, client, chi, api):
    client.login(username=chi.username, password=PASSWORD)
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:export", args=["csv"])).status_code == 403
    refused = api.as_(chi).get("/api/v1/reports/fees/", {"from": "2026-01-01", "to": "2026-01-31"})
    assert refused.status_code == 403 and Payment.objects.count() == 7
    bad = api.as_(chi).get("/api/v1/reports/fees/", {"from": "nonsense"})
    assert bad.status_code == 403  # who asks is checked before what they ask


# 3.5 and 3.6 ------------------------------------------------------------------


def test_online_payment_indicators(vn_holidays, office_a, office_b, chi, procedure, settings):
    """3.5: the commune receives the partly online test procedure and two
    offline ones (all charging 8.000 đ, one made free here): 1 of 2
    charging procedures can be paid online where the province has a
    merchant → 50.00 %, 0.00 % where it has none.
    3.6: of January's dossiers D1 (online, paid), D2 (cash), D3 (online,
    refunded: not counted), D4 (a failed online attempt, then cash), D5
    (nothing paid): paid D1 D2 D4, online D1 → 33.33 %."""
    from tests.factories import ProcedureFactory

    ProcedureFactory(code="1.000002", online_level="offline")
    ProcedureFactory(code="1.000004", online_level="offline", is_location_independent=True)
    Fee.objects.filter(procedure__code="1.000004").update(amount=0)
    d = [received_dossier(procedure, office_a, chi, at=at("12/01/2026")) for _n in range(5)]
    pay(d[0], office_a, "online", 8000, at("12/01/2026"))
    pay(d[1], office_a, "cash", 8000, at("12/01/2026"))
    pay(d[2], office_a, "online", 8000, at("12/01/2026"), refunded=at("13/01/2026"))
    pay(d[3], office_a, "online", 8000)
    pay(d[3], office_a, "cash", 8000, at("13/01/2026"))
    Dossier.objects.filter(pk=d[4].pk).update(fee_received_vnd=0)

    settings.PAYMENT_MERCHANTS = {"*": ("M", "s")}
    row = quality.index(JANUARY, [office_a], today=Period.month(2026, 2).end).rows[0]
    assert str(row.figures["3.5"]) == "50.00 %" and row.figures["3.5"].denominator == 2
    assert str(row.figures["3.6"]) == "33.33 %" and (row.counts["paid_online"], row.counts["paid"]) == (1, 3)
    settings.PAYMENT_MERCHANTS = {office_b.province.code + "X": ("M", "s")}
    assert str(quality.index(JANUARY, [office_a]).rows[0].figures["3.5"]) == "0.00 %"
    settings.PAYMENT_MERCHANTS = {office_a.parent.code: ("M", "s")}
    assert str(quality.index(JANUARY, [office_a]).rows[0].figures["3.5"]) == "50.00 %"
    settings.PAYMENT_MERCHANTS = {}
    assert str(quality.index(JANUARY, [office_a]).rows[0].figures["3.5"]) == "0.00 %"

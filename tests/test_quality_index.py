"""The Decision 766 service-quality index (reports/quality.py) on a set
built to known figures, each worked out by hand below; the same figures on
the supervisor's page and in the API; nothing to count reads "—"; and the
number of queries does not grow with the number of offices."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizens.models import Feedback
from dossiers.models import Attachment, Dossier, DossierEvent, Pause, Result
from dossiers.states import State
from procedures.models import Procedure
from reports import quality
from reports.periods import Period
from tests.conftest import at
from tests.factories import PASSWORD, OfficeFactory, ProcedureFactory, received_dossier, staff_member

JANUARY = Period.month(2026, 1)
TODAY = dt.date(2026, 2, 27)

# Phường Ba Đình, January 2026. Received Monday 12/01 09:00, due 15/01 09:00
# unless said otherwise.
#   D1 online, stamped 14/01 10:00 with a signed electronic result: early;
#      digitised
#   D2 online, returned 15/01 16:00 with its result on paper only: on time;
#      rated 2 of 5
#   D3 stamped 16/01: late; a complaint sent 05/01 09:00, answered 20/01
#   D4 stamped 15/01 16:00 after two supplement requests: late
#   D5 withdrawn 13/01: counts as on time
#   D6 still open, due 15/01: overdue at the end of January; a complaint 28/01
#   D7 online, still open, due 05/02: within; a ticked form without its file
#   D8 received 20/12/2025, due 12/01, stamped 10/01 09:00: early, carried
#      over; paused five days 22/12–27/12
#   D9 stamped in December: not January's; a complaint 02/01, never answered
#   D10 received in February: not January's
#
# 2.1 handled D1–D8 = 8; in time D1 D2 D5 D7 D8 = 5 → 62.50 %
# 2.2 decided in January D1 D2 D3 D4 D8: 2 d 1 h + 3 d 7 h + 4 d + 3 d 7 h
#     + (21 d − 5 d paused) = 28 d 15 h = 28.625 d ÷ 5 = 5.725 → 5.7 days
# 3.1 the office (a commune) offers the partly online test procedure, an
#     offline commune one and an offline one any counter receives: 1 of 3
#     → 33.33 %; the province-only online one is not a commune's
# 3.2 the online one received D1 online in January → 1 of 1 = 100.00 %
# 3.3 received in January D1–D7 = 7, online D1 D2 D7, but D2's result was
#     given on paper only: D1 D7 → 28.57 %
# 4.1 results (stamped or returned) in January D1 D2 D3 D4 D8 = 5, with an
#     electronic result D1 → 20.00 %
# 4.2 of the 7 received, D1 has every ticked document's file → 14.29 %
# 3.5 the three commune procedures all charge 8.000 đ; none can be paid
#     online without a payment merchant (none in the tests) → 0.00 %
# 3.6 no dossier paid anything → —
# 5.1, 5.3 no case of the feedback line → — (tests/test_line_figures.py)
# 5.2 complaints sent in January: D9's (02/01, due 23/01, unanswered: late),
#     D3's (05/01, due 26/01, answered 20/01: in time), D6's (28/01, due in
#     February: not due yet) → 1 of 2 = 50.00 %
# 5.4 overdue 3 of 8 (D3 D4 D6) + complaint or low rating 3 of 8 (D2 D3 D6)
#     → 100 − 37.5 − 37.5 = 25.00 %
EXPECTED = {
    "2.1": "62.50 %",
    "2.2": "5.7",
    "3.1": "33.33 %",
    "3.2": "100.00 %",
    "3.3": "28.57 %",
    "3.5": "0.00 %",
    "3.6": "—",
    "4.1": "20.00 %",
    "4.2": "14.29 %",
    "5.1": "—",
    "5.2": "50.00 %",
    "5.3": "—",
    "5.4": "25.00 %",
}


def attach(dossier, document=None):
    return Attachment.objects.create(
        dossier=dossier,
        document=document,
        file="dossiers/2026/01/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )


def electronic_result(dossier):
    event = DossierEvent.objects.create(
        dossier=dossier, action="stamp", from_state="approved", to_state="stamped", at=dossier.finished_at
    )
    return Result.objects.create(
        dossier=dossier,
        event=event,
        title="Giấy chứng nhận",
        number="1/GCN",
        issued_on=dossier.finished_at.date(),
        source=Result.Source.UPLOADED,
        file="results/2026/01/x.pdf",
        sha256="1" * 64,
        check_code="TEST-0001",
        download_token="t" * 32,
        is_signed=True,
        issued_at=dossier.finished_at,
    )


def complain(dossier, sent, answered=None, *, kind="complaint", rating=None, comment="Chậm quá"):
    return Feedback.objects.create(
        dossier=dossier,
        kind=kind,
        rating=rating,
        comment=comment,
        stage=dossier.state,
        created_at=sent,
        answered_at=answered,
        answer="Đã xử lý" if answered else "",
    )


@pytest.fixture
def january(vn_holidays, office_a, office_b, chi, procedure):
    ProcedureFactory(code="1.000002", online_level=Procedure.OnlineLevel.OFFLINE)
    ProcedureFactory(code="1.000003", online_level=Procedure.OnlineLevel.FULL, level=Procedure.Level.PROVINCE)
    ProcedureFactory(code="1.000004", online_level=Procedure.OnlineLevel.OFFLINE, is_location_independent=True)
    due = at("15/01/2026")

    def walk_in(**fields):
        dossier = received_dossier(procedure, office_a, chi, at=at("12/01/2026"))
        Dossier.objects.filter(pk=dossier.pk).update(**fields)
        dossier.refresh_from_db()
        return dossier

    d1 = walk_in(channel="online", delivery="electronic", state=State.STAMPED, finished_at=at("14/01/2026", "10:00"))
    attach(d1, d1.documents.get(position=1))
    electronic_result(d1)
    d2 = walk_in(channel="online", state=State.RETURNED, finished_at=at("15/01/2026", "16:00"))
    d3 = walk_in(state=State.STAMPED, finished_at=at("16/01/2026"))
    d4 = walk_in(state=State.STAMPED, finished_at=at("15/01/2026", "16:00"), supplement_requests=2)
    walk_in(state=State.WITHDRAWN, finished_at=at("13/01/2026"))
    d6 = walk_in(due_at=due)
    d7 = walk_in(channel="online", due_at=at("05/02/2026"))
    attach(d7)  # a file, but not the ticked form's
    d8 = walk_in(
        received_at=at("20/12/2025"),
        submitted_at=at("20/12/2025"),
        due_at=at("12/01/2026"),
        state=State.STAMPED,
        finished_at=at("10/01/2026"),
    )
    Pause.objects.create(dossier=d8, reason="Thiếu giấy", started_at=at("22/12/2025"), ended_at=at("27/12/2025"))
    d9 = walk_in(
        received_at=at("01/12/2025"), submitted_at=at("01/12/2025"), state=State.STAMPED, finished_at=at("04/12/2025")
    )
    walk_in(received_at=at("02/02/2026"), submitted_at=at("02/02/2026"), due_at=at("05/02/2026"))
    complain(d2, at("16/01/2026"), kind="rating", rating=2, comment="")
    complain(d1, at("15/01/2026"), kind="rating", rating=5, comment="")
    complain(d3, at("05/01/2026"), answered=at("20/01/2026"))
    complain(d9, at("02/01/2026"))
    complain(d6, at("28/01/2026"), comment="Cán bộ thái độ không tốt")
    del d4
    return office_a


def test_the_index_matches_the_figures_worked_out_by_hand(january, office_b):
    found = quality.index(JANUARY, [january, office_b], today=TODAY)
    ba_dinh, tay_tuu = found.rows
    assert {key: str(figure) for key, figure in ba_dinh.figures.items()} == EXPECTED
    assert ba_dinh.figures["2.1"] == quality.Figure(Decimal("62.50"), 5, 8)
    # Xã Tây Tựu has no dossier and no complaint: nothing to count, not 0 %
    # and no division by zero; its catalogue is the same commune's.
    assert {key: str(f) for key, f in tay_tuu.figures.items()} == {
        **dict.fromkeys(EXPECTED, "—"),
        "3.1": "33.33 %",
        "3.2": "0.00 %",
        "3.5": "0.00 %",
    }
    # The total adds the counts, then divides: 3.1 is 2 of 6.
    assert str(found.total.figures["3.1"]) == "33.33 %" and found.total.figures["3.1"].denominator == 6
    assert str(found.total.figures["2.1"]) == "62.50 %"
    assert [(t.code, t.finished, str(t.average)) for t in found.procedures] == [("1.000001", 5, "5.7")]


def test_a_month_that_has_not_ended_judges_open_dossiers_today(january):
    # On 14/01 D6 (due 15/01) is within its deadline; on 16/01 it is overdue.
    d6_open = quality.index(JANUARY, [january], today=dt.date(2026, 1, 14)).rows[0]
    d6_late = quality.index(JANUARY, [january], today=dt.date(2026, 1, 16)).rows[0]
    assert d6_open.counts["handled_in_time"] == d6_late.counts["handled_in_time"] + 1


def test_no_office_and_no_dossier_read_as_a_dash():
    nothing = quality.Counts()
    assert {key: str(f) for key, f in quality.figures(nothing).items()} == dict.fromkeys(EXPECTED, "—")
    assert str(quality.percent(0, 0)) == "—" and str(quality.percent(1, 3)) == "33.33 %"
    # Satisfaction never goes below nought.
    unhappy = quality.Counts()
    unhappy.values.update(handled=2, handled_in_time=0, handled_flagged=2)
    assert str(quality.satisfaction(unhappy)) == "0.00 %"


def test_every_indicator_states_its_rule_and_the_others_say_why_not(db):
    for indicator in quality.INDICATORS:
        assert "Rule (766" in indicator.rule and "The portal counts" in indicator.rule, indicator.key
    assert {n.key for n in quality.NOT_COMPUTED} >= {"1.4", "4.3", "5.1–5.3"}
    # Online payment and the feedback line are computed now.
    assert {"3.5", "3.6", "5.1", "5.3"} <= {i.key for i in quality.INDICATORS}
    assert not {"3.5–3.6", "5.1, 5.3"} & {n.key for n in quality.NOT_COMPUTED}
    assert all(str(n.why) for n in quality.NOT_COMPUTED)
    # The kinds read through the dossier's relation are the model's.
    assert {quality.COMPLAINT, quality.RATING} <= set(Feedback.Kind.values)


def test_the_queries_do_not_grow_with_the_offices(january, province):
    few = [january]
    many = [january, *(OfficeFactory(code=f"000.{n:02d}.09.H01", parent=province) for n in range(10, 40))]
    with CaptureQueriesContext(connection) as one:
        quality.index(JANUARY, few, today=TODAY)
    with CaptureQueriesContext(connection) as thirty_one:
        quality.index(JANUARY, many, today=TODAY)
    assert len(one) == len(thirty_one) <= 10


@pytest.fixture
def supervisor(client, tuan):
    client.login(username=tuan.username, password=PASSWORD)
    return client


def test_the_page_shows_the_index_for_the_chosen_month(january, supervisor):
    page = supervisor.get(reverse("reports:quality") + f"?period=2026-01&office={january.pk}").content.decode()
    for figure in EXPECTED.values():
        assert f'<td class="number">{figure}</td>' in page
    assert "not computed: The portal does not send its dossiers to the national portal." in page
    assert "1.000001" in page  # 2.2 per procedure


def test_the_api_gives_the_same_figures(january, office_b, tuan, api):
    body = api.as_(tuan).get("/api/v1/reports/quality/", {"from": "2026-01-01", "to": "2026-01-31"}).json()
    by_code = {row["office"]: row for row in body["rows"]}
    ba_dinh = by_code[january.code]["figures"]
    assert ba_dinh["2.1"] == {"value": 62.5, "numerator": 5.0, "denominator": 8, "unit": "%"}
    assert {key: ba_dinh[key]["value"] for key in EXPECTED} == {
        key: None if value == "—" else float(value.removesuffix(" %")) for key, value in EXPECTED.items()
    }
    assert by_code[office_b.code]["figures"]["2.1"]["value"] is None
    assert body["total"]["office"] is None and {i["key"] for i in body["indicators"]} == set(EXPECTED)
    assert any(n["key"] == "4.3" for n in body["not_computed"])


def test_only_the_offices_one_oversees(january, office_b, api, client):
    leader_b = staff_member("lead_b", "Lãnh đạo B", office_b, "approver")
    body = api.as_(leader_b).get("/api/v1/reports/quality/", {"from": "2026-01-01", "to": "2026-01-31"}).json()
    assert [row["office"] for row in body["rows"]] == [office_b.code]
    refused = api.as_(leader_b).get(
        "/api/v1/reports/quality/", {"from": "2026-01-01", "to": "2026-01-31", "office": january.code}
    )
    assert refused.status_code == 403
    client.login(username="lead_b", password=PASSWORD)
    page = client.get(reverse("reports:quality") + "?period=2026-01").content.decode()
    assert january.name not in page and office_b.name in page
    clerk = client.get(reverse("reports:quality"))
    assert clerk.status_code == 200  # still lead_b
    client.logout()
    assert client.get(reverse("reports:quality")).status_code == 302
    bad = api.as_(leader_b).get("/api/v1/reports/quality/", {"from": "2026-02-01", "to": "2026-01-01"})
    assert bad.status_code == 400

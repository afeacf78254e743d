"""The feedback line's figures and hotspots for supervisors (reports/line.py)
and what the line gives the service-quality index (5.1–5.3): a known set of
cases gives known figures, equal to a recount; the page in Vietnamese and
Thai; a clerk is refused; an empty period says so."""

import pytest
from django.urls import reverse

from petitions.models import Case, CaseEvent
from reports import line, quality
from reports.periods import Period
from tests.conftest import at
from tests.factories import PASSWORD

JANUARY = Period.month(2026, 1)
TODAY = Period.month(2026, 2).end


def case(
    code,
    office,
    received,
    *,
    province=None,
    kind="question",
    routed=None,
    action="dispatch",
    decline_due=None,
    due=None,
    answered=None,
    satisfied=None,
    state=None,
    procedure=None,
    place="",
    text="Xin hỏi thủ tục",
):
    found = Case.objects.create(
        code=code,
        kind=kind,
        channel="phone",
        state=state or ("closed" if satisfied is not None else "answered" if answered else "assigned"),
        text=text,
        place=place,
        province=office.parent if office else province,
        answering_office=office,
        procedure=procedure,
        received_at=received,
        clock_started_at=received,
        decline_due_at=decline_due,
        due_at=due,
        answered_at=answered,
        is_satisfied=satisfied,
    )
    if routed:
        CaseEvent.objects.create(case=found, action=action, from_state="received", to_state="assigned", at=routed)
    return found


@pytest.fixture
def cases(vn_holidays, province, office_a, office_b, procedure):
    """January 2026, judged at the end of the month:
    C1 Ba Đình, a question on the test procedure, routed in time, answered
       20/01 (due 26/01): on time; satisfied
    C2 Ba Đình, a complaint, routed 09/01 after its 2 days (08/01), answered
       29/01 (due 27/01): late; not satisfied
    C3 Ba Đình, a question on the test procedure, 20/01, due 10/02: open within
    C4 Tây Tựu, a problem at "Số 5 Lý Thường Kiệt", due 23/01, unanswered:
       open overdue
    C5 Ba Đình, declined 13/01 (by 14/01): declined, routed in time
    C6 Ba Đình, a question on the test procedure in December, at "số 5  lý
       thường kiệt": not January's, but the procedure and the place recur
    C7 still at the switchboard: no office's."""
    case(
        "PA-1",
        office_a,
        at("05/01/2026"),
        routed=at("05/01/2026", "10:00"),
        decline_due=at("07/01/2026"),
        due=at("26/01/2026"),
        answered=at("20/01/2026"),
        satisfied=True,
        procedure=procedure,
    )
    case(
        "PA-2",
        office_a,
        at("06/01/2026"),
        kind="complaint",
        routed=at("09/01/2026"),
        decline_due=at("08/01/2026"),
        due=at("27/01/2026"),
        answered=at("29/01/2026"),
        satisfied=False,
        text="Cán bộ thái độ hách dịch",
    )
    case(
        "PA-3",
        office_a,
        at("20/01/2026"),
        routed=at("20/01/2026"),
        decline_due=at("22/01/2026"),
        due=at("10/02/2026"),
        procedure=procedure,
    )
    case(
        "PA-4",
        office_b,
        at("02/01/2026"),
        kind="problem",
        routed=at("02/01/2026"),
        decline_due=at("06/01/2026"),
        due=at("23/01/2026"),
        place="Số 5 Lý Thường Kiệt",
        text="Ổ gà trước nhà văn hoá",
    )
    case(
        "PA-5",
        office_a,
        at("12/01/2026"),
        kind="suggestion",
        routed=at("13/01/2026"),
        action="decline",
        decline_due=at("14/01/2026"),
        state="declined",
    )
    case(
        "PA-6",
        office_a,
        at("10/12/2025"),
        routed=at("10/12/2025"),
        decline_due=at("12/12/2025"),
        due=at("31/12/2025"),
        answered=at("15/12/2025"),
        procedure=procedure,
        place="số 5  lý thường kiệt",
    )
    case(
        "PA-7",
        None,
        at("15/01/2026"),
        province=province,
        decline_due=at("19/01/2026"),
        due=at("05/02/2026"),
        state="received",
    )


def test_the_month_per_office_and_the_late_offices(cases, office_a, office_b, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        found = line.figures(JANUARY, [office_a, office_b], today=TODAY)
    (month,) = found.months
    ba_dinh, tay_tuu = month.rows
    assert ba_dinh.counts == {
        "received": 4,
        "answered_on_time": 1,
        "answered_late": 1,
        "open_within": 1,
        "open_overdue": 0,
        "declined": 1,
        "satisfied": 1,
        "not_satisfied": 1,
    }
    assert tay_tuu.cells == [1, 0, 0, 0, 1, 0, 0, 0]
    assert found.total.cells == [5, 1, 1, 1, 1, 1, 1, 1]
    assert [(r.label, r.late, r.due) for r in found.answering_late] == [(office_a.name, 1, 2), (office_b.name, 1, 1)]
    # Judged on 05/01, C4 (due 23/01) is still within its limit.
    early = line.figures(JANUARY, [office_b], today=at("05/01/2026").date())
    assert early.total["open_within"] == 1 and early.total["open_overdue"] == 0


def test_a_recount_from_the_cases_gives_the_same_figures(cases, office_a, office_b):
    found = line.figures(JANUARY, [office_a, office_b], today=TODAY)
    moment = line.judged_moment(JANUARY, TODAY)
    recount = dict.fromkeys(line.MEASURES, 0)
    for c in Case.objects.filter(
        answering_office__isnull=False,
        received_at__gte=at("01/01/2026", "00:00"),
        received_at__lt=at("01/02/2026", "00:00"),
    ):
        recount["received"] += 1
        for measure in line.judge(c.state, c.due_at, c.answered_at, c.is_satisfied, moment):
            recount[measure] += 1
    assert found.total.counts == recount


def test_the_hotspots_repeat_by_procedure_and_place(
    cases, office_a, office_b, procedure, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        found = line.hotspots([office_a, office_b], today=TODAY)
    assert found.messages == 6  # C1–C6; C7 is no office's
    by_procedure = {item.label: item for item in found.by["procedure"]}
    about = f"{procedure.code} · {procedure.name}"
    assert by_procedure[about].months[-3:] == [1, 2, 0] and by_procedure[about].is_recurring
    places = found.by["place"]
    assert [(p.label, p.total, p.is_recurring) for p in places] == [("số 5 lý thường kiệt", 2, True)]
    assert [(q.label, q.total) for q in found.by[line.QUESTIONS]] == [(about, 3)]
    kinds = {item.label: item.total for item in found.by["kind"]}
    assert kinds == {
        "Question": 3,
        "Complaint about service or conduct": 1,
        "A problem outside procedures": 1,
        "Suggestion": 1,
    }
    assert {item.label for item in found.by["theme"]} >= {"Staff conduct"}
    repeating = [(dimension, item.label) for dimension, item in line.repeating(found)]
    assert ("By procedure", about) in repeating and ("By place", "số 5 lý thường kiệt") in repeating
    assert ("By office", office_a.name) in repeating


def test_the_index_counts_the_line(cases, office_a, office_b):
    """5.1 Ba Đình: routed or declined C1 C2 C3 C5, in time C1 C3 C5 → 75.00 %;
    Tây Tựu C4 in time → 100.00 %. 5.2 (no dossier complaint here): Ba Đình
    answered C1 (in time) and C2 (late); C3 not due; C5 declined → 50.00 %;
    Tây Tựu C4 overdue → 0.00 %. 5.3 Ba Đình C1 satisfied, C2 not → 50.00 %."""
    ba_dinh, tay_tuu = quality.index(JANUARY, [office_a, office_b], today=TODAY).rows
    assert {k: str(ba_dinh.figures[k]) for k in ("5.1", "5.2", "5.3")} == {
        "5.1": "75.00 %",
        "5.2": "50.00 %",
        "5.3": "50.00 %",
    }
    assert {k: str(tay_tuu.figures[k]) for k in ("5.1", "5.2", "5.3")} == {
        "5.1": "100.00 %",
        "5.2": "0.00 %",
        "5.3": "—",
    }


def test_the_api_gives_the_same_figures(cases, api, tuan, office_a, office_b):
    body = api.as_(tuan).get("/api/v1/reports/line/", {"from": "2026-01-01", "to": "2026-01-31"}).json()
    (month,) = body["months"]
    assert month["month"] == "2026-01"
    by_code = {row["office"]: row for row in month["rows"]}
    assert by_code[office_a.code] == {
        "office": office_a.code,
        "name": office_a.name,
        "received": 4,
        "answered_on_time": 1,
        "answered_late": 1,
        "open_within": 1,
        "open_overdue": 0,
        "declined": 1,
        "satisfied": 1,
        "not_satisfied": 1,
    }
    assert by_code[office_b.code]["open_overdue"] == 1
    assert body["total"]["office"] is None and body["total"]["received"] == 5
    assert [row["office"] for row in body["rows"]] == [office_a.code, office_b.code]


def test_the_api_refuses_a_clerk_and_a_backwards_period(cases, api, chi, tuan):
    assert api.as_(chi).get("/api/v1/reports/line/", {"from": "2026-01-01", "to": "2026-01-31"}).status_code == 403
    backwards = api.as_(tuan).get("/api/v1/reports/line/", {"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 400 and "comes before the first" in backwards.content.decode()


def test_the_figures_need_no_calendar_year_loaded(province, office_a):
    """Without the public holidays of any year loaded, the line's figures
    still count: each case keeps the due time worked out when it arrived."""
    case(
        "PA-9",
        office_a,
        at("05/01/2026"),
        routed=at("05/01/2026", "10:00"),
        decline_due=at("07/01/2026"),
        due=at("26/01/2026"),
        answered=at("27/01/2026"),
    )
    assert line.figures(JANUARY, [office_a], today=TODAY).total["answered_late"] == 1
    row = quality.index(JANUARY, [office_a], today=TODAY).rows[0]
    assert (str(row.figures["5.1"]), str(row.figures["5.2"])) == ("100.00 %", "0.00 %")


@pytest.fixture
def supervisor(client, tuan):
    client.login(username=tuan.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "vi",
            ["Đường dây phản ánh, kiến nghị: số liệu và điểm nóng", "Trả lời quá hạn", "Thủ tục được hỏi nhiều nhất"],
        ),
        ("th", ["สายรับเรื่องร้องเรียน: ตัวเลขและจุดที่มีปัญหา", "ตอบล่าช้า", "ขั้นตอนที่มีคำถามมากที่สุด"]),
    ],
)
def test_the_page_in_vietnamese_and_thai(cases, supervisor, office_a, language, words):
    supervisor.cookies["django_language"] = language
    page = supervisor.get(reverse("reports:line") + "?period=2026-01", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    text = page.content.decode()
    assert f'lang="{language}"' in text and office_a.name in text and "số 5 lý thường kiệt" in text
    assert reverse("reports:line") in text  # in the reports' navigation
    assert all(word in text for word in words)


def test_an_empty_period_says_so(cases, supervisor):
    page = supervisor.get(reverse("reports:line") + "?period=2025-11", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No case was received in the period." in page and "No office answered late in the period." in page


def test_a_clerk_is_refused_and_a_leader_sees_only_their_office(cases, client, chi, office_b):
    client.login(username=chi.username, password=PASSWORD)
    assert client.get(reverse("reports:line")).status_code == 403
    from tests.factories import staff_member

    staff_member("lead_b", "Lãnh đạo B", office_b, "approver")
    client.login(username="lead_b", password=PASSWORD)
    page = client.get(reverse("reports:line") + "?period=2026-01").content.decode()
    assert "Phường Ba Đình" not in page and office_b.name in page


def test_a_case_waiting_for_the_citizens_information_is_not_overdue(cases, office_b):
    # C4 is past its limit; once the office asks the citizen for more
    # information, its answer clock stops and it counts as within its limit.
    Case.objects.filter(code="PA-4").update(state="awaiting_info")
    found = line.figures(JANUARY, [office_b], today=TODAY)
    assert (found.total["open_within"], found.total["open_overdue"]) == (1, 0)
    # Nor is it due in the index's 5.2: Tây Tựu has nothing due there now.
    (tay_tuu,) = quality.index(JANUARY, [office_b], today=TODAY).rows
    assert str(tay_tuu.figures["5.2"]) == "—"

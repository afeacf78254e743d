"""The line's questions answered from the catalogue (what to bring, time
limits, fees, sent in one click and citing the record's version), answers
published beside the procedure as questions and answers (with consent,
personal data taken out, repeated questions counted), and the office asking
the citizen for more information with the answer clock paused."""

import datetime as dt
import hashlib
import hmac
import json
from zoneinfo import ZoneInfo

import pytest

from petitions import workflow
from petitions.models import Case, CaseEvent, Channel, Kind, State
from petitions.redact import redact
from portal.models import Membership
from portal.sms import MemoryBackend
from procedures.interchange import record_version
from procedures.models import Fee, PublishedQuestion
from tests.conftest import error_of
from tests.factories import PASSWORD, ProcedureFactory, staff_member

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
Role = Membership.Role
pytestmark = pytest.mark.usefixtures("vn_holidays")


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=HCM)


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def oanh(province):
    return staff_member("oanh", "Trịnh Thị Oanh", province, Role.OPERATOR)


@pytest.fixture
def marriage(db):
    """Marriage registration, published with its first version kept, among
    other procedures of the catalogue."""
    ProcedureFactory(code="1.000000", name="Giao đất có thu tiền sử dụng đất")
    ProcedureFactory(code="1.000001", name="Cấp bản sao trích lục hộ tịch")
    procedure = ProcedureFactory(code="1.000894", name="Thủ tục đăng ký kết hôn")
    record_version(procedure)
    return procedure


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    def run(work):
        with django_capture_on_commit_callbacks(execute=True):
            return work()

    return run


def question(province, office, operator, *, text="Đăng ký kết hôn cần mang gì?", when="09/02/2026 07:00", **kw):
    moment = at(when) if when else None
    case = workflow.receive(channel=Channel.WEB, text=text, phone="0912345678", province=province, at=moment, **kw)
    return workflow.perform(
        case, "dispatch", actor=operator, kind=Kind.QUESTION, procedure=case.procedure, office=office, at=moment
    )


# Answers from the catalogue ---------------------------------------------------------


def test_the_officer_sees_the_catalogue_answer_and_sends_it_in_one_click_citing_the_version(
    client, province, office_a, oanh, son, marriage, sent
):
    case = question(province, office_a, oanh)
    sign_in(client, son)
    page = client.get(f"/line/cases/{case.code}/").content.decode()
    assert "Thủ tục đăng ký kết hôn" in page and "Tờ khai" in page and "8,000" in page and "3 working days" in page
    assert 'name="cite_version" value="1"' in page
    response = sent(
        lambda: client.post(
            f"/line/cases/{case.code}/answer/",
            {"version": case.version, "cite_procedure": "1.000894", "cite_version": "1"},
        )
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ANSWERED and case.answer_source == marriage.version_in_force()
    assert "Tờ khai" in case.answer and "1.000894" in case.answer and "version 1" in case.answer
    assert case.answered_at is not None and case.reopen_until is not None  # the clock stopped as for any answer
    assert "version 1" in MemoryBackend.outbox[-1][1] and MemoryBackend.outbox[-1][0] == "0912345678"
    event = case.events.get(action="answer")
    assert event.details["source"] == {"procedure": "1.000894", "version": 1}


def test_the_operator_answers_a_question_call_from_the_catalogue_but_writes_no_answer_of_their_own(
    client, province, office_a, oanh, marriage, sent
):
    sign_in(client, oanh)
    call = {"name": "Hùng", "phone": "0987654321", "text": "Đăng ký kết hôn cần mang gì?"}
    suggested = client.post("/line/switchboard/", {**call, "suggest": "1"}).content.decode()
    assert "Tờ khai" in suggested and "1.000894" in suggested  # to read out to the caller
    recorded = client.post("/line/switchboard/", {**call, "kind": "question", "office": office_a.pk, "record": "1"})
    assert recorded.status_code == 302
    case = Case.objects.get()
    assert 'name="cite_version" value="1"' in client.get(f"/line/cases/{case.code}/").content.decode()
    own = client.post(f"/line/cases/{case.code}/answer/", {"version": case.version, "answer": "Tự trả lời"})
    assert own.status_code == 403
    answered = sent(
        lambda: client.post(
            f"/line/cases/{case.code}/answer/",
            {"version": case.version, "cite_procedure": "1.000894", "cite_version": "1"},
        )
    )
    assert answered.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ANSWERED and case.drafted_by == oanh and "version 1" in case.answer
    assert MemoryBackend.outbox[-1][0] == "0987654321"


def test_an_answer_from_a_record_replaced_since_is_refused_through_the_api(
    api, province, office_a, oanh, son, marriage
):
    case = question(province, office_a, oanh)
    suggested = api.as_(son).get(f"/api/v1/line/cases/{case.code}/suggestions/")
    assert suggested.status_code == 200
    (first, *_) = suggested.json()
    assert (first["procedure"], first["version"]) == ("1.000894", 1) and "Tờ khai" in first["documents"]
    Fee.objects.filter(procedure=marriage).update(amount=10000)
    assert record_version(marriage).number == 2
    stale = api.as_(son).post(
        f"/api/v1/line/cases/{case.code}/actions/",
        {"action": "answer", "cite_procedure": "1.000894", "cite_version": 1},
        format="json",
    )
    assert stale.status_code == 409 and "2" in error_of(stale)["message"]
    assert Case.objects.get(pk=case.pk).state == State.ASSIGNED
    done = api.as_(son).post(
        f"/api/v1/line/cases/{case.code}/actions/",
        {"action": "answer", "answer": "Hai người cùng đến.", "cite_procedure": "1.000894", "cite_version": 2},
        format="json",
    )
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["answer_source"] == {"procedure": "1.000894", "version": 2}
    assert body["answer"].startswith("Hai người cùng đến.") and "version 2" in body["answer"]


def test_the_citizen_sees_the_catalogue_answer_before_sending_and_nothing_is_kept(client, province, marriage):
    looked = client.post("/line/new/", {"text": "Đăng ký kết hôn cần mang gì?", "suggest": "1"})
    page = looked.content.decode()
    assert looked.status_code == 200 and "Tờ khai" in page and "8,000" in page and "1.000894" in page
    assert "Send this as the answer" not in page and Case.objects.count() == 0
    empty = client.post("/line/new/", {"text": "  ", "suggest": "1"})
    assert empty.status_code == 400 and "empty" in empty.content.decode()
    huge = client.post("/line/new/", {"text": "kết hôn " * 400, "suggest": "1"})
    assert huge.status_code == 400 and Case.objects.count() == 0


# Publishing as the procedure's questions and answers ------------------------------------


def _answered(province, office, operator, officer, *, consent=True, **kw):
    case = question(province, office, operator, consents_to_publish=consent, **kw)
    return workflow.perform(
        case, "answer", actor=officer, answer="Mang tờ khai; gọi 0912345678 nếu cần.", at=at("10/02/2026 09:00")
    )


def test_personal_data_is_taken_out_before_publishing():
    text = (
        "Tôi là Nguyễn Thị Lan, CCCD 001190012345, số cũ 123 456 789, điện thoại 091 234 5678 hoặc "
        "+84.912.345.678, email lan.nguyen@example.org. Lệ phí 15.000.000 đồng, hạn 12/01/2026."
    )
    cleaned = redact(text, ["Nguyễn Thị Lan"])
    for personal in ("Nguyễn Thị Lan", "001190012345", "123 456 789", "091 234 5678", "912.345.678", "lan.nguyen"):
        assert personal not in cleaned
    assert "15.000.000 đồng" in cleaned and "12/01/2026" in cleaned  # amounts and dates stay
    assert redact("nguyễn thị lan hỏi", ["Nguyễn Thị Lan"]).endswith(" hỏi")
    assert redact("", ["Lan"]) == ""


def test_publishing_without_the_citizens_consent_is_refused(client, api, province, office_a, oanh, son, marriage):
    case = _answered(province, office_a, oanh, son, consent=False, procedure=marriage)
    with pytest.raises(workflow.NotPossible):
        workflow.perform(case, "publish", actor=son, question="Hỏi?", answer="Đáp.")
    refused = api.as_(son).post(
        f"/api/v1/line/cases/{case.code}/actions/",
        {"action": "publish", "question": "Hỏi?", "answer": "Đáp."},
        format="json",
    )
    assert refused.status_code == 409 and "agree" in error_of(refused)["message"]
    sign_in(client, son)
    assert 'name="question"' not in client.get(f"/line/cases/{case.code}/").content.decode()
    assert PublishedQuestion.objects.count() == 0 and not case.events.filter(action="publish").exists()


def test_a_published_answer_is_on_the_procedure_page_without_personal_data_in_every_language(
    client, province, office_a, oanh, son, marriage
):
    case = _answered(province, office_a, oanh, son, procedure=marriage, name="Phạm Văn Hùng")
    assert case.publish_due_at == at("12/02/2026 09:00")  # 2 working days after the answer
    sign_in(client, son)
    queue = client.get("/line/cases/").content.decode()
    assert case.code in queue.split("Answers to publish")[1]  # the officer is reminded, with its limit
    page = client.get(f"/line/cases/{case.code}/").content.decode()
    assert "[phone]" in page and "0912345678" not in page.split('name="published_answer"')[1][:400]
    done = client.post(
        f"/line/cases/{case.code}/publish/",
        {
            "version": case.version + 0,
            "question": "Phạm Văn Hùng hỏi: đăng ký kết hôn cần gì? <script>alert(1)</script>",
            "published_answer": "Mang tờ khai; gọi 0912345678 nếu cần.",
        },
    )
    assert done.status_code == 302
    published = PublishedQuestion.objects.get()
    assert "Phạm Văn Hùng" not in published.question and "0912345678" not in published.answer
    assert published.procedure == marriage and published.version == marriage.version_in_force()
    event = CaseEvent.objects.get(case=case, action="publish")
    assert event.actor == son and event.details["published"] == published.pk
    assert event.details["on_time"] is False  # published long after its 2 working days: kept in the trail
    assert "Answers to publish" not in client.get("/line/cases/").content.decode()
    client.logout()
    for language, heading in (("vi", "Hỏi đáp"), ("th", "คำถามและคำตอบ"), ("en", "Questions and answers")):
        client.cookies["django_language"] = language
        shown = client.get("/procedures/1.000894/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert heading in shown and "Mang tờ khai" in shown
        assert "<script>alert(1)</script>" not in shown and "&lt;script&gt;" in shown


def test_a_repeated_question_is_counted_on_the_published_one(api, client, province, office_a, oanh, son, marriage):
    first = _answered(province, office_a, oanh, son, procedure=marriage)
    workflow.perform(first, "publish", actor=son, question="Đăng ký kết hôn cần gì?", answer="Tờ khai.")
    published = PublishedQuestion.objects.get()
    again = _answered(province, office_a, oanh, son, consent=False, procedure=marriage, when="11/02/2026 08:00")
    elsewhere = PublishedQuestion.objects.create(procedure=ProcedureFactory(), question="Khác?", answer="Khác.")
    wrong = api.as_(son).post(
        f"/api/v1/line/cases/{again.code}/actions/", {"action": "attach", "published": elsewhere.pk}, format="json"
    )
    assert wrong.status_code == 400
    attached = api.as_(son).post(
        f"/api/v1/line/cases/{again.code}/actions/", {"action": "attach", "published": published.pk}, format="json"
    )
    assert attached.status_code == 200 and attached.json()["published_as"] == published.pk
    twice = api.as_(son).post(
        f"/api/v1/line/cases/{again.code}/actions/", {"action": "attach", "published": published.pk}, format="json"
    )
    assert twice.status_code == 409
    published.refresh_from_db()
    assert published.asked == 2 and PublishedQuestion.objects.filter(procedure=marriage).count() == 1
    client.cookies["django_language"] = "en"
    assert "Asked 2 times" in client.get("/procedures/1.000894/").content.decode()


def test_publishing_hostile_wording_is_answered_clearly_and_nothing_is_published(
    api, client, province, office_a, oanh, son, marriage
):
    case = _answered(province, office_a, oanh, son, procedure=marriage)
    sign_in(client, son)
    url = f"/line/cases/{case.code}/publish/"
    empty = client.post(url, {"version": case.version, "question": "", "published_answer": ""})
    assert empty.status_code == 400
    huge = client.post(url, {"version": case.version, "question": "x" * 6000, "published_answer": "y"})
    assert huge.status_code == 400
    only_personal = client.post(url, {"version": case.version, "question": "0912345678", "published_answer": "  "})
    assert only_personal.status_code == 400
    actions = f"/api/v1/line/cases/{case.code}/actions/"
    huge_api = api.as_(son).post(actions, {"action": "publish", "question": "x" * 6000, "answer": "y"}, format="json")
    assert huge_api.status_code == 400 and error_of(huge_api)["fields"]["question"]
    wrong_type = api.as_(son).post(actions, {"action": "attach", "published": "<script>"}, format="json")
    assert wrong_type.status_code == 400
    assert PublishedQuestion.objects.count() == 0 and not case.events.filter(action="publish").exists()
    other = question(province, office_a, oanh, when=None)
    no_note = api.as_(son).post(
        f"/api/v1/line/cases/{other.code}/actions/", {"action": "ask_more", "note": "  "}, format="json"
    )
    assert no_note.status_code == 400 and Case.objects.get(pk=other.pk).state == State.ASSIGNED


def test_consent_is_taken_on_the_web_form_and_by_the_operator_on_a_call(client, province, office_a, oanh):
    client.post("/line/new/", {"text": "Hỏi về khai sinh?", "phone": "0912345678", "consents_to_publish": "on"})
    assert Case.objects.get().consents_to_publish is True
    sign_in(client, oanh)
    call = {"name": "Hùng", "phone": "0987654321", "text": "Hỏi làm sao", "kind": "question", "record": "1"}
    assert client.post("/line/switchboard/", call).status_code == 302
    assert Case.objects.get(phone="0987654321").consents_to_publish is False


# Asking the citizen for more information ----------------------------------------------


def test_the_office_asks_for_more_the_clock_waits_and_the_reply_moves_the_deadline_on(
    client, province, office_a, oanh, son, sent
):
    case = question(province, office_a, oanh, text="Tôi muốn hỏi về thủ tục của con tôi?", when=None)
    due = case.due_at
    sign_in(client, son)
    assert client.post(f"/line/cases/{case.code}/ask_more/", {"version": case.version}).status_code == 400
    asked = sent(
        lambda: client.post(
            f"/line/cases/{case.code}/ask_more/", {"version": case.version, "info_request": "Thủ tục nào, ở xã nào?"}
        )
    )
    assert asked.status_code == 302
    case.refresh_from_db()
    assert case.state == State.AWAITING_INFO and "Thủ tục nào" in MemoryBackend.outbox[-1][1]
    asked_at = case.info_asked_at
    # The citizen finds it at /track/ and answers there.
    client.logout()
    found = client.post("/track/", {"code": case.code, "phone_last4": "5678"})
    assert "Thủ tục nào, ở xã nào?" in found.content.decode()
    assert client.post(f"/line/track/{case.code}/supply/", {"note": ""}).status_code == 400
    given = client.post(f"/line/track/{case.code}/supply/", {"note": "Khai sinh, ở phường Ba Đình."})
    assert given.status_code == 200
    case.refresh_from_db()
    waited = office_a.calendar().working_time_between(asked_at, case.info_supplied_at)
    assert case.state == State.ASSIGNED and case.due_at == office_a.calendar().add_working_time(due, waited)
    assert case.due_at > due
    # Asked once: not again.
    assert "ask_more" not in workflow.offered_actions(case, son)


def test_more_information_is_asked_within_five_working_days_and_answered_by_sms(
    api, client, settings, province, office_a, oanh, son
):
    late = question(province, office_a, oanh, when="09/02/2026 07:00")
    refused = api.as_(son).post(
        f"/api/v1/line/cases/{late.code}/actions/", {"action": "ask_more", "note": "Ở đâu?"}, format="json"
    )
    # 09/02/2026 is long past: the five working days are over.
    assert refused.status_code == 409 and "5" in error_of(refused)["message"]
    assert Case.objects.get(pk=late.pk).state == State.ASSIGNED
    case = workflow.receive(channel=Channel.SMS, text="Hỏi khai sinh?", phone="0912345678", province=province)
    case = workflow.perform(case, "dispatch", actor=oanh, kind=Kind.QUESTION, office=office_a)
    asked = api.as_(son).post(
        f"/api/v1/line/cases/{case.code}/actions/", {"action": "ask_more", "note": "Ở đâu?"}, format="json"
    )
    assert asked.status_code == 200 and asked.json()["state"] == "awaiting_info"
    settings.LINE_SMS_SECRET = "bí mật"
    body = json.dumps({"from": "0912345678", "text": f"{case.code} Ở phường Ba Đình"}).encode()
    signature = hmac.new("bí mật".encode(), body, hashlib.sha256).hexdigest()
    reply = client.post("/line/sms/", body, content_type="application/json", HTTP_X_LINE_SIGNATURE=signature)
    assert reply.status_code == 200
    case.refresh_from_db()
    assert case.state == State.ASSIGNED
    assert case.events.get(action="supply").note == "Ở phường Ba Đình"


def test_the_procedure_sharing_most_of_the_question_s_words_comes_first(province):
    from petitions import classify

    death = ProcedureFactory(code="1.000656", name="Thủ tục đăng ký khai tử")
    birth = ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh")
    ProcedureFactory(code="1.000000", name="Giao đất có thu tiền sử dụng đất")
    found = classify.matching_procedures("Xin hỏi đăng ký khai sinh cho con cần gì, mất bao lâu?")
    assert found[0] == birth and death in found
    assert classify.matching_procedures("   ") == [] and classify.matching_procedures("<script>" * 100) == []

"""The feedback and petitions line: every door opens a case with a code,
acknowledged to the citizen; the switchboard routes it; the office answers
within its limit on the real calendar, transfers it, has it approved where
its leader must; the citizen rates it and may reopen it once; bad input is
answered clearly and changes nothing."""

import datetime as dt
import hashlib
import hmac
import json
from zoneinfo import ZoneInfo

import pytest

from dossiers.errors import NotAllowed, NotPossible
from petitions import workflow
from petitions.models import Case, CaseEvent, Channel, Kind, OfficeLine, State
from portal.models import ApiToken, Membership
from portal.sms import MemoryBackend
from tests.conftest import error_of
from tests.factories import PASSWORD, UserFactory, staff_member

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
    """A switchboard operator of the province."""
    return staff_member("oanh", "Trịnh Thị Oanh", province, Role.OPERATOR)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the SMS and emails) and give the texts sent."""

    class Sent:
        def __call__(self, work):
            with django_capture_on_commit_callbacks(execute=True):
                result = work()
            return result

    return Sent()


def a_case(province, *, text="Xin hỏi làm giấy khai sinh cần gì?", phone="0912345678", when="09/02/2026 07:00", **kw):
    return workflow.receive(channel=Channel.WEB, text=text, phone=phone, province=province, at=at(when), **kw)


# Deadlines on the real calendar ---------------------------------------------------


def test_fifteen_working_days_from_receipt_skip_tet_2026(province, office_a, oanh):
    # Received Monday 09/02/2026 07:00: five working days that week, Tết
    # closes 14–22/02, then 23/02–27/02 and 02/03–06/03: due Friday 06/03 17:00.
    case = a_case(province)
    assert case.due_at == at("06/03/2026 17:00")
    # Routed two days later: the limit still counts from receipt.
    case = workflow.perform(
        case, "dispatch", actor=oanh, kind=Kind.QUESTION, office=office_a, at=at("11/02/2026 10:00")
    )
    assert case.answering_office == office_a and case.state == State.ASSIGNED
    assert case.due_at == at("06/03/2026 17:00")
    # Two working days to route or decline: 09/02 and 10/02.
    assert case.decline_due_at == at("10/02/2026 17:00")


def test_a_transfer_starts_a_fresh_limit_at_the_office_that_receives_it(province, office_a, office_b, oanh, chi):
    case = a_case(province)
    case = workflow.perform(case, "dispatch", actor=oanh, kind=Kind.COMPLAINT, office=office_a)
    # Office A's clerk sends it on, Monday 09/03/2026 07:00: 9–13, 16–20, 23–27/03.
    case = workflow.perform(
        case, "transfer", actor=chi, office=office_b, note="Việc của xã Tây Tựu", at=at("09/03/2026 07:00")
    )
    assert case.answering_office == office_b and case.state == State.ASSIGNED
    assert case.due_at == at("27/03/2026 17:00")
    event = case.events.get(action="transfer")
    assert (event.action, event.details["from_office"], event.details["office"]) == (
        "transfer",
        office_a.code,
        office_b.code,
    )
    # Office A no longer has it: its clerk cannot act on it again.
    with pytest.raises(NotAllowed):
        workflow.perform(case, "transfer", actor=chi, office=office_a, note="Trả lại")


def test_a_transfer_needs_a_reason_and_another_office(province, office_a, oanh, chi):
    case = workflow.perform(a_case(province), "dispatch", actor=oanh, kind=Kind.QUESTION, office=office_a)
    with pytest.raises(workflow.Invalid):
        workflow.perform(case, "transfer", actor=chi, office=office_a, note="")
    with pytest.raises(workflow.Invalid):
        workflow.perform(case, "transfer", actor=chi, office=office_a, note="Nhầm")
    assert Case.objects.get(pk=case.pk).version == case.version


# Answer, approval, rating, reopening ----------------------------------------------------


def test_an_answer_goes_to_the_citizen_by_sms_where_no_approval_is_needed(province, office_a, oanh, son, sent):
    case = sent(lambda: a_case(province))
    ((phone, text),) = MemoryBackend.outbox
    assert phone == "0912345678" and case.code in text
    case = workflow.perform(case, "dispatch", actor=oanh, kind=Kind.QUESTION, office=office_a)
    case = sent(lambda: workflow.perform(case, "answer", actor=son, answer="Mang tờ khai và giấy chứng sinh."))
    assert case.state == State.ANSWERED
    assert "Mang tờ khai" in MemoryBackend.outbox[-1][1]


def test_where_the_leader_approves_the_answer_waits_for_them_and_not_the_drafter(
    province, office_a, oanh, son, hoa, sent
):
    OfficeLine.objects.create(office=office_a, requires_approval=True)
    case = workflow.perform(a_case(province), "dispatch", actor=oanh, kind=Kind.QUESTION, office=office_a)
    case = sent(lambda: workflow.perform(case, "answer", actor=son, answer="Bản nháp"))
    assert case.state == State.AWAITING_APPROVAL
    assert not any("Bản nháp" in text for _phone, text in MemoryBackend.outbox)
    # The specialist may not approve; the leader sends it back, then approves.
    with pytest.raises(NotAllowed):
        workflow.perform(case, "approve", actor=son)
    case = workflow.perform(case, "send_back", actor=hoa, note="Ghi rõ lệ phí")
    assert case.state == State.ASSIGNED
    case = workflow.perform(case, "answer", actor=son, answer="Lệ phí 8.000 đồng.")
    case = sent(lambda: workflow.perform(case, "approve", actor=hoa))
    assert case.state == State.ANSWERED and "8.000" in MemoryBackend.outbox[-1][1]


def test_a_leader_does_not_approve_their_own_draft(province, office_a, oanh, hoa):
    OfficeLine.objects.create(office=office_a, requires_approval=True)
    case = workflow.perform(a_case(province), "dispatch", actor=oanh, kind=Kind.QUESTION, office=office_a)
    case = workflow.perform(case, "answer", actor=hoa, answer="Tự viết")
    with pytest.raises(NotAllowed):
        workflow.perform(case, "approve", actor=hoa)


def _answered(province, office_a, oanh, son, when="02/03/2026 09:00"):
    case = workflow.perform(a_case(province), "dispatch", actor=oanh, kind=Kind.QUESTION, office=office_a)
    return workflow.perform(case, "answer", actor=son, answer="Trả lời", at=at(when))


def test_the_citizen_reopens_once_within_ten_working_days_with_a_fresh_limit(province, office_a, oanh, son):
    case = _answered(province, office_a, oanh, son)
    # Answered Monday 02/03/2026 09:00: ten working days end Monday 16/03 09:00.
    assert case.reopen_until == at("16/03/2026 09:00")
    case = workflow.perform(case, "rate", citizen_proved=True, satisfied=False)
    assert case.state == State.CLOSED and case.is_satisfied is False
    case = workflow.perform(case, "reopen", citizen_proved=True, note="Chưa rõ", at=at("09/03/2026 07:00"))
    assert case.state == State.ASSIGNED and case.due_at == at("27/03/2026 17:00")
    case = workflow.perform(case, "answer", actor=son, answer="Trả lời lần hai", at=at("10/03/2026 09:00"))
    with pytest.raises(NotPossible):
        workflow.perform(case, "reopen", citizen_proved=True, note="Lần nữa")


def test_reopening_after_the_period_is_refused(province, office_a, oanh, son):
    case = _answered(province, office_a, oanh, son)
    with pytest.raises(NotPossible):
        workflow.perform(case, "reopen", citizen_proved=True, note="Muộn", at=at("16/03/2026 09:01"))
    assert Case.objects.get(pk=case.pk).state == State.ANSWERED


def test_only_the_proved_citizen_rates_and_every_change_is_in_the_trail(province, office_a, oanh, son):
    case = _answered(province, office_a, oanh, son)
    with pytest.raises(NotAllowed):
        workflow.perform(case, "rate", satisfied=True)
    workflow.perform(case, "rate", citizen_proved=True, satisfied=True)
    assert list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("action", "from_state", "to_state")) == [
        ("receive", "", "received"),
        ("dispatch", "received", "assigned"),
        ("answer", "assigned", "answered"),
        ("rate", "answered", "closed"),
    ]


# The web door ---------------------------------------------------------------------


def test_the_web_form_gives_a_code_sends_it_by_sms_and_tracks(client, province, office_a, procedure, sent):
    response = sent(
        lambda: client.post(
            f"/line/new/?procedure={procedure.code}&office={office_a.code}",
            {
                "text": "Cán bộ một cửa yêu cầu thêm giấy không có trong quy định",
                "name": "Lan",
                "phone": "0912 345 678",
            },
        )
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.procedure, case.office_concerned, case.kind) == (
        Channel.WEB,
        procedure,
        office_a,
        Kind.COMPLAINT,
    )
    assert case.code in client.get(response["Location"]).content.decode()
    assert case.code in MemoryBackend.outbox[0][1]
    page = client.post("/track/", {"code": case.code.lower(), "phone_last4": "5678"})
    assert page.status_code == 200 and "Received, being routed" in page.content.decode()
    assert client.post("/track/", {"code": case.code, "phone_last4": "0000"}).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "   ", "phone": "0912345678"}, "the message is empty"),
        ({"text": "Đm cán bộ", "phone": "0912345678"}, "insults"),
        ({"text": "Hỏi thủ tục", "phone": "12ab"}, "phone number of 9 to 12 digits"),
        ({"text": "Hỏi thủ tục"}, "Give a phone number or an email"),
    ],
)
def test_bad_input_on_the_web_is_answered_and_nothing_is_kept(client, province, data, message):
    response = client.post("/line/new/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Case.objects.exists()


def test_a_flood_from_one_phone_is_refused_clearly(client, province, settings):
    settings.LINE_SENDER_ATTEMPTS = 2
    for _ in range(2):
        assert client.post("/line/new/", {"text": "Đường hỏng", "phone": "0912345678"}).status_code == 302
    refused = client.post("/line/new/", {"text": "Đường hỏng", "phone": "0912345678"})
    assert refused.status_code == 429 and "was not recorded" in refused.content.decode()
    assert Case.objects.count() == 2


def test_a_signed_in_citizen_sees_their_cases_on_my_dossiers(client, province, lan):
    sign_in(client, lan)
    client.post("/line/new/", {"text": "Đề nghị mở cửa thứ bảy", "phone": "0912345678"})
    page = client.get("/my/").content.decode()
    assert Case.objects.get().code in page and "/line/new/" in page


def test_the_tracked_citizen_rates_and_reopens_on_the_page(client, province, office_a, oanh, son):
    case = _answered(province, office_a, oanh, son, when="07/12/2026 09:00")
    assert client.post(f"/line/track/{case.code}/rate/", {"satisfied": "no"}).status_code == 403
    client.post("/track/", {"code": case.code, "phone_last4": "5678"})
    assert client.post(f"/line/track/{case.code}/rate/", {"satisfied": "no"}).status_code == 200
    assert Case.objects.get(pk=case.pk).state == State.CLOSED
    assert client.post(f"/line/track/{case.code}/reopen/", {"note": ""}).status_code == 400
    assert client.post(f"/line/track/{case.code}/reopen/", {"note": "Chưa trả lời đúng"}).status_code == 200
    assert Case.objects.get(pk=case.pk).state == State.ASSIGNED


# The switchboard ---------------------------------------------------------------------


def test_the_operator_records_a_call_in_two_clicks_and_it_goes_to_the_office(client, province, office_a, oanh, sent):
    assert sign_in(client, UserFactory(username="x")).get("/line/switchboard/").status_code == 403
    sign_in(client, oanh)
    call = {"name": "Phạm Văn Hùng", "phone": "0987654321", "text": "Ở Phường Ba Đình cán bộ có thái độ hách dịch"}
    suggested = client.post("/line/switchboard/", {**call, "suggest": "1"}).content.decode()
    assert 'value="complaint" selected' in suggested and f'value="{office_a.pk}" selected' in suggested
    response = sent(
        lambda: client.post("/line/switchboard/", {**call, "kind": "complaint", "office": office_a.pk, "record": "1"})
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.state, case.answering_office, case.kind) == (
        Channel.PHONE,
        State.ASSIGNED,
        office_a,
        Kind.COMPLAINT,
    )
    assert MemoryBackend.outbox[0][0] == "0987654321" and case.code in MemoryBackend.outbox[0][1]


def test_the_office_answers_through_its_page(client, province, office_a, oanh, son):
    case = workflow.perform(a_case(province), "dispatch", actor=oanh, kind=Kind.QUESTION, office=office_a)
    sign_in(client, son)
    page = client.get(f"/line/cases/{case.code}/")
    assert page.status_code == 200 and case.text in page.content.decode()
    assert client.post(f"/line/cases/{case.code}/answer/", {"version": case.version, "answer": ""}).status_code == 400
    stale = client.post(f"/line/cases/{case.code}/answer/", {"version": case.version - 1, "answer": "X"})
    assert stale.status_code == 409
    done = client.post(f"/line/cases/{case.code}/answer/", {"version": case.version, "answer": "Mang tờ khai."})
    assert done.status_code == 302 and Case.objects.get(pk=case.pk).state == State.ANSWERED


# The SMS door ------------------------------------------------------------------------


def signed(client, settings, payload, secret="bí mật"):
    settings.LINE_SMS_SECRET = "bí mật"
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post("/line/sms/", body, content_type="application/json", HTTP_X_LINE_SIGNATURE=signature)


def test_an_sms_opens_a_case_and_the_reply_carries_its_code(client, settings, province, sent):
    response = sent(lambda: signed(client, settings, {"from": "+84912345678", "text": "Đèn đường ở xóm 3 hỏng"}))
    assert response.status_code == 201
    case = Case.objects.get()
    assert response.json()["case"] == case.code and case.phone == "0912345678" and case.kind == Kind.PROBLEM
    assert case.code in MemoryBackend.outbox[0][1]


def test_an_unsigned_or_wrongly_signed_sms_changes_nothing(client, settings, province):
    assert signed(client, settings, {"from": "0912345678", "text": "Hỏi"}, secret="sai").status_code == 403
    assert client.post("/line/sms/", b"{}", content_type="application/json").status_code == 403
    assert signed(client, settings, {"text": "no sender"}).status_code == 400
    assert signed(client, settings, {"from": "abc", "text": "Hỏi"}).status_code == 400
    assert not Case.objects.exists()


def test_an_sms_with_an_unknown_code_is_told_so_and_nothing_changes(
    client, settings, province, office_a, oanh, son, sent
):
    case = _answered(province, office_a, oanh, son, when="07/12/2026 09:00")
    MemoryBackend.outbox.clear()
    unknown = sent(lambda: signed(client, settings, {"from": "0912345678", "text": "PA-991231-9999 1"}))
    assert unknown.status_code == 404 and "PA-991231-9999" in MemoryBackend.outbox[-1][1]
    # The right code from another phone: the same answer.
    other = signed(client, settings, {"from": "0987000000", "text": f"{case.code} 1"})
    assert other.status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.ANSWERED and Case.objects.count() == 1
    rated = signed(client, settings, {"from": "0912345678", "text": f"{case.code} 2"})
    assert rated.status_code == 200 and Case.objects.get(pk=case.pk).is_satisfied is False


def test_an_sms_flood_is_refused_and_told_once(client, settings, province, sent):
    settings.LINE_SENDER_ATTEMPTS = 2
    for _ in range(2):
        assert signed(client, settings, {"from": "0912345678", "text": "Ngập nước"}).status_code == 201
    MemoryBackend.outbox.clear()
    for _ in range(3):
        assert sent(lambda: signed(client, settings, {"from": "0912345678", "text": "Ngập nước"})).status_code == 429
    assert len(MemoryBackend.outbox) == 1 and "was not recorded" in MemoryBackend.outbox[0][1]
    assert Case.objects.count() == 2


def test_an_empty_sms_is_answered(client, settings, province, sent):
    response = sent(lambda: signed(client, settings, {"from": "0912345678", "text": " "}))
    assert response.status_code == 400 and "empty" in MemoryBackend.outbox[-1][1]


# The API door ----------------------------------------------------------------------------


def test_a_partner_system_opens_a_case_with_its_scope_only(api, province, office_a):
    hotline = UserFactory(username="hotline")
    body = {"text": "Hỏi thủ tục đăng ký kết hôn", "phone": "0912345678", "office": office_a.code}
    assert (
        api.as_(hotline, scopes=[ApiToken.Scope.BIRTH_EVENTS])
        .post("/api/v1/line/cases/", body, format="json")
        .status_code
        == 403
    )
    created = api.as_(hotline, scopes=[ApiToken.Scope.LINE_CASES]).post("/api/v1/line/cases/", body, format="json")
    assert created.status_code == 201, created.json()
    case = Case.objects.get(code=created.json()["code"])
    assert case.channel == Channel.API and case.office_concerned == office_a
    bad = api.as_(hotline, scopes=[ApiToken.Scope.LINE_CASES]).post(
        "/api/v1/line/cases/", {**body, "phone": "x"}, format="json"
    )
    assert bad.status_code == 400 and error_of(bad)["fields"]["phone"]
    empty = api.as_(hotline, scopes=[ApiToken.Scope.LINE_CASES]).post(
        "/api/v1/line/cases/", {**body, "text": ""}, format="json"
    )
    assert empty.status_code == 400 and Case.objects.count() == 1
    assert api.get("/api/v1/line/track/", {"code": case.code, "phone_last4": "5678"}).json()["state"] == "received"


def test_staff_act_through_the_api_with_the_pages_rules(api, province, office_a, office_b, oanh, son, binh):
    case = a_case(province)
    dispatched = api.as_(oanh).post(
        f"/api/v1/line/cases/{case.code}/actions/",
        {"action": "dispatch", "kind": "question", "office": office_a.code},
        format="json",
    )
    assert dispatched.status_code == 200 and dispatched.json()["answering_office"] == office_a.code
    # Another commune's clerk does not see it.
    assert api.as_(binh).get(f"/api/v1/line/cases/{case.code}/").status_code == 404
    assert "answer" in api.as_(son).get(f"/api/v1/line/cases/{case.code}/").json()["actions"]
    empty = api.as_(son).post(f"/api/v1/line/cases/{case.code}/actions/", {"action": "answer"}, format="json")
    assert empty.status_code == 400
    done = api.as_(son).post(
        f"/api/v1/line/cases/{case.code}/actions/", {"action": "answer", "answer": "Có"}, format="json"
    )
    assert done.status_code == 200 and done.json()["state"] == "answered"
    again = api.as_(son).post(
        f"/api/v1/line/cases/{case.code}/actions/", {"action": "answer", "answer": "Có"}, format="json"
    )
    assert again.status_code == 409 and error_of(again)["code"] == "not_possible"


# Conduct complaints ---------------------------------------------------------------------


def test_a_complaint_about_a_named_officer_is_hidden_from_them_and_the_caller_from_colleagues(
    client, api, province, office_a, oanh, chi, son, hoa, tuan
):
    case = a_case(province, text="Chị Chi ở bộ phận một cửa có thái độ hách dịch", phone="0911222333")
    case = workflow.perform(case, "dispatch", actor=oanh, kind=Kind.COMPLAINT, office=office_a, named_officer=chi)
    # The officer named: no case, on the page, in the queue or through the API; no action either.
    assert sign_in(client, chi).get(f"/line/cases/{case.code}/").status_code == 404
    assert case.code not in client.get("/line/cases/").content.decode()
    assert api.as_(chi).get(f"/api/v1/line/cases/{case.code}/").status_code == 404
    with pytest.raises(NotAllowed):
        workflow.perform(case, "answer", actor=chi, answer="Tôi không sai")
    # A colleague answers it without learning who complained.
    page = sign_in(client, son).get(f"/line/cases/{case.code}/").content.decode()
    assert "0911222333" not in page and "Withheld" in page
    assert api.as_(son).get(f"/api/v1/line/cases/{case.code}/").json()["phone"] == ""
    # The office's leader and the province's supervisor see who it was.
    for who in (hoa, tuan):
        assert api.as_(who).get(f"/api/v1/line/cases/{case.code}/").json()["phone"] == "0911222333"
    assert "0911222333" in sign_in(client, oanh).get(f"/line/cases/{case.code}/").content.decode()


def test_a_named_officer_is_kept_only_on_a_complaint(province, office_a, oanh, chi):
    case = workflow.perform(
        a_case(province), "dispatch", actor=oanh, kind=Kind.QUESTION, office=office_a, named_officer=chi
    )
    assert case.named_officer is None


# Suggestions ---------------------------------------------------------------------------------


def test_the_type_procedure_and_office_are_suggested_from_the_words(province, office_a, office_b):
    from petitions import classify
    from tests.factories import ProcedureFactory

    marriage = ProcedureFactory(code="1.000894", name="Thủ tục đăng ký kết hôn")
    ProcedureFactory(code="1.000000", name="Giao đất có thu tiền sử dụng đất")
    said = classify.suggest("Cán bộ một cửa xã Tây Tựu có thái độ hách dịch khi tôi đăng ký kết hôn", province)
    assert (said.kind, said.procedure, said.office) == (Kind.COMPLAINT, marriage, office_b)
    said = classify.suggest("Đèn đường trước nhà văn hoá bị hỏng", province)
    assert (said.kind, said.procedure, said.office) == (Kind.PROBLEM, None, None)
    assert classify.suggest("Đăng ký kết hôn cần mang gì?", province).kind == Kind.QUESTION

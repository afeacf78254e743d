"""Results and dossiers by post: the VNPost item number, the hand-over of a
result to the postal service (page and API, one rule), what the dossier
shows afterwards, the "to send by post" queue, the envelope label and the
hand-over list read back from the PDF, a dossier received by post at the
intake, and the report's "by post" column against the recount."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from dossiers import postal, queues
from dossiers.errors import Invalid
from dossiers.models import Dossier, DossierEvent, State
from dossiers.workflow import perform
from portal.models import Membership
from reports import recount, stats
from tests.conftest import at, error_of
from tests.factories import PASSWORD, applicant, received_dossier, staff_member

pytestmark = pytest.mark.usefixtures("vn_holidays")

ITEM = "EB123456785VN"  # check digit worked out in the first test
OTHER_ITEM = "RR473124829VN"  # serial 47312482: 4·8+7·6+3·4+1·2+2·3+4·5+8·9+2·7 = 200; 11 - 200 mod 11 = 9
ADDRESS = "Số 5 ngõ 12 phố Kim Mã, phường Ngọc Hà, Hà Nội"


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def stamped(procedure, office, chi, son, hoa, *, delivery="post", name=None):
    """A result ready at office A, to go back by post (or at the counter)."""
    dossier = received_dossier(
        procedure,
        office,
        chi,
        name=name,
        delivery=delivery,
        delivery_address=ADDRESS if delivery == "post" else "",
    )
    dossier = perform(dossier, "appraise", actor=son)
    dossier = perform(dossier, "approve", actor=hoa)
    return perform(dossier, "stamp", actor=chi)


def trace(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return dossier.state, dossier.version, dossier.postal_item_number, dossier.posted_on, dossier.events.count()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def posted_result(procedure, office_a, chi, son, hoa):
    return stamped(procedure, office_a, chi, son, hoa)


# The item number (S10) ----------------------------------------------------------------------


def test_a_vnpost_item_number_is_checked_by_its_s10_check_digit():
    # EB 12345678 5 VN: 1·8+2·6+3·4+4·2+5·3+6·5+7·9+8·7 = 204; 204 mod 11 = 6; 11 - 6 = 5.
    assert postal.check_digit("12345678") == 5
    assert postal.problem(ITEM) == "" and postal.problem(OTHER_ITEM) == ""
    assert postal.normalise(" eb 123-456-785 vn ") == ITEM
    assert "does not check out" in postal.problem("EB123456784VN")  # one digit mistyped
    assert "13 characters" in postal.problem("EB12345678VN")  # one digit short
    assert "13 characters" in postal.problem("EB123456785US")  # not a VNPost item
    assert "13 characters" in postal.problem("1234567890123")
    assert "Give the postal item number" in postal.problem("")


# The hand-over, in the domain ------------------------------------------------------------


def test_handing_a_result_to_the_postal_service_returns_it_with_the_item_and_the_day(posted_result, chi):
    dossier = perform(posted_result, "return", actor=chi, postal_item=" eb123456785vn ")
    assert dossier.state == State.RETURNED
    assert dossier.postal_item_number == ITEM and dossier.posted_on == timezone.localdate()
    event = dossier.events.last()
    assert event.action == "return" and event.actor == chi
    assert event.details == {"postal_item_number": ITEM, "posted_on": timezone.localdate().isoformat()}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Give the postal item number"),
        ({"postal_item": "EB123456784VN"}, "does not check out"),
        ({"postal_item": "<script>"}, "13 characters"),
        ({"postal_item": ITEM, "posted_on": dt.date(2099, 1, 1)}, "cannot be in the future"),
        ({"postal_item": ITEM, "posted_on": dt.date(2020, 1, 1)}, "cannot have been handed over before"),
    ],
)
def test_a_result_by_post_is_not_returned_without_a_good_item_number_and_day(posted_result, chi, fields, message):
    before = trace(posted_result)
    with pytest.raises(Invalid) as refused:
        perform(posted_result, "return", actor=chi, **fields)
    assert message in refused.value.message
    assert trace(posted_result) == before


def test_an_item_number_is_recorded_for_one_result_only(procedure, office_a, chi, son, hoa):
    first = stamped(procedure, office_a, chi, son, hoa)
    second = stamped(procedure, office_a, chi, son, hoa)
    perform(first, "return", actor=chi, postal_item=ITEM)
    before = trace(second)
    with pytest.raises(Invalid) as refused:
        perform(second, "return", actor=chi, postal_item=ITEM)
    assert "already recorded for another dossier" in refused.value.message
    assert trace(second) == before


def test_a_result_collected_at_the_counter_takes_no_item_number(procedure, office_a, chi, son, hoa):
    dossier = stamped(procedure, office_a, chi, son, hoa, delivery="counter")
    before = trace(dossier)
    with pytest.raises(Invalid) as refused:
        perform(dossier, "return", actor=chi, postal_item=ITEM)
    assert "is not sent by post" in refused.value.message
    assert trace(dossier) == before
    assert perform(dossier, "return", actor=chi).postal_item_number == ""


def test_only_the_hand_over_carries_an_item_number(procedure, office_a, chi, son):
    dossier = received_dossier(procedure, office_a, chi, delivery="post", delivery_address=ADDRESS)
    with pytest.raises(Invalid):
        perform(dossier, "appraise", actor=son, postal_item=ITEM)
    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED


# Through the page and through the API ------------------------------------------------------


def test_the_counter_records_the_hand_over_on_the_dossier_page(client, posted_result, chi):
    sign_in(client, chi)
    page = client.get(posted_result.get_absolute_url()).content.decode()
    assert "Hand over to the postal service" in page and 'name="postal_item_number"' in page
    assert f"/counter/dossiers/{posted_result.code}/post-label/" in page
    before = trace(posted_result)
    url = f"/counter/dossiers/{posted_result.code}/act/"
    bad = client.post(url, {"action": "return", "version": posted_result.version, "postal_item_number": "EB1"})
    assert bad.status_code == 400 and "13 characters" in bad.content.decode()
    assert trace(posted_result) == before
    done = client.post(
        url,
        {"action": "return", "version": posted_result.version, "postal_item_number": ITEM, "posted_on": ""},
        follow=True,
    )
    page = done.content.decode()
    assert "Handed over to the postal service" in page and "Sent by post" in page and ITEM in page
    assert Dossier.objects.get(pk=posted_result.pk).state == State.RETURNED


def test_the_api_hands_a_result_over_to_the_postal_service(api, posted_result, chi, procedure, office_a, son, hoa):
    url = f"/api/v1/dossiers/{posted_result.code}/transitions/"
    before = trace(posted_result)
    for fields, status, message in (
        ({}, 400, "Give the postal item number"),
        ({"postal_item_number": "EB123456784VN"}, 400, "does not check out"),
        ({"postal_item_number": ITEM, "posted_on": "2099-01-01"}, 400, "cannot be in the future"),
        ({"postal_item_number": ITEM, "posted_on": "hôm qua"}, 400, ""),
        ({"postal_item_number": "x" * 41}, 400, ""),
    ):
        refused = api.as_(chi).post(url, {"action": "return", **fields}, format="json")
        assert refused.status_code == status, refused.json()
        assert message in error_of(refused)["message"] or not message
        assert trace(posted_result) == before
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    if posted_result.finished_at and timezone.localdate(posted_result.finished_at) > yesterday:
        yesterday = timezone.localdate()
    done = api.as_(chi).post(
        url, {"action": "return", "postal_item_number": ITEM, "posted_on": yesterday.isoformat()}, format="json"
    )
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["state"] == "returned" and body["postal_item_number"] == ITEM
    assert body["posted_on"] == yesterday.isoformat()
    # A result collected at the counter: refused with the reason, nothing changes.
    counter = stamped(procedure, office_a, chi, son, hoa, delivery="counter")
    before = trace(counter)
    refused = api.as_(chi).post(
        f"/api/v1/dossiers/{counter.code}/transitions/",
        {"action": "return", "postal_item_number": OTHER_ITEM},
        format="json",
    )
    assert refused.status_code == 400 and "is not sent by post" in error_of(refused)["message"]
    assert trace(counter) == before


def test_the_citizen_and_the_public_tracking_see_the_tracking_number(
    client, api, procedure, office_a, chi, son, hoa, lan
):
    dossier = stamped(procedure, office_a, chi, son, hoa)
    Dossier.objects.filter(pk=dossier.pk).update(citizen=lan)
    perform(dossier, "return", actor=chi, postal_item=ITEM)
    own = sign_in(client, lan).get(f"/my/dossiers/{dossier.code}/")
    assert own.status_code == 200 and "Sent by post" in own.content.decode() and ITEM in own.content.decode()
    client.logout()
    tracked = client.post("/track/", {"code": dossier.code, "phone_last4": "5678"})
    assert tracked.status_code == 200 and ITEM in tracked.content.decode()
    body = api.get("/api/v1/track/", {"code": dossier.code, "phone_last4": "5678"}).json()
    assert body["postal_item_number"] == ITEM and body["posted_on"] == timezone.localdate().isoformat()
    detail = api.as_(lan).get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert detail["postal_item_number"] == ITEM and detail["delivery"] == "post"


# The queue -------------------------------------------------------------------------------------


def test_the_to_send_by_post_queue_gathers_stamped_results_by_post_not_yet_handed_over(
    client, procedure, office_a, office_b, chi, son, hoa, binh
):
    by_post = stamped(procedure, office_a, chi, son, hoa, name="Ngô Văn Bưu")
    at_counter = stamped(procedure, office_a, chi, son, hoa, delivery="counter")
    sent = stamped(procedure, office_a, chi, son, hoa)
    perform(sent, "return", actor=chi, postal_item=OTHER_ITEM)
    received_dossier(procedure, office_a, chi, delivery="post", delivery_address=ADDRESS)  # not decided yet
    received_dossier(procedure, office_b, binh, delivery="post", delivery_address=ADDRESS)  # another commune's

    in_queue = [d.code for d in queues.dossiers_in(queues.BY_SLUG["to_post"], office_a)]
    assert in_queue == [by_post.code]
    assert [d.code for d in queues.dossiers_in(queues.BY_SLUG["to_return"], office_a)] == [at_counter.code]
    counts = queues.counts(office_a)
    assert counts["to_post"] == 1 and counts["to_return"] == 1

    sign_in(client, chi)
    workspace = client.get("/counter/")
    tiles = {tile["queue"].slug: tile["count"] for tile in workspace.context["tiles"]}
    assert tiles["to_post"] == 1 and "To send by post" in workspace.content.decode()
    listed = client.get("/counter/queue/to_post/").content.decode()
    assert by_post.code in listed and ADDRESS in listed and at_counter.code not in listed
    assert 'name="paper" value="labels"' in listed and 'name="day"' in listed
    # Handed over from the queue: it leaves it.
    client.post(
        f"/counter/dossiers/{by_post.code}/act/",
        {"action": "return", "version": Dossier.objects.get(pk=by_post.pk).version, "postal_item_number": ITEM},
    )
    assert queues.counts(office_a)["to_post"] == 0


def test_a_result_by_post_is_never_handed_back_in_a_batch(api, procedure, office_a, chi, son, hoa):
    dossier = stamped(procedure, office_a, chi, son, hoa)
    answer = api.as_(chi).post(
        "/api/v1/dossiers/batch/",
        {
            "office": office_a.code,
            "queue": "to_return",
            "action": "return",
            "dossiers": [{"code": dossier.code, "version": dossier.version}],
        },
        format="json",
    )
    assert answer.status_code == 409  # not in "results to hand back": it waits in "to send by post"
    assert Dossier.objects.get(pk=dossier.pk).state == State.STAMPED


# The papers (PDF) -------------------------------------------------------------------------------


def test_the_envelope_label_names_recipient_address_phone_code_and_sender(client, posted_result, chi, office_a):
    response = sign_in(client, chi).get(f"/counter/dossiers/{posted_result.code}/post-label/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "NGUYỄN THỊ LAN" in text  # the recipient's name stands out in capitals
    assert "Kim Mã" in text and "0912345678" in text and posted_result.code in text
    assert office_a.name.upper() in text
    counter = client.get(f"/counter/dossiers/{posted_result.code}/post-label/".replace(posted_result.code, "nope"))
    assert counter.status_code == 404


def test_a_result_collected_at_the_counter_has_no_envelope_label(client, procedure, office_a, chi, son, hoa):
    dossier = stamped(procedure, office_a, chi, son, hoa, delivery="counter")
    assert sign_in(client, chi).get(f"/counter/dossiers/{dossier.code}/post-label/").status_code == 404


def test_the_hand_over_list_of_a_selection_numbers_its_rows_with_two_signatures(
    client, procedure, office_a, chi, son, hoa
):
    office_a.language = "vi"  # the paper speaks the office's language
    office_a.save(update_fields=["language"])
    first = stamped(procedure, office_a, chi, son, hoa, name="Ngô Văn Bưu")
    second = stamped(procedure, office_a, chi, son, hoa, name="Đặng Thị Chính")
    perform(second, "return", actor=chi, postal_item=OTHER_ITEM)
    response = sign_in(client, chi).get(
        "/counter/post/papers/", {"paper": "list", "dossier": [first.code, second.code]}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "BÀN GIAO" in text and "BƯU CHÍNH" in text
    flat = text.replace("\n", "")  # a long code may wrap in its cell
    assert first.code in flat and second.code in flat and OTHER_ITEM in flat
    assert flat.index(first.code) < flat.index(second.code)
    assert "Ngô Văn Bưu" in text and "Đặng Thị Chính" in text and "Kim Mã" in text
    assert "NHÂN VIÊN BƯU CHÍNH" in text and "Trần Thị Chi" in text  # both signature blocks
    assert "Tổng cộng: 2" in text
    labels = client.get("/counter/post/papers/", {"paper": "labels", "dossier": [first.code, second.code]})
    assert len(PdfReader(io.BytesIO(labels.content)).pages) == 2


def test_the_days_hand_over_list_holds_what_was_handed_over_that_day(client, procedure, office_a, chi, son, hoa):
    dossiers = [stamped(procedure, office_a, chi, son, hoa) for _ in range(2)]
    waiting = stamped(procedure, office_a, chi, son, hoa)
    for dossier, item in zip(dossiers, (ITEM, OTHER_ITEM), strict=True):
        perform(dossier, "return", actor=chi, postal_item=item)
    today = timezone.localdate()
    response = sign_in(client, chi).get("/counter/post/handover/", {"day": today.isoformat()})
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert ITEM in text and OTHER_ITEM in text and waiting.code not in text
    assert today.strftime("%d/%m/%Y") in text
    empty = pdf_text(client.get("/counter/post/handover/", {"day": "2026-01-05"}).content)
    assert ITEM not in empty


@pytest.mark.parametrize(
    ("url", "query", "message"),
    [
        ("/counter/post/papers/", {"paper": "list"}, "Tick at least one dossier"),
        ("/counter/post/papers/", {"paper": "poster", "dossier": "X"}, "Choose the envelope labels"),
        ("/counter/post/papers/", {"paper": "labels", "dossier": "000.00.00.H00-260101-0001"}, "Not a result"),
        ("/counter/post/papers/", {"paper": "labels", "dossier": ["A"] * 1 + [str(n) for n in range(300)]}, "at most"),
        ("/counter/post/handover/", {"day": "31/02/2026"}, "Give the day as a date"),
        ("/counter/post/handover/", {"day": "2099-01-01"}, "Choose a day that has come"),
    ],
)
def test_a_wrong_request_for_the_post_papers_prints_nothing_and_says_why(client, chi, office_a, url, query, message):
    response = sign_in(client, chi).get(url, query)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_another_communes_result_is_not_printed(client, procedure, office_a, office_b, chi, binh, son, hoa):
    ours = stamped(procedure, office_a, chi, son, hoa)
    response = sign_in(client, binh).get("/counter/post/papers/", {"paper": "labels", "dossier": ours.code})
    assert response.status_code == 400 and ours.code in response.content.decode()
    assert sign_in(client, binh).get(f"/counter/dossiers/{ours.code}/post-label/").status_code == 404


# Received by post ------------------------------------------------------------------------------


def test_the_intake_records_a_dossier_received_by_post_with_its_item_number(client, procedure, office_a, chi):
    sign_in(client, chi)
    url = f"/counter/intake/{procedure.code}/"
    form = client.get(url).content.decode()
    assert 'name="channel"' in form and 'name="incoming_item_number"' in form
    data = {**applicant(), "delivery": "post", "delivery_address": ADDRESS, "documents": ["1"], "channel": "post"}
    missing = client.post(url, data)
    assert missing.status_code == 400 and "Give the postal item number" in missing.content.decode()
    wrong = client.post(url, {**data, "incoming_item_number": "EB123456784VN"})
    assert wrong.status_code == 400 and "does not check out" in wrong.content.decode()
    in_person = client.post(url, {**data, "channel": "in_person", "incoming_item_number": ITEM})
    assert in_person.status_code == 400 and "Only a dossier received by post" in in_person.content.decode()
    assert not Dossier.objects.exists()
    done = client.post(url, {**data, "incoming_item_number": "eb 123456785 vn"})
    assert done.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.channel == "post" and dossier.incoming_item_number == ITEM and dossier.state == State.RECEIVED
    assert DossierEvent.objects.get(dossier=dossier, action="submit").details["incoming_item_number"] == ITEM
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Came in the postal item" in page and ITEM in page


def test_the_api_records_a_dossier_received_by_post_with_its_item_number(api, chi, lan, procedure, office_a):
    walk_in = {
        "procedure": procedure.code,
        "office": office_a.code,
        "received_documents": [1],
        "applicant": applicant(),
        "channel": "post",
    }
    refused = api.as_(chi).post("/api/v1/dossiers/", walk_in, format="json")
    assert refused.status_code == 400 and "Give the postal item number" in error_of(refused)["message"]
    refused = api.as_(chi).post(
        "/api/v1/dossiers/", {**walk_in, "channel": "in_person", "incoming_item_number": ITEM}, format="json"
    )
    assert refused.status_code == 400 and "Only a dossier received by post" in error_of(refused)["message"]
    online = api.as_(lan).post(
        "/api/v1/dossiers/",
        {"procedure": procedure.code, "office": office_a.code, "incoming_item_number": ITEM},
        format="json",
    )
    assert online.status_code == 400 and "incoming_item_number" in error_of(online)["fields"]
    assert not Dossier.objects.exists()
    made = api.as_(chi).post("/api/v1/dossiers/", {**walk_in, "incoming_item_number": ITEM}, format="json")
    assert made.status_code == 201, made.json()
    whole = api.as_(chi).get(made.json()["links"]["self"]).json()
    assert whole["incoming_item_number"] == ITEM and Dossier.objects.get().channel == "post"


# The report ------------------------------------------------------------------------------------


def test_the_report_counts_dossiers_received_by_post_in_their_own_column(procedure, office_a, chi, monkeypatch):
    for day, channel, item in (
        ("12/01/2026", "post", ITEM),
        ("13/01/2026", "post", OTHER_ITEM),
        ("13/01/2026", "in_person", ""),
    ):
        received_dossier(procedure, office_a, chi, channel=channel, incoming_item_number=item, at=at(day))
    today = dt.date(2026, 1, 31)
    period = stats.Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    report = stats.report(period, [office_a], today=today)
    recounted = recount.naive_report(period, [office_a], today=today)
    assert report.total.counts["received_post"] == 2 and report.total.counts["received_in_person"] == 1
    assert report.total.counts["received"] == 3
    assert report.total.counts == recounted.total.counts
    posted = recount.dossiers_for("received_post", period, Dossier.objects.all(), today=today)
    assert {d.incoming_item_number for d in posted} == {ITEM, OTHER_ITEM}


def test_a_result_by_post_settled_on_the_spot_waits_for_the_postal_service(client, procedure, office_a):
    procedure.is_simple = True
    procedure.save()
    office_a.settles_on_the_spot = True
    office_a.save()
    hung = staff_member("hung", "Ngô Văn Hùng", office_a, Membership.Role.CLERK)
    for role in (Membership.Role.SPECIALIST, Membership.Role.APPROVER):
        Membership.objects.create(user=hung, office=office_a, role=role)
    dossier = received_dossier(procedure, office_a, hung, delivery="post", delivery_address=ADDRESS)
    response = sign_in(client, hung).post(
        f"/counter/dossiers/{dossier.code}/on-the-spot/", {"version": dossier.version}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.STAMPED and dossier.postal_item_number == ""
    assert "waits in “To send by post”" in client.get(response["Location"]).content.decode()
    assert [d.code for d in queues.dossiers_in(queues.BY_SLUG["to_post"], office_a)] == [dossier.code]

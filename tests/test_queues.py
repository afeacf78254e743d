"""The counter's queues: how long online submissions have waited, the next
dossier in a queue, and approving, stamping and handing over several at once."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from dossiers import waiting
from dossiers.actions import BATCH, CONFIRMATION_REQUIRED, NOTE_REQUIRED, STOPPING
from dossiers.models import Dossier, DossierEvent, State
from dossiers.workflow import perform
from portal.calendar import Calendar
from portal.models import Membership
from tests.conftest import error_of
from tests.factories import PASSWORD, received_dossier, submitted_online

pytestmark = pytest.mark.usefixtures("vn_holidays")

HCM = timezone.get_default_timezone()
Role = Membership.Role


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.strptime(f"{day} {time}", "%d/%m/%Y %H:%M").replace(tzinfo=HCM)


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def now_is(monkeypatch, moment):
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


# The waiting-time rule, worked out by hand (07:00–11:30, 13:30–17:00) ------------------

WEEK = Calendar()  # Monday to Friday, no holidays: the rule alone


def test_a_friday_afternoon_submission_seen_on_monday_morning_has_waited_three_working_hours():
    # Friday 16:00–17:00, then Monday 07:00–09:00.
    wait = waiting.waited(WEEK, at("09/01/2026", "16:00"), at("12/01/2026", "09:00"))
    assert wait == dt.timedelta(hours=3)
    assert not waiting.is_long(wait)
    with translation.override("en"):
        assert waiting.describe(wait) == "3 working hours"


def test_a_day_and_a_half_reads_with_the_languages_decimal_mark():
    # Thursday 07:00 to Friday 11:00: 8 hours, then 4 hours.
    wait = waiting.waited(WEEK, at("08/01/2026", "07:00"), at("09/01/2026", "11:00"))
    assert wait == dt.timedelta(hours=12) and waiting.is_long(wait)
    with translation.override("en"):
        assert waiting.describe(wait) == "1.5 working days"
    with translation.override("vi"):
        assert waiting.describe(wait) == "1,5 ngày làm việc"
    with translation.override("en"):
        assert waiting.describe(dt.timedelta(hours=8)) == "1 working day"
        assert waiting.describe(dt.timedelta(minutes=25)) == "25 working minutes"
        assert waiting.describe(dt.timedelta(hours=1, minutes=30)) == "1.5 working hours"


def test_only_a_dossier_still_submitted_is_waiting_for_the_counter():
    sent = at("09/01/2026", "16:00")
    assert waiting.since(State.SUBMITTED, sent) == sent
    assert waiting.since(State.RECEIVED, sent) is None
    assert waiting.waited(WEEK, None, sent) is None


def test_half_a_working_day_before_monday_0900_is_friday_1500():
    # Monday 07:00–09:00 gives 2 hours; the other 2 end Friday at 15:00.
    cutoff = waiting.waiting_since(WEEK, at("12/01/2026", "09:00"), waiting.LONG_WAIT)
    assert cutoff == at("09/01/2026", "15:00")


def test_a_wait_of_exactly_half_a_day_is_not_long_and_the_night_adds_nothing():
    # Monday 07:00–11:00 is exactly 4 hours: whatever came after Friday's
    # closing has waited 4 hours, not more; Friday 16:59 has waited longer.
    cutoff = waiting.waiting_since(WEEK, at("12/01/2026", "11:00"), waiting.LONG_WAIT)
    assert cutoff == at("09/01/2026", "17:00")
    assert waiting.waited(WEEK, at("09/01/2026", "17:30"), at("12/01/2026", "11:00")) == dt.timedelta(hours=4)


# The queues' pages and the API ---------------------------------------------------------


@pytest.fixture
def friday_submissions(procedure, office_a, lan):
    """Three online dossiers sent on Friday 09/01/2026, the last first."""
    return [
        submitted_online(procedure, office_a, lan, at=at("09/01/2026", time)) for time in ("16:30", "14:00", "10:00")
    ]


def test_online_submissions_are_listed_oldest_first_with_how_long_each_has_waited(
    client, api, monkeypatch, friday_submissions, chi
):
    late, middle, early = friday_submissions
    now_is(monkeypatch, at("12/01/2026", "09:00"))
    page = sign_in(client, chi).get("/counter/queue/to_check/")
    rows = page.context["rows"]
    assert [row["dossier"].code for row in rows] == [early.code, middle.code, late.code]
    # 10:00 → 1,5 + 3,5 + 2 = 7 hours; 14:00 → 3 + 2 = 5 hours; 16:30 → 0,5 + 2 = 2,5 hours.
    assert [row["waited"] for row in rows] == [dt.timedelta(hours=h) for h in (7, 5, 2.5)]
    html = page.content.decode()
    assert "waiting 7 working hours" in html and "waiting 2.5 working hours" in html
    assert "16:30 09/01/2026" in html  # when it was submitted
    # The API says the same of the same dossier.
    answer = api.as_(chi).get(f"/api/v1/dossiers/{early.code}/")
    assert answer.json()["waiting_seconds"] == 7 * 3600
    listed = {d["code"]: d["waiting_seconds"] for d in api.as_(chi).get("/api/v1/dossiers/").json()["results"]}
    assert listed == {early.code: 7 * 3600, middle.code: 5 * 3600, late.code: 2.5 * 3600}


def test_the_workspace_counts_online_dossiers_waiting_over_half_a_day_and_lists_exactly_those(
    client, monkeypatch, friday_submissions, chi, procedure, office_a
):
    _late, middle, early = friday_submissions
    received_dossier(procedure, office_a, chi, at=at("09/01/2026", "08:00"))  # received: not waiting
    now_is(monkeypatch, at("12/01/2026", "09:00"))
    counts = {tile["queue"].slug: tile["count"] for tile in sign_in(client, chi).get("/counter/").context["tiles"]}
    assert counts["to_check"] == 3
    assert counts["waiting_long"] == 2  # 7 and 5 hours; the 16:30 one has waited 2,5
    listed = client.get("/counter/queue/waiting_long/").context["rows"]
    assert [row["dossier"].code for row in listed] == [early.code, middle.code]
    assert all(row["waited_long"] for row in listed)


def test_after_tet_the_days_off_do_not_count_as_waiting(client, monkeypatch, procedure, office_a, lan, chi):
    # Tết 2026: closed Saturday 14/02 to Sunday 22/02.
    sent = submitted_online(procedure, office_a, lan, at=at("13/02/2026", "16:00"))
    now_is(monkeypatch, at("23/02/2026", "09:00"))
    rows = sign_in(client, chi).get("/counter/queue/to_check/").context["rows"]
    assert [(row["dossier"].code, row["waited"]) for row in rows] == [(sent.code, dt.timedelta(hours=3))]


# Next in queue ---------------------------------------------------------------------------


@pytest.fixture
def to_approve(procedure, office_a, chi, son):
    """Three appraised dossiers, due in the order made."""
    made = []
    for day in ("12/01/2026", "13/01/2026", "14/01/2026"):
        dossier = received_dossier(procedure, office_a, chi, at=at(day, "09:00"))
        made.append(perform(dossier, "appraise", actor=son, at=at(day, "10:00")))
    return made


def test_after_approving_the_approver_lands_on_the_next_dossier_of_the_queue(client, to_approve, hoa):
    first, second, third = to_approve
    sign_in(client, hoa)
    page = client.get(f"{second.get_absolute_url()}?queue=to_approve")
    assert page.context["in_queue"]["next"] == third
    assert 'name="queue" value="to_approve"' in page.content.decode()
    answer = client.post(
        f"/counter/dossiers/{second.code}/act/", {"action": "approve", "version": second.version, "queue": "to_approve"}
    )
    assert answer.status_code == 302 and answer["Location"] == f"{third.get_absolute_url()}?queue=to_approve"
    # The last one leads back to the first still waiting, then to the empty list.
    answer = client.post(
        f"/counter/dossiers/{third.code}/act/", {"action": "approve", "version": third.version, "queue": "to_approve"}
    )
    assert answer["Location"] == f"{first.get_absolute_url()}?queue=to_approve"
    answer = client.post(
        f"/counter/dossiers/{first.code}/act/",
        {"action": "approve", "version": first.version, "queue": "to_approve"},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == "/counter/queue/to_approve/"
    assert "Nothing else is waiting in “To approve”." in answer.content.decode()
    assert set(Dossier.objects.values_list("state", flat=True)) == {State.APPROVED}


def test_without_a_queue_the_clerk_stays_on_the_dossier(client, to_approve, hoa):
    dossier = to_approve[0]
    answer = sign_in(client, hoa).post(
        f"/counter/dossiers/{dossier.code}/act/", {"action": "approve", "version": dossier.version, "queue": "nonsense"}
    )
    assert answer["Location"] == dossier.get_absolute_url()


# Batch actions ---------------------------------------------------------------------------


def ticked(*dossiers):
    return [f"{d.code}:{d.version}" for d in dossiers]


def test_only_forward_actions_that_need_no_reason_are_batched():
    assert set(BATCH) == {"approve", "stamp", "return"}
    assert not set(BATCH) & (set(STOPPING) | set(NOTE_REQUIRED) | set(CONFIRMATION_REQUIRED))


def test_approving_several_at_once_each_by_the_write_path_with_a_summary(
    client, to_approve, hoa, son, procedure, office_a, chi
):
    first, second, third = to_approve
    # Hoa appraised this one herself: the four-eyes rule keeps her decision off it.
    Membership.objects.create(user=hoa, office=office_a, role=Role.SPECIALIST)
    own = perform(received_dossier(procedure, office_a, chi), "appraise", actor=hoa)
    stale = ticked(third)[0].replace(f":{third.version}", f":{third.version - 1}")  # an older page
    page = sign_in(client, hoa).get("/counter/queue/to_approve/")
    assert page.context["batch"]["action"] == "approve"
    assert 'type="checkbox" name="dossier"' in page.content.decode()
    answer = client.post(
        "/counter/queue/to_approve/batch/", {"action": "approve", "dossier": [*ticked(first, second, own), stale]}
    )
    assert answer.status_code == 200
    summary = answer.context["summary"]
    assert [d.code for d in summary.done] == [first.code, second.code]
    refused = {dossier.code: error for dossier, error in summary.refused}
    assert set(refused) == {third.code, own.code}
    assert refused[own.code].code == "forbidden" and refused[third.code].code == "conflict"
    html = answer.content.decode()
    assert "2 of 4 dossiers done" in html and refused[own.code].message in html
    states = dict(Dossier.objects.values_list("code", "state"))
    assert states == {first.code: "approved", second.code: "approved", third.code: "appraised", own.code: "appraised"}
    # One audited transition each.
    assert DossierEvent.objects.filter(action="approve", actor=hoa).count() == 2


def test_stamping_then_handing_over_several_at_once(client, to_approve, hoa, chi):
    for dossier in to_approve:
        perform(dossier, "approve", actor=hoa)
    sign_in(client, chi)
    fresh = list(Dossier.objects.order_by("pk"))
    answer = client.post("/counter/queue/to_stamp/batch/", {"action": "stamp", "dossier": ticked(*fresh)})
    assert len(answer.context["summary"].done) == 3
    fresh = list(Dossier.objects.order_by("pk"))
    assert {d.state for d in fresh} == {State.STAMPED}
    answer = client.post("/counter/queue/to_return/batch/", {"action": "return", "dossier": ticked(*fresh)})
    assert len(answer.context["summary"].done) == 3 and not answer.context["summary"].refused
    assert {d.state for d in Dossier.objects.all()} == {State.RETURNED}


@pytest.mark.parametrize(
    ("queue", "action", "pick", "status", "says"),
    [
        ("to_approve", "approve", lambda own, other, received: [], 400, "Tick at least one dossier."),
        ("to_approve", "reject", lambda own, other, received: ticked(own), 400, "cannot be taken on several"),
        ("to_approve", "stamp", lambda own, other, received: ticked(own), 400, "cannot be taken on several"),
        ("to_check", "receive", lambda own, other, received: ticked(own), 400, "cannot be taken on several"),
        ("to_approve", "approve", lambda own, other, received: ["NO-SUCH:1"], 400, "There is no dossier NO-SUCH"),
        ("to_approve", "approve", lambda own, other, received: [*ticked(own), "garbage"], 400, "not one this page"),
        ("to_approve", "approve", lambda own, other, received: ticked(own, other), 400, "There is no dossier"),
        ("to_approve", "approve", lambda own, other, received: ticked(own, received), 409, "no longer in"),
    ],
    ids=["empty", "reject", "other-action", "not-batched-queue", "unknown", "malformed", "other-office", "wrong-state"],
)
def test_a_bad_selection_changes_nothing_and_says_why(
    client, to_approve, hoa, procedure, office_a, office_b, binh, chi, queue, action, pick, status, says
):
    other = received_dossier(procedure, office_b, binh)
    received = received_dossier(procedure, office_a, chi)
    before = dict(Dossier.objects.values_list("code", "version"))
    events = DossierEvent.objects.count()
    answer = sign_in(client, hoa).post(
        f"/counter/queue/{queue}/batch/", {"action": action, "dossier": pick(to_approve[0], other, received)}
    )
    assert answer.status_code == status
    assert says in answer.content.decode()
    assert dict(Dossier.objects.values_list("code", "version")) == before
    assert DossierEvent.objects.count() == events


def test_someone_without_the_queues_role_is_refused_whole(client, to_approve, son):
    answer = sign_in(client, son).post(
        "/counter/queue/to_approve/batch/", {"action": "approve", "dossier": ticked(*to_approve)}
    )
    assert answer.status_code == 403 and "needs another role" in answer.content.decode()
    assert set(Dossier.objects.values_list("state", flat=True)) == {State.APPRAISED}
    assert sign_in(client, son).get("/counter/queue/to_approve/").context["batch"] is None


def test_the_batch_is_a_plain_form_and_a_get_is_not_an_action(client, to_approve, hoa):
    assert sign_in(client, hoa).get("/counter/queue/to_approve/batch/").status_code == 405
    assert client.post("/counter/queue/nonsense/batch/", {"action": "approve"}).status_code == 404


def test_the_queries_of_a_batch_grow_with_the_dossiers_not_beyond(
    client, procedure, office_a, chi, son, hoa, django_assert_max_num_queries
):
    def appraised(count):
        made = [received_dossier(procedure, office_a, chi) for _ in range(count)]
        return [perform(dossier, "appraise", actor=son) for dossier in made]

    sign_in(client, hoa)
    client.get("/counter/queue/to_approve/")  # the session and the calendar once
    for count in (1, 4):
        chosen = appraised(count)
        # The selection's checks and the page: about 13; each dossier its own
        # write path (lock, event, rollups, slip, messages): 17.
        with django_assert_max_num_queries(15 + 17 * count):
            answer = client.post("/counter/queue/to_approve/batch/", {"action": "approve", "dossier": ticked(*chosen)})
        assert len(answer.context["summary"].done) == count


# The API's door to the same batch ------------------------------------------------------


def chosen(*dossiers):
    return [{"code": d.code, "version": d.version} for d in dossiers]


def test_the_api_approves_several_at_once_with_the_same_refusals_as_the_page(
    api, to_approve, hoa, office_a, procedure, chi
):
    first, second, third = to_approve
    Membership.objects.create(user=hoa, office=office_a, role=Role.SPECIALIST)
    own = perform(received_dossier(procedure, office_a, chi), "appraise", actor=hoa)
    answer = api.as_(hoa).post(
        "/api/v1/dossiers/batch/",
        {"office": office_a.code, "queue": "to_approve", "action": "approve", "dossiers": chosen(first, own, second)},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert [d["code"] for d in body["done"]] == [first.code, second.code]
    assert {d["state"] for d in body["done"]} == {"approved"}
    [refusal] = body["refused"]
    assert refusal["code"] == own.code and refusal["error"] == "forbidden"
    # The page would have said the same of it.
    page_says = perform_error(own, hoa)
    assert refusal["message"] == page_says
    assert Dossier.objects.get(pk=third.pk).state == State.APPRAISED


def perform_error(dossier, actor):
    from dossiers.errors import ActionError

    try:
        perform(dossier, "approve", actor=actor)
    except ActionError as error:
        return error.message
    raise AssertionError("the four-eyes rule let it through")


@pytest.mark.parametrize(
    ("body", "status", "error_code"),
    [
        ({"action": "reject"}, 400, "invalid"),
        ({"dossiers": []}, 400, "invalid"),
        ({"dossiers": [{"code": "NO-SUCH", "version": 1}]}, 400, "invalid"),
        ({"queue": "to_check"}, 400, "invalid"),
        ({"office": "000.02.00.H01"}, 400, "invalid"),
        ({"dossiers": "nonsense"}, 400, "invalid"),
    ],
    ids=["reject", "empty", "unknown", "queue-not-batched", "other-office", "malformed"],
)
def test_a_bad_batch_through_the_api_changes_nothing(
    api, to_approve, hoa, office_a, office_b, body, status, error_code
):
    request = {"office": office_a.code, "queue": "to_approve", "action": "approve", "dossiers": chosen(*to_approve)}
    answer = api.as_(hoa).post("/api/v1/dossiers/batch/", {**request, **body}, format="json")
    assert answer.status_code == status, answer.content
    assert error_of(answer)["code"] == error_code
    assert set(Dossier.objects.values_list("state", flat=True)) == {State.APPRAISED}


def test_the_api_refuses_a_batch_to_someone_without_the_role_and_a_dossier_out_of_the_queue(
    api, to_approve, son, hoa, office_a, procedure, chi
):
    request = {"office": office_a.code, "queue": "to_approve", "action": "approve", "dossiers": chosen(*to_approve)}
    answer = api.as_(son).post("/api/v1/dossiers/batch/", request, format="json")
    assert answer.status_code == 403 and error_of(answer)["code"] == "forbidden"
    received = received_dossier(procedure, office_a, chi)
    answer = api.as_(hoa).post(
        "/api/v1/dossiers/batch/", {**request, "dossiers": chosen(to_approve[0], received)}, format="json"
    )
    assert answer.status_code == 409 and "no longer in" in error_of(answer)["message"]
    assert set(Dossier.objects.values_list("state", flat=True)) == {State.APPRAISED, State.RECEIVED}

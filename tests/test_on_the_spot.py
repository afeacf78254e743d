"""“5 tại chỗ”: a simple procedure's dossier settled on the spot by one person
holding every role — five audited transitions through the write path, the
four-eyes rule where the office keeps it, all or nothing — through the
dossier's page and the API, and counted by the report as finished the day
it came in."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dossiers import on_the_spot
from dossiers.errors import NotAllowed
from dossiers.models import Dossier, DossierEvent, State
from portal.models import Membership
from procedures.interchange import export_catalogue, import_catalogue
from reports import stats
from reports.periods import Period
from tests.conftest import error_of
from tests.factories import (
    PASSWORD,
    ProcedureFactory,
    change_form_data,
    received_dossier,
    staff_member,
    submitted_online,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.usefixtures("vn_holidays")
FIVE = ["receive", "appraise", "approve", "stamp", "return"]


@pytest.fixture
def simple(procedure):
    procedure.is_simple = True
    procedure.save()
    return procedure


@pytest.fixture
def hung(office_a):
    """A one-stop officer of commune A holding every role the office gives."""
    user = staff_member("hung", "Ngô Văn Hùng", office_a, Membership.Role.CLERK)
    for role in (Membership.Role.SPECIALIST, Membership.Role.APPROVER):
        Membership.objects.create(user=user, office=office_a, role=role)
    return user


@pytest.fixture
def allowed(office_a):
    office_a.settles_on_the_spot = True
    office_a.save()
    return office_a


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def trail(dossier):
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("pk").values_list("action", "actor__username"))


def snapshot(dossier):
    dossier = Dossier.objects.get(pk=dossier.pk)
    return dossier.state, dossier.version, trail(dossier), dossier.slips.count()


# Through the page -------------------------------------------------------------------


def test_the_page_settles_a_walk_in_dossier_in_one_sitting(client, simple, allowed, hung):
    dossier = received_dossier(simple, allowed, hung)
    page = sign_in(client, hung).get(dossier.get_absolute_url()).content.decode()
    assert "Settle on the spot (5 tại chỗ)" in page
    assert f'formaction="/counter/dossiers/{dossier.code}/on-the-spot/"' in page
    response = client.post(f"/counter/dossiers/{dossier.code}/on-the-spot/", {"version": dossier.version})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.RETURNED
    assert trail(dossier) == [("submit", "hung"), *[(action, "hung") for action in FIVE]]
    assert (dossier.received_by, dossier.specialist, dossier.approver) == (hung, hung, hung)
    assert sorted(dossier.slips.values_list("kind", flat=True)) == ["control", "receipt"]
    shown = client.get(response["Location"]).content.decode()
    assert "settled on the spot: received, appraised, approved, stamped and handed over" in shown


def test_an_online_dossier_is_received_with_the_ticks_sent_along(client, simple, allowed, hung, lan):
    dossier = submitted_online(simple, allowed, lan)
    url = f"/counter/dossiers/{dossier.code}/on-the-spot/"
    response = sign_in(client, hung).post(url, {"version": dossier.version})
    assert response.status_code == 400
    assert "Nothing was done on the spot: These mandatory documents are not ticked as received: Tờ khai" in (
        response.content.decode()
    )
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED
    response = client.post(url, {"version": dossier.version, "documents": ["1"]})
    assert response.status_code == 302
    assert [action for action, _who in trail(dossier)] == ["submit", *FIVE]


def test_where_the_office_keeps_four_eyes_nothing_is_done_and_the_page_says_why(client, simple, office_a, hung):
    dossier = received_dossier(simple, office_a, hung)
    before = snapshot(dossier)
    page = sign_in(client, hung).get(dossier.get_absolute_url()).content.decode()
    assert "does not let one person settle a dossier on the spot" in page
    assert "formaction" not in page  # no button, the reason instead
    response = client.post(f"/counter/dossiers/{dossier.code}/on-the-spot/", {"version": dossier.version})
    assert response.status_code == 403
    assert "Nothing was done on the spot: You appraised dossier" in response.content.decode()
    assert snapshot(dossier) == before  # the appraisal taken first was rolled back with the rest


def test_a_procedure_not_marked_simple_offers_nothing_and_is_refused(client, procedure, allowed, hung):
    dossier = received_dossier(procedure, allowed, hung)
    sign_in(client, hung)
    assert "Settle on the spot" not in client.get(dossier.get_absolute_url()).content.decode()
    before = snapshot(dossier)
    response = client.post(f"/counter/dossiers/{dossier.code}/on-the-spot/", {"version": dossier.version})
    assert response.status_code == 409
    assert "the catalogue does not mark its procedure simple" in response.content.decode()
    assert snapshot(dossier) == before


def test_a_clerk_without_every_role_is_not_offered_it(client, simple, allowed, chi, son, hoa):
    dossier = received_dossier(simple, allowed, chi)
    for user in (chi, son, hoa):
        client.logout()
        assert "Settle on the spot" not in sign_in(client, user).get(dossier.get_absolute_url()).content.decode()
    response = client.post(f"/counter/dossiers/{dossier.code}/on-the-spot/", {"version": dossier.version})
    assert response.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).state == State.RECEIVED


def test_a_page_out_of_date_changes_nothing(client, simple, allowed, hung):
    dossier = received_dossier(simple, allowed, hung)
    before = snapshot(dossier)
    response = sign_in(client, hung).post(
        f"/counter/dossiers/{dossier.code}/on-the-spot/", {"version": dossier.version - 1}
    )
    assert response.status_code == 409 and "changed since you opened it" in response.content.decode()
    assert snapshot(dossier) == before


def test_nobody_settles_their_own_dossier(simple, allowed, hung):
    hung.phone = "0912345678"  # the applicant's phone in the factories
    hung.save()
    dossier = received_dossier(simple, allowed, staff_member("chi2", "Trần Chi", allowed, Membership.Role.CLERK))
    assert "names you as its applicant" in on_the_spot.held_back(dossier, hung)
    before = snapshot(dossier)
    with pytest.raises(NotAllowed, match="names you as its applicant"):
        on_the_spot.settle(dossier, actor=hung)
    assert snapshot(dossier) == before


# Through the API --------------------------------------------------------------------


def test_the_api_settles_on_the_spot(api, simple, allowed, hung, lan):
    dossier = submitted_online(simple, allowed, lan)
    response = api.as_(hung).post(
        f"/api/v1/dossiers/{dossier.code}/on-the-spot/", {"version": dossier.version, "documents": [1]}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "returned"
    assert [event["action"] for event in body["events"]] == ["submit", *FIVE]


@pytest.mark.parametrize(
    ("simple_procedure", "office_allows", "status", "message"),
    [
        (True, False, 403, "Nothing was done on the spot: You appraised dossier"),
        (False, True, 409, "the catalogue does not mark its procedure simple"),
    ],
)
def test_the_api_refuses_with_the_same_reason_and_changes_nothing(
    api, procedure, office_a, hung, simple_procedure, office_allows, status, message
):
    procedure.is_simple, office_a.settles_on_the_spot = simple_procedure, office_allows
    procedure.save()
    office_a.save()
    dossier = received_dossier(procedure, office_a, hung)
    before = snapshot(dossier)
    response = api.as_(hung).post(f"/api/v1/dossiers/{dossier.code}/on-the-spot/", {}, format="json")
    assert response.status_code == status
    assert message in error_of(response)["message"]
    assert snapshot(dossier) == before


# The report -------------------------------------------------------------------------


def test_the_report_counts_it_finished_early_the_day_it_came_in(client, simple, allowed, hung, tuan):
    moment = dt.datetime(2026, 1, 14, 9, 30, tzinfo=HCM)
    dossier = received_dossier(simple, allowed, hung, at=moment)
    dossier = on_the_spot.settle(dossier, actor=hung, at=moment)
    assert dossier.finished_at == moment and dossier.timeliness(dt.date(2026, 1, 14)) == "early"
    row = stats.report(Period.month(2026, 1), [allowed], today=dt.date(2026, 2, 27)).rows[0]
    assert (row["received"], row["finished"], row["finished_early"], row["finished_late"]) == (1, 1, 1, 0)
    assert row.on_time_rate == 100
    # The dashboard's drill-down lists it among the dossiers finished early.
    listed = sign_in(client, tuan).get(
        reverse("reports:dossiers"), {"period": "2026-01", "office": allowed.pk, "measure": "finished_early"}
    )
    assert listed.status_code == 200
    html = listed.content.decode()
    assert "Finished early: 1" in html and dossier.code in html


# The catalogue ----------------------------------------------------------------------


def test_the_catalogue_marks_a_procedure_simple_in_its_json(simple, procedure):
    other = ProcedureFactory(code="1.000002", sector=simple.sector)
    exported = export_catalogue([simple, other])
    records = {record["code"]: record for record in exported["procedures"]}
    assert records[simple.code]["is_simple"] is True
    assert "is_simple" not in records[other.code]  # the records of others stay as they were
    records[other.code]["is_simple"] = True
    records[simple.code].pop("is_simple")
    summary = import_catalogue(exported)
    assert summary.changes == {simple.code: ["is_simple"], other.code: ["is_simple"]}
    simple.refresh_from_db()
    other.refresh_from_db()
    assert (simple.is_simple, other.is_simple) == (False, True)
    # Read back unchanged: a procedure that is not simple has no key to differ by.
    assert sorted(import_catalogue(export_catalogue([simple, other])).unchanged) == [simple.code, other.code]


def test_a_catalogue_administrator_marks_a_procedure_simple_in_the_editor(client, procedure, mai):
    client.login(username="mai", password=PASSWORD)
    page = f"/admin/procedures/procedure/{procedure.pk}/change/"
    assert 'name="is_simple"' in client.get(page).content.decode()
    response = client.post(page, {**change_form_data(procedure), "is_simple": "on"})
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.is_simple
    # The version recorded keeps it.
    assert procedure.versions.order_by("-number").first().record["is_simple"] is True

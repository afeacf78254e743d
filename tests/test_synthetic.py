"""The demo history obeys the rules the portal enforces."""

import datetime as dt
import io
from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.utils import timezone

from dossiers import synthetic
from dossiers.models import Delivery, Dossier, State
from dossiers.workflow import perform
from portal.calendar import TimeUnit
from procedures.models import ProcedureChannel
from reports import recount, stats
from reports.periods import Period
from tests.factories import ProcedureFactory, staff_member, what_the_hand_over_needs

pytestmark = pytest.mark.usefixtures("vn_holidays")
NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def history(office_a, office_b, chi, son, hoa, binh):
    staff_member("khanh", "Đinh Văn Khánh", office_b, "specialist")
    staff_member("long", "Bùi Văn Long", office_b, "approver")
    days = ProcedureFactory(code="1.004194")
    same_day = ProcedureFactory(code="2.000815")
    same_day.channels.update(time_limit_unit=TimeUnit.SAME_DAY, time_limit_amount=0)
    ProcedureChannel.objects.filter(procedure=days, channel="online").update(time_limit_amount="1.5")
    synthetic.generate(600, [office_a, office_b], [days, same_day], weights=[3, 1], now=NOW, seed=7)
    return Dossier.objects.prefetch_related("events", "pauses").select_related("competent_office")


def test_every_dossier_has_a_consistent_trail(history):
    calendars = {}
    for dossier in history:
        calendar = calendars.setdefault(dossier.competent_office_id, dossier.competent_office.calendar())
        events = list(dossier.events.all())
        assert events[0].action == "submit" and events[0].from_state == ""
        for before, after in pairwise(events):
            assert before.at <= after.at, dossier.code
            assert after.from_state == before.to_state, dossier.code
        assert events[-1].to_state == dossier.state and events[-1].at <= NOW
        if dossier.received_at:
            due = calendar.deadline(dossier.received_at, dossier.time_limit).due_at
            for pause in dossier.pauses.all():
                if pause.ended_at:
                    assert (
                        pause.working_seconds
                        == calendar.working_time_between(pause.started_at, pause.ended_at).total_seconds()
                    )
                    due = calendar.add_working_time(due, pause.working_time)
            assert dossier.due_at == due, dossier.code
        assert not Delivery.needs(dossier.delivery, dossier.delivery_address, dossier.applicant_email), dossier.code
        ending = {"stamp", "reject", "refuse", "withdraw"}
        ends = [e.at for e in events if e.action in ending]
        assert dossier.finished_at == (ends[0] if ends else None), dossier.code


def test_codes_are_consecutive_per_office_and_day(history):
    numbers = defaultdict(list)
    for code in history.values_list("code", flat=True):
        office, day, number = code.rsplit("-", 2)
        numbers[(office, day)].append(int(number))
    for found in numbers.values():
        assert sorted(found) == list(range(1, len(found) + 1))


def test_the_mix_is_mostly_early_with_a_few_late(history):
    classes = Counter(d.timeliness(NOW.date()) for d in history)
    states = Counter(d.state for d in history)
    assert classes["early"] > classes["on_time"] > classes["late"] > 0
    assert classes["late"] < 0.1 * len(history)
    for state in (State.RETURNED, State.REFUSED, State.WITHDRAWN, State.REJECTED):
        assert states[state] > 0, state
    assert history.filter(supplement_requests__gt=0).exists()
    assert history.filter(reappointments=1).exists()


# The next step of an unfinished dossier, and who at its office takes it.
CARRY_ON = {
    State.SUBMITTED: ("receive", "clerk"),
    State.SUPPLEMENT_REQUESTED: ("supplement", "clerk"),
    State.RECEIVED: ("appraise", "specialist"),
    State.APPRAISED: ("approve", "approver"),
    State.APPROVED: ("stamp", "clerk"),
    State.STAMPED: ("return", "clerk"),
}


@pytest.fixture
def busy_month(office_a, office_b, chi, son, hoa, binh):
    """A busy last month: many dossiers still open, in every state."""
    staff_member("khanh", "Đinh Văn Khánh", office_b, "specialist")
    staff_member("long", "Bùi Văn Long", office_b, "approver")
    days = ProcedureFactory(code="1.004194")
    ProcedureChannel.objects.filter(procedure=days).update(time_limit_amount=10)
    synthetic.generate(500, [office_a, office_b], [days], months=1, now=NOW, seed=8)
    return Dossier.objects.select_related("competent_office")


def test_every_unfinished_dossier_carries_on_through_the_write_path_to_its_result(busy_month):
    """The demo writes its history in bulk: each open dossier must be one
    the portal could have left behind, so that the counter can take it on."""
    history = busy_month
    staff = {office.pk: synthetic._staff(office) for office in {d.competent_office for d in history}}
    unfinished = [d for d in history if d.state in CARRY_ON]
    # Every kind of open dossier is there, supplements asked at intake and during processing.
    kinds = {(d.state, d.resume_state) for d in unfinished}
    assert {state for state, _resume in kinds} == set(CARRY_ON)
    assert {(State.SUPPLEMENT_REQUESTED, State.SUBMITTED), (State.SUPPLEMENT_REQUESTED, State.RECEIVED)} <= kinds
    later = NOW + dt.timedelta(hours=1)
    for dossier in unfinished:
        people = staff[dossier.competent_office_id]
        asked_in = dossier.resume_state
        steps = 0
        while dossier.state in CARRY_ON:
            action, role = CARRY_ON[dossier.state]
            actor = {"clerk": people.clerks, "specialist": people.specialists, "approver": people.approvers}[role][0]
            before = dossier.state
            later += dt.timedelta(minutes=5)
            dossier = perform(dossier, action, actor=actor, at=later, **what_the_hand_over_needs(dossier, action))
            if before == State.SUPPLEMENT_REQUESTED:
                # Back to where the supplement was asked, the clock moved by the pause.
                assert dossier.state == asked_in, dossier.code
                assert (dossier.received_at is None) == (asked_in == State.SUBMITTED), dossier.code
            steps += 1
            assert steps < 10, dossier.code
        assert dossier.state == State.RETURNED and dossier.finished_at is not None, dossier.code
    # And the rollups the write path kept still agree with a recount.
    offices = list({d.competent_office for d in history})
    period = Period(dt.date(2025, 12, 1), later.date())
    assert [r.counts for r in stats.report(period, offices, today=later.date()).rows] == [
        r.counts for r in recount.naive_report(period, offices, today=later.date()).rows
    ]
    # Each trail, written in bulk and carried on action by action, is one unbroken chain.
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert f"Checked {len(history)} dossiers" in out.getvalue() and "every trail holds" in out.getvalue()

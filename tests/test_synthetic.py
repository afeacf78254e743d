"""The demo history obeys the rules the portal enforces."""

import datetime as dt
from collections import Counter, defaultdict
from itertools import pairwise

import pytest
from django.utils import timezone

from dossiers import synthetic
from dossiers.models import Dossier, State
from portal.calendar import TimeUnit
from procedures.models import ProcedureChannel
from tests.factories import ProcedureFactory, staff_member

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

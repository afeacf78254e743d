"""Timeliness: the pure classification, and the SQL filters that must give
the same answers (one rule, two forms)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dossiers.models import Dossier
from dossiers.timeliness import classify
from dossiers.workflow import perform
from tests.factories import received_dossier

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.strptime(f"{day} {time}", "%d/%m/%Y %H:%M").replace(tzinfo=HCM)


def moment(day, time="09:00"):
    return at(day, time)


@pytest.mark.parametrize(
    ("state", "due", "finished", "supplements", "paused", "on", "expected"),
    [
        ("stamped", ("15/01/2026", "09:00"), ("15/01/2026", "09:00"), 0, None, "20/01/2026", "on_time"),
        ("returned", ("15/01/2026", "09:00"), ("15/01/2026", "16:59"), 0, None, "20/01/2026", "on_time"),
        ("rejected", ("15/01/2026", "09:00"), ("14/01/2026", "16:59"), 0, None, "20/01/2026", "early"),
        ("stamped", ("15/01/2026", "09:00"), ("16/01/2026", "07:00"), 0, None, "20/01/2026", "late"),
        ("stamped", ("15/01/2026", "09:00"), ("13/01/2026", "09:00"), 2, None, "20/01/2026", "late"),
        ("refused", None, ("13/01/2026", "09:00"), 0, None, "20/01/2026", "on_time"),
        ("withdrawn", ("15/01/2026", "09:00"), ("19/01/2026", "09:00"), 0, None, "20/01/2026", "on_time"),
        ("received", ("15/01/2026", "09:00"), None, 0, None, "15/01/2026", "within"),
        ("appraised", ("15/01/2026", "09:00"), None, 0, None, "16/01/2026", "overdue"),
        ("received", ("15/01/2026", "09:00"), None, 2, None, "12/01/2026", "overdue"),
        ("supplement_requested", ("15/01/2026", "09:00"), None, 1, ("14/01/2026", "10:00"), "30/01/2026", "within"),
        ("supplement_requested", ("15/01/2026", "09:00"), None, 1, ("15/01/2026", "16:00"), "30/01/2026", "within"),
        ("supplement_requested", ("15/01/2026", "09:00"), None, 1, ("16/01/2026", "08:00"), "30/01/2026", "overdue"),
        ("submitted", None, None, 0, None, "20/01/2026", "not_started"),
    ],
)
def test_classify(state, due, finished, supplements, paused, on, expected):
    result = classify(
        state=state,
        due_at=moment(*due) if due else None,
        finished_at=moment(*finished) if finished else None,
        supplement_requests=supplements,
        paused_at=moment(*paused) if paused else None,
        on=at(on).date(),
        tz=HCM,
    )
    assert result == expected


@pytest.fixture
def scenarios(vn_holidays, procedure, office_a, chi, son, hoa):
    """Dossiers received Mon 12/01/2026 09:00 (3 working days: due Thu 15/01
    09:00) and taken to different places."""

    def received(name):
        return received_dossier(procedure, office_a, chi, name=name, at=at("12/01/2026"))

    received("running")
    paused_in_time = received("paused in time")
    perform(paused_in_time, "request_supplement", actor=son, note="Thiếu", at=at("14/01/2026"))
    paused_late = received("paused late")
    perform(paused_late, "request_supplement", actor=son, note="Thiếu", at=at("16/01/2026"))
    twice = received("asked twice")
    for day in ("12/01/2026", "13/01/2026"):
        perform(twice, "request_supplement", actor=son, note="Thiếu", at=at(day, "10:00"))
        perform(twice, "supplement", actor=chi, at=at(day, "11:00"))
    finished = received("finished late")
    for action, actor in (("appraise", son), ("approve", hoa), ("stamp", chi)):
        perform(finished, action, actor=actor, at=at("16/01/2026"))
    return Dossier.objects.all()


@pytest.mark.parametrize("day", ["13/01/2026", "14/01/2026", "15/01/2026", "16/01/2026", "30/01/2026"])
def test_the_sql_filters_agree_with_classify(scenarios, day):
    on = at(day).date()
    overdue = set(Dossier.objects.overdue(on).values_list("applicant_name", flat=True))
    expected = {d.applicant_name for d in scenarios if d.timeliness(on) == "overdue"}
    assert overdue == expected
    # The picture on 30/01: paused in time stays within; paused after the due
    # date, or asked twice, is overdue; the running one too.
    if day == "30/01/2026":
        assert overdue == {"running", "paused late", "asked twice"}


def test_a_paused_dossier_is_not_due_soon(scenarios):
    until = at("15/01/2026", "17:00")
    due_soon = set(Dossier.objects.due_soon(dt.date(2026, 1, 15), until).values_list("applicant_name", flat=True))
    assert due_soon == {"running"}

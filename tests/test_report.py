"""The timeliness report, cell by cell, on the dossiers of the `history`
fixture (tests/conftest.py), built by hand through the real transitions. The
rollups, the recount from the dossiers and the drill-down lists must all give
the numbers worked out here."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from dossiers import rollups
from dossiers.models import Dossier, DossierEvent
from dossiers.timeliness import start_of_day
from reports import delays, recount, stats
from reports.periods import Period
from reports.stats import MEASURES
from tests.conftest import REPORT_TODAY as TODAY
from tests.conftest import at
from tests.factories import received_dossier

JANUARY_A = {
    "received_online": 1,
    "received_in_person": 8,
    "received_post": 0,
    "received": 9,
    "carried_over": 1,
    "finished_early": 1,
    "finished_on_time": 4,  # exactly at due, on the due day, carried over, withdrawn after receipt
    "finished_late": 2,  # after an apology; two supplements
    "finished": 7,
    "open_within": 2,  # paused in time; online received 28/01
    "open_overdue": 1,  # due 29/01
    "open": 3,
    "supplement_requests": 3,
    "refusals": 1,
    "withdrawals": 2,
    "apologies": 1,
}
JANUARY_B = {
    **dict.fromkeys(MEASURES, 0),
    "received_post": 1,
    "received_in_person": 1,
    "received": 2,
    "finished_early": 1,
    "finished": 1,
    "open_overdue": 1,
    "open": 1,
}


def test_every_cell_of_january(history, office_a, office_b):
    result = stats.report(Period.month(2026, 1), [office_a, office_b], today=TODAY)
    a, b = result.rows
    assert (a.label, b.label) == ("Phường Ba Đình", "Xã Tây Tựu")
    assert a.counts == JANUARY_A
    assert b.counts == JANUARY_B
    assert result.total.counts == {m: JANUARY_A[m] + JANUARY_B[m] for m in MEASURES}
    # 1 early, 4 on time, 2 late of 7: 14.29 + 57.14 (5/7 = 71.43 %).
    assert a.on_time_rate == Decimal("71.43")
    assert result.as_of == dt.date(2026, 1, 31)


def test_a_dossier_received_before_the_period_is_carried_over_into_it(history, office_a):
    december = stats.report(Period.month(2025, 12), [office_a], today=TODAY).rows[0]
    assert (december["received_in_person"], december["open_within"], december["finished"]) == (1, 1, 0)
    january = stats.report(Period.month(2026, 1), [office_a], today=TODAY).rows[0]
    assert january["carried_over"] == december["open"] == 1


def test_february_finishes_what_january_left_open(history, office_a):
    february = stats.report(Period.month(2026, 2), [office_a], today=TODAY).rows[0]
    assert february["carried_over"] == 3
    assert february["received"] == 0
    # The pause moved the due date to 04/02 09:00; stamped at 08:00 that day.
    assert (february["finished_on_time"], february["finished_late"], february["finished_early"]) == (1, 1, 0)
    assert (february["open_within"], february["open_overdue"]) == (0, 1)
    assert february["supplement_requests"] == 0  # asked in January


def test_a_period_that_has_not_ended_is_reported_as_of_today(history, office_a):
    result = stats.report(Period.year(2026), [office_a], today=TODAY)
    assert result.as_of == TODAY
    row = result.rows[0]
    assert row["carried_over"] + row["received"] == row["finished"] + row["open"]
    with pytest.raises(ValueError, match="not begun"):
        stats.report(Period.month(2026, 3), [office_a], today=TODAY)


def test_the_province_total_is_the_sum_of_its_offices(history, office_a, office_b):
    for period in (Period.month(2026, 1), Period.quarter(2026, 1), Period(dt.date(2026, 1, 10), dt.date(2026, 2, 3))):
        both = stats.report(period, [office_a, office_b], today=TODAY)
        alone = [stats.report(period, [office], today=TODAY).total for office in (office_a, office_b)]
        assert both.total.counts == {m: alone[0][m] + alone[1][m] for m in MEASURES}


def test_by_sector_as_the_official_form(history, office_a, office_b):
    result = stats.report(Period.month(2026, 1), [office_a, office_b], by="sector", today=TODAY)
    rows = {row.label: row.counts for row in result.rows}
    assert rows == {"Hộ tịch": JANUARY_A, "Chứng thực": JANUARY_B}


PERIODS = [
    Period.month(2025, 12),
    Period.month(2026, 1),
    Period.month(2026, 2),
    Period(dt.date(2026, 1, 15), dt.date(2026, 1, 15)),
    Period(dt.date(2026, 1, 29), dt.date(2026, 2, 3)),
    Period.year(2026),
]


@pytest.mark.parametrize("period", PERIODS, ids=str)
@pytest.mark.parametrize("by", ["office", "sector"])
def test_the_rollups_agree_with_a_recount_from_the_dossiers(history, office_a, office_b, period, by):
    rolled = stats.report(period, [office_a, office_b], by=by, today=TODAY)
    counted = recount.naive_report(period, [office_a, office_b], by=by, today=TODAY)
    assert [(r.label, r.counts) for r in rolled.rows] == [(r.label, r.counts) for r in counted.rows]


@pytest.mark.parametrize("period", PERIODS[:3], ids=str)
def test_every_number_lists_exactly_its_dossiers(history, office_a, office_b, period):
    row = stats.report(period, [office_a], today=TODAY).rows[0]
    base = Dossier.objects.filter(competent_office=office_a)
    start, end = start_of_day(period.start), start_of_day(period.end + dt.timedelta(days=1))
    for measure in MEASURES:
        listed = recount.dossiers_for(measure, period, base, today=TODAY)
        if measure in ("supplement_requests", "apologies"):
            # A dossier asked twice is listed once, with both requests.
            action = {"supplement_requests": "request_supplement", "apologies": "apologise"}[measure]
            events = DossierEvent.objects.filter(dossier__in=listed, action=action, at__gte=start, at__lt=end)
            assert events.count() == row[measure], measure
        else:
            assert listed.count() == row[measure], measure


def test_the_drill_down_names_the_dossiers(history, office_a):
    january = Period.month(2026, 1)

    def listed(measure):
        return {d.pk for d in recount.dossiers_for(measure, january, today=TODAY)}

    assert listed("finished_late") == {history["late_after_apology"].pk, history["two_supplements"].pk}
    assert listed("open_overdue") == {history["overdue_across_months"].pk, history["b_open_overdue"].pk}
    assert listed("carried_over") == {history["carried_over"].pk}


def test_rebuilding_the_rollups_from_scratch_changes_nothing(history, office_a, office_b):
    before = [stats.report(p, [office_a, office_b], today=TODAY).total.counts for p in PERIODS]
    rollups.rebuild()
    assert [stats.report(p, [office_a, office_b], today=TODAY).total.counts for p in PERIODS] == before


def test_a_later_change_in_the_past_is_not_hidden_by_a_stored_balance(history, office_a, chi):
    """Opening balances of a month are stored when first read; an action
    dated before them (an import, a correction) must drop them."""
    march = stats.report(Period.month(2026, 2), [office_a], today=TODAY).rows[0]
    late_entry = received_dossier(history["early"].procedure, office_a, chi, at=at("15/01/2026"))
    again = stats.report(Period.month(2026, 2), [office_a], today=TODAY).rows[0]
    assert again["carried_over"] == march["carried_over"] + 1
    assert late_entry.pk in {d.pk for d in recount.dossiers_for("carried_over", Period.month(2026, 2), today=TODAY)}


def test_the_stage_that_overran_its_share_is_named(history, office_a, office_b):
    """Received 12/01 09:00 under 3 working days (24 h), the apologised
    dossier sat with the specialist until 16/01 10:00: 33 h of working time
    against the 65 % (15 h 36 min) that receipt and appraisal may take."""
    found = delays.stage_delays(Period.month(2026, 1), [office_a, office_b], today=TODAY)
    by_code = {dossier.code: (times, worst) for dossier, times, worst in found.dossiers}
    assert set(by_code) == {
        history[name].code
        for name in ("late_after_apology", "two_supplements", "overdue_across_months", "b_open_overdue")
    }
    times, worst = by_code[history["late_after_apology"].code]
    assert worst.stage == "appraise"
    assert (worst.spent, worst.allotted) == (dt.timedelta(hours=33), dt.timedelta(hours=15, minutes=36))
    assert [t.stage for t in times] == ["appraise", "approve", "stamp"]
    # Asked twice for a supplement, three hours each: that time is the citizen's.
    assert found.pauses == [("Lý do", 2, dt.timedelta(hours=6))]
    # 25 h from receipt to the stamp, 6 of them paused: 19 h of appraisal.
    times, worst = by_code[history["two_supplements"].code]
    assert (worst.stage, worst.spent) == ("appraise", dt.timedelta(hours=19))


def test_the_rollups_can_be_recounted_by_command(history, office_a):
    from django.core.management import call_command

    from dossiers.models import DailyTally

    before = stats.report(Period.month(2026, 1), [office_a], today=TODAY).rows[0].counts
    DailyTally.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_tallies", stdout=out)
    assert "Rollups recounted from 14 dossiers" in out.getvalue()
    assert stats.report(Period.month(2026, 1), [office_a], today=TODAY).rows[0].counts == before


def test_the_monthly_trend_gives_each_month_what_its_report_says(history, office_a, office_b):
    months = stats.trend([office_a, office_b], months=3, today=TODAY)
    assert [period.name for period, _row in months] == ["2025-12", "2026-01", "2026-02"]
    for period, row in months:
        total = stats.report(period, [office_a, office_b], today=TODAY).total
        assert [row[m] for m in stats.FLOWS] == [total[m] for m in stats.FLOWS]
        assert row.on_time_rate == total.on_time_rate

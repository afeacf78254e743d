"""A dossier's deadline, explained in words: the limit and when the clock
started, the days off it skipped, the pauses that moved it, and any new
appointment ("10 working days from 07/01 09:12; skipped Tết Nguyên Đán
14/02–22/02; paused 2 working days waiting for the citizen").

Pure: values and a calendar in, sentences out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.calendar import SAME_DAY_CUTOFF, WORKING_DAY, Calendar, TimeLimit, TimeUnit


@dataclass(frozen=True)
class PauseSpan:
    started_at: dt.datetime
    ended_at: dt.datetime | None
    working_time: dt.timedelta
    reason: str


def working_time_text(amount: dt.timedelta) -> str:
    """8 h 30 min of working time → "1 working day 30 min"."""
    minutes = int(amount.total_seconds() // 60)
    days, minutes = divmod(minutes, int(WORKING_DAY.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days})
    if hours:
        parts.append(_("%(n)d h") % {"n": hours})
    if minutes:
        parts.append(_("%(n)d min") % {"n": minutes})
    return " ".join(parts) or _("no working time")


def explain(
    *,
    received_at: dt.datetime,
    limit: TimeLimit,
    due_at: dt.datetime,
    appointment_at: dt.datetime | None,
    pauses: Iterable[PauseSpan],
    calendar: Calendar,
) -> list[str]:
    """The parts of the explanation, in order."""
    deadline = calendar.deadline(received_at, limit)
    started = timezone.localtime(deadline.clock_started_at)
    parts = [_("%(limit)s from %(start)s") % {"limit": limit, "start": f"{started:%d/%m/%Y %H:%M}"}]
    if deadline.clock_started_at != deadline.received_at:
        parts.append(
            _("received %(at)s, outside office hours: the clock started at the next opening")
            % {"at": f"{timezone.localtime(received_at):%d/%m %H:%M}"}
        )
    if limit.unit == TimeUnit.SAME_DAY and started.time() >= SAME_DAY_CUTOFF:
        parts.append(_("received after 15:00: due at the end of the next working day"))
    for period in calendar.closed_periods(started.date(), timezone.localtime(due_at).date()):
        parts.append(_("skipped %(period)s") % {"period": period})
    for pause in pauses:
        if pause.ended_at is None:
            parts.append(
                _("paused since %(start)s, waiting for the citizen (%(reason)s)")
                % {"start": f"{timezone.localtime(pause.started_at):%d/%m %H:%M}", "reason": pause.reason}
            )
        else:
            parts.append(
                _("paused %(time)s waiting for the citizen (%(reason)s)")
                % {"time": working_time_text(pause.working_time), "reason": pause.reason}
            )
    parts.append(_("due %(at)s") % {"at": f"{timezone.localtime(due_at):%d/%m/%Y %H:%M}"})
    if appointment_at is not None and appointment_at != due_at:
        parts.append(
            _("new appointment %(at)s after an apology; timeliness still counts from the due date")
            % {"at": f"{timezone.localtime(appointment_at):%d/%m/%Y %H:%M}"}
        )
    return parts


def due_on_resuming(*, due_at: dt.datetime, paused_at: dt.datetime, at: dt.datetime, calendar: Calendar) -> dt.datetime:
    """The due date once the clock restarts at `at`: moved on by the working
    time it stood still since `paused_at` (days off and nights do not count)."""
    paused = calendar.working_time_between(paused_at, at)
    return calendar.add_working_time(due_at, paused) if paused else due_at


# The processing stages in the order a dossier goes through them.
STAGE_ORDER = ("receive", "appraise", "approve", "stamp", "return")


def stage_deadlines(
    *,
    received_at: dt.datetime,
    limit: TimeLimit,
    shares: dict[str, Decimal],
    pauses: Iterable[PauseSpan],
    calendar: Calendar,
) -> dict[str, dt.datetime]:
    """When each stage should be done: its cumulative share of the limit's
    working time from the start of the clock, moved by the pauses that began
    before it (Phiếu kiểm soát: each hand-over has its own appointment)."""
    deadline = calendar.deadline(received_at, limit)
    span = calendar.working_time_between(deadline.clock_started_at, deadline.due_at)
    pauses = list(pauses)
    due: dict[str, dt.datetime] = {}
    cumulative = Decimal(0)
    for kind in STAGE_ORDER:
        if kind not in shares:
            continue
        cumulative += Decimal(shares[kind])
        moment = calendar.add_working_time(deadline.clock_started_at, span * float(cumulative / 100))
        paused = sum(
            (p.working_time for p in pauses if p.ended_at is not None and p.started_at < moment),
            dt.timedelta(0),
        )
        due[kind] = calendar.add_working_time(moment, paused) if paused else moment
    return due

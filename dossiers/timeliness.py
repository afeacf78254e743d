"""Timeliness of a dossier: the one place where early, on time, late and
overdue are decided (DESIGN "Deadlines and timeliness", DOMAIN §3.1), for one
dossier in Python (`classify`) and for many in SQL (`overdue_on`,
`due_soon_on`); tests hold the two to the same answers.

Dates are compared as calendar dates in the office's time zone:

- a finished dossier is early (finished before its due date), on time (on its
  due date) or late (after); refused and withdrawn dossiers count as on time;
- an open dossier is within its deadline while its due date is not past,
  overdue once it is;
- while it waits for the citizen's supplement the clock stands still: it
  stays within its deadline, unless it was already overdue when the clock
  stopped (DOMAIN §3.1: "in time, including waiting for supplement");
- the national indicator rule: a second supplement request during processing
  makes the dossier count as late, whatever the dates say;
- an apology's new appointment changes nothing here: the due date stays the
  measure.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.states import DECIDED, ENDED_ON_TIME, OPEN, RUNNING, WAITING

# Decision 766/QĐ-TTg, indicator 2.1: more than one supplement request during
# processing counts the dossier as overdue.
SUPPLEMENT_REQUESTS_BEFORE_OVERDUE = 1


class Timeliness(TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    WITHIN = "within", _("Within the deadline")
    OVERDUE = "overdue", _("Overdue")
    NOT_STARTED = "not_started", _("Not received yet")


def classify(
    *,
    state: str,
    due_at: dt.datetime | None,
    finished_at: dt.datetime | None,
    supplement_requests: int,
    on: dt.date,
    tz: dt.tzinfo,
    paused_at: dt.datetime | None = None,
) -> Timeliness:
    """The timeliness of a dossier as it stands on the day `on`."""
    if state in ENDED_ON_TIME:
        return Timeliness.ON_TIME
    if due_at is None:
        return Timeliness.NOT_STARTED
    too_many_supplements = supplement_requests > SUPPLEMENT_REQUESTS_BEFORE_OVERDUE
    due_on = due_at.astimezone(tz).date()
    if state in DECIDED and finished_at is not None:
        if too_many_supplements:
            return Timeliness.LATE
        finished_on = finished_at.astimezone(tz).date()
        if finished_on < due_on:
            return Timeliness.EARLY
        return Timeliness.ON_TIME if finished_on == due_on else Timeliness.LATE
    if state in OPEN:
        if too_many_supplements:
            return Timeliness.OVERDUE
        if state == WAITING and paused_at is not None:
            stopped_in_time = paused_at.astimezone(tz).date() <= due_on
            return Timeliness.WITHIN if stopped_in_time else Timeliness.OVERDUE
        return Timeliness.WITHIN if due_on >= on else Timeliness.OVERDUE
    return Timeliness.NOT_STARTED


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_default_timezone())


def overdue_on(day: dt.date) -> Q:
    """The open dossiers `classify` calls overdue on `day`, as a filter."""
    running_late = Q(due_at__lt=start_of_day(day)) & ~Q(state=WAITING)
    stopped_late = Q(state=WAITING, paused_at__date__gt=F("due_at__date"))
    too_many = Q(supplement_requests__gt=SUPPLEMENT_REQUESTS_BEFORE_OVERDUE)
    return Q(state__in=OPEN) & (running_late | stopped_late | too_many)


def due_soon_on(day: dt.date, until: dt.datetime) -> Q:
    """Open dossiers with the clock running, not overdue on `day`, due by
    `until` (one working day from now, by the office's calendar)."""
    return Q(
        state__in=RUNNING,
        due_at__gte=start_of_day(day),
        due_at__lte=until,
        supplement_requests__lte=SUPPLEMENT_REQUESTS_BEFORE_OVERDUE,
    )

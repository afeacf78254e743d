"""The counter's work queues: what needs doing at an office, and how much.

Each queue is a filter on dossiers of one office; `counts` answers all of
them in one query, from the indexes on (office, state) and (state, due_at).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dossiers.models import Delivery, Dossier, State
from dossiers.models.dossier import at_offices
from dossiers.timeliness import due_soon_on, overdue_on
from portal.calendar import WORKING_DAY, CalendarMissing
from portal.models import Membership, Office

Role = Membership.Role


@dataclass(frozen=True)
class Queue:
    slug: str
    label: Promise
    hint: Promise
    roles: tuple[str, ...]
    tone: str = ""  # "warn" and "bad" draw the eye

    def condition(self, office: Office, now: dt.datetime) -> Q:
        return _CONDITIONS[self.slug](office, now)


QUEUES = [
    Queue("to_check", _("Online submissions to check"), _("Check and receive, or ask for more"), (Role.CLERK,)),
    Queue("to_appraise", _("To appraise"), _("Received, waiting for the specialist"), (Role.SPECIALIST,)),
    Queue("to_approve", _("To approve"), _("Appraised, waiting for the leader"), (Role.APPROVER,)),
    Queue("to_stamp", _("To stamp and issue"), _("Approved, waiting for the stamp"), (Role.CLERK, Role.APPROVER)),
    Queue("to_return", _("Results to hand back"), _("Ready for the citizen"), (Role.CLERK,)),
    Queue(
        "waiting",
        _("Waiting for the citizen"),
        _("A supplement was asked for"),
        (Role.CLERK, Role.SPECIALIST),
    ),
    Queue("due_soon", _("Due within one working day"), _("Finish these first"), (), tone="warn"),
    Queue("overdue", _("Overdue"), _("Past the due date"), (), tone="bad"),
]
BY_SLUG = {queue.slug: queue for queue in QUEUES}


def one_working_day_from(office: Office, now: dt.datetime) -> dt.datetime | None:
    """One working day after `now` at `office`; None when the calendar of
    that day's year is not loaded (`calendar_problem` says so)."""
    try:
        return office.calendar().add_working_time(now, WORKING_DAY)
    except CalendarMissing:
        return None


def calendar_problem(office: Office, now: dt.datetime | None = None) -> str:
    """Why "due within one working day" cannot be counted at `office` now,
    if it cannot: a year whose public holidays are not loaded."""
    try:
        office.calendar().add_working_time(now or timezone.now(), WORKING_DAY)
    except CalendarMissing as missing:
        return str(missing)
    return ""


def _due_soon(office: Office, now: dt.datetime) -> Q:
    until = one_working_day_from(office, now)
    if until is None:
        return Q(pk__in=[])
    return Q(competent_office=office) & due_soon_on(timezone.localdate(now), until)


def _overdue(office: Office, now: dt.datetime) -> Q:
    return Q(competent_office=office) & overdue_on(timezone.localdate(now))


_CONDITIONS = {
    "to_check": lambda office, now: Q(receiving_office=office, state=State.SUBMITTED),
    "to_appraise": lambda office, now: Q(competent_office=office, state=State.RECEIVED),
    "to_approve": lambda office, now: Q(competent_office=office, state=State.APPRAISED),
    "to_stamp": lambda office, now: Q(competent_office=office, state=State.APPROVED),
    # A result goes back where the citizen chose: the receiving counter, or
    # by post or electronically from the competent office.
    "to_return": lambda office, now: (
        Q(state=State.STAMPED)
        & (
            Q(receiving_office=office, delivery=Delivery.COUNTER)
            | (Q(competent_office=office) & ~Q(delivery=Delivery.COUNTER))
        )
    ),
    "waiting": lambda office, now: at_offices(office) & Q(state=State.SUPPLEMENT_REQUESTED),
    "due_soon": _due_soon,
    "overdue": _overdue,
}


def counts(office: Office, now: dt.datetime | None = None) -> dict[str, int | None]:
    """How many dossiers each queue of `office` holds, in one query; None
    for "due soon" when the calendar cannot say (`calendar_problem`)."""
    now = now or timezone.now()
    conditions = {queue.slug: queue.condition(office, now) for queue in QUEUES}
    everything = Q()
    for condition in conditions.values():
        everything |= condition
    found: dict[str, int | None] = Dossier.objects.filter(everything).aggregate(
        **{slug: Count("pk", filter=condition) for slug, condition in conditions.items()}
    )
    if one_working_day_from(office, now) is None:
        found["due_soon"] = None
    return found


def dossiers_in(queue: Queue, office: Office, now: dt.datetime | None = None):
    """The dossiers of a queue, the most urgent first."""
    now = now or timezone.now()
    return (
        Dossier.objects.filter(queue.condition(office, now))
        .select_related("procedure", "receiving_office", "competent_office")
        .order_by("due_at", "submitted_at")
    )

"""The counter's work queues: what needs doing at an office, and how much.

Each queue is a filter on dossiers of one office; `counts` answers all of
them in one query, from the indexes on (office, state) and (state, due_at).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dossiers import permissions
from dossiers.models import Dossier, State
from dossiers.models.dossier import at_offices
from dossiers.timeliness import due_soon_on, overdue_on
from portal.calendar import WORKING_DAY, CalendarMissing
from portal.models import Membership, Office

Role = Membership.Role


@dataclass(frozen=True)
class Moment:
    """When the queues are read at an office: now, and one working day
    later by its calendar (None, with the reason, when the calendar of that
    day's year is not loaded). Built once per request."""

    now: dt.datetime
    horizon: dt.datetime | None
    calendar_problem: str = ""

    @classmethod
    def at(cls, office: Office, now: dt.datetime | None = None) -> Moment:
        now = now or timezone.now()
        try:
            return cls(now, office.calendar().add_working_time(now, WORKING_DAY))
        except CalendarMissing as missing:
            return cls(now, None, str(missing))


@dataclass(frozen=True)
class Queue:
    slug: str
    label: Promise
    hint: Promise
    roles: tuple[str, ...]
    tone: str = ""  # "warn" and "bad" draw the eye

    def condition(self, office: Office, moment: Moment) -> Q:
        return _CONDITIONS[self.slug](office, moment)


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


def _due_soon(office: Office, moment: Moment) -> Q:
    if moment.horizon is None:
        return Q(pk__in=[])  # the page says why (Moment.calendar_problem)
    return Q(competent_office=office) & due_soon_on(timezone.localdate(moment.now), moment.horizon)


def _overdue(office: Office, moment: Moment) -> Q:
    return Q(competent_office=office) & overdue_on(timezone.localdate(moment.now))


_CONDITIONS = {
    "to_check": lambda office, moment: Q(receiving_office=office, state=State.SUBMITTED),
    "to_appraise": lambda office, moment: Q(competent_office=office, state=State.RECEIVED),
    "to_approve": lambda office, moment: Q(competent_office=office, state=State.APPRAISED),
    "to_stamp": lambda office, moment: Q(competent_office=office, state=State.APPROVED),
    "to_return": lambda office, moment: Q(state=State.STAMPED) & permissions.handed_back_at(office),
    "waiting": lambda office, moment: at_offices(office) & Q(state=State.SUPPLEMENT_REQUESTED),
    "due_soon": _due_soon,
    "overdue": _overdue,
}


def counts(office: Office, moment: Moment | None = None) -> dict[str, int | None]:
    """How many dossiers each queue of `office` holds, in one query; None
    for "due soon" when the calendar cannot say."""
    moment = moment or Moment.at(office)
    conditions = {queue.slug: queue.condition(office, moment) for queue in QUEUES}
    everything = Q()
    for condition in conditions.values():
        everything |= condition
    found: dict[str, int | None] = Dossier.objects.filter(everything).aggregate(
        **{slug: Count("pk", filter=condition) for slug, condition in conditions.items()}
    )
    if moment.horizon is None:
        found["due_soon"] = None
    return found


def dossiers_in(queue: Queue, office: Office, moment: Moment | None = None) -> QuerySet[Dossier]:
    """The dossiers of a queue, the most urgent first."""
    moment = moment or Moment.at(office)
    return (
        Dossier.objects.filter(queue.condition(office, moment))
        .select_related("procedure", "receiving_office", "competent_office")
        .order_by("due_at", "submitted_at")
    )

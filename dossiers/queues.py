"""The counter's work queues: what needs doing at an office, and how much.

Each queue is a filter on dossiers of one office; `counts` answers all of
them in one query, from the indexes on (office, state) and (state, due_at).
Online submissions are listed oldest first, with how long each has waited
(`waiting`); the others by due date. `following` finds the dossier after
one in its queue, for the counter's "next in queue"; a queue's `batch` is
the action that may be taken on several of its dossiers at once (`batch`).
Results by post wait in their own queue ("to send by post") until each is
handed over to the postal service with its item number.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dossiers import permissions, waiting
from dossiers.models import Delivery, Dossier, State
from dossiers.models.dossier import at_offices
from dossiers.timeliness import due_soon_on, overdue_on
from portal.calendar import WORKING_DAY, Calendar, CalendarMissing
from portal.models import Membership, Office, calendars_of

Role = Membership.Role


@dataclass(frozen=True)
class Moment:
    """When the queues are read at an office: now, one working day later by
    its calendar, and the moment before which an online submission has
    waited more than half a working day (None, with the reason, when the
    calendar of that day's year is not loaded). Built once per request."""

    now: dt.datetime
    horizon: dt.datetime | None
    calendar_problem: str = ""
    calendar: Calendar | None = None
    long_wait_before: dt.datetime | None = None

    @classmethod
    def at(cls, office: Office, now: dt.datetime | None = None) -> Moment:
        return cls.on(office.calendar(), now or timezone.now())

    @classmethod
    def on(cls, calendar: Calendar, now: dt.datetime) -> Moment:
        try:
            horizon = calendar.add_working_time(now, WORKING_DAY)
            long_wait_before = waiting.waiting_since(calendar, now, waiting.LONG_WAIT)
        except CalendarMissing as missing:
            return cls(now, None, str(missing), calendar)
        return cls(now, horizon, "", calendar, long_wait_before)

    def waited(self, dossier: Dossier) -> dt.timedelta | None:
        """How long `dossier` has waited for the counter's check, in working
        time; None when it is not waiting."""
        return waiting.waited(self.calendar, waiting.since(dossier.state, dossier.submitted_at), self.now)


def moments(offices: Iterable[Office], now: dt.datetime | None = None) -> dict[int, Moment]:
    """`Moment.at` for many offices, by office id: their calendars in two
    queries, and one working day counted once per distinct calendar."""
    now = now or timezone.now()
    counted: dict[int, Moment] = {}
    found: dict[int, Moment] = {}
    for pk, calendar in calendars_of(offices).items():
        if id(calendar) not in counted:
            counted[id(calendar)] = Moment.on(calendar, now)
        found[pk] = counted[id(calendar)]
    return found


@dataclass(frozen=True)
class Queue:
    slug: str
    label: Promise
    hint: Promise
    roles: tuple[str, ...]
    tone: str = ""  # "warn" and "bad" draw the eye
    batch: str = ""  # the action its list may take on several dossiers at once

    def condition(self, office: Office, moment: Moment) -> Q:
        return _CONDITIONS[self.slug](office, moment)


QUEUES = [
    Queue("to_check", _("Online submissions to check"), _("Check and receive, or ask for more"), (Role.CLERK,)),
    Queue(
        "waiting_long",
        _("Online, waiting over half a day"),
        _("Submitted online, unchecked for more than half a working day"),
        (Role.CLERK,),
        tone="warn",
    ),
    Queue("to_appraise", _("To appraise"), _("Received, waiting for the specialist"), (Role.SPECIALIST,)),
    Queue("to_approve", _("To approve"), _("Appraised, waiting for the leader"), (Role.APPROVER,), batch="approve"),
    Queue(
        "to_stamp",
        _("To stamp and issue"),
        _("Approved, waiting for the stamp"),
        (Role.CLERK, Role.APPROVER),
        batch="stamp",
    ),
    Queue("to_return", _("Results to hand back"), _("Ready for the citizen"), (Role.CLERK,), batch="return"),
    Queue(
        "to_post",
        _("To send by post"),
        _("Results to hand over to the postal service, each with its item number"),
        (Role.CLERK,),
    ),
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


def _waiting_long(office: Office, moment: Moment) -> Q:
    if moment.long_wait_before is None:
        return Q(pk__in=[])  # the page says why (Moment.calendar_problem)
    return Q(receiving_office=office, state=State.SUBMITTED, submitted_at__lt=moment.long_wait_before)


def _overdue(office: Office, moment: Moment) -> Q:
    return Q(competent_office=office) & overdue_on(timezone.localdate(moment.now))


_CONDITIONS = {
    "to_check": lambda office, moment: Q(receiving_office=office, state=State.SUBMITTED),
    "waiting_long": _waiting_long,
    "to_appraise": lambda office, moment: Q(competent_office=office, state=State.RECEIVED),
    "to_approve": lambda office, moment: Q(competent_office=office, state=State.APPRAISED),
    "to_stamp": lambda office, moment: Q(competent_office=office, state=State.APPROVED),
    # A result by post goes to the postal service with its envelope's item
    # number, one by one (dossiers/postal.py): its own queue, never batched.
    "to_return": lambda office, moment: (
        Q(state=State.STAMPED) & ~Q(delivery=Delivery.POST) & permissions.handed_back_at(office)
    ),
    "to_post": lambda office, moment: (
        Q(state=State.STAMPED, delivery=Delivery.POST) & permissions.handed_back_at(office)
    ),
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
        found["waiting_long"] = None
    return found


# Online submissions wait in the order they came; the rest go by due date
# (those without one, asked for more before receipt, last on every database).
_OLDEST_FIRST = ("submitted_at", "pk")
_MOST_URGENT_FIRST = ("due_at", "submitted_at", "pk")


def _order(queue: Queue) -> tuple[str, ...]:
    return _OLDEST_FIRST if queue.slug in ("to_check", "waiting_long") else _MOST_URGENT_FIRST


def dossiers_in(queue: Queue, office: Office, moment: Moment | None = None) -> QuerySet[Dossier]:
    """The dossiers of a queue in the order to work on them: online
    submissions oldest first, the others the most urgent first."""
    moment = moment or Moment.at(office)
    return (
        Dossier.objects.filter(queue.condition(office, moment))
        .select_related("procedure", "receiving_office", "competent_office")
        .order_by(*(F(name).asc(nulls_last=True) for name in _order(queue)))
    )


def following(queue: Queue, office: Office, dossier: Dossier, moment: Moment | None = None) -> Dossier | None:
    """The dossier after `dossier` in its queue, in the queue's order (the
    first one again after the last), or None when no other is left. Read
    with the sort values `dossier` had in the list, so that acting on it —
    which takes it out of the queue — leads to the one below it."""
    moment = moment or Moment.at(office)
    others = dossiers_in(queue, office, moment).exclude(pk=dossier.pk)
    return others.filter(_after(_order(queue), dossier)).first() or others.first()


def _after(names: tuple[str, ...], dossier: Dossier) -> Q:
    """Rows that sort after `dossier` by `names`, ascending, nulls last."""
    head, *rest = names
    value = getattr(dossier, head)
    if value is None:
        later = Q(pk__in=[])  # nothing sorts after a null but other nulls
        same = Q(**{f"{head}__isnull": True})
    else:
        later = Q(**{f"{head}__gt": value}) | Q(**{f"{head}__isnull": True})
        same = Q(**{head: value})
    if not rest:
        return later
    return later | (same & _after(tuple(rest), dossier))


# The "due soon" queue of many offices at once (the supervisor's dossiers at
# risk): one query for all of them, not one per office.


def _due_soon_at(found: dict[int, Moment]) -> Q:
    """`_due_soon` of every office in `found`, as one filter: a term per
    distinct horizon, the offices sharing it together."""
    offices: dict[tuple[dt.date, dt.datetime], list[int]] = defaultdict(list)
    for pk, moment in found.items():
        if moment.horizon is not None:
            offices[timezone.localdate(moment.now), moment.horizon].append(pk)
    condition = Q(pk__in=[])
    for (day, horizon), pks in offices.items():
        condition |= Q(competent_office__in=pks) & due_soon_on(day, horizon)
    return condition


def due_soon_counts(found: dict[int, Moment]) -> dict[int, int]:
    """How many dossiers the "due soon" queue of each office holds, by
    office id (those with none left out), in one query."""
    rows = Dossier.objects.filter(_due_soon_at(found)).order_by().values("competent_office").annotate(n=Count("pk"))
    return {row["competent_office"]: row["n"] for row in rows}


def due_soon_by_office(found: dict[int, Moment], limit: int) -> dict[int, list[Dossier]]:
    """The first `limit` dossiers of each office's "due soon" queue, the most
    urgent first (`dossiers_in`), by office id, in one query."""
    urgency = [F(name).asc(nulls_last=True) for name in _MOST_URGENT_FIRST]
    rank = Window(RowNumber(), partition_by=F("competent_office"), order_by=urgency)
    dossiers = (
        Dossier.objects.filter(_due_soon_at(found))
        .annotate(rank=rank)
        .filter(rank__lte=limit)
        .select_related("procedure", "receiving_office", "competent_office")
        .order_by("competent_office", *urgency)
    )
    lists: dict[int, list[Dossier]] = defaultdict(list)
    for dossier in dossiers:
        lists[dossier.competent_office_id].append(dossier)
    return dict(lists)

"""The report's numbers recounted from the dossiers, pauses and events
themselves, in SQL: the dossiers behind any number of the report
(`dossiers_for`, the supervisor's drill-down), and the whole report
(`naive_report`), which tests and bench/report.py hold equal to the one read
from the rollups (reports/stats.py). Slow on purpose: it reads everything."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from dossiers import tallies
from dossiers.models import Dossier, DossierEvent, Pause
from dossiers.rollups import EVENT_ACTIONS
from dossiers.states import DECIDED, State
from dossiers.timeliness import SUPPLEMENT_REQUESTS_BEFORE_OVERDUE, start_of_day
from reports.periods import Period, begun
from reports.stats import GROUPS, Report, _assemble, _labels


def _between(span: Period) -> tuple[dt.datetime, dt.datetime]:
    return start_of_day(span.start), start_of_day(span.end + dt.timedelta(days=1))


def _open_then(queryset: QuerySet, day: dt.date) -> QuerySet:
    """Dossiers open at the end of `day`, annotated with how they stood then
    (the SQL twin of `tallies.open_class_at`)."""
    end = start_of_day(day + dt.timedelta(days=1))
    pauses = Pause.objects.filter(dossier=OuterRef("pk"))
    started = pauses.filter(started_at__lt=end)
    return (
        queryset.filter(received_at__lt=end)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=end))
        .annotate(
            requests_then=Coalesce(
                Subquery(started.order_by().values("dossier").annotate(n=Count("pk")).values("n")), Value(0)
            ),
            paused_since=Subquery(
                started.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=end)).values("started_at")[:1]
            ),
            due_then=Coalesce(
                Subquery(pauses.filter(ended_at__lt=end).order_by("-ended_at").values("due_after")[:1]),
                Subquery(pauses.order_by("started_at").values("due_before")[:1]),
                F("due_at"),
            ),
        )
    )


def _overdue_then(day: dt.date) -> Q:
    too_many = Q(requests_then__gt=SUPPLEMENT_REQUESTS_BEFORE_OVERDUE)
    stopped_late = Q(paused_since__isnull=False, paused_since__date__gt=F("due_then__date"))
    running_late = Q(paused_since__isnull=True, due_then__lt=start_of_day(day))
    return too_many | stopped_late | running_late


_DECIDED_IN_TIME = Q(state__in=DECIDED, supplement_requests__lte=SUPPLEMENT_REQUESTS_BEFORE_OVERDUE)
_FINISHED = {
    "finished_early": _DECIDED_IN_TIME & Q(finished_at__date__lt=F("due_at__date")),
    "finished_on_time": (_DECIDED_IN_TIME & Q(finished_at__date=F("due_at__date"))) | Q(state=State.WITHDRAWN),
    "finished_late": Q(state__in=DECIDED)
    & (Q(supplement_requests__gt=SUPPLEMENT_REQUESTS_BEFORE_OVERDUE) | Q(finished_at__date__gt=F("due_at__date"))),
}


def dossiers_for(measure: str, period: Period, queryset: QuerySet | None = None, *, today=None) -> QuerySet:
    """The dossiers behind a number of the report."""
    queryset = Dossier.objects.all() if queryset is None else queryset
    span = period.until(today or timezone.localdate())
    start, end = _between(span)
    received = Q(received_at__gte=start, received_at__lt=end)
    finished = Q(finished_at__gte=start, finished_at__lt=end)
    if measure == "received":
        return queryset.filter(received)
    if measure.startswith("received_"):
        channel = {v: k for k, v in tallies.RECEIVED.items()}[measure]
        return queryset.filter(received, channel=channel)
    if measure == "finished":
        condition = Q()
        for q in _FINISHED.values():
            condition |= q
        return queryset.filter(finished, condition, received_at__isnull=False)
    if measure in _FINISHED:
        return queryset.filter(finished, _FINISHED[measure], received_at__isnull=False)
    if measure in ("refusals", "withdrawals"):
        return queryset.filter(finished, state=State.REFUSED if measure == "refusals" else State.WITHDRAWN)
    if measure in ("supplement_requests", "apologies"):
        action = {v: k for k, v in EVENT_ACTIONS.items()}[measure]
        events = DossierEvent.objects.filter(action=action, at__gte=start, at__lt=end)
        return queryset.filter(pk__in=events.values("dossier_id"))
    if measure == "carried_over":
        return _open_then(queryset, span.start - dt.timedelta(days=1))
    if measure in ("open", "open_within", "open_overdue"):
        opened = _open_then(queryset, span.end)
        if measure == "open":
            return opened
        overdue = _overdue_then(span.end)
        return opened.filter(overdue) if measure == "open_overdue" else opened.exclude(overdue)
    raise ValueError(f"No measure called {measure!r}.")


def naive_report(period: Period, offices, *, by: str = "office", today: dt.date | None = None) -> Report:
    """`report`, recounted from the dossier, pause and event tables."""
    today = today or timezone.localdate()
    span = begun(period, today).until(today)
    key = GROUPS[by]
    base = Dossier.objects.filter(competent_office__in=list(offices))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def count(queryset: QuerySet, measure: str | None, split: str | None = None, names=None) -> None:
        rows = queryset.order_by().values(key, *([split] if split else [])).annotate(n=Count("pk", distinct=True))
        for row in rows:
            name = names[row[split]] if split else measure
            counts[row[key]][name] += row["n"]

    start, end = _between(span)
    count(dossiers_for("received", span, base, today=today), None, "channel", tallies.RECEIVED)
    classes = Case(*(When(q, then=Value(m)) for m, q in _FINISHED.items()), output_field=CharField())
    finished = dossiers_for("finished", span, base, today=today).annotate(cls=classes)
    count(finished, None, "cls", {m: m for m in _FINISHED})
    count(dossiers_for("refusals", span, base, today=today), "refusals")
    count(dossiers_for("withdrawals", span, base, today=today), "withdrawals")
    event_key = "dossier__competent_office_id" if by == "office" else "dossier__procedure__sector_id"
    events = DossierEvent.objects.filter(dossier__in=base, action__in=EVENT_ACTIONS, at__gte=start, at__lt=end)
    for row in events.values(event_key, "action").annotate(n=Count("pk")):
        counts[row[event_key]][EVENT_ACTIONS[row["action"]]] += row["n"]
    count(dossiers_for("open_within", span, base, today=today), "open_within")
    count(dossiers_for("open_overdue", span, base, today=today), "open_overdue")
    count(dossiers_for("carried_over", span, base, today=today), "carried_over")
    keys, labels = _labels(by, offices)
    return _assemble(period, span.end, by, {k: dict(v) for k, v in counts.items()}, keys, labels)

"""The feedback and petitions line (phản ánh, kiến nghị) for supervisors:
each office's figures month by month, and the hotspots — cases by type,
office, procedure, place and theme over the last months, the ones that
repeat, the offices answering late and the procedures that raise the most
questions — so that a procedure or a counter that keeps causing calls is
fixed at the source.

A case counts for the office that must answer it (`answering_office`), in
the month it was received; one the switchboard has not routed yet belongs
to no office and is not counted here (the switchboard's list has it).
`judge` says what a case is at a moment, one rule for the figures and the
service-quality index (reports/quality.py, 5.1–5.3):

- answered on time: answered by its due time (`due_at`, 15 working days
  from receipt by the office that answers: a transfer or a reopening starts
  a fresh limit, petitions/rules.py); answered late: after it;
- open: not answered yet (a reopened case is open again), within its limit
  or overdue at the moment it is judged; declined: refused as outside the
  line's remit or abusive;
- satisfied or not: as the citizen rated the answer (reopening it counts
  as not satisfied).

Themes are read from the citizen's words with the complaint hotspots'
keywords (`reports.hotspots.themes_of`), and the lines are the same
`Line`s: recurring (cases in two months or more) first. A place is compared
in lower case with spaces tidied ("Số 5 Lý Thường Kiệt" and "số 5  lý
thường kiệt" are one place) and reads as it was first written.

The line sits above the reports in the layout (tests/test_layering.py): its
cases are read through the office's relation (`line_cases_to_answer`), as
the quality index reads feedback through the dossier's, and its states and
types are named here by their stored values. Two queries: the period's
cases for the figures, the last months' for the hotspots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dossiers.timeliness import start_of_day
from portal.models import Office
from reports.hotspots import MONTHS, Hotspots, Line, themes_of
from reports.periods import Period, months_back

DECLINED = "declined"
# Waiting for the citizen's reply to a request for more information: the
# answer clock is stopped, so the case is not overdue however long it waits.
AWAITING_INFO = "awaiting_info"
QUESTION = "question"
# The trail's actions that classify a case: routed to an office, or declined.
ROUTING = ("dispatch", "decline")

MEASURES = {
    "received": pgettext_lazy("line", "Received"),
    "answered_on_time": _("Answered on time"),
    "answered_late": _("Answered late"),
    "open_within": _("Open, within the limit"),
    "open_overdue": _("Open, overdue"),
    "declined": _("Declined"),
    "satisfied": _("Satisfied"),
    "not_satisfied": _("Not satisfied"),
}
LATE = ("answered_late", "open_overdue")


def cases() -> type[Model]:
    """The line's case model, through the office's relation."""
    return Office._meta.get_field("line_cases_to_answer").related_model  # type: ignore[return-value]


def kinds() -> dict[str, str]:
    """The types of case and their names, as the line defines them."""
    return {str(value): str(label) for value, label in cases()._meta.get_field("kind").choices}  # type: ignore[union-attr]


def judge(
    state: str, due_at: dt.datetime | None, answered_at: dt.datetime | None, is_satisfied: bool | None, at: dt.datetime
) -> list[str]:
    """The measures one case counts under, judged at `at` (besides
    "received", which every case of the month is)."""
    found = []
    if state == DECLINED:
        found.append("declined")
    elif answered_at is not None:
        found.append("answered_late" if due_at is not None and answered_at > due_at else "answered_on_time")
    else:
        overdue = state != AWAITING_INFO and due_at is not None and due_at < at
        found.append("open_overdue" if overdue else "open_within")
    if is_satisfied is not None:
        found.append("satisfied" if is_satisfied else "not_satisfied")
    return found


@dataclass
class Figures:
    """One office's (or the total's) figures for a month or the period."""

    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    office: Office | None = None

    def __getitem__(self, measure: str) -> int:
        return self.counts[measure]

    @property
    def cells(self) -> list[int]:
        return [self.counts[m] for m in MEASURES]

    @property
    def late(self) -> int:
        return sum(self.counts[m] for m in LATE)

    @property
    def due(self) -> int:
        """Answered, or open past the limit: the cases whose time is up."""
        return self.counts["answered_on_time"] + self.late

    def add(self, other: Figures) -> None:
        for measure in MEASURES:
            self.counts[measure] += other.counts[measure]


@dataclass
class Month:
    period: Period
    rows: list[Figures]
    total: Figures


@dataclass
class LineFigures:
    period: Period
    judged_at: dt.datetime
    months: list[Month]
    offices: list[Figures]
    total: Figures

    @property
    def answering_late(self) -> list[Figures]:
        """The offices with cases answered late or overdue, the most first."""
        late = [row for row in self.offices if row.late]
        return sorted(late, key=lambda row: (-row.late, -row.due, row.label))


def tally(
    period: Period, offices: list[Office], rows: Iterable[tuple[int, dt.datetime, Any, Any, str, Any]], at: dt.datetime
) -> LineFigures:
    """The figures from (office id, received at, due at, answered at, state,
    satisfied) rows: per month each office with a case, and per office and
    in total over the period."""
    months = period.months()
    by_pk = {office.pk: office for office in offices}
    per_month: list[dict[int, Figures]] = [{} for _m in months]
    tz = timezone.get_default_timezone()
    for office_id, received_at, due_at, answered_at, state, satisfied in rows:
        day = received_at.astimezone(tz).date()
        index = next((i for i, m in enumerate(months) if m.start <= day <= m.end), None)
        if index is None or office_id not in by_pk:
            continue
        office = by_pk[office_id]
        figures = per_month[index].setdefault(office_id, Figures(office.name, office=office))
        figures.counts["received"] += 1
        for measure in judge(state, due_at, answered_at, satisfied, at):
            figures.counts[measure] += 1
    by_office = {office.pk: Figures(office.name, office=office) for office in offices}
    total = Figures(str(_("Total")))
    result = []
    for month, found in zip(months, per_month, strict=True):
        month_total = Figures(str(_("Total")))
        for office_id, figures in found.items():
            by_office[office_id].add(figures)
            month_total.add(figures)
        total.add(month_total)
        rows_of_month = sorted(found.values(), key=lambda f: f.label)
        result.append(Month(month, rows_of_month, month_total))
    return LineFigures(period, at, result, list(by_office.values()), total)


def judged_moment(period: Period, today: dt.date) -> dt.datetime:
    """The end of the period, or now while it runs."""
    return min(start_of_day(min(period.end, today) + dt.timedelta(days=1)), timezone.now())


def figures(period: Period, offices: Iterable[Office], *, today: dt.date | None = None) -> LineFigures:
    """The line's figures of `offices` for `period` (one query)."""
    offices = list(offices)
    today = today or timezone.localdate()
    begins, ends = start_of_day(period.start), start_of_day(period.end + dt.timedelta(days=1))
    rows = (
        cases()
        .objects.filter(answering_office__in=offices, received_at__gte=begins, received_at__lt=ends)
        .values_list("answering_office", "received_at", "due_at", "answered_at", "state", "is_satisfied")
        .order_by()
    )
    return tally(period, offices, rows, judged_moment(period, today))


# Hotspots ---------------------------------------------------------------

DIMENSIONS = {
    "kind": _("By type"),
    "theme": _("By theme"),
    "office": _("By office"),
    "procedure": _("By procedure"),
    "place": _("By place"),
}
QUESTIONS = "questions"


def place_key(place: str) -> str:
    """A place as compared: lower case, spaces tidied."""
    return " ".join((place or "").split()).lower()


def hotspot_lines(
    periods: list[Period], rows: Iterable[tuple[dt.datetime, str, str, str, str, str, str]], kind_names: dict[str, str]
) -> Hotspots:
    """The lines from (received at, type, text, place, procedure code,
    procedure name, office name) rows; a case without a procedure or a
    place is on no line of that dimension. `QUESTIONS`: the procedures of
    the questions alone. Rows come oldest first."""
    position = {(p.start.year, p.start.month): i for i, p in enumerate(periods)}
    tz = timezone.get_default_timezone()
    lines: dict[str, dict[str, Line]] = {dimension: {} for dimension in (*DIMENSIONS, QUESTIONS)}
    # A place reads as it was first written; its spellings count together.
    places: dict[str, str] = {}
    total = 0
    for received_at, kind, text, place, code, procedure, office in rows:
        local = received_at.astimezone(tz)
        month = position.get((local.year, local.month))
        if month is None:
            continue
        total += 1
        about = [f"{code} · {procedure}"] if code else []
        keys = {
            "kind": [kind_names.get(kind, kind)],
            "theme": [str(theme.label) for theme in themes_of(text)],
            "office": [office],
            "procedure": about,
            "place": [places.setdefault(place_key(place), " ".join(place.split()))] if place_key(place) else [],
            QUESTIONS: about if kind == QUESTION else [],
        }
        for dimension, labels in keys.items():
            for label in labels:
                line = lines[dimension].setdefault(label, Line(label, [0] * len(periods)))
                line.months[month] += 1
                if text and len(line.examples) < 3:
                    line.examples.append(text[:160])
    by = {
        dimension: sorted(found.values(), key=lambda line: (not line.is_recurring, -line.total, line.label))
        for dimension, found in lines.items()
    }
    by[QUESTIONS].sort(key=lambda line: (-line.total, line.label))
    return Hotspots(periods, total, by)


def repeating(found: Hotspots) -> list[tuple[str, Line]]:
    """The office, procedure and place lines with cases in two months or
    more: what keeps coming back."""
    return [
        (str(DIMENSIONS[dimension]), line)
        for dimension in ("office", "procedure", "place")
        for line in found.by[dimension]
        if line.is_recurring
    ]


def hotspots(offices: Iterable[Office], *, today: dt.date | None = None, months: int = MONTHS) -> Hotspots:
    """The cases the `offices` answer received in the last `months` months
    (this one included), as hotspot lines (one query)."""
    today = today or timezone.localdate()
    periods = list(reversed(months_back(today, months)))
    rows = (
        cases()
        .objects.filter(answering_office__in=list(offices), received_at__gte=start_of_day(periods[0].start))
        .values_list(
            "received_at", "kind", "text", "place", "procedure__code", "procedure__name", "answering_office__name"
        )
        .order_by("received_at", "pk")
    )
    return hotspot_lines(periods, rows, kinds())

"""The service-quality index of Decision 766/QĐ-TTg (DOMAIN §3.2), per
counter and per period: every indicator the portal's own data supports,
each computed by a small function whose docstring gives the published rule,
its source and what the portal counts; and the indicators it cannot compute
yet, each with the reason (`NOT_COMPUTED`), shown on the page as well.

The figures come from a bounded number of aggregate queries whatever the
number of offices (`index`): the dossiers by office, the finished ones by
office and procedure, their pauses, the catalogue, the procedures that
received online dossiers, the fee-bearing ones, the complaints, one
working calendar and the feedback line's cases. The
formulas themselves (`on_time_rate` … `satisfaction`) take counts and
return a `Figure`: pure, tested on a set built to known figures.

Only the Government Office's system scores a province; these figures are
the portal's own approximation of it, so that a counter sees where it
stands before the national score is published.

This module is long because each indicator's rule is written out beside
the code that counts it, as the issue asked: the rule, the source, and
what the portal counts differently.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.gateways import merchant_for
from dossiers.models import Attachment, Dossier, DossierDocument, Pause, Payment, PaymentMethod, PaymentState, Result
from dossiers.states import DECIDED, ENDED_ON_TIME, WAITING, State
from dossiers.timeliness import SUPPLEMENT_REQUESTS_BEFORE_OVERDUE, start_of_day
from portal.calendar import Calendar, CalendarMissing, TimeLimit, TimeUnit
from portal.models import Office
from procedures.models import Channel, Fee, Procedure
from reports.periods import Period

HUNDRED = Decimal(100)
HUNDREDTH = Decimal("0.01")
TENTH = Decimal("0.1")
# Feedback (citizens/models.py, `Feedback.Kind`) is read through the
# dossier's `feedback` relation: the reports sit beside the citizens' app,
# not above it, and do not import it.
COMPLAINT, RATING = "complaint", "rating"
# A rating of 1 or 2 out of 5 is the "dislike" of indicator 5.4.
LOW_RATING = 2
# Indicator 5.2: feedback and complaints are processed within 15 working days.
COMPLAINT_WORKING_DAYS = 15


@dataclass(frozen=True)
class Figure:
    """One indicator's value: a percentage (or days) with the counts behind
    it; `value` is None when there is nothing to count (shown "—")."""

    value: Decimal | None
    numerator: int | Decimal = 0
    denominator: int = 0
    unit: str = "%"

    def __str__(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value} %" if self.unit == "%" else f"{self.value}"


def percent(part: int, whole: int) -> Figure:
    """`part` of `whole` in percent to two decimals (half up); "—" when
    `whole` is nought."""
    if whole <= 0:
        return Figure(None, part, whole)
    value = (Decimal(part) * HUNDRED / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return Figure(value, part, whole)


# The counts one office (or the total) gives the formulas.
COUNTS = (
    "handled",
    "handled_in_time",
    "handled_flagged",
    "received",
    "received_online",
    "received_online_counted",
    "results",
    "results_electronic",
    "digitised",
    "finished",
    "procedures",
    "procedures_online",
    "procedures_online_used",
    "complaints_due",
    "complaints_in_time",
    "procedures_fee",
    "procedures_fee_online",
    "paid",
    "paid_online",
    "line_routing_due",
    "line_routed_in_time",
    "line_due",
    "line_in_time",
    "line_rated",
    "line_satisfied",
)


@dataclass
class Counts:
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    processing_seconds: Decimal = Decimal(0)

    def __getitem__(self, name: str) -> int:
        return self.values[name]

    def add(self, other: Counts) -> None:
        for name in COUNTS:
            self.values[name] += other.values[name]
        self.processing_seconds += other.processing_seconds


# The formulas -----------------------------------------------------------


def on_time_rate(counts: Counts) -> Figure:
    """2.1 — Share of dossiers handled early or on time.

    Rule (766 spec 2.1): (finished and still-open dossiers within their
    deadline) ÷ dossiers received or handled in the period. The end of a
    dossier is its decision ("Đã xử lý xong"), or its stop, refusal or
    withdrawal (which count as in time); a dossier without an end is judged
    at the period's end. The time waiting for the citizen's supplement is
    left out; more than one supplement request during processing counts as
    late, whatever the dates.

    The portal counts every dossier received (clock started) before the
    period's end and not finished before it began. Supplement time is left
    out because the due date moves by each pause (dossiers/timeliness.py).
    A dossier open at the period's end is judged by its due date as it
    stands today, which a later pause may have moved.
    """
    return percent(counts["handled_in_time"], counts["handled"])


def average_processing_days(counts: Counts) -> Figure:
    """2.2 — Average processing time per procedure.

    Rule (766 spec 2.2): Σ processing time ÷ number of finished dossiers, in
    the procedure's unit (hours, days, working days, months).

    The portal counts the dossiers decided (stamped or rejected) in the
    period, from receipt to decision, less the time the clock stood paused
    waiting for the citizen, and gives it in calendar days to one decimal
    (not in each procedure's unit: working days would need each office's
    calendar for every dossier). The page lists it per procedure.
    """
    if counts["finished"] <= 0:
        return Figure(None, 0, 0, unit="days")
    days = counts.processing_seconds / Decimal(86_400) / Decimal(counts["finished"])
    return Figure(days.quantize(TENTH, rounding=ROUND_HALF_UP), counts.processing_seconds, counts["finished"], "days")


def online_procedures(counts: Counts) -> Figure:
    """3.1 — Share of procedures offering an online service (full or partial).

    Rule (766 spec 3.1): procedures offered as a full or partial online
    service ÷ procedures of the authority; full score at ≥ 80 %.

    The portal counts the procedures in service and published that a
    counter of the office's level receives (`Procedure.counter_levels`, or
    any counter for a location-independent one), and among them those whose
    online level is full or partial.
    """
    return percent(counts["procedures_online"], counts["procedures"])


def online_procedures_used(counts: Counts) -> Figure:
    """3.2 — Share of online services that actually received dossiers.

    Rule (766 spec 3.2): online services (3.1) that received at least one
    online dossier in the period ÷ online services.

    The portal counts the online procedures of 3.1 with at least one dossier
    submitted online to the office in the period.
    """
    return percent(counts["procedures_online_used"], counts["procedures_online"])


def online_dossiers(counts: Counts) -> Figure:
    """3.3 — Share of dossiers submitted online.

    Rule (766 spec 3.3): dossiers received through the online channel
    (`KenhThucHien = 2`) and, where the result is a paper document, given
    an electronic result too ÷ dossiers received; full score at ≥ 50 %.

    The portal counts the dossiers received online in the period, except
    those whose result was issued (stamped) with no electronic result in
    force (dossiers.models.Result): a procedure's result is a document
    whenever it gives one, so a dossier sent online whose result was given
    on paper only counts as not online, as the rule says. A dossier still
    being handled, or ended without a result, counts by its channel.
    """
    return percent(counts["received_online_counted"], counts["received"])


def fees_payable_online(counts: Counts) -> Figure:
    """3.5 — Share of fee-bearing procedures whose fees can be paid online.

    Rule (766 spec 3.5): procedures with fees or charges whose payment is
    offered online (on the national portal's payment platform) ÷ procedures
    with fees or charges; full score at ≥ 80 %.

    The portal counts the procedures of 3.1 that charge a fee in đồng (a
    fee row above nought, on any channel, in force on the day judged), and
    among them those a citizen can pay online through the portal: offered
    fully or partly online, in a province with a payment merchant
    (`PAYMENT_MERCHANTS`). The portal's gateway stands for the platform: it
    speaks the protocol the provinces' gateways speak (DOMAIN §8), not the
    national portal's own.
    """
    return percent(counts["procedures_fee_online"], counts["procedures_fee"])


def dossiers_paid_online(counts: Counts) -> Figure:
    """3.6 — Share of dossiers whose fees were paid online.

    Rule (766 spec 3.6): dossiers with a financial obligation paid online
    (`DuocThanhToanTrucTuyen` 1, on the national portal, or 2, on a
    ministry's or province's gateway) ÷ dossiers with a financial
    obligation.

    The portal counts the dossiers received in the period whose fees are
    paid — a payment held for them, not refunded (dossiers/payments.py) —
    and among them those with a payment made online (the province's
    gateway: 2 in the national coding). A dossier that owes but has not
    paid yet (at hand-over) counts once it pays; one refunded (withdrawn,
    refused) does not count.
    """
    return percent(counts["paid_online"], counts["paid"])


def electronic_results(counts: Counts) -> Figure:
    """4.1 — Share of dossiers with an electronic result.

    Rule (766 spec 4.1): dossiers given an electronic result (result code
    and file link) ÷ dossiers decided, among procedures whose result is a
    paper document.

    The portal counts the dossiers stamped in the period (rejections give
    no result) that keep a signed result file not revoked (a corrected one
    counts: its correction is in force), whichever way it was handed over.
    """
    return percent(counts["results_electronic"], counts["results"])


def digitised_dossiers(counts: Counts) -> Figure:
    """4.2 — Share of dossiers digitised at intake.

    Rule (766 spec 4.2, Circular 01/2023/TT-VPCP): the component files
    **and** the result file are attached; full score at ≥ 80 %.

    The portal counts the dossiers received in the period with at least one
    file attached and a file for every document handed in and ticked at the
    counter (documents only shown at the counter need none). It keeps no
    result file, so that half of the rule is not checked.
    """
    return percent(counts["digitised"], counts["received"])


def feedback_routed_in_time(counts: Counts) -> Figure:
    """5.1 — Feedback and petitions classified in time.

    Rule (766 spec 5.1–5.3, DOMAIN §8): feedback and petitions are
    classified, and one outside the remit declined, within 2 working days.

    The portal counts the feedback line's cases (petitions/) received in
    the period and routed or declined, or whose 2 working days have run
    out by the period's end (or today); in time = the switchboard routed it
    to the office that answers (with its type, procedure and office
    confirmed), or declined it, by then. A case counts for the office that
    answers it; one still unrouted, or declined before it had one, counts
    for no office.
    """
    return percent(counts["line_routed_in_time"], counts["line_routing_due"])


def complaints_answered_in_time(counts: Counts) -> Figure:
    """5.2 — Feedback and complaints answered within their time limit.

    Rule (766 spec 5.1–5.3): feedback and complaints processed within 15
    working days.

    The portal counts two kinds of message, both feedback in the rule's
    sense: the complaints citizens send about a dossier, and the feedback
    line's cases (petitions/). A dossier's complaint sent in the period
    counts once its 15 working days have run out by the period's end (or
    today), or once answered; in time = answered by a supervisor before
    they ran out (working days by the national calendar; an office's own
    days off are not applied). A line case received in the period counts
    for the office that answers it once answered or past its limit; in
    time = answered by its due time (15 working days on that office's
    calendar, afresh after a transfer or a reopening: petitions/rules.py).
    Declined cases are 5.1's, not 5.2's.
    """
    return percent(counts["complaints_in_time"] + counts["line_in_time"], counts["complaints_due"] + counts["line_due"])


def feedback_satisfaction(counts: Counts) -> Figure:
    """5.3 — Satisfaction with the handling of feedback and petitions.

    Rule (766 spec 5.1–5.3): the citizen's satisfaction with how their
    feedback or petition was handled.

    The portal counts the feedback line's cases received in the period
    whose citizen rated the answer, and among them those rated satisfied;
    reopening a case is a "not satisfied". A dossier's complaint is
    answered once and not rated, so it is not in this figure.
    """
    return percent(counts["line_satisfied"], counts["line_rated"])


def satisfaction(counts: Counts) -> Figure:
    """5.4 — Satisfaction with receipt and resolution.

    Rule (766 spec 5.4): 100 % − (share of overdue dossiers + share of
    dossiers with a complaint or a "dislike"); full score at ≥ 90 %.

    The portal counts the dossiers of 2.1: overdue = not in time there;
    with a complaint or a dislike = a complaint, or a rating of 1 or 2 out
    of 5, sent about the dossier (at any time). The formula adds the two
    shares, so a dossier both overdue and complained about counts twice.
    Never below 0 %.
    """
    handled = counts["handled"]
    if handled <= 0:
        return Figure(None, 0, 0)
    overdue = handled - counts["handled_in_time"]
    unhappy = Decimal(overdue + counts["handled_flagged"]) * HUNDRED / Decimal(handled)
    value = max(Decimal(0), HUNDRED - unhappy).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return Figure(value, overdue + counts["handled_flagged"], handled)


@dataclass(frozen=True)
class Indicator:
    """An indicator computed here: its number in the 766 specification, its
    group, its name, a short head for the table, its formula (whose
    docstring is the rule in full) and the rule in a sentence for the page."""

    key: str
    group: str
    label: str
    short: str
    formula: object
    summary: str

    @property
    def group_label(self) -> str:
        return str(GROUPS[self.group])

    @property
    def rule(self) -> str:
        """The formula's docstring, for the page: the rule and what the
        portal counts."""
        doc = getattr(self.formula, "__doc__", "") or ""
        return " ".join(doc.split("\n\n", 1)[1].split()) if "\n\n" in doc else ""


GROUPS = {
    "1": _("Transparency"),
    "2": _("Progress and results"),
    "3": _("Online service"),
    "4": _("Digitisation"),
    "5": _("Satisfaction"),
}

INDICATORS = (
    Indicator(
        "2.1",
        "2",
        _("Handled early or on time"),
        _("On time"),
        on_time_rate,
        _(
            "Dossiers finished early or on time, or still within the deadline at the period's end, of those "
            "received or handled in the period. Waiting for the citizen's supplement is left out; more than one "
            "supplement request counts as late; refusals and withdrawals count as on time."
        ),
    ),
    Indicator(
        "2.2",
        "2",
        _("Average processing time (days)"),
        _("Days"),
        average_processing_days,
        _(
            "From receipt to decision, less the time waiting for the citizen, averaged over the dossiers decided "
            "in the period, in calendar days."
        ),
    ),
    Indicator(
        "3.1",
        "3",
        _("Procedures offered online"),
        _("Online procedures"),
        online_procedures,
        _("Procedures the counter receives that are offered fully or partly online, of all it receives."),
    ),
    Indicator(
        "3.2",
        "3",
        _("Online procedures that received dossiers"),
        _("Used online"),
        online_procedures_used,
        _("Online procedures that received at least one online dossier in the period, of all online procedures."),
    ),
    Indicator(
        "3.3",
        "3",
        _("Dossiers submitted online"),
        _("Online dossiers"),
        online_dossiers,
        _(
            "Dossiers received online, of all received in the period; one whose result was given on paper "
            "only, with no electronic result, does not count as online."
        ),
    ),
    Indicator(
        "3.5",
        "3",
        _("Fee-bearing procedures payable online"),
        _("Pay online"),
        fees_payable_online,
        _(
            "Procedures the counter receives that charge a fee and whose fees can be paid online through the "
            "portal, of all those that charge a fee."
        ),
    ),
    Indicator(
        "3.6",
        "3",
        _("Dossiers paid online"),
        _("Paid online"),
        dossiers_paid_online,
        _(
            "Dossiers received in the period whose fees were paid, not refunded, with a payment made online, of "
            "all those whose fees were paid."
        ),
    ),
    Indicator(
        "4.1",
        "4",
        _("Dossiers with an electronic result"),
        _("E-result"),
        electronic_results,
        _(
            "Results stamped in the period that keep a signed electronic result document, not revoked, of all "
            "results stamped."
        ),
    ),
    Indicator(
        "4.2",
        "4",
        _("Dossiers digitised at intake"),
        _("Digitised"),
        digitised_dossiers,
        _(
            "Dossiers received in the period with a file for every document handed in; the result file is not "
            "kept, so it is not checked."
        ),
    ),
    Indicator(
        "5.1",
        "5",
        _("Feedback routed within 2 working days"),
        _("Routed in time"),
        feedback_routed_in_time,
        _(
            "Cases of the feedback line received in the period that were routed to the office that answers, or "
            "declined, within 2 working days, of those routed, declined or past their 2 days."
        ),
    ),
    Indicator(
        "5.2",
        "5",
        _("Complaints answered within 15 working days"),
        _("Complaints in time"),
        complaints_answered_in_time,
        _(
            "Complaints about dossiers and cases of the feedback line received in the period answered within "
            "their 15 working days, of those answered or past their limit."
        ),
    ),
    Indicator(
        "5.3",
        "5",
        _("Satisfied with the answer to their feedback"),
        _("Feedback satisfied"),
        feedback_satisfaction,
        _(
            "Cases of the feedback line received in the period whose citizen rated the answer satisfying, of "
            "those rated."
        ),
    ),
    Indicator(
        "5.4",
        "5",
        _("Satisfaction"),
        _("Satisfaction"),
        satisfaction,
        _(
            "100 % minus the share of overdue dossiers and the share of dossiers with a complaint or a rating of "
            "1 or 2 out of 5."
        ),
    ),
)


@dataclass(frozen=True)
class NotComputed:
    key: str
    label: str
    why: str


NOT_COMPUTED = (
    NotComputed(
        "1.1–1.3",
        _("Procedures announced, published and complete on time"),
        _(
            "The catalogue keeps the announcing decision's number but not its date, nor the legal basis's "
            "effective date, nor when it was published on the national database."
        ),
    ),
    NotComputed(
        "1.4",
        _("Dossiers synchronised to the National Public Service Portal"),
        _("The portal does not send its dossiers to the national portal."),
    ),
    NotComputed(
        "4.3",
        _("Dossiers reusing data already held"),
        _(
            "A file is always uploaded or scanned anew: the portal does not record that a document was taken "
            "from a result it issued before or from the national data store."
        ),
    ),
    NotComputed(
        "4.4–4.5",
        _("Citizen's document store and population data (VNeID)"),
        _("The portal is not connected to the national document store nor to the population database."),
    ),
    NotComputed(
        "5.1–5.3",
        _("Requests for more information within 5 working days, answers published within 2"),
        _(
            "The feedback line records each request for more information and each answer published, with their "
            "limits, but the index does not count them yet."
        ),
    ),
)


def figures(counts: Counts) -> dict[str, Figure]:
    return {indicator.key: indicator.formula(counts) for indicator in INDICATORS}


# The queries ---------------------------------------------------------------


@dataclass
class ProcedureTime:
    """2.2 for one procedure at the chosen offices."""

    procedure: str
    code: str
    finished: int
    average: Figure


@dataclass
class OfficeIndex:
    office: Office | None
    label: str
    counts: Counts
    figures: dict[str, Figure]


@dataclass
class Index:
    period: Period
    judged_on: dt.date
    rows: list[OfficeIndex]
    total: OfficeIndex
    procedures: list[ProcedureTime]


def index(period: Period, offices: Iterable[Office], *, today: dt.date | None = None) -> Index:
    """The index of each office for `period`, and of them all together."""
    offices = list(offices)
    today = today or timezone.localdate()
    judged_on = min(period.end, today)
    counts = {office.pk: Counts() for office in offices}
    _count_dossiers(counts, period, judged_on)
    times = _count_processing(counts, period)
    _count_procedures(counts, offices, period, judged_on)
    _count_complaints(counts, offices, period, judged_on)
    _count_line(counts, offices, period, judged_on)
    total = Counts()
    for found in counts.values():
        total.add(found)
    rows = [OfficeIndex(office, office.name, counts[office.pk], figures(counts[office.pk])) for office in offices]
    everyone = OfficeIndex(None, str(_("All chosen offices")), total, figures(total))
    return Index(period, judged_on, rows, everyone, times)


def unhappy_feedback() -> Q:
    """A dossier's complaint or low rating ("dislike"), as a filter on
    dossiers (one join: use it within one `filter`)."""
    return Q(feedback__kind=COMPLAINT) | Q(feedback__kind=RATING, feedback__rating__lte=LOW_RATING)


def _count_dossiers(counts: dict[int, Counts], period: Period, judged_on: dt.date) -> None:
    """One query: the dossier counts of 2.1, 3.3, 3.6, 4.1, 4.2 and 5.4 by office."""
    begins, ends = start_of_day(period.start), start_of_day(period.end + dt.timedelta(days=1))
    judged = start_of_day(judged_on)
    handled = Q(received_at__lt=ends) & (Q(finished_at=None) | Q(finished_at__gte=begins))
    few_supplements = Q(supplement_requests__lte=SUPPLEMENT_REQUESTS_BEFORE_OVERDUE)
    finished_by_end = Q(finished_at__lt=ends)
    finished_in_time = finished_by_end & (
        Q(state__in=ENDED_ON_TIME) | (few_supplements & Q(finished_at__date__lte=F("due_at__date")))
    )
    # Open at the end: within while the due date is not past on the day it
    # is judged, or while paused waiting for the citizen before it was due.
    open_in_time = (
        ~finished_by_end
        & few_supplements
        & (Q(due_at__gte=judged) | Q(state=WAITING, paused_at__date__lte=F("due_at__date")))
    )
    received = Q(received_at__gte=begins, received_at__lt=ends)
    # A result issued: stamped, or handed over since (a rejection gives none).
    with_result = Q(finished_at__gte=begins, finished_at__lt=ends, state__in=(State.STAMPED, State.RETURNED))
    electronic = Q(Exists(Result.objects.filter(dossier=OuterRef("pk"), revoked_at=None)))
    # Online with its result on paper only: not an online dossier (3.3).
    paper_only = Q(state__in=(State.STAMPED, State.RETURNED)) & ~electronic
    unhappy = Dossier.objects.filter(pk=OuterRef("pk")).filter(unhappy_feedback())
    held = Payment.objects.filter(dossier=OuterRef("pk"), state=PaymentState.PAID)
    files = Attachment.objects.filter(dossier=OuterRef("pk"))
    unscanned = DossierDocument.objects.filter(dossier=OuterRef("pk"), is_received=True, kind="hand_in").exclude(
        Exists(Attachment.objects.filter(document=OuterRef("pk")))
    )
    rows = (
        Dossier.objects.filter(competent_office__in=list(counts), received_at__lt=ends)
        .values("competent_office")
        .annotate(
            handled=Count("pk", filter=handled),
            handled_in_time=Count("pk", filter=handled & (finished_in_time | open_in_time)),
            handled_flagged=Count("pk", filter=handled & Q(Exists(unhappy))),
            received=Count("pk", filter=received),
            received_online=Count("pk", filter=received & Q(channel=Channel.ONLINE)),
            received_online_counted=Count("pk", filter=received & Q(channel=Channel.ONLINE) & ~paper_only),
            results=Count("pk", filter=with_result),
            results_electronic=Count("pk", filter=with_result & electronic),
            digitised=Count("pk", filter=received & Q(Exists(files)) & ~Q(Exists(unscanned))),
            paid=Count("pk", filter=received & Q(Exists(held))),
            paid_online=Count("pk", filter=received & Q(Exists(held.filter(method=PaymentMethod.ONLINE)))),
        )
        .order_by()
    )
    for row in rows:
        found = counts[row.pop("competent_office")]
        found.values.update(row)


def _count_processing(counts: dict[int, Counts], period: Period) -> list[ProcedureTime]:
    """Two queries: the time from receipt to decision of the dossiers
    decided in the period, and their pauses, by office and procedure (2.2)."""
    begins, ends = start_of_day(period.start), start_of_day(period.end + dt.timedelta(days=1))
    decided = Q(
        competent_office__in=list(counts), state__in=DECIDED, finished_at__gte=begins, finished_at__lt=ends
    ) & Q(received_at__isnull=False)
    elapsed = ExpressionWrapper(F("finished_at") - F("received_at"), output_field=DurationField())
    rows = (
        Dossier.objects.filter(decided)
        .values("competent_office", "procedure", "procedure__code", "procedure__name")
        .annotate(finished=Count("pk"), elapsed=Sum(elapsed))
        .order_by()
    )
    paused_time = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    pauses = (
        Pause.objects.filter(ended_at__isnull=False, dossier__in=Dossier.objects.filter(decided))
        .values("dossier__competent_office", "dossier__procedure")
        .annotate(paused=Sum(paused_time))
        .order_by()
    )
    paused = {(p["dossier__competent_office"], p["dossier__procedure"]): _seconds(p["paused"]) for p in pauses}
    by_procedure: dict[int, list] = defaultdict(lambda: ["", "", 0, Decimal(0)])
    for row in rows:
        seconds = max(Decimal(0), _seconds(row["elapsed"]) - paused.get((row["competent_office"], row["procedure"]), 0))
        found = counts[row["competent_office"]]
        found.values["finished"] += row["finished"]
        found.processing_seconds += seconds
        line = by_procedure[row["procedure"]]
        line[0], line[1] = row["procedure__name"], row["procedure__code"]
        line[2] += row["finished"]
        line[3] += seconds
    times = []
    for name, code, finished, seconds in by_procedure.values():
        alone = Counts()
        alone.values["finished"], alone.processing_seconds = finished, seconds
        times.append(ProcedureTime(name, code, finished, average_processing_days(alone)))
    return sorted(times, key=lambda t: (-t.finished, t.code))


def _seconds(value) -> Decimal:
    """A summed duration: a timedelta, or microseconds where the database
    sums them as numbers."""
    if value is None:
        return Decimal(0)
    if isinstance(value, dt.timedelta):
        return Decimal(value.days * 86_400 + value.seconds) + Decimal(value.microseconds) / Decimal(1_000_000)
    return Decimal(value) / Decimal(1_000_000)


def _count_procedures(counts: dict[int, Counts], offices: list[Office], period: Period, judged_on: dt.date) -> None:
    """Three queries (four with a merchant for some provinces only): the
    catalogue, the procedures that received online dossiers at each office
    in the period, and those that charge a fee on the day judged (3.1, 3.2,
    3.5)."""
    catalogue = list(
        Procedure.objects.active().values_list("pk", "level", "levels", "is_location_independent", "online_level")
    )
    in_force = (Q(valid_from=None) | Q(valid_from__lte=judged_on)) & (
        Q(valid_until=None) | Q(valid_until__gte=judged_on)
    )
    charging = set(
        Fee.objects.filter(in_force, amount__gt=0, currency="VND").values_list("procedure", flat=True).distinct()
    )
    paying = _provinces_paying_online(offices)
    begins, ends = start_of_day(period.start), start_of_day(period.end + dt.timedelta(days=1))
    used = set(
        Dossier.objects.filter(
            competent_office__in=offices, channel=Channel.ONLINE, submitted_at__gte=begins, submitted_at__lt=ends
        )
        .values_list("competent_office", "procedure")
        .distinct()
        .order_by()
    )
    counter_levels = (Procedure.Level.PROVINCE, Procedure.Level.COMMUNE)
    for office in offices:
        found = counts[office.pk]
        for pk, level, levels, anywhere, online_level in catalogue:
            at_level = office.level in set(levels or [level]) and office.level in counter_levels
            if not (anywhere or at_level):
                continue
            found.values["procedures"] += 1
            online = online_level != Procedure.OnlineLevel.OFFLINE
            if online:
                found.values["procedures_online"] += 1
                found.values["procedures_online_used"] += (office.pk, pk) in used
            if pk in charging:
                found.values["procedures_fee"] += 1
                found.values["procedures_fee_online"] += online and office.pk in paying


def _provinces_paying_online(offices: list[Office]) -> set[int]:
    """The offices whose province has a payment merchant (3.5): from the
    settings alone when every province has one, else one query for the
    provinces' codes."""
    if merchant_for("") is not None:
        return {office.pk for office in offices}
    if not settings.PAYMENT_MERCHANTS:
        return set()
    province_of = {office.pk: office.pk if office.parent_id is None else office.parent_id for office in offices}
    codes = dict(Office.objects.filter(pk__in=set(province_of.values())).values_list("pk", "code"))
    return {pk for pk, province in province_of.items() if merchant_for(codes.get(province, "")) is not None}


def _count_complaints(counts: dict[int, Counts], offices: list[Office], period: Period, judged_on: dt.date) -> None:
    """One query for the complaints, two for the national calendar (5.2)."""
    begins, ends = start_of_day(period.start), start_of_day(period.end + dt.timedelta(days=1))
    complaints = list(
        Dossier.objects.filter(
            competent_office__in=offices,
            feedback__kind=COMPLAINT,
            feedback__created_at__gte=begins,
            feedback__created_at__lt=ends,
        )
        .values_list("competent_office", "feedback__created_at", "feedback__answered_at")
        .order_by()
    )
    if not complaints:
        return
    calendar = national_calendar(offices[0])
    judged_at = min(start_of_day(judged_on + dt.timedelta(days=1)), timezone.now())
    for office, created_at, answered_at in complaints:
        due = complaint_due(calendar, created_at)
        if due is None or (answered_at is None and due > judged_at):
            continue  # not due yet, or its calendar year is not loaded
        counts[office].values["complaints_due"] += 1
        counts[office].values["complaints_in_time"] += answered_at is not None and answered_at <= due


def complaint_due(calendar: Calendar, sent_at: dt.datetime) -> dt.datetime | None:
    """When a complaint sent at `sent_at` must be answered: 15 working days."""
    try:
        return calendar.deadline(sent_at, TimeLimit(Decimal(COMPLAINT_WORKING_DAYS), TimeUnit.WORKING_DAYS)).due_at
    except CalendarMissing:
        return None


def national_calendar(office: Office) -> Calendar:
    """The working week and the national public holidays of the office's
    country, without any office's own days (two queries): one calendar for
    all the offices asked for, which are the one province's."""
    from portal.models.calendar_days import CalendarDay, CalendarYear

    days = list(CalendarDay.objects.filter(country=office.holiday_country, office=None))
    days_off = {d.date: d.name for d in days if d.kind != CalendarDay.Kind.WORKING_DAY}
    working = {d.date: d.name for d in days if d.kind == CalendarDay.Kind.WORKING_DAY}
    known = CalendarYear.objects.filter(country=office.holiday_country).values_list("year", flat=True)
    return Calendar(
        office.working_week(), days_off, working, timezone.get_default_timezone(), known_years=frozenset(known)
    )


def _count_line(counts: dict[int, Counts], offices: list[Office], period: Period, judged_on: dt.date) -> None:
    """One query: the feedback line's cases by the office that answers them
    (5.1, 5.2, 5.3), judged as reports/line.py judges them."""
    # Imported here: the line's figures read the hotspots' themes, which
    # read this module's idea of an unhappy message.
    from reports import line

    begins, ends = start_of_day(period.start), start_of_day(period.end + dt.timedelta(days=1))
    judged_at = line.judged_moment(period, judged_on)
    received = Q(received_at__gte=begins, received_at__lt=ends)
    events = line.cases()._meta.get_field("events").related_model
    routed = events.objects.filter(case=OuterRef("pk"), action__in=line.ROUTING)
    routing_due = Q(Exists(routed)) | Q(decline_due_at__lt=judged_at)
    # A case waiting for the citizen's information has its clock stopped: not due, however long it waits.
    overdue = Q(due_at__lt=judged_at) & ~Q(state=line.AWAITING_INFO)
    answered_due = ~Q(state=line.DECLINED) & (Q(answered_at__isnull=False) | overdue)
    rows = (
        line.cases()
        .objects.filter(received, answering_office__in=offices)
        .values("answering_office")
        .annotate(
            line_routing_due=Count("pk", filter=routing_due),
            line_routed_in_time=Count("pk", filter=Q(Exists(routed.filter(at__lte=OuterRef("decline_due_at"))))),
            line_due=Count("pk", filter=answered_due),
            line_in_time=Count("pk", filter=answered_due & Q(answered_at__lte=F("due_at"))),
            line_rated=Count("pk", filter=Q(is_satisfied__isnull=False)),
            line_satisfied=Count("pk", filter=Q(is_satisfied=True)),
        )
        .order_by()
    )
    for row in rows:
        counts[row.pop("answering_office")].values.update(row)

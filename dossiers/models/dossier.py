"""The dossier (hồ sơ): what a citizen hands in for one procedure, its state
machine and its deadline clock. (Its documents, trail and what it sends out
have modules of their own beside this one.)

The lifecycle (DESIGN "Dossier lifecycle")::

    submitted ──receive──▶ received ──appraise──▶ appraised ──approve──▶ approved
        │  ▲                  │  ▲                   │                      │
        │  └──supplement──┐   │  └──supplement──┐    │                    stamp
        ▼                 │   ▼                 │    ▼                      ▼
    supplement_requested ◀┘  supplement_requested  rejected              stamped ──return──▶ returned
        │   (before receipt: the clock has not started; during processing: it is paused)
        ▼
     refused                 any state before the decision ──withdraw──▶ withdrawn

A walk-in dossier starts in `received`; an online one in `submitted`. The
transitions below only check their rules and set fields: `workflow.perform`
locks the row, checks who may act, saves, writes the event and schedules the
notifications, all in one transaction.

This module is long because the state machine lives on the model, as
django-fsm wants it (CONVENTIONS §4): eleven transitions with their rules,
beside the fields they set. Who may act is dossiers/permissions.py; what a
transition is given and returns, dossiers/acts.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_fsm import FSMField, FSMModelMixin, transition

from dossiers import permissions as may
from dossiers import postal, supplements
from dossiers.acts import Act, EndedPause, Outcome, Resumed
from dossiers.deadlines import PauseSpan, due_on_resuming, explain
from dossiers.delivery import Delivery
from dossiers.states import FINISHED, OPEN, State
from dossiers.timeliness import Timeliness, classify, due_soon_on, overdue_on
from portal.calendar import Calendar, CalendarMissing, TimeLimit, TimeUnit
from portal.models import Office
from procedures import fees as fee_rules
from procedures.models import Channel, PaymentDue, Procedure

if TYPE_CHECKING:
    from dossiers.models.documents import Attachment, DossierDocument


def private_storage():
    """Files with personal data: kept out of MEDIA_ROOT (see settings)."""
    return storages["private"]


def because(reason) -> Callable:
    """A transition's condition, with the reason it gives when unmet."""

    def mark(condition: Callable) -> Callable:
        condition.reason = reason
        return condition

    return mark


@because(_("It has not been received yet: there is no appointment to move."))
def _received(dossier: Dossier) -> bool:
    return dossier.received_at is not None


@because(_("The procedure requires the fees to be paid before the dossier is received, and they are not paid."))
def _paid_before_processing(dossier: Dossier) -> bool:
    return not dossier.unpaid_holds("receive")


@because(_("The fees are not paid: the result is held until they are."))
def _paid_before_handover(dossier: Dossier) -> bool:
    return not dossier.unpaid_holds("return")


@because(_("It was received already: it can no longer be refused at the counter."))
def _waiting_at_intake(dossier: Dossier) -> bool:
    return dossier.state == State.SUBMITTED or dossier.resume_state == State.SUBMITTED


def at_offices(offices: Office | Iterable[Office] | models.QuerySet[Office]) -> Q:
    """The dossiers an office received or handles (either of several): the
    one "at this office" rule of the counter's queues, the API's filter and
    who sees what."""
    if isinstance(offices, Office):
        return Q(receiving_office=offices) | Q(competent_office=offices)
    if not isinstance(offices, models.QuerySet):
        offices = list(offices)
    return Q(receiving_office__in=offices) | Q(competent_office__in=offices)


class ExemptionStatus(models.TextChoices):
    """Where the applicant's claim to a fee exemption stands."""

    CLAIMED = fee_rules.CLAIMED, fee_rules.EXEMPTION_STATUSES[fee_rules.CLAIMED]
    CONFIRMED = fee_rules.CONFIRMED, fee_rules.EXEMPTION_STATUSES[fee_rules.CONFIRMED]
    REFUSED = fee_rules.REFUSED, fee_rules.EXEMPTION_STATUSES[fee_rules.REFUSED]


class DossierQuerySet(models.QuerySet["Dossier"]):
    def open(self) -> DossierQuerySet:
        return self.filter(state__in=OPEN)

    def at(self, offices: Office | Iterable[Office]) -> DossierQuerySet:
        """The dossiers an office received or handles (`at_offices`)."""
        return self.filter(at_offices(offices))

    def visible_to(self, user) -> DossierQuerySet:
        """What `user` may see: staff, the dossiers of the offices they work
        at or oversee; a citizen, their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        offices = Office.objects.visible_to(user)
        return self.filter(at_offices(offices) | Q(citizen=user))

    def overdue(self, on: dt.date) -> DossierQuerySet:
        return self.filter(overdue_on(on))

    def due_soon(self, on: dt.date, until: dt.datetime) -> DossierQuerySet:
        return self.filter(due_soon_on(on, until))


class Dossier(FSMModelMixin, models.Model):
    """One citizen's dossier for one procedure at one office."""

    code = models.CharField(_("dossier code"), max_length=48, unique=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    receiving_office = models.ForeignKey(
        Office, verbose_name=_("receiving office"), on_delete=models.PROTECT, related_name="received_dossiers"
    )
    competent_office = models.ForeignKey(
        Office,
        verbose_name=_("competent office"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        help_text=_(
            "The office that handles it; differs from the receiving office for a location-independent procedure."
        ),
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("applicant"), max_length=150)
    applicant_id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    delivery = models.CharField(_("result delivery"), max_length=16, choices=Delivery.choices, default=Delivery.COUNTER)
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    # By post (dossiers/postal.py): the item number of the envelope the
    # dossier came in, and of the one its result went out in, with the day
    # the result was handed over to the postal service.
    incoming_item_number = models.CharField(
        _("incoming postal item number"), max_length=13, blank=True, default="", db_default=""
    )
    postal_item_number = models.CharField(
        _("postal item number of the result"), max_length=13, blank=True, default="", db_default=""
    )
    posted_on = models.DateField(_("handed over to the postal service on"), null=True, blank=True)

    state = FSMField(_("state"), max_length=24, choices=State.choices, default=State.SUBMITTED, protected=True)
    # Bumped by every action: a form carries the version it was shown, so a
    # second person acting on a page that is out of date is told so.
    version = models.PositiveIntegerField(default=1)
    resume_state = models.CharField(max_length=24, choices=State.choices, blank=True)
    # The hash of the last event of its trail (dossiers/audit.py): moved with
    # each event, so that deleting the last one shows.
    trail_head = models.CharField(
        _("last event's hash"), max_length=64, blank=True, default="", db_default="", editable=False
    )

    # The terms received under (a snapshot: later catalogue edits do not apply).
    time_limit_amount = models.DecimalField(_("time limit"), max_digits=6, decimal_places=2)
    time_limit_unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit.choices)
    time_limit_case = models.CharField(
        _("time limit case"),
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text=_("The case whose time limit applies, when the procedure publishes several for the channel."),
    )
    fees = models.JSONField(_("fees"), default=list, blank=True)
    # What the fees owed depend on besides the rows (procedures/fees.py::owed):
    # the case or tier chosen, how many of each unit ("bản", "trang"), the
    # reductions in force the day it was opened, and the exemption claimed
    # (kept as claimed, with its legal basis and proof) with the counter's
    # decision on it.
    fee_case = models.CharField(_("fee case"), max_length=500, blank=True, default="", db_default="")
    fee_quantities = models.JSONField(
        _("fee quantities"), default=dict, blank=True, db_default=models.Value({}, output_field=models.JSONField())
    )
    fee_reductions = models.JSONField(
        _("fee reductions"), default=list, blank=True, db_default=models.Value([], output_field=models.JSONField())
    )
    fee_exemption = models.JSONField(_("fee exemption claimed"), null=True, blank=True)
    fee_exemption_status = models.CharField(
        _("fee exemption"), max_length=16, choices=ExemptionStatus.choices, blank=True, default="", db_default=""
    )
    # The fees paid and not refunded, and the last receipt (biên lai) or
    # gateway transaction they were paid against: kept by the one payment
    # write path (dossiers/payments.py) from the dossier's Payment rows,
    # whichever door the money came through (the intake, the counter, online).
    fee_received_vnd = models.PositiveBigIntegerField(_("fee received (VND)"), default=0, db_default=0)
    fee_receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True, default="", db_default="")
    # When the fees must be paid, as the procedure said when the dossier was opened.
    payment_due = models.CharField(
        _("fees paid"), max_length=20, choices=PaymentDue.choices, blank=True, default="", db_default=""
    )
    # The number of the procedure's version in force when it was received
    # (none for a procedure without versions then).
    procedure_version = models.PositiveIntegerField(_("procedure version"), null=True, blank=True)
    stage_shares = models.JSONField(_("stage shares"), default=dict, blank=True)
    # The applicant's answers to the procedure's questions ({key: yes/no}),
    # which chose the documents the dossier needs (procedures/checklist.py).
    answers = models.JSONField(
        _("answers about the applicant's situation"),
        default=dict,
        blank=True,
        # Filled by the database too, for rows written without it (bulk loads).
        db_default=models.Value({}, output_field=models.JSONField()),
    )
    # The declaration filled in online (procedures.eforms), as sent: what the
    # portal writes the result from when it can (dossiers/extracts.py).
    declaration = models.JSONField(
        _("declaration"),
        default=dict,
        blank=True,
        db_default=models.Value({}, output_field=models.JSONField()),
    )

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(
        _("due at"),
        null=True,
        blank=True,
        help_text=_("The legal deadline, moved by pauses; the timeliness measure."),
    )
    appointment_at = models.DateTimeField(
        _("appointment"), null=True, blank=True, help_text=_("The return date promised to the citizen.")
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    paused_at = models.DateTimeField(
        _("clock paused since"), null=True, blank=True, help_text=_("Set while waiting for a supplement.")
    )
    paused_seconds = models.PositiveIntegerField(_("paused working time (s)"), default=0)
    supplement_requests = models.PositiveSmallIntegerField(_("supplement requests during processing"), default=0)
    reappointments = models.PositiveSmallIntegerField(_("re-appointments"), default=0)

    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at"]
        indexes = [
            # The counter's queues: one office, one state.
            models.Index(fields=["competent_office", "state"], name="dossier_competent_state"),
            models.Index(fields=["receiving_office", "state"], name="dossier_receiving_state"),
            # Due soon and overdue: open dossiers by due date.
            models.Index(fields=["state", "due_at"], name="dossier_state_due"),
            # A citizen's own dossiers.
            models.Index(fields=["citizen", "submitted_at"], name="dossier_citizen"),
            # The intake's "most used here" list: one counter's recent dossiers.
            models.Index(fields=["receiving_office", "submitted_at"], name="dossier_receiving_recent"),
            # The report's drill-down lists and the register: one office's
            # dossiers received, or finished, in a period.
            models.Index(fields=["competent_office", "received_at"], name="dossier_competent_received"),
            models.Index(fields=["competent_office", "finished_at"], name="dossier_competent_finished"),
            # The postal hand-over list of one office's day.
            models.Index(fields=["competent_office", "posted_on"], name="dossier_competent_posted"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(time_limit_amount__gte=0), name="dossier_time_limit_not_negative"),
            # The clock has a due date exactly when it has started.
            models.CheckConstraint(
                condition=Q(received_at=None, due_at=None) | Q(received_at__isnull=False, due_at__isnull=False),
                name="dossier_due_once_received",
            ),
            # Decided or ended: the finish time is known.
            models.CheckConstraint(
                condition=~Q(state__in=FINISHED) | Q(finished_at__isnull=False),
                name="dossier_finished_has_time",
            ),
            # A fee collected has its receipt.
            models.CheckConstraint(
                condition=Q(fee_received_vnd=0) | ~Q(fee_receipt_number=""),
                name="dossier_fee_has_receipt",
            ),
            # One envelope, one result: an item number is recorded once.
            models.UniqueConstraint(
                fields=["postal_item_number"],
                condition=~Q(postal_item_number=""),
                name="dossier_postal_item_unique",
            ),
            # Handed over to the postal service: with its item number and day, both or neither.
            models.CheckConstraint(
                condition=Q(postal_item_number="", posted_on=None)
                | (~Q(postal_item_number="") & Q(posted_on__isnull=False)),
                name="dossier_posted_with_item_and_day",
            ),
            # Paused only while waiting for the citizen.
            models.CheckConstraint(
                condition=Q(paused_at=None) | Q(state=State.SUPPLEMENT_REQUESTED),
                name="dossier_paused_only_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("counter:dossier", args=[self.code])

    @property
    def time_limit(self) -> TimeLimit:
        return TimeLimit(self.time_limit_amount, TimeUnit(self.time_limit_unit))

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    def owed(self) -> fee_rules.Owed:
        """What the dossier owes, line by line with each line's basis, from
        the terms it keeps (procedures/fees.py::owed): the one way to the
        amount owed, for its pages, the API and the receipt."""
        return fee_rules.owed(
            self.fees,
            on=timezone.localdate(self.submitted_at),
            case=self.fee_case,
            quantities=self.fee_quantities,
            reductions=self.fee_reductions,
            exemption=self.fee_exemption,
            exemption_status=self.fee_exemption_status,
        )

    @property
    def fee_total_vnd(self) -> int:
        """The amount owed in đồng (`owed`); a fee charged in another
        currency (USD at a mission abroad) is not in it."""
        return self.owed().total_vnd

    @property
    def amount_outstanding_vnd(self) -> int:
        return max(self.fee_total_vnd - self.fee_received_vnd, 0)

    def unpaid_holds(self, action: str) -> bool:
        """Whether the procedure's payment rule holds `action` back until the
        fees are paid: receiving, where payment comes before processing;
        handing over the result, where it comes before hand-over (or before
        processing: then it could only be unpaid through a refund)."""
        if self.amount_outstanding_vnd == 0:
            return False
        if action == "receive":
            return self.payment_due == PaymentDue.BEFORE_PROCESSING
        if action == "return":
            return self.payment_due in (PaymentDue.BEFORE_PROCESSING, PaymentDue.AT_HANDOVER)
        return False

    def timeliness(self, on: dt.date | None = None) -> Timeliness:
        """Early, on time, late, within the deadline or overdue, on the day
        `on` (today by default): see dossiers/timeliness.py."""
        return classify(
            state=self.state,
            due_at=self.due_at,
            finished_at=self.finished_at,
            supplement_requests=self.supplement_requests,
            paused_at=self.paused_at,
            on=on or timezone.localdate(),
            tz=timezone.get_default_timezone(),
        )

    def explain_deadline(self, calendar=None) -> list[str]:
        """The deadline in words (see dossiers/deadlines.py)."""
        if self.received_at is None or self.due_at is None:
            return []
        try:
            return self._explain(calendar or self.competent_office.calendar())
        except CalendarMissing as missing:
            # Said to citizens too: what to run is on the staff's pages.
            return [
                str(
                    _("The deadline cannot be explained until the working calendar of %(year)s is set up.")
                    % {"year": missing.year}
                )
            ]

    def _explain(self, calendar: Calendar) -> list[str]:
        assert self.received_at is not None and self.due_at is not None
        return explain(
            received_at=self.received_at,
            limit=self.time_limit,
            due_at=self.due_at,
            appointment_at=self.appointment_at,
            pauses=[PauseSpan(p.started_at, p.ended_at, p.working_time, p.reason) for p in self.pauses.all()],
            calendar=calendar,
        )

    def missing_documents(self) -> list[DossierDocument]:
        """The mandatory documents not yet received. Documents listed for a
        case (Trường hợp ...) are needed for that case only: the dossier
        needs the documents of every case-free line and of one case in full,
        the case it lacks least of."""
        return missing_of(self.documents.all(), lambda doc: doc.is_received)

    def files_for_citizen(self) -> models.QuerySet[Attachment]:
        """The files its citizen may download again: those they sent (with
        the application, a supplement, or the declaration filled in online).
        Staff's scans are left out, as from the trail they read
        (`EventQuerySet.seen_by_citizen`)."""
        if self.citizen_id is None:
            return self.attachments.none()
        return self.attachments.select_related("document").filter(uploaded_by=self.citizen_id)

    def citizen_files_since_request(self) -> list[Attachment]:
        """The files the citizen sent since the last supplement request."""
        asked = self.events.filter(action="request_supplement").order_by("-at", "-pk").first()
        if asked is None or self.citizen_id is None:
            return []
        files = self.attachments.select_related("document").filter(uploaded_by=self.citizen_id)
        return list(files.filter(uploaded_at__gte=asked.at))

    # Transitions. Each takes an `Act` and returns an `Outcome` (dossiers/
    # acts.py); they check their own rules and raise ValidationError with a
    # message for the person acting; they never save and send nothing. (The
    # reasons some actions must give are checked by the write path, from
    # dossiers/actions.py NOTE_REQUIRED.)

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RECEIVED,
        permission=may.receiving_clerk,
        conditions=[_paid_before_processing],
    )
    def receive(self, act: Act) -> Outcome:
        """Tiếp nhận: the documents are complete; the clock starts.
        `act.documents`, when given, are the positions the clerk ticked as
        handed in."""
        if act.documents is not None:
            for doc in self.documents.all():
                doc.is_received = doc.position in act.documents
        missing = self.missing_documents()
        if missing:
            raise ValidationError(
                _("These mandatory documents are not ticked as received: %(names)s."),
                params={"names": "; ".join(missing_names(missing))},
                code="missing_documents",
            )
        self.start_clock(act.at, act.calendar)
        self.received_by = act.actor
        if act.documents is None:
            return Outcome()
        return Outcome(documents_ticked=act.documents, details={"documents_received": sorted(act.documents)})

    def start_clock(self, at: dt.datetime, calendar: Calendar) -> None:
        deadline = calendar.deadline(at, self.time_limit)
        self.received_at = at
        self.due_at = self.appointment_at = deadline.due_at

    @transition(
        field=state,
        source=[State.SUBMITTED, State.RECEIVED, State.APPRAISED],
        target=State.SUPPLEMENT_REQUESTED,
        permission=may.may_request_supplement,
    )
    def request_supplement(self, act: Act) -> Outcome:
        """Yêu cầu bổ sung: before receipt the clock has not started; during
        processing it is paused until the citizen brings what is missing.
        `act.requested` are the documents of the checklist asked for
        (`supplements.check_items`)."""
        requested = tuple(supplements.check_items(self.documents.all(), act.requested))
        details = {}
        if requested:
            details["requested"] = [
                {"document": document.position, "problem": item.problem, "note": item.note.strip()}
                for document, item in requested
            ]
        self.resume_state = self.state
        if self.state == State.SUBMITTED:
            return Outcome(requested=requested, details=details)
        self.supplement_requests += 1
        self.paused_at = act.at
        return Outcome(pause_started=True, requested=requested, details=details)

    @transition(
        field=state,
        source=State.SUPPLEMENT_REQUESTED,
        target=Resumed(State.SUBMITTED, State.RECEIVED, State.APPRAISED),
        permission=may.may_supplement,
    )
    def supplement(self, act: Act) -> Outcome:
        """The supplement is in: back to where the dossier was, with the
        deadline moved by the paused working time. A citizen sending it
        online must have sent a file since the request; at the counter the
        clerk records what was brought, ticking (`act.documents`, by number)
        the documents asked for that were brought on paper."""
        brought: tuple = ()
        if act.documents:
            brought = self.brought_at_counter(act)
        elif may.owner(self, act.actor) and not may.works_on(self, act.actor):
            self.check_citizen_reply()
        resumes = self.resume_state or State.SUBMITTED
        ended = self.end_pause(act.at, act.calendar, move_deadline=True)
        self.resume_state = ""
        details = _pause_details(ended)
        if brought:
            details["brought"] = [item.document.position for item in brought]
        return Outcome(resumes=resumes, pause_ended=ended, brought=brought, details=details)

    def brought_at_counter(self, act: Act) -> tuple:
        """The documents of the last supplement request, still open, that the
        clerk ticks as brought to the counter; any other number is refused."""
        if not may.works_on(self, act.actor):
            raise ValidationError(_("Only the counter ticks documents as brought."), code="not_counter")
        open_items = {
            item.document.position: item
            for item in self.requested_documents.of_last_request(self)  # type: ignore[attr-defined]
            if not item.is_answered
        }
        stray = sorted(set(act.documents or ()) - set(open_items))
        if stray:
            raise ValidationError(
                _("Document %(numbers)s was not asked for in the last request, or is answered already.")
                % {"numbers": ", ".join(str(number) for number in stray)},
                code="not_requested",
            )
        return tuple(open_items[number] for number in sorted(act.documents or ()))

    def check_citizen_reply(self) -> None:
        """A citizen sends the supplement online once they have sent a file
        for every document asked for that they can upload (a document shown
        at the counter is brought there), or, when the request named none,
        at least one file since it."""
        requested = list(self.requested_documents.of_last_request(self))  # type: ignore[attr-defined]
        lacking = supplements.still_to_upload(requested)
        if lacking:
            raise ValidationError(
                _("Upload a file for each document the counter asked for. Still missing: %(names)s.")
                % {"names": "; ".join(supplements.short(item.document.name) for item in lacking)},
                code="requested_documents_open",
            )
        if not requested and not self.citizen_files_since_request():
            raise ValidationError(
                _("Upload what the counter asked for before you send the supplement."), code="no_files"
            )

    def end_pause(self, at: dt.datetime, calendar: Calendar, *, move_deadline: bool) -> EndedPause | None:
        """Restart the clock; the pause it closed, if it was paused."""
        if self.paused_at is None:
            return None
        paused = calendar.working_time_between(self.paused_at, at)
        ended = EndedPause(self.paused_at, at, paused)
        self.paused_at = None
        if move_deadline and self.due_at is not None and paused:
            self.paused_seconds += int(paused.total_seconds())
            self.due_at = due_on_resuming(due_at=self.due_at, paused_at=ended.started_at, at=at, calendar=calendar)
            if self.appointment_at is not None:
                self.appointment_at = calendar.add_working_time(self.appointment_at, paused)
        return ended

    def due_if_resumed(self, at: dt.datetime | None = None, calendar: Calendar | None = None) -> dt.datetime | None:
        """While the clock stands still: the due date that would apply if the
        citizen's supplement came in at `at` (now by default); None when
        the clock is running or the working calendar is not set up."""
        if self.paused_at is None or self.due_at is None:
            return None
        try:
            return due_on_resuming(
                due_at=self.due_at,
                paused_at=self.paused_at,
                at=at or timezone.now(),
                calendar=calendar or self.competent_office.calendar(),
            )
        except CalendarMissing:
            return None

    @transition(
        field=state,
        source=[State.SUBMITTED, State.SUPPLEMENT_REQUESTED],
        target=State.REFUSED,
        permission=may.receiving_clerk,
        conditions=[_waiting_at_intake],
    )
    def refuse(self, act: Act) -> Outcome:
        """Từ chối tiếp nhận: the dossier cannot be accepted, with reasons."""
        self.finished_at = act.at
        return Outcome()

    @transition(field=state, source=State.RECEIVED, target=State.APPRAISED, permission=may.specialist)
    def appraise(self, act: Act) -> Outcome:
        """Thẩm định: the specialist proposes the result."""
        self.specialist = act.actor
        return Outcome()

    @transition(field=state, source=[State.RECEIVED, State.APPRAISED], target=State.REJECTED, permission=may.may_reject)
    def reject(self, act: Act) -> Outcome:
        """The appraisal or the approval says no: a decided dossier."""
        if self.state == State.RECEIVED:
            self.specialist = act.actor
        else:
            self.approver = act.actor
        self.finished_at = act.at
        return Outcome()

    @transition(field=state, source=State.APPRAISED, target=State.APPROVED, permission=may.approver)
    def approve(self, act: Act) -> Outcome:
        """Phê duyệt: the leader signs."""
        self.approver = act.actor
        return Outcome()

    @transition(field=state, source=State.APPROVED, target=State.STAMPED, permission=may.may_stamp)
    def stamp(self, act: Act) -> Outcome:
        """Đóng dấu, ban hành: the result is decided; the clock stops here,
        not at the hand-over (DOMAIN §1.2, T14)."""
        self.finished_at = act.at
        return Outcome()

    @transition(
        field=state,
        source=State.STAMPED,
        target=State.RETURNED,
        permission=may.may_return,
        conditions=[_paid_before_handover],
    )
    def return_result(self, act: Act) -> Outcome:
        """Trả kết quả: handed over at the counter, posted or sent. A result
        the citizen chose to receive by post is returned when it is handed
        over to the postal service: that needs the envelope's item number
        and the day (today unless given), and nothing else carries one."""
        self.returned_at = act.at
        if self.delivery != Delivery.POST:
            if act.postal_item or act.posted_on:
                raise ValidationError(
                    _("The result of %(code)s is not sent by post (%(delivery)s): it has no postal item number."),
                    params={"code": self.code, "delivery": self.get_delivery_display()},
                    code="not_posted",
                )
            return Outcome()
        problems = [postal.problem(act.postal_item)]
        posted_on = act.posted_on or timezone.localdate(act.at)
        finished_on = timezone.localdate(self.finished_at) if self.finished_at else None
        problems.append(postal.date_problem(posted_on, today=timezone.localdate(act.at), finished_on=finished_on))
        if any(problems):
            raise ValidationError([problem for problem in problems if problem], code="postal_item")
        self.postal_item_number = act.postal_item
        self.posted_on = posted_on
        return Outcome(details={"postal_item_number": act.postal_item, "posted_on": posted_on.isoformat()})

    @transition(
        field=state,
        source=[State.SUBMITTED, State.RECEIVED, State.APPRAISED, State.APPROVED, State.SUPPLEMENT_REQUESTED],
        target=State.WITHDRAWN,
        permission=may.may_withdraw,
    )
    def withdraw(self, act: Act) -> Outcome:
        """Rút hồ sơ: the citizen takes the dossier back, with a word on why
        (which also keeps a stray click from withdrawing anything)."""
        ended = self.end_pause(act.at, act.calendar, move_deadline=False)
        self.finished_at = act.at
        return Outcome(pause_ended=ended, details=_pause_details(ended))

    @transition(
        field=state,
        source=[State.RECEIVED, State.APPRAISED, State.APPROVED, State.SUPPLEMENT_REQUESTED],
        target=None,
        permission=may.approver,
        conditions=[_received],
    )
    def apologise(self, act: Act) -> Outcome:
        """Phiếu xin lỗi và hẹn lại: a new appointment, at most
        DOSSIER_MAX_REAPPOINTMENTS times (Decree 107/2021: once). The
        dossier still counts against its original due date."""
        allowed = settings.DOSSIER_MAX_REAPPOINTMENTS
        if self.reappointments >= allowed:
            raise ValidationError(
                ngettext(
                    "This dossier already has a new appointment; it can be re-appointed only once.",
                    "This dossier already has %(count)d new appointments; that is as many as allowed.",
                    allowed,
                ),
                params={"count": allowed},
                code="reappointed",
            )
        current = self.appointment_at or self.due_at
        if act.new_appointment is None or (current is not None and act.new_appointment <= current):
            raise ValidationError(
                _("The new appointment must come after the current one (%(current)s)."),
                params={"current": timezone.localtime(current).strftime("%d/%m/%Y %H:%M") if current else ""},
                code="appointment",
            )
        self.appointment_at = act.new_appointment
        self.reappointments += 1
        return Outcome(details={"new_appointment": timezone.localtime(act.new_appointment).isoformat()})


def _pause_details(ended: EndedPause | None) -> dict:
    return {} if ended is None else {"paused_working_seconds": int(ended.working_time.total_seconds())}


def missing_of(documents: Iterable[DossierDocument], have: Callable[[DossierDocument], bool]) -> list[DossierDocument]:
    """The mandatory documents for which `have` is false: those of every
    case-free line, and of the case with the fewest missing. Of a group of
    alternatives, one is enough: a group none of whose documents is had is
    missing as a whole (every one of them listed; `missing_names` joins
    them with "or")."""
    documents = list(documents)
    groups_had = {(doc.case_name, doc.group) for doc in documents if doc.group and have(doc)}
    missing_by_case: dict[str, list[DossierDocument]] = {}
    for doc in documents:
        bucket = missing_by_case.setdefault(doc.case_name, [])
        if doc.is_mandatory and not have(doc) and (doc.case_name, doc.group) not in groups_had:
            bucket.append(doc)
    common = missing_by_case.pop("", [])
    if not missing_by_case:
        return common
    return common + min(missing_by_case.values(), key=len)


def missing_names(missing: Iterable[DossierDocument], length: int = 80) -> list[str]:
    """The names of `missing` documents for a message: one a document, the
    alternatives of a group on one line joined with "or"."""
    names: list[str] = []
    groups: dict[tuple[str, str], int] = {}
    for doc in missing:
        name = _short(doc.name, length)
        if not doc.group:
            names.append(name)
        elif (doc.case_name, doc.group) in groups:
            index = groups[doc.case_name, doc.group]
            names[index] = _("%(names)s or %(name)s") % {"names": names[index], "name": name}
        else:
            groups[doc.case_name, doc.group] = len(names)
            names.append(name)
    return names


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"

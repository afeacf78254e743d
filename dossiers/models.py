"""The dossier (hồ sơ): what a citizen hands in for one procedure, its state
machine, deadline clock, documents, audit trail and notifications.

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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from dossiers.deadlines import PauseSpan, explain
from dossiers.timeliness import Timeliness, classify, due_soon_on, overdue_on
from portal.calendar import WORKING_DAY, TimeLimit, TimeUnit
from portal.models import Membership, Office
from portal.phones import normalise_id_number, normalise_phone
from procedures.models import Channel, Procedure

Role = Membership.Role


def private_storage():
    """Files with personal data: kept out of MEDIA_ROOT (see settings)."""
    return storages["private"]


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for the counter")
    RECEIVED = "received", _("Received, being appraised")
    APPRAISED = "appraised", _("Appraised, waiting for approval")
    APPROVED = "approved", _("Approved, waiting for the stamp")
    STAMPED = "stamped", _("Result ready")
    RETURNED = "returned", _("Result handed over")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Waiting for the citizen's supplement")
    REFUSED = "refused", _("Refused at the counter")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The clock runs (or is paused) in these states: received, not yet decided.
OPEN_STATES = (State.RECEIVED, State.APPRAISED, State.APPROVED, State.SUPPLEMENT_REQUESTED)
# Decided or ended: the finish time is set.
FINISHED_STATES = (State.STAMPED, State.RETURNED, State.REJECTED, State.REFUSED, State.WITHDRAWN)
PROCESSING_STATES = (State.RECEIVED, State.APPRAISED)


class Delivery(models.TextChoices):
    """Where the citizen collects the result (Đăng ký nhận kết quả tại)."""

    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronically")


# An agency that will miss the date may re-appoint once (Decree 107/2021);
# the original due date stays the measure of timeliness.
MAX_REAPPOINTMENTS = getattr(settings, "DOSSIER_MAX_REAPPOINTMENTS", 1)


def _receiving_clerk(dossier: Dossier, user) -> bool:
    return user.has_role(Role.CLERK, dossier.receiving_office)


def _competent(role: str):
    def check(dossier: Dossier, user) -> bool:
        return user.has_role(role, dossier.competent_office)

    return check


_specialist = _competent(Role.SPECIALIST)
_approver = _competent(Role.APPROVER)
_competent_clerk = _competent(Role.CLERK)


def _owner(dossier: Dossier, user) -> bool:
    return dossier.citizen_id is not None and dossier.citizen_id == user.pk


def _may_request_supplement(dossier: Dossier, user) -> bool:
    # At intake the receiving counter asks. During processing the competent
    # office does (its specialist finds the gap, its one-stop clerk passes it
    # on): a receiving counter elsewhere does not stop another office's clock.
    if dossier.state == State.SUBMITTED:
        return _receiving_clerk(dossier, user)
    return _specialist(dossier, user) or _competent_clerk(dossier, user)


def _may_supplement(dossier: Dossier, user) -> bool:
    # The citizen brings what was asked to the counter they used, or sends it online.
    return _owner(dossier, user) or _receiving_clerk(dossier, user) or _competent_clerk(dossier, user)


def _may_reject(dossier: Dossier, user) -> bool:
    return _approver(dossier, user) if dossier.state == State.APPRAISED else _specialist(dossier, user)


def _may_stamp(dossier: Dossier, user) -> bool:
    return _competent_clerk(dossier, user) or _approver(dossier, user)


def _may_return(dossier: Dossier, user) -> bool:
    # The result goes back where the citizen chose: the counter that received
    # the dossier, or by post or electronically from the competent office.
    if dossier.delivery == Delivery.COUNTER:
        return _receiving_clerk(dossier, user)
    return _competent_clerk(dossier, user)


def _may_withdraw(dossier: Dossier, user) -> bool:
    return _owner(dossier, user) or _receiving_clerk(dossier, user)


def _supplement_at_intake(dossier: Dossier) -> bool:
    return dossier.resume_state == State.SUBMITTED


class DossierQuerySet(models.QuerySet["Dossier"]):
    def open(self) -> DossierQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def at_office(self, office: Office) -> DossierQuerySet:
        return self.filter(Q(receiving_office=office) | Q(competent_office=office))

    def visible_to(self, user) -> DossierQuerySet:
        """What `user` may see: staff, the dossiers of the offices they work
        at or oversee; a citizen, their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        offices = Office.objects.visible_to(user)
        return self.filter(Q(receiving_office__in=offices) | Q(competent_office__in=offices) | Q(citizen=user))

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

    state = FSMField(_("state"), max_length=24, choices=State.choices, default=State.SUBMITTED, protected=True)
    # Bumped by every action: a form carries the version it was shown, so a
    # second person acting on a page that is out of date is told so.
    version = models.PositiveIntegerField(default=1)
    resume_state = models.CharField(max_length=24, choices=State.choices, blank=True)

    # The terms received under (a snapshot: later catalogue edits do not apply).
    time_limit_amount = models.DecimalField(_("time limit"), max_digits=6, decimal_places=2)
    time_limit_unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit.choices)
    fees = models.JSONField(_("fees"), default=list, blank=True)
    stage_shares = models.JSONField(_("stage shares"), default=dict, blank=True)

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
                condition=~Q(state__in=FINISHED_STATES) | Q(finished_at__isnull=False),
                name="dossier_finished_has_time",
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
        return self.state in OPEN_STATES

    @property
    def fee_total_vnd(self) -> int:
        return sum(fee["amount_vnd"] for fee in self.fees)

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
        return explain(
            received_at=self.received_at,
            limit=self.time_limit,
            due_at=self.due_at,
            appointment_at=self.appointment_at,
            pauses=[PauseSpan(p.started_at, p.ended_at, p.working_time, p.reason) for p in self.pauses.all()],
            calendar=calendar or self.competent_office.calendar(),
        )

    def missing_documents(self) -> list[DossierDocument]:
        """The mandatory documents not yet received. Documents listed for a
        case (Trường hợp ...) are needed for that case only: the dossier
        needs the documents of every case-free line and of one case in full,
        the case it lacks least of."""
        return missing_of(self.documents.all(), lambda doc: doc.is_received)

    # Transitions. They check their own rules and raise ValidationError with
    # a message for the person acting; they never save and do no I/O.

    @transition(field=state, source=State.SUBMITTED, target=State.RECEIVED, permission=_receiving_clerk)
    def receive(self, *, actor, at: dt.datetime, calendar, documents: set[int] | None = None) -> None:
        """Tiếp nhận: the documents are complete; the clock starts.
        `documents`, when given, are the positions the clerk ticked as
        handed in (the write path saves the ticks)."""
        if documents is not None:
            for doc in self.documents.all():
                doc.is_received = doc.position in documents
        missing = self.missing_documents()
        if missing:
            raise ValidationError(
                _("These mandatory documents are not ticked as received: %(names)s."),
                params={"names": "; ".join(_short(doc.name) for doc in missing)},
                code="missing_documents",
            )
        self.start_clock(at, calendar)
        self.received_by = actor

    def start_clock(self, at: dt.datetime, calendar) -> None:
        deadline = calendar.deadline(at, self.time_limit)
        self.received_at = at
        self.due_at = self.appointment_at = deadline.due_at

    @transition(
        field=state,
        source=[State.SUBMITTED, State.RECEIVED, State.APPRAISED],
        target=State.SUPPLEMENT_REQUESTED,
        permission=_may_request_supplement,
    )
    def request_supplement(self, *, note: str, at: dt.datetime) -> None:
        """Yêu cầu bổ sung: before receipt the clock has not started; during
        processing it is paused until the citizen brings what is missing."""
        _require(note, _("Say what the citizen must add or correct."))
        self.resume_state = self.state
        if self.state != State.SUBMITTED:
            self.supplement_requests += 1
            self.paused_at = at

    @transition(
        field=state,
        source=State.SUPPLEMENT_REQUESTED,
        target=RETURN_VALUE(State.SUBMITTED, State.RECEIVED, State.APPRAISED),
        permission=_may_supplement,
    )
    def supplement(self, *, at: dt.datetime, calendar) -> str:
        """The citizen supplied what was asked: back to where it was, with
        the deadline moved by the paused working time."""
        resume = self.resume_state or State.SUBMITTED
        self.end_pause(at, calendar, move_deadline=True)
        self.resume_state = ""
        return resume

    def end_pause(self, at: dt.datetime, calendar, *, move_deadline: bool) -> None:
        """Restart the clock. `ended_pause` tells the write path what to
        record: (from, until, working time)."""
        if self.paused_at is None:
            return
        paused = calendar.working_time_between(self.paused_at, at)
        self.ended_pause = (self.paused_at, at, paused)
        self.paused_at = None
        if move_deadline and self.due_at is not None and paused:
            self.paused_seconds += int(paused.total_seconds())
            self.due_at = calendar.add_working_time(self.due_at, paused)
            self.appointment_at = calendar.add_working_time(self.appointment_at, paused)

    @transition(
        field=state,
        source=[State.SUBMITTED, State.SUPPLEMENT_REQUESTED],
        target=State.REFUSED,
        permission=_receiving_clerk,
        conditions=[lambda d: d.state == State.SUBMITTED or _supplement_at_intake(d)],
    )
    def refuse(self, *, note: str, at: dt.datetime) -> None:
        """Từ chối tiếp nhận: the dossier cannot be accepted, with reasons."""
        _require(note, _("Give the reasons for refusing the dossier."))
        self.finished_at = at

    @transition(field=state, source=State.RECEIVED, target=State.APPRAISED, permission=_specialist)
    def appraise(self, *, actor) -> None:
        """Thẩm định: the specialist proposes the result."""
        self.specialist = actor

    @transition(field=state, source=[State.RECEIVED, State.APPRAISED], target=State.REJECTED, permission=_may_reject)
    def reject(self, *, note: str, at: dt.datetime, actor) -> None:
        """The appraisal or the approval says no: a decided dossier."""
        _require(note, _("Give the reasons for the rejection; they go to the citizen."))
        if self.state == State.RECEIVED:
            self.specialist = actor
        else:
            self.approver = actor
        self.finished_at = at

    @transition(field=state, source=State.APPRAISED, target=State.APPROVED, permission=_approver)
    def approve(self, *, actor) -> None:
        """Phê duyệt: the leader signs."""
        self.approver = actor

    @transition(field=state, source=State.APPROVED, target=State.STAMPED, permission=_may_stamp)
    def stamp(self, *, at: dt.datetime) -> None:
        """Đóng dấu, ban hành: the result is decided; the clock stops here,
        not at the hand-over (DOMAIN §1.2, T14)."""
        self.finished_at = at

    @transition(field=state, source=State.STAMPED, target=State.RETURNED, permission=_may_return)
    def return_result(self, *, at: dt.datetime) -> None:
        """Trả kết quả: handed over at the counter, posted or sent."""
        self.returned_at = at

    @transition(
        field=state,
        source=[State.SUBMITTED, State.RECEIVED, State.APPRAISED, State.APPROVED, State.SUPPLEMENT_REQUESTED],
        target=State.WITHDRAWN,
        permission=_may_withdraw,
    )
    def withdraw(self, *, note: str, at: dt.datetime, calendar) -> None:
        """Rút hồ sơ: the citizen takes the dossier back, with a word on why
        (which also keeps a stray click from withdrawing anything)."""
        _require(note, _("Say why the dossier is withdrawn (the citizen's request)."))
        self.end_pause(at, calendar, move_deadline=False)
        self.finished_at = at

    @transition(
        field=state,
        source=[State.RECEIVED, State.APPRAISED, State.APPROVED, State.SUPPLEMENT_REQUESTED],
        target=None,
        permission=_approver,
    )
    def apologise(self, *, note: str, new_appointment: dt.datetime | None) -> None:
        """Phiếu xin lỗi và hẹn lại: a new appointment, once. The dossier
        still counts against its original due date."""
        _require(note, _("Give the reason for the delay; it goes to the citizen."))
        if self.reappointments >= MAX_REAPPOINTMENTS:
            raise ValidationError(
                _("This dossier already has a new appointment; it can be re-appointed only once."),
                code="reappointed",
            )
        if new_appointment is None or new_appointment <= self.appointment_at:
            raise ValidationError(
                _("The new appointment must come after the current one (%(current)s)."),
                params={"current": timezone.localtime(self.appointment_at).strftime("%d/%m/%Y %H:%M")},
                code="appointment",
            )
        self.appointment_at = new_appointment
        self.reappointments += 1

    def due_within_one_working_day(self, now: dt.datetime, calendar) -> bool:
        return self.is_open and self.due_at is not None and self.due_at <= calendar.add_working_time(now, WORKING_DAY)


def missing_of(documents: Iterable[DossierDocument], have: Callable[[DossierDocument], bool]) -> list[DossierDocument]:
    """The mandatory documents for which `have` is false: those of every
    case-free line, and of the case with the fewest missing."""
    missing_by_case: dict[str, list[DossierDocument]] = {}
    for doc in documents:
        bucket = missing_by_case.setdefault(doc.case_name, [])
        if doc.is_mandatory and not have(doc):
            bucket.append(doc)
    common = missing_by_case.pop("", [])
    if not missing_by_case:
        return common
    return common + min(missing_by_case.values(), key=len)


def _require(note: str, message) -> None:
    if not (note or "").strip():
        raise ValidationError(message, code="note_required")


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


class DossierDocument(models.Model):
    """A document of the procedure's list as the dossier was received under
    it, and whether the counter has it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.TextField(_("name"))
    case_name = models.CharField(_("case"), max_length=500, blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    is_mandatory = models.BooleanField(_("mandatory"), default=True)
    is_received = models.BooleanField(_("received"), default=False)

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["dossier", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["dossier", "position"], name="one_document_per_position")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_terms(cls, dossier: Dossier | None, documents: list[dict], received: set[int]) -> list[DossierDocument]:
        """The documents of a procedure's terms (`Procedure.terms_for`), unsaved,
        numbered from 1; those whose position is in `received` are ticked."""
        return [
            cls(
                dossier=dossier,
                position=position,
                name=doc["name"],
                case_name=doc["case"],
                originals=doc["originals"],
                copies=doc["copies"],
                is_mandatory=doc["is_mandatory"],
                is_received=position in received,
            )
            for position, doc in enumerate(documents, start=1)
        ]


class Attachment(models.Model):
    """A file: a scan or an upload of one of the dossier's documents."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        DossierDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to="dossiers/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Pause(models.Model):
    """Time the clock stood still, waiting for the citizen, and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    working_seconds = models.PositiveIntegerField(_("working time (s)"), null=True, blank=True)
    # The due date in force when the clock stopped, and once it restarted: the
    # report rebuilds from them where a dossier stood at the end of a past day.
    due_before = models.DateTimeField(_("due before"), null=True, blank=True)
    due_after = models.DateTimeField(_("due after"), null=True, blank=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["dossier", "started_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(ended_at=None), name="one_open_pause_per_dossier")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.reason[:40]}"

    @property
    def working_time(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.working_seconds or 0)


class DossierEvent(models.Model):
    """One entry of the audit trail: who did what, when, from which state to
    which, and why. Written with the change, in its transaction; never edited
    or deleted."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["at", "pk"]
        # The timeline of one dossier.
        indexes = [models.Index(fields=["dossier", "at"], name="event_dossier_at")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("The audit trail is never edited."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The audit trail is never deleted."))


class CodeSequence(models.Model):
    """The last dossier number given by an office on a day (the NNNN of
    OFFICE-YYMMDD-NNNN, Circular 01/2018 Art. 19)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="one_sequence_per_office_day")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day}: {self.last}"


class Notification(models.Model):
    """An email or SMS to send, sent by a background task, retried on failure
    and visible to staff."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Dossier received")
        SUPPLEMENT = "supplement", _("Supplement requested")
        RESULT_READY = "result_ready", _("Result ready")
        APOLOGY = "apology", _("Apology and new appointment")
        REFUSED = "refused", _("Dossier refused")
        REJECTED = "rejected", _("Dossier rejected")
        DEADLINE_WARNING = "deadline_warning", _("Deadline warning for staff")
        SUBMITTED = "submitted", _("Online dossier submitted, for the counter")
        FEEDBACK = "feedback", _("Citizen's feedback, for the supervisor")
        ANSWER = "answer", _("Answer to the citizen's feedback")
        LIFE_EVENT = "life_event", _("An application prepared for the citizen to confirm")

    class Medium(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    medium = models.CharField(_("medium"), max_length=8, choices=Medium.choices)
    recipient = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        # The retry sweep looks for failed ones.
        indexes = [models.Index(fields=["status", "created_at"], name="notification_status")]

    def __str__(self) -> str:
        return f"{self.get_medium_display()} → {self.recipient}: {self.get_kind_display()}"


class Slip(models.Model):
    """An official slip (Circular 01/2018/TT-VPCP, as replaced by Circular
    03/2025/TT-VPCP), issued by the transition that needs it.

    What it says is frozen at issue (`context`); its PDF is rendered once,
    stored with its SHA-256, and never rendered again: a download returns the
    same bytes. The check code printed beside its QR code lets anyone confirm
    on /verify/ that the paper is genuine.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt and appointment slip")
        SUPPLEMENT = "supplement", _("Supplement request slip")
        REFUSAL = "refusal", _("Refusal slip")
        APOLOGY = "apology", _("Apology and new appointment")
        STOP = "stop", _("Stop notice")
        CONTROL = "control", _("Process control sheet")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="slips")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    event = models.ForeignKey(DossierEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    check_code = models.CharField(_("check code"), max_length=16, unique=True)
    language = models.CharField(max_length=8)
    context = models.JSONField(default=dict)
    file = models.FileField(upload_to="slips/%Y/%m/", storage=private_storage, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("slip")
        verbose_name_plural = _("slips")
        ordering = ["dossier", "issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind", "number"], name="one_slip_number_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.code} · {self.get_kind_display()} {self.number}"

    @property
    def filename(self) -> str:
        return f"{self.dossier.code}-{self.kind}-{self.number}.pdf"


class TallyColumns(models.Model):
    """The report's counts for one office and sector over a span of time
    (see dossiers/tallies.py): what happened in it, and the change in the
    number of open dossiers by its end."""

    # Looked up by office and time (the indexes below), never by office alone.
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+", db_index=False)
    sector = models.ForeignKey("procedures.Sector", on_delete=models.CASCADE, related_name="+")
    received_online = models.IntegerField(default=0)
    received_in_person = models.IntegerField(default=0)
    received_post = models.IntegerField(default=0)
    finished_early = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    finished_late = models.IntegerField(default=0)
    supplement_requests = models.IntegerField(default=0)
    refusals = models.IntegerField(default=0)
    withdrawals = models.IntegerField(default=0)
    apologies = models.IntegerField(default=0)
    within_change = models.IntegerField(default=0)
    overdue_change = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.office_id}/{self.sector_id}"


class DailyTally(TallyColumns):
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "sector", "day"], name="one_tally_per_day")]
        indexes = [models.Index(fields=["office", "day"], name="tally_day")]


class MonthlyTally(TallyColumns):
    month = models.DateField(help_text="The first day of the month.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "sector", "month"], name="one_tally_per_month")]
        indexes = [models.Index(fields=["office", "month"], name="tally_month")]


class OpenBalance(models.Model):
    """How many dossiers of an office and sector were open when a month
    began. Past months never change, so each is summed once, when first
    asked for; a change dated before a month drops the months after it."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey("procedures.Sector", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    within = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "sector", "month"], name="one_balance_per_month")]
        indexes = [models.Index(fields=["month", "office"], name="balance_month")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.sector_id} {self.month}: {self.within} + {self.overdue}"


class BalancedMonth(models.Model):
    """A month whose opening balances are stored (zero rows are not)."""

    month = models.DateField(unique=True)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class Draft(models.Model):
    """An online application not yet submitted: the citizen fills it in over
    several pages and may leave and come back (save and return). Submitting
    it opens the dossier (`dossiers.applications.submit`) and deletes it."""

    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applicant_name = models.CharField(_("full name"), max_length=150, blank=True)
    applicant_id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("phone number"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    delivery = models.CharField(_("result delivery"), max_length=16, choices=Delivery.choices, blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")
        # A citizen's page lists their drafts, the latest first.
        indexes = [models.Index(fields=["citizen", "updated_at"], name="draft_citizen")]

    def __str__(self) -> str:
        return f"{self.citizen_id}: {self.procedure_id}"

    @property
    def applicant(self) -> dict[str, str]:
        return {
            "name": self.applicant_name,
            "id_number": self.applicant_id_number,
            "phone": self.applicant_phone,
            "email": self.applicant_email,
            "address": self.applicant_address,
        }

    def documents(self) -> list[DossierDocument]:
        """The documents the online channel asks for, unsaved, numbered as
        the dossier will number them, each with its uploaded `files`."""
        if self.procedure.channel(Channel.ONLINE) is None:
            return []  # no longer offered online: `applications.problems` says so
        terms = self.procedure.terms_for(Channel.ONLINE)
        documents = DossierDocument.from_terms(None, terms["documents"], set())
        files = list(self.files.all())
        for document in documents:
            document.files = [f for f in files if f.position == document.position]
        return documents

    def missing_documents(self) -> list[DossierDocument]:
        return missing_of(self.documents(), lambda doc: bool(doc.files))


class DraftFile(models.Model):
    """A file uploaded for one document of a draft, checked by its content."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveSmallIntegerField(help_text=_("The document's number in the procedure's list."))
    file = models.FileField(upload_to="drafts/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField(default=1)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Feedback(models.Model):
    """A citizen's word on a dossier: a rating of the service once the result
    is handed over, or feedback or a complaint at any time (a slow or rude
    officer). It reaches the supervisors of the office that handles the
    dossier, keeps the stage it was sent at, and gets an answer the citizen
    sees."""

    class Kind(models.TextChoices):
        RATING = "rating", _("Rating")
        FEEDBACK = "feedback", _("Feedback")
        COMPLAINT = "complaint", _("Complaint")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    stage = models.CharField(_("stage"), max_length=24, choices=State.choices)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]
        # The supervisor's list: unanswered first, newest first.
        indexes = [models.Index(fields=["answered_at", "created_at"], name="feedback_unanswered")]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(kind="rating"), name="one_rating_per_dossier"),
            models.CheckConstraint(
                condition=Q(kind="rating", rating__gte=1, rating__lte=5) | (~Q(kind="rating") & Q(rating=None)),
                name="rating_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"


class LifeEvent(models.Model):
    """A life event a partner system reported (first: a birth at a
    hospital), and the application it prepares for the citizen (proactive
    service): the birth registration, filled in from the report, which the
    parent confirms and sends; nothing reaches the counter before that."""

    class Kind(models.TextChoices):
        BIRTH = "birth", _("Birth")

    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("partner's reference"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BIRTH)
    occurred_at = models.DateTimeField(_("occurred at"))
    place = models.CharField(_("place"), max_length=300)
    details = models.JSONField(_("details"), default=dict, help_text=_("What the partner reported of the child."))
    parent_name = models.CharField(_("parent's name"), max_length=150)
    parent_id_number = models.CharField(_("parent's ID number"), max_length=20)
    parent_phone = models.CharField(_("parent's phone"), max_length=20)
    parent_email = models.EmailField(_("parent's email"), blank=True)
    parent_address = models.CharField(_("parent's address"), max_length=300, blank=True)
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+")
    # The link in the message to the parent: unguessable, good for this event only.
    token = models.CharField(max_length=43, unique=True, editable=False)
    draft = models.ForeignKey(Draft, on_delete=models.SET_NULL, null=True, blank=True, related_name="life_events")
    dossier = models.ForeignKey(Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="life_events")
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("sent by the parent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["-reported_at"]
        constraints = [
            # A partner's retry reports nothing twice.
            models.UniqueConstraint(fields=["partner", "reference"], name="one_life_event_per_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("citizen:life_event", args=[self.token])

    @property
    def status(self) -> str:
        return "sent" if self.dossier_id else "waiting_for_parent"

    def concerns(self, user) -> bool:
        """Whether `user` is the parent: their account has the ID number or
        the phone number the partner reported."""
        return bool(
            (user.id_number and normalise_id_number(user.id_number) == self.parent_id_number)
            or (user.phone and normalise_phone(user.phone) == self.parent_phone)
        )

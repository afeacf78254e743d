"""A case of the feedback and petitions line (phản ánh, kiến nghị): a call,
a message or a form that became a tracked case with a code, an office that
must answer it, a deadline, an answer, a rating — and its audit trail.

The lifecycle::

    received ──dispatch──▶ assigned ──answer──────────────▶ answered ──rate──▶ closed
       │                    │  ▲ │                            ▲  │               │
       │                    │  │ └─submit_answer─▶ awaiting ──┘  │               │
       │                    │  │                   approval      │               │
       │                    │  └──────send_back───────┘          │               │
       │                    │  ◀─────────────reopen (once)───────┴───────────────┘
       │                    ├─transfer (to another office: a fresh limit there)
       │                    └─ask_more─▶ awaiting information ─supply─▶ assigned
       └──────decline──────────▶ declined (outside the line's remit, abusive)

An answered question or feedback on a procedure's rules is published as the
procedure's question and answer (`publish`), or counted on one already
published (`attach`); neither changes the state.

Every change goes through `petitions.workflow.perform`, which writes the
`CaseEvent` row; nothing else writes `state`.

The module is long because the case's states, transitions, permissions and
querysets are one lifecycle, and its rules belong on the model they guard.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from portal.models import Membership, Office
from procedures.models import Procedure, ProcedureVersion, PublishedQuestion

Role = Membership.Role
# Who works a case at its answering office: drafts the answer, transfers it.
ANSWERING_ROLES = (Role.CLERK, Role.SPECIALIST, Role.APPROVER)


class State(models.TextChoices):
    RECEIVED = "received", _("Received, being routed")
    ASSIGNED = "assigned", _("With the office that answers")
    AWAITING_APPROVAL = "awaiting_approval", _("Answer waiting for the leader's approval")
    AWAITING_INFO = "awaiting_info", _("Waiting for more information from the citizen")
    ANSWERED = "answered", _("Answer sent")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")


OPEN_STATES = (State.RECEIVED, State.ASSIGNED, State.AWAITING_APPROVAL, State.AWAITING_INFO)
# What may become the procedure's published question and answer.
PUBLISHABLE_KINDS = ("question", "rules")


class Kind(models.TextChoices):
    QUESTION = "question", _("Question")
    RULES = "rules", _("Feedback on a procedure's rules")
    COMPLAINT = "complaint", _("Complaint about service or conduct")
    SUGGESTION = "suggestion", _("Suggestion")
    PROBLEM = "problem", _("A problem outside procedures")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    KIOSK = "kiosk", _("Kiosk")
    PHONE = "phone", _("Phone call to the switchboard")
    SMS = "sms", _("SMS")
    API = "api", _("Partner system")


# -- permissions (django-fsm `permission=`): the roles at the answering office.


def _at_province(case: Case, user, role: str) -> bool:
    return bool(user.is_superuser or user.has_role(role, case.province))


def may_route(case: Case, user) -> bool:
    """The province's switchboard operators route and decline."""
    return _at_province(case, user, Role.OPERATOR)


def may_answer(case: Case, user) -> bool:
    if case.answering_office is None:
        return False
    if user.is_superuser:
        return True
    roles = user.roles_at(case.answering_office)
    return any(role in roles for role in ANSWERING_ROLES)


def may_answer_from_catalogue(case: Case, user) -> bool:
    """A question is answered from the catalogue by the office, or at once
    by the switchboard operator who took it."""
    return may_answer(case, user) or (case.kind == Kind.QUESTION and may_route(case, user))


def may_transfer(case: Case, user) -> bool:
    return may_route(case, user) or may_answer(case, user)


def may_approve(case: Case, user) -> bool:
    return case.answering_office is not None and (
        user.is_superuser or user.has_role(Role.APPROVER, case.answering_office)
    )


def _needs_approval(case: Case) -> bool:
    return case.answering_office is not None and OfficeLine.requires_approval_at(case.answering_office)


def _no_approval_needed(case: Case) -> bool:
    return not _needs_approval(case)


def _not_reopened(case: Case) -> bool:
    return case.reopened_at is None


def _not_asked_more(case: Case) -> bool:
    return case.info_asked_at is None


def _may_be_published(case: Case) -> bool:
    return case.is_publishable and case.published_as_id is None


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def to_publish(self) -> CaseQuerySet:
        """Answered cases whose sender agreed to publishing, not yet on the
        procedure's questions and answers: due PUBLISH after the answer."""
        return self.filter(
            state__in=(State.ANSWERED, State.CLOSED),
            kind__in=PUBLISHABLE_KINDS,
            consents_to_publish=True,
            published_as__isnull=True,
            publish_due_at__isnull=False,
        )

    def visible_to(self, user) -> CaseQuerySet:
        """What a member of staff may read: the cases of the provinces whose
        switchboard they work, those their offices answer (a supervisor's:
        those of the communes they oversee) — never a conduct complaint that
        names them (DOMAIN: the complainant is protected)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        provinces = Office.objects.visible_to(user, roles=[Role.OPERATOR]).filter(level=Office.Level.PROVINCE)
        answering = Office.objects.visible_to(user, roles=(*ANSWERING_ROLES, Role.SUPERVISOR))
        return self.filter(Q(province__in=provinces) | Q(answering_office__in=answering)).exclude(named_officer=user)


class Case(FSMModelMixin, models.Model):
    """One call, message or form to the line, from receipt to the citizen's
    rating."""

    code = models.CharField(_("code"), max_length=24, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("received by"), max_length=8, choices=Channel.choices)
    state = FSMField(_("state"), max_length=24, choices=State.choices, default=State.RECEIVED, protected=True)
    version = models.PositiveIntegerField(default=1)
    # Who wrote: as they gave it. An account when signed in.
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="line_cases"
    )
    text = models.TextField(_("what happened"))
    place = models.CharField(_("where"), max_length=300, blank=True)
    # Routing: the province whose switchboard holds it; what it is about; who answers.
    province = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="line_cases", verbose_name=_("province")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("procedure")
    )
    office_concerned = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("office concerned")
    )
    answering_office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="line_cases_to_answer",
        verbose_name=_("office that answers"),
    )
    # A conduct complaint about a named officer: hidden from that officer.
    named_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer complained about"),
    )
    # The clock.
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    clock_started_at = models.DateTimeField(_("clock started at"), default=timezone.now)
    decline_due_at = models.DateTimeField(_("to route or decline by"), null=True, blank=True)
    due_at = models.DateTimeField(_("to answer by"), null=True, blank=True)
    # The answer and what the citizen made of it.
    answer = models.TextField(_("answer"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reopen_until = models.DateTimeField(_("may be reopened until"), null=True, blank=True)
    is_satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    # More information asked of the citizen (once): the answer clock waits meanwhile.
    info_asked_at = models.DateTimeField(_("more information asked at"), null=True, blank=True)
    info_supplied_at = models.DateTimeField(_("more information given at"), null=True, blank=True)
    # The catalogue record the answer was made from, cited in it.
    answer_source = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer made from"),
    )
    # Publishing the answer as the procedure's question and answer.
    consents_to_publish = models.BooleanField(_("agrees to publishing"), default=False)
    publish_due_at = models.DateTimeField(_("to publish by"), null=True, blank=True)
    published_as = models.ForeignKey(
        PublishedQuestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("published as"),
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback line case")
        verbose_name_plural = _("feedback line cases")
        ordering = ["-received_at"]
        indexes = [
            # An office's queue: its open cases, the most urgent first.
            models.Index(fields=["answering_office", "state", "due_at"], name="line_office_queue"),
            # The switchboard's list of cases still to route.
            models.Index(fields=["province", "state", "received_at"], name="line_province_queue"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_publishable(self) -> bool:
        return self.kind in PUBLISHABLE_KINDS

    @property
    def is_conduct_complaint(self) -> bool:
        return self.kind == Kind.COMPLAINT and self.named_officer_id is not None

    def shows_caller_to(self, user) -> bool:
        """Who sent a complaint about a named officer is shown only to those
        who must see it: the switchboard that took it, the leaders of the
        office that answers and the supervisors above it. Anyone else who
        works the case reads what happened, not who said it."""
        if not self.is_conduct_complaint or user.is_superuser:
            return True
        if user.pk == self.named_officer_id:
            return False
        if user.has_role(Role.OPERATOR, self.province):
            return True
        office = self.answering_office
        return office is not None and any(user.has_role(role, office) for role in (Role.APPROVER, Role.SUPERVISOR))

    # -- transitions: invariants and derived fields only; the write path does the rest.

    @transition(field=state, source=State.RECEIVED, target=State.ASSIGNED, permission=may_route)
    def dispatch(self) -> None:
        """Phân loại, chuyển xử lý: the operator confirms the type, what the
        case is about and the office that answers."""

    @transition(field=state, source=State.ASSIGNED, target=State.ASSIGNED, permission=may_transfer)
    def transfer(self) -> None:
        """Chuyển: misrouted, it goes to the office that must answer it."""

    @transition(field=state, source=[State.RECEIVED, State.ASSIGNED], target=State.DECLINED, permission=may_route)
    def decline(self) -> None:
        """Từ chối: outside the line's remit, or abusive; the reason is told."""

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.AWAITING_INFO,
        permission=may_answer,
        conditions=[_not_asked_more],
    )
    def ask_more(self) -> None:
        """Yêu cầu bổ sung thông tin: the office asks the citizen for what it
        needs to answer, once; the answer clock waits for the reply."""

    @transition(field=state, source=State.AWAITING_INFO, target=State.ASSIGNED)
    def supply(self) -> None:
        """The citizen gives the information asked; the clock runs again."""

    @transition(
        field=state,
        source=[State.ASSIGNED, State.AWAITING_INFO],
        target=State.ANSWERED,
        permission=may_answer,
        conditions=[_no_approval_needed],
    )
    def answer_now(self) -> None:
        """The office answers; no leader's approval is required there."""

    @transition(
        field=state,
        source=[State.ASSIGNED, State.AWAITING_INFO],
        target=State.AWAITING_APPROVAL,
        permission=may_answer,
        conditions=[_needs_approval],
    )
    def submit_answer(self) -> None:
        """The draft goes to the office's leader."""

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.ANSWERED, permission=may_approve)
    def approve(self) -> None:
        """The leader approves the draft; it goes to the citizen."""

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.ASSIGNED, permission=may_approve)
    def send_back(self) -> None:
        """The leader sends the draft back with what to change."""

    @transition(field=state, source=State.ANSWERED, target=State.CLOSED)
    def rate(self) -> None:
        """The citizen says whether the answer satisfies them."""

    @transition(field=state, source=[State.ANSWERED, State.CLOSED], target=State.ASSIGNED, conditions=[_not_reopened])
    def reopen(self) -> None:
        """The citizen is not satisfied and reopens the case, once."""

    @transition(
        field=state,
        source=[State.ANSWERED, State.CLOSED],
        target=None,
        permission=may_answer,
        conditions=[_may_be_published],
    )
    def publish(self) -> None:
        """The answer becomes the procedure's published question and answer."""

    @transition(
        field=state,
        source=[State.ANSWERED, State.CLOSED],
        target=None,
        permission=may_answer,
        conditions=[_may_be_published],
    )
    def attach(self) -> None:
        """The case asked what a published question already answers: counted on it."""


class CaseEvent(models.Model):
    """One entry of a case's trail: who did what, when, from which state to
    which, and why. Written with the change; never edited."""

    LABELS = {
        "receive": _("Received"),
        "dispatch": _("Routed to the office that answers"),
        "transfer": _("Transferred to another office"),
        "decline": _("Declined"),
        "answer": _("Answer drafted"),
        "approve": _("Answer approved"),
        "send_back": _("Sent back to redraft"),
        "rate": _("Rated by the citizen"),
        "reopen": _("Reopened by the citizen"),
        "ask_more": _("More information asked of the citizen"),
        "supply": _("More information given by the citizen"),
        "publish": _("Published as the procedure's question and answer"),
        "attach": _("Counted on a published question and answer"),
    }

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
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
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        # The timeline of one case.
        indexes = [models.Index(fields=["case", "at"], name="line_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        return str(self.LABELS.get(self.action, self.action))


class CaseSequence(models.Model):
    """The last case number given on a day (the NNNN of PA-YYMMDD-NNNN)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class OfficeLine(models.Model):
    """How an office handles the line's cases: whether its leader approves
    every answer before it goes out."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="line", verbose_name=_("office"))
    requires_approval = models.BooleanField(
        _("a leader approves every answer"),
        default=False,
        help_text=_("Ticked: an answer drafted at this office goes to its approver before the citizen reads it."),
    )

    class Meta:
        verbose_name = _("office's line settings")
        verbose_name_plural = _("offices' line settings")

    def __str__(self) -> str:
        return str(self.office)

    @classmethod
    def requires_approval_at(cls, office: Office) -> bool:
        return cls.objects.filter(office=office, requires_approval=True).exists()

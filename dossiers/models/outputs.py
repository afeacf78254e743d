"""What a dossier sends out: notifications to the citizen and the staff,
the counters' digests of new online dossiers, and official slips."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.dossier import Dossier, private_storage
from dossiers.models.trail import DossierEvent
from portal.models import Office


class NotificationQuerySet(models.QuerySet):
    def to_citizen(self) -> NotificationQuerySet:
        """The messages that went to the citizen, not those to the staff
        about the dossier (a new online dossier, a deadline, a feedback)."""
        return self.exclude(kind__in=Notification.FOR_STAFF)


class Notification(models.Model):
    """An email or SMS to send, sent by a background task, retried on failure
    and visible to staff."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Dossier received")
        SUPPLEMENT = "supplement", _("Supplement requested")
        RESULT_READY = "result_ready", _("Result ready")
        RESULT_SENT = "result_sent", _("Electronic result sent")
        APOLOGY = "apology", _("Apology and new appointment")
        REFUSED = "refused", _("Dossier refused")
        REJECTED = "rejected", _("Dossier rejected")
        DEADLINE_WARNING = "deadline_warning", _("Deadline warning for staff")
        SUBMITTED = "submitted", _("Online dossier submitted, for the counter")
        FEEDBACK = "feedback", _("Citizen's feedback, for the supervisor")
        ANSWER = "answer", _("Answer to the citizen's feedback")
        LIFE_EVENT = "life_event", _("An application prepared for the citizen to confirm")
        DRAFT_EXPIRY = "draft_expiry", _("An unfinished application about to be deleted")
        SUBMISSION_DIGEST = "submission_digest", _("New online dossiers, for the counter")
        LINE_RECEIVED = "line_received", _("Feedback line: case received")
        LINE_ANSWER = "line_answer", _("Feedback line: the answer")
        LINE_REPLY = "line_reply", _("Feedback line: a reply to an SMS")

    class Medium(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # The kinds written to staff; every other kind goes to the citizen.
    FOR_STAFF = (Kind.DEADLINE_WARNING, Kind.SUBMITTED, Kind.FEEDBACK, Kind.SUBMISSION_DIGEST)

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

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        # The retry sweep looks for failed ones.
        indexes = [models.Index(fields=["status", "created_at"], name="notification_status")]

    def __str__(self) -> str:
        return f"{self.get_medium_display()} → {self.recipient}: {self.get_kind_display()}"


class CounterDigest(models.Model):
    """One round of the counter's digest: the online dossiers it listed for
    the clerks of `office` (and the counter's own address), each listed
    once; the next round waits SUBMISSION_DIGEST_MINUTES after this one
    (dossiers/tasks.py `send_submission_digests`)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    dossiers = models.ManyToManyField(Dossier, related_name="counter_digests")

    class Meta:
        verbose_name = _("counter digest")
        verbose_name_plural = _("counter digests")
        # When the office's last round went.
        indexes = [models.Index(fields=["office", "sent_at"], name="counter_digest_office")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.sent_at:%Y-%m-%d %H:%M}"


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

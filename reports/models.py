"""Files made for a supervisor in the background: an export that takes too
long to make within a request (the dossier register of a busy counter as
PDF takes about 25 ms a dossier) is a row here, made by the task cluster
(reports/tasks.py) into private storage, followed on its own page,
downloaded only by the person who asked, and deleted EXPORT_KEEP_HOURS
after it is made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import private_storage


class Export(models.Model):
    class Kind(models.TextChoices):
        REGISTER = "register", _("Dossier register")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Step(models.TextChoices):
        WAITING = "waiting", _("Waiting for its turn")
        READING = "reading", _("Reading the dossiers")
        LAYING_OUT = "laying_out", _("Laying out the pages")
        WRITING = "writing", _("Writing the file")
        FINISHED = "finished", _("Finished")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    parameters = models.JSONField(_("parameters"), default=dict)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(max_length=8)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.WAITING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", storage=private_storage, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [
            # A person's exports, the latest first; the same export asked twice.
            models.Index(fields=["requested_by", "created_at"], name="export_requested_by"),
            # The hourly clean-up.
            models.Index(fields=["state", "expires_at"], name="export_state_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.format})"

    def get_absolute_url(self) -> str:
        return reverse("reports:export_status", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def is_ready(self) -> bool:
        return (
            self.state == self.State.DONE
            and bool(self.file.name)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

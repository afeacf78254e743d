"""The result (kết quả giải quyết): the certificate, licence or decision the
office issues at "stamp", kept as a signed PDF.

A result is uploaded from the office's own system or written by the portal
(dossiers/extracts.py), signed with the office's certificate when it is
stored, and never changed afterwards: its SHA-256 and what the signature
check found at issue are kept beside it. A result can later be revoked, or
superseded by a corrected one; both are audited actions on the dossier
(dossiers/results.py), and /verify/ then says so and points to the current
document.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models.dossier import Dossier, private_storage
from dossiers.models.trail import DossierEvent


class ResultQuerySet(models.QuerySet):
    def current(self) -> ResultQuerySet:
        """The results still in force: neither revoked nor superseded."""
        return self.filter(revoked_at=None, superseded_by=None)


class Result(models.Model):
    """One issued result document of a dossier."""

    class Source(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded by the office")
        GENERATED = "generated", _("Written by the portal")

    class Status(models.TextChoices):
        CURRENT = "current", _("Valid")
        SUPERSEDED = "superseded", _("Superseded by a correction")
        REVOKED = "revoked", _("Revoked")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="results")
    event = models.ForeignKey(DossierEvent, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    # Số … / ngày … as the office records them on the document.
    number = models.CharField(_("number"), max_length=50)
    issued_on = models.DateField(_("date of issue"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    file = models.FileField(upload_to="results/%Y/%m/", storage=private_storage)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField(default=0)
    check_code = models.CharField(_("check code"), max_length=16, unique=True)
    # Given once in the link sent to the citizen; it opens the file alone.
    download_token = models.CharField(max_length=48, unique=True)
    # What the signature check found when the result was issued.
    is_signed = models.BooleanField(_("signed"), default=False)
    signer = models.CharField(_("signed by"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    is_timestamped = models.BooleanField(_("time-stamped"), default=False)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(_("reason"), blank=True)
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrects"
    )

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["dossier", "issued_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier.code} · {self.title} {self.number}"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.superseded_by_id is not None:
            return self.Status.SUPERSEDED
        return self.Status.CURRENT

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.CURRENT

    def latest(self) -> Result:
        """The document in force in its line of corrections (itself if none)."""
        found = self
        while found.superseded_by_id is not None:
            found = Result.objects.get(pk=found.superseded_by_id)
        return found

    @property
    def filename(self) -> str:
        return f"{self.dossier.code}-result-{self.pk}.pdf"

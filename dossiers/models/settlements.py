"""A settlement file (bảng đối soát) the gateway sent for one day, as an
office's accountant imported it against that office's daily statement:
who imported it, when, the file's name and SHA-256, the lines read from it
and what the match found (dossiers/reconciliation.py). Kept so that the
accountant can come back to it; the same file imported again for the same
office and day is the same row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Office


class Settlement(models.Model):
    """Bảng đối soát — the gateway's settlement file for an office's day."""

    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="settlements")
    day = models.DateField(_("day"))
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    merchant_code = models.CharField(_("merchant code"), max_length=32, blank=True)
    # The lines as read (reconciliation.SettlementLine.as_dict), and the
    # match: totals and every mismatch (reconciliation.Match.as_dict).
    lines = models.JSONField(_("lines"), default=list)
    result = models.JSONField(_("result"), default=dict)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("settlement file")
        verbose_name_plural = _("settlement files")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            # Importing the same file twice for an office's day changes nothing.
            models.UniqueConstraint(fields=["office", "day", "sha256"], name="settlement_once_per_office_day"),
        ]
        indexes = [
            # The statement page: the files imported for an office's day, latest first.
            models.Index(fields=["office", "day", "-imported_at"], name="settlement_office_day"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.day:%d/%m/%Y} {self.sha256[:12]}"

    @property
    def mismatch_count(self) -> int:
        return len(self.result.get("mismatches", []))

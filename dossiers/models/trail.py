"""A dossier's trail: the pauses of its clock, the audit events (never
edited, never deleted), and the sequences its codes are numbered from."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.dossier import Dossier
from portal.models import Office


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


class EventQuerySet(models.QuerySet["DossierEvent"]):
    def seen_by_citizen(self, citizen) -> EventQuerySet:
        """The trail as the dossier's citizen reads it: every step, and of
        the files only those they sent themselves (staff's scans are left
        out). The web page and the API both show this."""
        return self.filter(~Q(action="attach") | Q(actor=citizen))


class DossierEvent(models.Model):
    """One entry of the audit trail: who did what, when, from which state to
    which, and why. Written with the change, in its transaction; never edited
    or deleted."""

    # The events whose note is written for the citizen (the reasons they
    # must read, the names of the files they sent); the other notes are for staff.
    NOTES_FOR_CITIZEN = frozenset({"request_supplement", "refuse", "reject", "withdraw", "apologise", "attach"})

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

    objects = EventQuerySet.as_manager()

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

    @property
    def note_for_citizen(self) -> str:
        """The note as the citizen may read it: staff's own notes stay with staff."""
        return self.note if self.action in self.NOTES_FOR_CITIZEN else ""


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

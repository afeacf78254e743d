"""A dossier's trail: the pauses of its clock, the audit events (never
edited, never deleted, each chained by its hash to the one before it:
dossiers/audit.py), and the sequences its codes are numbered from."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers import audit
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
        out, and so is who at the office downloaded which file). The web
        page and the API both show this."""
        return self.filter(~Q(action__in=("attach", "download")) | Q(action="attach", actor=citizen))

    def bulk_create(self, objs, *args, **kwargs) -> list[DossierEvent]:
        """Insert the events, each chained onto its dossier's trail in the
        order given (as `save` does one by one)."""
        events = list(objs)
        with transaction.atomic(savepoint=False):
            _chain(events)
            created = super().bulk_create(events, *args, **kwargs)
            _move_heads(events)
        return created

    def update(self, **kwargs) -> int:
        raise ValidationError(_("The audit trail is never edited."))

    def delete(self):
        raise ValidationError(_("The audit trail is never deleted."))


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
    # The chain (dossiers/audit.py), set when the event is written. The
    # database defaults serve rows written around the portal, which the
    # chain then shows up.
    previous_hash = models.CharField(
        _("previous event's hash"), max_length=64, blank=True, default="", db_default="", editable=False
    )
    hash = models.CharField(_("hash"), max_length=64, blank=True, default="", db_default="", editable=False)

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
        """Append the event to its dossier's trail: chained after the last
        one, under the dossier's row lock, the head moved with it."""
        if self.pk is not None:
            raise ValidationError(_("The audit trail is never edited."))
        with transaction.atomic(savepoint=False):
            _chain([self])
            super().save(*args, **kwargs)
            _move_heads([self])

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The audit trail is never deleted."))

    def save_after_head(self) -> None:
        """Append the event after the head its dossier object holds, and move
        that head on the object only: for the write path, which read the
        dossier's row in this transaction under its lock (or created it) and
        saves it, new head included, with the change. One query, the insert."""
        if self.pk is not None:
            raise ValidationError(_("The audit trail is never edited."))
        dossier = self.dossier
        self.previous_hash = dossier.trail_head
        self.hash = dossier.trail_head = self.expected_hash()
        super().save(force_insert=True)

    @property
    def note_for_citizen(self) -> str:
        """The note as the citizen may read it: staff's own notes stay with staff."""
        return self.note if self.action in self.NOTES_FOR_CITIZEN else ""

    def expected_hash(self) -> str:
        return audit.digest_of(self)


def _chain(events: list[DossierEvent]) -> None:
    """Set the hashes of new events, in the order given, after the last
    event of each one's dossier. The dossiers' rows stay locked to the end
    of the transaction: no other event comes between."""
    heads = dict(
        Dossier.objects.select_for_update()
        .filter(pk__in={event.dossier_id for event in events})
        .order_by("pk")
        .values_list("pk", "trail_head")
    )
    for event in events:
        event.previous_hash = heads[event.dossier_id]
        event.hash = heads[event.dossier_id] = event.expected_hash()


def _move_heads(events: list[DossierEvent]) -> None:
    """Name each dossier's new last event on it, in the database and on the
    dossier objects the events hold (which may be saved again)."""
    heads = {}
    for event in events:
        dossier = event.dossier
        dossier.trail_head = event.hash
        heads[dossier.pk] = dossier
    Dossier.objects.bulk_update(heads.values(), ["trail_head"], batch_size=500)


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

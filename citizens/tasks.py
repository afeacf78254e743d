"""Background work of the citizens' side (django-q2): once a day, remind
citizens of the unfinished applications about to be deleted, and delete
those left alone past their day (`Draft.deletion_on`) with their files.

Safe to run twice: a draft is reminded once after each save, and one
deleted is gone.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from citizens import notifications
from citizens.models import Draft
from dossiers import tasks
from dossiers.timeliness import start_of_day


def expire_drafts(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete, then remind; returns how many of each."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    expiry, notice = settings.DRAFT_EXPIRY_DAYS, settings.DRAFT_REMINDER_DAYS
    reminded = Q(reminded_at__isnull=False, reminded_at__gte=F("updated_at"))
    # Last saved `expiry` days ago or more, and reminded `notice` days ago or more.
    gone = Draft.objects.filter(
        reminded,
        updated_at__lt=_day_after(today, -expiry),
        reminded_at__lt=_day_after(today, -notice),
    )
    deleted = 0
    for pk in gone.values_list("pk", flat=True):
        with transaction.atomic():
            # Read again, locked: a citizen saving it just now keeps it.
            draft = gone.select_for_update().filter(pk=pk).first()
            if draft is None:
                continue
            files = [(f.file.storage, f.file.name) for f in draft.files.all() if f.file.name]
            draft.delete()
            for storage, name in files:
                tasks.after_commit(storage.delete, name)
        deleted += 1
    # To be deleted within the notice, and not reminded since the last save.
    due = Draft.objects.filter(updated_at__lt=_day_after(today, notice - expiry)).exclude(reminded)
    sent = 0
    for draft in due.select_related("citizen", "procedure"):
        with transaction.atomic():
            if not due.filter(pk=draft.pk).update(reminded_at=now):
                continue  # saved meanwhile, or reminded by a run at the same time
            draft.reminded_at = now
            for notification in notifications.for_draft_expiry(draft):
                tasks.after_commit(tasks.enqueue_notification, notification.pk)
        sent += 1
    return {"reminded": sent, "deleted": deleted}


def _day_after(today: dt.date, days: int) -> dt.datetime:
    """The start of the day after `today` + `days`: a moment saved before it
    was saved on that day or earlier."""
    return start_of_day(today + dt.timedelta(days=days + 1))

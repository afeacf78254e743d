"""Exports made in the background (django-q2): asking for one (`ask_register`),
making it (`make_export`), and deleting what has expired or died
(`delete_expired_exports`, hourly, which also queues again what the
broker never took). And on the 1st of each month, the month's opening
balances (`store_opening_balances`), so that no supervisor waits for them.

A task takes the export's key, claims the row (queued → running) so that a
second delivery of the same task does nothing, and reports its progress on
the row as it goes; the file goes to private storage and only the person who
asked downloads it (reports/views.py).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from dossiers.errors import NotPossible
from dossiers.models import BalancedMonth
from dossiers.tasks import after_commit
from portal.models import Office
from portal.replicas import report_reads
from reports import exports, stats
from reports.models import Export
from reports.periods import Period

logger = logging.getLogger(__name__)

# Exports one person may have waiting or being made at once.
PENDING_PER_PERSON = 3
# The longest an export may run: then the cluster stops it, and the
# clean-up calls it failed. (A register of REGISTER_PDF_MAX_ROWS takes
# about four minutes.)
EXPORT_TIMEOUT = dt.timedelta(minutes=15)

# Still waiting this long: the broker was down when it was asked.
NEVER_QUEUED = dt.timedelta(minutes=10)

State = Export.State


def ask_register(user, office: Office, period: Period, fmt: str) -> Export:
    """The register of `office` for `period` as a file made in the
    background. The same export asked again while it is being made is the
    same export; raise NotPossible when the person has too many waiting."""
    parameters = {"office": office.pk, "start": period.start.isoformat(), "end": period.end.isoformat()}
    with transaction.atomic():
        # One ask of a person at a time: two clicks at once make one export.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        mine = list(Export.objects.filter(requested_by=user, state__in=[State.QUEUED, State.RUNNING]))
        for pending in mine:
            if (pending.kind, pending.format, pending.parameters) == (Export.Kind.REGISTER, fmt, parameters):
                return pending
        if len(mine) >= PENDING_PER_PERSON:
            raise NotPossible(
                _("You have %(count)s files being made already: wait until one is ready.")
                % {"count": PENDING_PER_PERSON}
            )
        export = Export.objects.create(
            requested_by=user,
            kind=Export.Kind.REGISTER,
            format=fmt,
            parameters=parameters,
            title=_("Dossier register · %(office)s · %(period)s") % {"office": office.name, "period": period},
            language=translation.get_language() or settings.LANGUAGE_CODE,
            rows=exports.register_dossiers(office, period).count(),
        )
        after_commit(enqueue_export, export.pk)
    return export


def enqueue_export(pk: int) -> None:
    async_task("reports.tasks.make_export", pk, task_name=f"export-{pk}", timeout=int(EXPORT_TIMEOUT.total_seconds()))


def make_export(pk: int) -> str:
    """Make one export's file. Returns what happened, quietly if the row is
    gone or another run has it."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=pk).first()
        if export is None:
            return "gone"
        if export.state != State.QUEUED:
            return f"already {export.state}"
        export.state, export.step, export.started_at = State.RUNNING, Export.Step.READING, timezone.now()
        export.save(update_fields=["state", "step", "started_at"])

    def progress(step: str, percent: int) -> None:
        Export.objects.filter(pk=pk, state=State.RUNNING).update(step=step, progress=min(percent, 99))

    try:
        office = Office.objects.get(pk=export.parameters["office"])
        period = Period(
            dt.date.fromisoformat(export.parameters["start"]), dt.date.fromisoformat(export.parameters["end"])
        )
        with translation.override(export.language), report_reads():
            content, filename, content_type = exports.register_file(office, period, export.format, progress)
        export.file.save(filename, ContentFile(content), save=False)
    except Exception:
        logger.exception("export %s failed", pk)
        Export.objects.filter(pk=pk).update(
            state=State.FAILED, finished_at=timezone.now(), error=_("The file could not be made.")
        )
        return "failed"
    finished = timezone.now()
    Export.objects.filter(pk=pk).update(
        state=State.DONE,
        step=Export.Step.FINISHED,
        progress=100,
        file=export.file.name,
        filename=filename,
        content_type=content_type,
        finished_at=finished,
        expires_at=finished + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS),
    )
    return "done"


def delete_expired_exports(now: dt.datetime | None = None) -> int:
    """Delete the exports past their time with their files, and call
    failed those a dead worker left running; returns how many went."""
    now = now or timezone.now()
    Export.objects.filter(state=State.RUNNING, started_at__lt=now - EXPORT_TIMEOUT).update(
        state=State.FAILED, finished_at=now, error=_("Making the file took too long.")
    )
    # Never queued (the broker was down when it was asked): queued again.
    for pk in Export.objects.filter(state=State.QUEUED, created_at__lt=now - NEVER_QUEUED).values_list("pk", flat=True):
        enqueue_export(pk)
    # Failed or never started: kept as long as a finished one, to say what happened.
    keep = dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)
    expired = Export.objects.filter(state=State.DONE, expires_at__lt=now) | Export.objects.filter(
        state__in=[State.FAILED, State.QUEUED], created_at__lt=now - keep
    )
    deleted = 0
    for export in expired:
        if export.file.name:
            export.file.delete(save=False)
        export.delete()
        deleted += 1
    return deleted


def store_opening_balances(today: dt.date | None = None) -> str:
    """Store the open balances at the start of this month (run on the 1st,
    reports/migrations/0003_opening_balances_schedule.py). Run again, or
    after a report has stored them, it changes nothing."""
    month = (today or timezone.localdate()).replace(day=1)
    if BalancedMonth.objects.filter(month=month).exists():
        return f"{month:%Y-%m} already stored"
    stats.ensure_balances(month)
    return f"{month:%Y-%m} stored"

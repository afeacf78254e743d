"""Background work of the catalogue (django-q2): the daily task that puts
in force the pending versions of procedures whose day has come.

Safe to run twice: a version applied is not applied again."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from procedures.interchange import apply_version
from procedures.models import ProcedureVersion


def apply_due_versions(today: dt.date | None = None) -> int:
    """Apply every pending version taking effect by `today` (default: the
    local date), in the order they take effect; return how many."""
    today = today or timezone.localdate()
    due = ProcedureVersion.objects.pending().filter(effective_from__lte=today)
    return sum(apply_version(version) for version in due)

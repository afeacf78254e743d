"""Report reads go to a read replica when there is one.

The timeliness report, its drill-downs, the dashboard and the exports read a
lot and change nothing a citizen waits for: with REPLICA_DATABASE_URL set
(settings.py adds the `replica` alias) they read from a streaming replica
and leave the primary to the counters. Which reads those are is said in one
place, where they run: the report views and the report API are wrapped in
`report_reads_view`, and the export task reads inside `report_reads()`.
Everything else — every write, and every read outside those — stays on the
primary, so a replica a few seconds behind never shows a clerk a dossier
older than the one they just moved.

Only the tables of the figures go to the replica: dossiers, the catalogue,
citizens' feedback and the rollups. Accounts, roles, keys, offices and
sessions (the `portal` app and Django's own) are read from the primary even
inside a report read — a role taken away a second ago must not still open a
report — and so are the export rows and the stored opening balances, which
a report writes and then reads back at once.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.db import connections

REPLICA = "replica"
# The apps whose tables a report read takes from the replica, and the
# tables of those apps it still takes from the primary.
_REPLICA_APPS = frozenset({"dossiers", "procedures", "citizens", "reports"})
_PRIMARY_ONLY = frozenset({"reports.export", "dossiers.balancedmonth", "dossiers.openbalance"})

_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)

View = TypeVar("View", bound=Callable[..., Any])


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def report_reads() -> Iterator[None]:
    """Reads inside go to the replica, when one is configured."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Reads inside go to the primary even within a report read: for what
    is computed once and stored (a month's opening balances), which must not
    be computed from a replica a few seconds behind."""
    token = _reading_reports.set(False)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def report_reads_view(view: View) -> View:
    """A view (function or class-based `as_view()`) whose reads are report reads."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with report_reads():
            return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


class ReportReadsRouter:
    """Sends the reads of a report to the replica; everything else to the
    primary (Django's default when a router answers None)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not _reading_reports.get() or not replica_configured():
            return None
        meta = model._meta  # type: ignore[attr-defined]
        if meta.app_label in _REPLICA_APPS and meta.label_lower not in _PRIMARY_ONLY:
            return REPLICA
        return None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        # Replication copies the schema; nothing migrates the replica itself.
        return db != REPLICA

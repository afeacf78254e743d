"""The catalogue's search index (`procedures/search.py`), kept in each
process and built again when the catalogue changes, and how often each
procedure is used, which breaks near-ties in the ranking.

Each search asks the database one small question — the latest change to a
procedure and how many there are — so a change saved in another process
is searched at once; a change saved in this one drops the index at once
(the signals below). How often a procedure is used is counted from the
dossiers submitted in the last 90 days, at one counter or everywhere, and
kept for an hour."""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time

from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from procedures.models import Procedure, Sector
from procedures.search import Entry, Index, Result

USAGE_DAYS = 90
USAGE_SECONDS = 3600

_lock = threading.Lock()
_built: dict[str, tuple[object, Index]] = {}
_usage: dict[int | None, tuple[float, dict[int, int]]] = {}


def search(words: str, *, office=None) -> Result:
    """The procedures matching what was typed, best first (every procedure,
    in review or not: the caller's queryset says which may be shown)."""
    return catalogue_index().search(words, uses=usage(office))


def catalogue_index() -> Index:
    state = Procedure.objects.aggregate(changed=Max("updated_at"), count=Count("pk"))
    generation = (state["changed"], state["count"])
    with _lock:
        built = _built.get("index")
        if built is not None and built[0] == generation:
            return built[1]
    index = Index(_entries())
    # The index is a few hundred thousand small objects that live until the
    # next change: out of the garbage collector's sight, a full collection
    # does not stop a search for a tenth of a second to walk them.
    gc.freeze()
    with _lock:
        _built["index"] = (generation, index)
    return index


def _entries() -> list[Entry]:
    rows = Procedure.objects.values_list(
        "pk", "code", "name", "name_en", "name_th", "result", "sector__name", "sector__name_en", "sector__name_th"
    )
    return [
        Entry(pk, code, name, name_en, name_th, " ".join((result, sector, sector_en, sector_th)))
        for pk, code, name, name_en, name_th, result, sector, sector_en, sector_th in rows.iterator(chunk_size=1000)
    ]


def usage(office=None) -> dict[int, int]:
    """Dossiers submitted per procedure in the last 90 days, at this office
    (where it received them) or everywhere."""
    key = office.pk if office is not None else None
    now = time.monotonic()
    with _lock:
        kept = _usage.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
    since = timezone.now() - dt.timedelta(days=USAGE_DAYS)
    recent = Q(dossiers__submitted_at__gte=since)
    if office is not None:
        recent &= Q(dossiers__receiving_office=office)
    counts = dict(
        Procedure.objects.filter(recent).annotate(uses=Count("dossiers")).values_list("pk", "uses").order_by()
    )
    with _lock:
        _usage[key] = (now + USAGE_SECONDS, counts)
    return counts


def forget() -> None:
    """Drop what this process keeps: the next search builds afresh."""
    with _lock:
        _built.clear()
        _usage.clear()


@receiver(post_save, sender=Procedure)
@receiver(post_delete, sender=Procedure)
@receiver(post_save, sender=Sector)
@receiver(post_delete, sender=Sector)
def _catalogue_changed(sender, **kwargs) -> None:
    with _lock:
        _built.clear()

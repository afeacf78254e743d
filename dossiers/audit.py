"""The audit trail's hash chain: what an event's hash covers, and the walk
that finds where a dossier's chain breaks.

Each event carries the SHA-256 of its content together with the hash of the
event written before it on the same dossier (`previous_hash`, empty for the
first), and the dossier keeps the hash of its last event (`trail_head`).
Editing an event changes what its hash should be; deleting one leaves the
next pointing at a hash nobody has, or the head pointing past the end;
swapping two does both. The chain follows the order events were written,
which is the order of their ids (each is written under its dossier's row
lock), not of their `at`, which the write path is given.

The content is a JSON array, canonical (keys sorted, no spaces, UTF-8):
FORMAT, the dossier's id, the action, from and to states, the actor's id
(or null), `at` in UTC with microseconds, the note, the details, the
previous hash. FORMAT 1 must never change: every event written so far was
hashed with it; another form would need FORMAT 2 beside it.

The chain shows what was changed without recomputing it; someone able to
rewrite every hash after an edit, the head included, is caught only by a
copy of the heads kept elsewhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from itertools import groupby
from typing import Any

FORMAT = 1


def digest(
    *,
    dossier_id: int,
    action: str,
    from_state: str,
    to_state: str,
    actor_id: int | None,
    at: dt.datetime,
    note: str,
    details: Any,
    previous_hash: str,
) -> str:
    """The hash an event with this content, after `previous_hash`, carries.
    `details` as the database gives them back (`as_stored`)."""
    content = [
        FORMAT,
        dossier_id,
        action,
        from_state,
        to_state,
        actor_id,
        at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        note,
        details,
        previous_hash,
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def digest_of(event: Any) -> str:
    """`digest` of anything holding an event's fields: a row being written
    (its details as the database will give them back) or one read back."""
    return digest(
        dossier_id=event.dossier_id,
        action=event.action,
        from_state=event.from_state,
        to_state=event.to_state,
        actor_id=event.actor_id,
        at=event.at,
        note=event.note,
        details=as_stored(event.details),
        previous_hash=event.previous_hash,
    )


def as_stored(details: Any) -> Any:
    """Details as a JSON column gives them back: JSON types only (a tuple
    comes back a list), keys strings."""
    return json.loads(json.dumps(details))


@dataclass(frozen=True)
class Link:
    """One stored event, as the chain sees it."""

    pk: int
    dossier_id: int
    action: str
    from_state: str
    to_state: str
    actor_id: int | None
    at: dt.datetime
    note: str
    details: Any
    previous_hash: str
    hash: str

    def expected_hash(self) -> str:
        return digest_of(self)


# The columns of a `Link`, in order, for `values_list`.
LINK_FIELDS = (
    "pk",
    "dossier_id",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "at",
    "note",
    "details",
    "previous_hash",
    "hash",
)


class Fault(Enum):
    CHANGED = "changed"
    GAP = "gap"
    END_MISSING = "end missing"
    EMPTY = "empty"


@dataclass(frozen=True)
class Break:
    """Where a dossier's chain first breaks, and how."""

    fault: Fault
    event: Link | None = None

    def __str__(self) -> str:
        if self.event is None:
            return "it has no events at all: its whole trail is missing"
        named = (
            f"event {self.event.pk} ({self.event.action} at {self.event.at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC)"
        )
        if self.fault is Fault.CHANGED:
            return f"{named} was changed after it was written (its content does not give its hash)"
        if self.fault is Fault.GAP:
            return f"{named} does not follow the event before it: an event before it was deleted, or events were moved"
        return (
            f"{named} is its last event, but the dossier names another as its last: "
            "an event after it was deleted (or the dossier's head was changed)"
        )


def first_break(links: Iterable[Link], head: str) -> Break | None:
    """Where the chain of one dossier's events (`links`, in id order) first
    breaks, given the hash the dossier names as its last; None if it holds."""
    last: Link | None = None
    for link in links:
        if link.previous_hash != (last.hash if last else ""):
            return Break(Fault.GAP, link)
        if link.hash != link.expected_hash():
            return Break(Fault.CHANGED, link)
        last = link
    if last is None:
        return Break(Fault.EMPTY)
    if last.hash != head:
        return Break(Fault.END_MISSING, last)
    return None


@dataclass(frozen=True)
class Checked:
    """One dossier, checked."""

    code: str
    events: int
    broken: Break | None


def check(dossiers: Iterable[tuple[int, str, str]], links: Iterable[Link]) -> Iterator[Checked]:
    """Check each dossier (id, code, head) against its events; both in
    dossier id order, the events in id order within a dossier."""
    groups = groupby(links, key=lambda link: link.dossier_id)
    group = next(groups, None)
    for pk, code, head in dossiers:
        while group is not None and group[0] < pk:
            group = next(groups, None)
        own: list[Link] = []
        if group is not None and group[0] == pk:
            own = list(group[1])
            group = next(groups, None)
        yield Checked(code, len(own), first_break(own, head))

"""Phiếu yêu cầu bổ sung — what a supplement request asks for, and what of
it the citizen has answered.

A clerk asks for a supplement by picking documents of the dossier's checklist,
each missing or faulty with a short note saying what is wrong, besides (or
instead of) the written reason. The rules live here, once, for the counter's
page and the API alike:

- a request names at least one document or gives a reason
  (`dossiers.actions.reason_missing`);
- every document it names is one of this dossier's checklist, named once, as
  missing or faulty, a faulty one with what is wrong, each note at most
  `NOTE_MAX_LENGTH` characters (`check_items`);
- a requested document is answered by a file attached to it while the
  request is open (`workflow.attach` records which); the citizen sends the
  supplement online once every document they can upload is answered
  (`still_to_upload`) — a document shown at the counter is brought there.

The requests themselves are `RequestedDocument` rows, tied to the audit
event of their request (one round per request).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NOTE_MAX_LENGTH = 500
# No checklist is longer; a request naming more is not a clerk's.
MAX_ITEMS = 200


class Problem(models.TextChoices):
    MISSING = "missing", gettext_lazy("missing")
    FAULTY = "faulty", gettext_lazy("faulty")


@dataclass(frozen=True)
class Asked:
    """One document asked for, as the clerk or the partner system sends it:
    its number in the dossier's checklist, what is wrong, and a note."""

    position: int
    problem: str = Problem.MISSING
    note: str = ""


class ChecklistDocument(Protocol):
    position: int
    name: str


def check_items(documents: Iterable[ChecklistDocument], asked: Sequence[Asked]) -> list[tuple[Any, Asked]]:
    """Each asked document with its checklist entry; raise ValidationError
    with every problem found (an unknown number, one named twice, a problem
    that is neither missing nor faulty, a faulty one without a note, a note
    too long)."""
    by_position = {doc.position: doc for doc in documents}
    errors: list[str] = []
    found: list[tuple[Any, Asked]] = []
    seen: set[int] = set()
    if len(asked) > MAX_ITEMS:
        raise ValidationError(
            _("A supplement request names at most %(count)s documents.") % {"count": MAX_ITEMS}, code="too_many"
        )
    for item in asked:
        document = by_position.get(item.position)
        if document is None:
            errors.append(_("The dossier's checklist has no document number %(number)s.") % {"number": item.position})
            continue
        if item.position in seen:
            errors.append(_("Document %(number)s is named twice.") % {"number": item.position})
            continue
        seen.add(item.position)
        if item.problem not in Problem.values:
            errors.append(_("Say whether document %(number)s is missing or faulty.") % {"number": item.position})
        elif item.problem == Problem.FAULTY and not item.note.strip():
            errors.append(_("Say what is wrong with “%(name)s”.") % {"name": short(document.name)})
        if len(item.note) > NOTE_MAX_LENGTH:
            errors.append(
                _("The note on “%(name)s” is %(length)s characters long; write at most %(limit)s.")
                % {"name": short(document.name), "length": len(item.note), "limit": NOTE_MAX_LENGTH}
            )
        found.append((document, item))
    if errors:
        raise ValidationError(errors, code="requested_documents")
    return found


def still_to_upload(requested: Iterable[Any]) -> list[Any]:
    """The requested documents the citizen has still to send a file for:
    not answered, and not a document shown at the counter (brought there)."""
    return [item for item in requested if item.answered_at is None and not item.document.is_shown]


def describe(pairs: Iterable[tuple[Any, Asked]]) -> str:
    """The documents asked for (`check_items`) as lines of plain text, for
    the pause's reason and the messages to the citizen: "1. Tờ khai — thiếu"."""
    lines = []
    for number, (document, item) in enumerate(pairs, start=1):
        line = f"{number}. {short(document.name)} — {Problem(item.problem).label}"
        lines.append(f"{line}: {item.note.strip()}" if item.note.strip() else line)
    return "\n".join(lines)


def short(name: str, length: int = 80) -> str:
    return name if len(name) <= length else f"{name[: length - 1]}…"

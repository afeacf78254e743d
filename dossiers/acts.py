"""What a transition is given, and what it gives back.

Every transition on `Dossier` takes one `Act` (who acts, when, why, with the
office's calendar, read from the database only by a transition that counts
working time) and returns one `Outcome`: what it decided besides the
dossier's own fields — the documents ticked, a pause opened or closed, the
state a supplement resumes, the details the audit event keeps. The write
path (`workflow.perform`) records the outcome; nothing passes between the two
any other way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django_fsm import State as TargetState

from dossiers.errors import NotPossible
from dossiers.supplements import Asked
from portal.calendar import Calendar


@dataclass(frozen=True)
class Act:
    actor: Any
    at: dt.datetime
    # The office whose working calendar counts the time (the competent one).
    office: Any
    note: str = ""
    new_appointment: dt.datetime | None = None
    # For `receive`: the positions of the documents ticked as handed in
    # (None: as they stand).
    documents: frozenset[int] | None = None
    # For `request_supplement`: the documents of the checklist asked for.
    requested: tuple[Asked, ...] = ()
    # For `return` of a result by post: the envelope's item number
    # (normalised, dossiers/postal.py) and the day of the hand-over.
    postal_item: str = ""
    posted_on: dt.date | None = None

    @cached_property
    def calendar(self) -> Calendar:
        """The office's working calendar, read once and only when asked."""
        calendar: Calendar = self.office.calendar()
        return calendar


@dataclass(frozen=True)
class EndedPause:
    """A pause of the clock that a transition closed."""

    started_at: dt.datetime
    ended_at: dt.datetime
    working_time: dt.timedelta


@dataclass(frozen=True)
class Outcome:
    documents_ticked: frozenset[int] | None = None
    pause_started: bool = False
    pause_ended: EndedPause | None = None
    # The state a supplement returns the dossier to.
    resumes: str | None = None
    # For `request_supplement`: each document asked for, with its checklist entry.
    requested: tuple[tuple[Any, Asked], ...] = ()
    # For `supplement` at the counter: the documents asked for that were brought.
    brought: tuple[Any, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


class Resumed(TargetState):
    """A transition's target read from its outcome (`Outcome.resumes`), one of
    `allowed_states`."""

    def __init__(self, *allowed_states: str) -> None:
        self.allowed_states = allowed_states

    def get_state(self, model: Any, transition: Any, result: Any, args: Any = None, kwargs: Any = None) -> str:
        resumes = result.resumes if isinstance(result, Outcome) else None
        if resumes is None or resumes not in self.allowed_states:
            raise NotPossible(f"A supplement cannot resume the state {resumes!r}.")
        return resumes

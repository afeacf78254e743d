"""Timeliness of a dossier: the one place where early, on time and late are
decided (DESIGN "Deadlines and timeliness", DOMAIN §3.1).

Pure: values in, a class out. Dates are compared as calendar dates in the
office's time zone:

- a finished dossier is early (finished before its due date), on time (on its
  due date) or late (after); refused and withdrawn dossiers count as on time;
- an open dossier is within its deadline while its due date is not past,
  overdue once it is;
- the national indicator rule: a second supplement request during processing
  makes the dossier count as late, whatever the dates say;
- an apology's new appointment changes nothing here: the due date stays the
  measure.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# States, as the dossier model names them.
_OPEN = {"received", "appraised", "approved", "supplement_requested"}
_DECIDED = {"stamped", "returned", "rejected"}
_ENDED_ON_TIME = {"refused", "withdrawn"}

# Decision 766/QĐ-TTg, indicator 2.1: more than one supplement request during
# processing counts the dossier as overdue.
SUPPLEMENT_REQUESTS_BEFORE_OVERDUE = 1


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    WITHIN = "within", _("Within the deadline")
    OVERDUE = "overdue", _("Overdue")
    NOT_STARTED = "not_started", _("Not received yet")


def classify(
    *,
    state: str,
    due_at: dt.datetime | None,
    finished_at: dt.datetime | None,
    supplement_requests: int,
    on: dt.date,
    tz: dt.tzinfo,
) -> Timeliness:
    """The timeliness of a dossier as it stands on the day `on`."""
    if state in _ENDED_ON_TIME:
        return Timeliness.ON_TIME
    if due_at is None:
        return Timeliness.NOT_STARTED
    too_many_supplements = supplement_requests > SUPPLEMENT_REQUESTS_BEFORE_OVERDUE
    due_on = due_at.astimezone(tz).date()
    if state in _DECIDED and finished_at is not None:
        if too_many_supplements:
            return Timeliness.LATE
        finished_on = finished_at.astimezone(tz).date()
        if finished_on < due_on:
            return Timeliness.EARLY
        return Timeliness.ON_TIME if finished_on == due_on else Timeliness.LATE
    if state in _OPEN:
        if too_many_supplements or due_on < on:
            return Timeliness.OVERDUE
        return Timeliness.WITHIN
    return Timeliness.NOT_STARTED


def is_bad(timeliness: Timeliness) -> bool:
    return timeliness in (Timeliness.LATE, Timeliness.OVERDUE)

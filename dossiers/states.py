"""The states of a dossier and the named sets of them that rules speak of.

The one place where the states are spelled: the model's field, the
timeliness rules, the report's tallies, the queues and the screens all name
these sets instead of listing states again. Which action leads from which
state to which is the state machine's own business (the transitions on
`Dossier`); screens ask it (`workflow.available_actions`) rather than copy
its sources.

    submitted ─▶ received ─▶ appraised ─▶ approved ─▶ stamped ─▶ returned
       │  ▲          │ ▲          │
       ▼  │          ▼ │          ▼
    supplement_requested      rejected            refused, withdrawn

Pure: no database, importable from the pure modules (timeliness, tallies).
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class State(TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for the counter")
    RECEIVED = "received", _("Received, being appraised")
    APPRAISED = "appraised", _("Appraised, waiting for approval")
    APPROVED = "approved", _("Approved, waiting for the stamp")
    STAMPED = "stamped", _("Result ready")
    RETURNED = "returned", _("Result handed over")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Waiting for the citizen's supplement")
    REFUSED = "refused", _("Refused at the counter")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The sets are tuples in the order of the lifecycle, so that a database
# constraint or query built from one reads the same every time.

# Waiting for the citizen: the clock is paused (once received) or not started.
WAITING = State.SUPPLEMENT_REQUESTED
# Received and not yet decided: the clock runs, or is paused while waiting.
OPEN = (State.RECEIVED, State.APPRAISED, State.APPROVED, State.SUPPLEMENT_REQUESTED)
# Open with the clock running.
RUNNING = (State.RECEIVED, State.APPRAISED, State.APPROVED)
# The result is decided: the finish time is the stamp, or the rejection.
DECIDED = (State.STAMPED, State.RETURNED, State.REJECTED)
# Ended without a decision; the report counts them as on time.
ENDED_ON_TIME = (State.REFUSED, State.WITHDRAWN)
# Decided or ended: the finish time is set, and no file can be added.
FINISHED = DECIDED + ENDED_ON_TIME
# A citizen adds files before the counter receives the dossier, or when it
# asks for a supplement.
OPEN_TO_CITIZEN_FILES = (State.SUBMITTED, State.SUPPLEMENT_REQUESTED)

# How a state looks on a page: info while it moves, ok when the result is
# there, warn while waiting for the citizen, bad when it ended with a no.
TONES = {
    State.SUBMITTED: "info",
    State.RECEIVED: "info",
    State.APPRAISED: "info",
    State.APPROVED: "info",
    State.STAMPED: "ok",
    State.RETURNED: "ok",
    State.SUPPLEMENT_REQUESTED: "warn",
    State.REFUSED: "bad",
    State.REJECTED: "bad",
    State.WITHDRAWN: "",
}

"""Why an action on a dossier could not be taken: a message for the person,
and what the API answers (`http_status`, `code`). Raised by the write path
(`workflow`) and the citizens' domain modules; pages show the message, the
API's one error handler maps the status."""

from __future__ import annotations


class ActionError(Exception):
    http_status = 400
    code = "invalid"

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or [message]


class NotPossible(ActionError):
    """Not possible from the dossier's state."""

    http_status = 409
    code = "not_possible"


class NotAllowed(ActionError):
    """Not for this person (whatever the dossier's state)."""

    http_status = 403
    code = "forbidden"


class Conflict(ActionError):
    """Someone else changed the dossier first."""

    http_status = 409
    code = "conflict"


class Invalid(ActionError):
    """A rule of the action is broken (a reason missing, a document not ticked)."""


class CalendarNotReady(ActionError):
    """The working calendar of a year the deadline reaches is not loaded: an
    administrator must load it before the action can be taken."""

    http_status = 503
    code = "calendar_not_ready"


class SigningNotReady(ActionError):
    """The office cannot sign the slip or result the action issues (no
    certificate, an expired one, a key or token out of reach): the action is
    refused before it commits, saying which certificate to renew."""

    http_status = 503
    code = "signing_not_ready"

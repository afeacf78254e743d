"""The actions people take on a dossier, by the names people and the API use:
which transition each runs, what its button and its line in the timeline
say, and which need a written reason."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

# Action name → transition method of `Dossier`, in the order of the lifecycle.
ACTIONS = {
    "receive": "receive",
    "request_supplement": "request_supplement",
    "supplement": "supplement",
    "refuse": "refuse",
    "appraise": "appraise",
    "reject": "reject",
    "approve": "approve",
    "stamp": "stamp",
    "return": "return_result",
    "withdraw": "withdraw",
    "apologise": "apologise",
}
# What the buttons say.
ACTION_LABELS = {
    "receive": _("Receive"),
    "request_supplement": _("Request a supplement"),
    "supplement": _("Record the supplement"),
    "refuse": _("Refuse"),
    "appraise": _("Appraise"),
    "reject": _("Reject"),
    "approve": _("Approve"),
    "stamp": _("Stamp and issue"),
    "return": _("Hand over the result"),
    "withdraw": _("Withdraw"),
    "apologise": _("Apologise and re-appoint"),
}
# What the timeline says happened.
EVENT_LABELS = {
    "submit": _("Submitted"),
    "receive": _("Received"),
    "request_supplement": _("Supplement requested"),
    "supplement": _("Supplement received"),
    "refuse": _("Refused"),
    "appraise": _("Appraised"),
    "reject": _("Rejected"),
    "approve": _("Approved"),
    "stamp": _("Stamped and issued"),
    "return": _("Result handed over"),
    "withdraw": _("Withdrawn"),
    "apologise": _("Apology and new appointment"),
    "attach": _("File attached"),
    "download": _("File downloaded"),
    "revoke_result": _("Result revoked"),
    "correct_result": _("Result corrected"),
    "confirm_exemption": _("Fee exemption confirmed"),
    "refuse_exemption": _("Fee exemption refused"),
    "pay": _("Fees paid"),
    "payment_started": _("Online payment started"),
    "payment_failed": _("Online payment failed"),
    "payment_expired": _("Online payment expired"),
    "refund": _("Refund opened"),
}
# A result by post is returned by handing it over to the postal service.
POSTED_LABEL = _("Hand over to the postal service")
POSTED_EVENT = _("Handed over to the postal service")


def action_label(dossier: Any, action: str) -> str:
    """What the button of `action` says on `dossier`'s page."""
    if action == "return" and dossier.delivery == "post":
        return str(POSTED_LABEL)
    return str(ACTION_LABELS[action])


def event_label(dossier: Any, action: str) -> str:
    """What the timeline says `action` did to `dossier`."""
    if action == "return" and dossier.delivery == "post":
        return str(POSTED_EVENT)
    return str(EVENT_LABELS[action])


# Actions whose reasons go to the citizen, and so must be written (the
# write path refuses them without), with what to say when they are not.
NOTE_REQUIRED = {
    "request_supplement": _(
        "Say what the citizen must add or correct: pick the documents from the checklist, or write it in the note."
    ),
    "refuse": _("Give the reasons for refusing the dossier."),
    "reject": _("Give the reasons for the rejection; they go to the citizen."),
    "withdraw": _("Say why the dossier is withdrawn (the citizen's request)."),
    "apologise": _("Give the reason for the delay; it goes to the citizen."),
}
# Actions whose reason may instead be the documents named (a supplement
# request picks them from the checklist: dossiers/supplements.py).
DOCUMENTS_MAY_GIVE_REASON = frozenset({"request_supplement"})


def reason_missing(action: str, note: str, *, names_documents: bool = False) -> str:
    """What to say when `action` is taken without the reason it needs ("" if
    it has one): the one rule of the write path, the page's form and the API."""
    if action not in NOTE_REQUIRED or (note or "").strip():
        return ""
    if names_documents and action in DOCUMENTS_MAY_GIVE_REASON:
        return ""
    return str(NOTE_REQUIRED[action])


# How the counter's page lays the actions out. The forward action — the one
# that moves the dossier on to the next stage — comes first and is the
# primary button; the actions that end the dossier without a result stand
# apart, after the others, and must be confirmed (the API's calls are
# explicit already and need no confirmation).
FORWARD = ("receive", "supplement", "appraise", "approve", "stamp", "return")
CONFIRMATION_REQUIRED = {
    "refuse": _("Tick “I confirm” to refuse the dossier: it ends here and the citizen is told."),
    "reject": _("Tick “I confirm” to reject the dossier: it ends here and the citizen is told."),
    "withdraw": _("Tick “I confirm” to withdraw the dossier: it ends here and the citizen is told."),
}
STOPPING = tuple(CONFIRMATION_REQUIRED)
# The actions a queue's list may take on several dossiers at once (each still
# its own transition): those that carry a decided dossier forward and need
# no reason for its citizen. Refusing, rejecting and withdrawing never.
BATCH = ("approve", "stamp", "return")


def page_order(actions: list[str]) -> list[str]:
    """The actions in the order the page offers them: forward actions first
    (in the lifecycle's order), the other actions next, the stopping ones
    last."""

    def rank(action: str) -> int:
        return 0 if action in FORWARD else 2 if action in STOPPING else 1

    return sorted(actions, key=lambda action: (rank(action), list(ACTIONS).index(action)))

"""“5 tại chỗ” (five steps on the spot, the one-stop model of Hà Giang
province): a dossier of a procedure the catalogue marks simple is received,
appraised, approved, stamped and handed over in one sitting by one member of
staff holding every role these steps need.

Nothing is lifted for it: each step is its own audited transition through
the write path (`workflow.perform`), with its roles, its conditions, its slip
and its messages, in the lifecycle's order. The four-eyes rule holds unless
the dossier's office lets one person settle simple procedures
(`permissions.one_person_decides`). All the steps run in one transaction:
if one is refused, none is taken, and the error says why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import permissions
from dossiers.actions import ACTION_LABELS, ACTIONS
from dossiers.errors import ActionError, NotPossible
from dossiers.models import Delivery, Dossier
from dossiers.states import State
from dossiers.workflow import perform

# The five steps, each with the state it starts from.
STEPS = (
    ("receive", State.SUBMITTED),
    ("appraise", State.RECEIVED),
    ("approve", State.APPRAISED),
    ("stamp", State.APPROVED),
    ("return", State.STAMPED),
)


def steps_left(dossier: Dossier) -> list[str]:
    """The steps still to take from the dossier's state, in order; none
    when it is not at one of them (finished, waiting for a supplement). A
    result by post is not handed over on the spot: it waits, stamped, in
    "to send by post" for its envelope's item number (dossiers/postal.py)."""
    steps = STEPS[:-1] if dossier.delivery == Delivery.POST else STEPS
    starts = [state for _action, state in steps]
    if dossier.state not in starts:
        return []
    return [action for action, _state in steps[starts.index(dossier.state) :]]


def offered(dossier: Dossier, user: Any) -> bool:
    """Whether the dossier page offers `user` to settle the dossier on the
    spot: a simple procedure, steps left, and every one of them within
    their roles at the dossier's offices."""
    if not dossier.procedure.is_simple:
        return False
    left = steps_left(dossier)
    return bool(left) and all(_may_take(dossier, user, action) for action in left)


def held_back(dossier: Dossier, user: Any) -> str:
    """Why the four-eyes rule keeps `user` from settling the dossier alone
    ("" when it does not): what the page says instead of the button."""
    reason = permissions.objection(dossier, user, "stamp")
    if reason:
        return reason
    left = steps_left(dossier)
    alone = "appraise" in left and "approve" in left
    appraised_it = dossier.state == State.APPRAISED and permissions.appraised(dossier, user)
    if (alone or appraised_it) and not permissions.one_person_decides(dossier):
        return _(
            "%(office)s does not let one person settle a dossier on the spot: the one who appraises does not "
            "approve. A colleague approves it."
        ) % {"office": dossier.competent_office.name}
    return ""


def panel(dossier: Dossier, user: Any) -> dict | None:
    """What the dossier page shows of settling on the spot: the steps left
    and the button, or why the four-eyes rule holds the person back; None
    when it is not for this dossier or this person."""
    if not offered(dossier, user):
        return None
    return {
        "steps": [ACTION_LABELS[action] for action in steps_left(dossier)],
        "reason": held_back(dossier, user),
    }


def settle(
    dossier: Dossier | int,
    *,
    actor: Any,
    version: int | None = None,
    documents: set[int] | frozenset[int] | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Take every step left on a simple procedure's dossier as `actor`, at
    one moment, through the write path; raise the ActionError of the step
    refused, with nothing taken. `documents`: the ticks, when it still has
    to be received."""
    at = at or timezone.now()
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=pk)
        if not dossier.procedure.is_simple:
            raise NotPossible(
                _("Dossier %(code)s cannot be settled on the spot: the catalogue does not mark its procedure simple.")
                % {"code": dossier.code}
            )
        left = steps_left(dossier)
        if not left:
            raise NotPossible(
                _("Dossier %(code)s cannot be settled on the spot in the state “%(state)s”.")
                % {"code": dossier.code, "state": dossier.get_state_display()}
            )
        try:
            for number, action in enumerate(left):
                dossier = perform(
                    dossier,
                    action,
                    actor=actor,
                    version=version if number == 0 else None,
                    documents=documents if action == "receive" else None,
                    at=at,
                )
        except ActionError as error:
            refused = type(error)(
                _("Nothing was done on the spot: %(reason)s") % {"reason": error.message},
                error.errors,
            )
            raise refused from None
    return dossier


def _may_take(dossier: Dossier, user: Any, action: str) -> bool:
    method = getattr(dossier, ACTIONS[action])
    source = dict(STEPS)[action]
    transition = method._django_fsm.get_transition(source)
    return transition is not None and (
        transition.permission is None or transition.permission(dossier, user, state=source)
    )

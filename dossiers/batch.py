"""One action on several dossiers of a queue at once: approve, stamp and
issue, or hand over the results chosen in the list.

Only the actions that move a dossier forward and need nothing written for
its citizen may be batched (`actions.BATCH`): refusing, rejecting and
withdrawing end a dossier and are decided and confirmed one by one, with
their reasons. Each dossier still goes through the write path on its own
(`workflow.perform`: its lock, its rules, the four-eyes rule, its audit
event, its slip), in its own transaction, so that one refusal holds none of
the others back; the summary says, dossier by dossier, what was done and
why the rest was not.

The selection itself is checked first, as a whole, and a bad one changes
nothing: an empty one, an action the queue does not batch, a code that is
not one of the dossiers this person sees (another office's dossier answers
as one that does not exist), a dossier that is not in the queue, or
someone without the queue's roles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from dossiers import workflow
from dossiers.actions import ACTION_LABELS, BATCH
from dossiers.errors import ActionError, Invalid, NotAllowed, NotPossible
from dossiers.models import Dossier
from dossiers.queues import Moment, Queue, dossiers_in
from portal.models import Office

# A page of the queue list at most, a few times over.
MOST = 200


@dataclass
class Summary:
    """What a batch did: the dossiers it moved on, and those it could not,
    each with the error that says why."""

    action: str
    done: list[Dossier] = field(default_factory=list)
    refused: list[tuple[Dossier, ActionError]] = field(default_factory=list)

    @property
    def chosen(self) -> int:
        return len(self.done) + len(self.refused)

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self.action])


def parse(values: list[str]) -> dict[str, int]:
    """The dossiers chosen in the list, as code → the version shown there
    ("CODE:VERSION", one per ticked box)."""
    chosen: dict[str, int] = {}
    for value in values:
        code, _sep, version = value.strip().rpartition(":")
        if not code or not version.isdigit() or len(value) > 80:
            raise Invalid(_("The list sent is not one this page made. Open the queue again and choose anew."))
        chosen[code] = int(version)
    return chosen


def perform_many(
    queue: Queue,
    office: Office,
    action: str,
    chosen: dict[str, int],
    *,
    actor: Any,
    moment: Moment | None = None,
) -> Summary:
    """Take `action` on each chosen dossier of `queue` at `office`, given as
    code → the version seen; raise an ActionError, with nothing changed,
    when the selection is not one the list could have sent."""
    if action not in BATCH or action != queue.batch:
        raise Invalid(
            _("“%(action)s” cannot be taken on several dossiers at once here.")
            % {"action": ACTION_LABELS.get(action, action)}
        )
    if not chosen:
        raise Invalid(_("Tick at least one dossier."))
    if len(chosen) > MOST:
        raise Invalid(_("Choose at most %(most)s dossiers at a time.") % {"most": MOST})
    if not actor.roles_at(office) & set(queue.roles):
        raise NotAllowed(
            _("You may not “%(action)s” dossiers at %(office)s: it needs another role.")
            % {"action": ACTION_LABELS[action], "office": office}
        )
    seen = set(Dossier.objects.visible_to(actor).filter(code__in=chosen).values_list("code", flat=True))
    unknown = sorted(set(chosen) - seen)
    if unknown:
        raise Invalid(_("There is no dossier %(codes)s among yours. Nothing was done.") % {"codes": ", ".join(unknown)})
    moment = moment or Moment.at(office)
    listed = list(dossiers_in(queue, office, moment).filter(code__in=chosen))
    elsewhere = sorted(set(chosen) - {dossier.code for dossier in listed})
    if elsewhere:
        raise NotPossible(
            _("Dossiers %(codes)s are no longer in “%(queue)s”. Nothing was done; open the queue again.")
            % {"codes": ", ".join(elsewhere), "queue": queue.label}
        )
    summary = Summary(action)
    for dossier in listed:
        try:
            summary.done.append(workflow.perform(dossier, action, actor=actor, version=chosen[dossier.code]))
        except ActionError as error:
            summary.refused.append((dossier, error))
    return summary

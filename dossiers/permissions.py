"""Who may take which action on a dossier: the permission of each transition
(`@transition(permission=...)` on `Dossier`), and who works on a dossier.

Each permission takes the dossier, the person and, optionally, the state to
judge from (the dossier's own by default). `may_ever` asks whether a person
could take an action in any of the states it starts from: the write path
refuses a stranger with 403 before it looks at the state, so that asking
tells them nothing about where the dossier stands.

A clerk receives and hands back at the counter that took the dossier in; the
competent office (the one that handles it; different only for a
location-independent procedure) appraises, approves and stamps it.

Above the roles stands the four-eyes rule (`objection`), which no role
lifts: nobody acts as staff on a dossier that names them as its applicant,
and the leader who approves or rejects an appraised dossier is not the
person who appraised it. The write path refuses with its reason; the
counter page shows the action with the reason instead of the button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from dossiers.delivery import Delivery
from dossiers.states import State
from portal.models import Membership, Office
from portal.phones import normalise_id_number, normalise_phone

if TYPE_CHECKING:
    from dossiers.models import Dossier

Role = Membership.Role
Permission = Callable[..., bool]
# The roles that work on a dossier at its offices (they see its staff notes
# and may attach scans); supervisors look, they do not act.
WORKING_ROLES = (Role.CLERK, Role.SPECIALIST, Role.APPROVER)


def receiving_clerk(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    return bool(user.has_role(Role.CLERK, dossier.receiving_office))


def competent_clerk(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    return bool(user.has_role(Role.CLERK, dossier.competent_office))


def specialist(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    return bool(user.has_role(Role.SPECIALIST, dossier.competent_office))


def approver(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    return bool(user.has_role(Role.APPROVER, dossier.competent_office))


def owner(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    return dossier.citizen_id is not None and dossier.citizen_id == user.pk


def may_request_supplement(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    # At intake the receiving counter asks. During processing the competent
    # office does (its specialist finds the gap, its one-stop clerk passes it
    # on): a receiving counter elsewhere does not stop another office's clock.
    if (state or dossier.state) == State.SUBMITTED:
        return receiving_clerk(dossier, user)
    return specialist(dossier, user) or competent_clerk(dossier, user)


def may_supplement(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    # The citizen brings what was asked to the counter they used, or sends it online.
    return owner(dossier, user) or receiving_clerk(dossier, user) or competent_clerk(dossier, user)


def may_reject(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    if (state or dossier.state) == State.APPRAISED:
        return approver(dossier, user)
    return specialist(dossier, user)


def may_stamp(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    return competent_clerk(dossier, user) or approver(dossier, user)


def may_amend_result(dossier: Dossier, user: Any) -> bool:
    """Revoking an issued result or superseding it by a correction is the
    leader's decision, like the approval it undoes."""
    return approver(dossier, user)


def may_return(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    # The result goes back where the citizen chose: the counter that received
    # the dossier, or by post or electronically from the competent office.
    if dossier.delivery == Delivery.COUNTER:
        return receiving_clerk(dossier, user)
    return competent_clerk(dossier, user)


def handed_back_at(office: Office) -> Q:
    """`may_return` as a filter: the dossiers whose result the clerks of
    `office` hand back (the counter's "results to hand back" queue)."""
    at_counter = Q(receiving_office=office, delivery=Delivery.COUNTER)
    sent = Q(competent_office=office) & ~Q(delivery=Delivery.COUNTER)
    return at_counter | sent


def may_withdraw(dossier: Dossier, user: Any, state: str | None = None) -> bool:
    return owner(dossier, user) or receiving_clerk(dossier, user)


def may_ever(method: Any, dossier: Dossier, user: Any) -> bool:
    """Whether `user` could take the transition `method` (bound to
    `dossier`) from any of the states it starts from."""
    transitions = method._django_fsm.transitions
    return any(
        transition.permission is None or transition.permission(dossier, user, state=source)
        for source, transition in transitions.items()
    )


def works_on(dossier: Dossier, user: Any) -> bool:
    """A clerk, specialist or approver of the dossier's receiving or competent
    office — unless it names them as its applicant (then they are its citizen
    at most: see `objection`)."""
    offices = (dossier.receiving_office, dossier.competent_office)
    working = any(user.has_role(role, office) for role in WORKING_ROLES for office in offices)
    return working and not names_as_applicant(dossier, user)


# The four-eyes rule -------------------------------------------------------------

# What the dossier's own citizen may do with it (the `owner` of may_supplement
# and may_withdraw): an applicant who is also staff keeps these, as a citizen.
CITIZEN_ACTIONS = frozenset({"supplement", "withdraw"})
# The decisions on an appraised dossier, which its appraiser may not take.
DECISIONS = frozenset({"approve", "reject"})


def names_as_applicant(dossier: Dossier, user: Any) -> bool:
    """Whether the dossier is `user`'s own: sent from their account, or giving
    their phone number or ID number as the applicant's. (A typed number grants
    nothing anywhere; here it only holds someone back.)"""
    if not user.is_authenticated:
        return False
    if dossier.citizen_id is not None and dossier.citizen_id == user.pk:
        return True
    phone = normalise_phone(user.phone)
    if phone and normalise_phone(dossier.applicant_phone) == phone:
        return True
    id_number = normalise_id_number(user.id_number)
    return bool(id_number) and normalise_id_number(dossier.applicant_id_number) == id_number


def appraised(dossier: Dossier, user: Any) -> bool:
    """Whether `user` appraised the dossier, as its trail records."""
    return dossier.events.filter(action="appraise", actor_id=user.pk).exists()


def one_person_decides(dossier: Dossier) -> bool:
    """Whether the same person may appraise and decide on the dossier: a
    simple procedure at an office that settles such dossiers on the spot."""
    return bool(dossier.procedure.is_simple and dossier.competent_office.settles_on_the_spot)


def objection(dossier: Dossier, user: Any, action: str) -> str:
    """Why the four-eyes rule keeps `user` from taking `action` on `dossier`
    now, although their roles would let them: "" when it does not.

    - Nobody acts as staff on their own dossier — receiving it, appraising,
      deciding, stamping, handing over, attaching scans: a colleague does.
      As its citizen they still send a supplement or withdraw it.
    - The approver who decides on an appraised dossier (approves or rejects
      it) is not the person who appraised it — except for a procedure the
      catalogue marks simple at an office that lets one person settle such
      dossiers on the spot (“5 tại chỗ”, `one_person_decides`).
    """
    as_citizen = action in CITIZEN_ACTIONS and owner(dossier, user)
    if not as_citizen and names_as_applicant(dossier, user):
        return _(
            "Dossier %(code)s names you as its applicant: a colleague must handle it (nobody acts on their "
            "own dossier)."
        ) % {"code": dossier.code}
    if (
        action in DECISIONS
        and dossier.state == State.APPRAISED
        and not one_person_decides(dossier)
        and appraised(dossier, user)
    ):
        return _(
            "You appraised dossier %(code)s: another approver must decide on it (the one who appraises does "
            "not approve)."
        ) % {"code": dossier.code}
    return ""


def sees_as_staff(dossier: Dossier, user: Any) -> bool:
    """Staff of the dossier's offices, or above them (a province supervisor):
    they read its staff notes and every file of it."""
    if user.is_superuser:
        return True
    offices = Office.objects.visible_to(user)
    return offices.filter(pk__in=[dossier.receiving_office_id, dossier.competent_office_id]).exists()

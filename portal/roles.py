"""Who gives which role where, and whose account an administrator may
change: the one rule the administration site asks before a role is given,
changed or taken away, and before an account's details, password or access
change.

Superusers give any role anywhere. An office administrator works at the
offices they administer — their own office; for one at the province office,
the province and its communes — and gives there the roles below their own,
in this order::

    superuser
      └─ office administrator of a province ─ catalogue administrator (superusers only)
           └─ office administrator of one of its communes
                └─ supervisor, approver, specialist, clerk, switchboard operator,
                   accountant

A province's office administrator may appoint the office administrators of
its communes (whose reach is a part of their own), never one at the province
(a peer) nor a catalogue administrator (whose catalogue serves every
province). A commune's office administrator gives only the roles that work
on dossiers or watch them.

An account is in an administrator's hands only if every role it holds is one
they could give: never their own (nobody changes their own roles or account
here), never a superuser's, never one with no role at all (a citizen's), and
never one that also works in an office beyond their reach. Anything else —
resetting its password above all, which would let them sign in as it — is
refused with the reason.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.models import Membership, Office, User

Role = Membership.Role

# The roles an office administrator gives at the offices they administer.
GIVEN_BY_OFFICE_ADMINISTRATORS = (
    Role.CLERK,
    Role.SPECIALIST,
    Role.APPROVER,
    Role.SUPERVISOR,
    Role.OPERATOR,
    Role.ACCOUNTANT,
)


def administered_offices(user: Any) -> QuerySet[Office]:
    """The offices whose staff, roles and calendar `user` manages."""
    if user.is_superuser and user.is_active:
        return Office.objects.all()
    return Office.objects.visible_to(user, roles=[Role.OFFICE_ADMIN])


def why_not_grant(granter: Any, role: str, office: Office) -> str:
    """Why `granter` may not give `role` at `office` (nor change or take it
    away): "" when they may."""
    if not granter.is_active:
        return _("This account is not active.")
    if granter.is_superuser:
        return ""
    label = Role(role).label if role in Role.values else role
    if role in GIVEN_BY_OFFICE_ADMINISTRATORS:
        if granter.has_role(Role.OFFICE_ADMIN, office):
            return ""
        return _("You do not administer %(office)s.") % {"office": office}
    if role == Role.OFFICE_ADMIN and office.level == Office.Level.COMMUNE and office.parent_id is not None:
        if granter.has_role(Role.OFFICE_ADMIN, office.parent):
            return ""
        return _(
            "Only an office administrator of the province or a superuser appoints the office "
            "administrators of %(office)s."
        ) % {"office": office}
    return _("Only a superuser gives the role “%(role)s” at %(office)s.") % {"role": label, "office": office}


def may_grant(granter: Any, role: str, office: Office) -> bool:
    return not why_not_grant(granter, role, office)


def why_not_manage(granter: Any, user: User) -> str:
    """Why `granter` may not change `user`'s account — its details, its
    password, whether it may sign in — or its roles: "" when they may."""
    if not granter.is_active:
        return _("This account is not active.")
    if granter.is_superuser:
        return ""
    if user.pk == granter.pk:
        return _("You cannot change your own roles or your own account here: another administrator does.")
    if user.is_superuser:
        return _("Only a superuser changes a superuser's account or roles.")
    memberships = list(Membership.objects.filter(user=user).select_related("office", "office__parent"))
    if not memberships:
        return _("%(user)s holds no role at an office you administer.") % {"user": user}
    for membership in memberships:
        if not may_grant(granter, membership.role, membership.office):
            return _(
                "%(user)s is %(role)s at %(office)s, a role you may not give: only someone who may give it "
                "changes this account."
            ) % {"user": user, "role": membership.get_role_display(), "office": membership.office}
    return ""


def may_manage(granter: Any, user: User) -> bool:
    return not why_not_manage(granter, user)


def staff_of(offices: QuerySet[Office]) -> QuerySet[User]:
    """The accounts holding a role at one of `offices` (no superuser)."""
    return User.objects.filter(memberships__office__in=offices, is_superuser=False).distinct()

"""Permissions follow from roles: a member of staff holds the model permissions
of the roles they have at any office. Which office a rule applies to is
checked where the rule lives (querysets scoped with `Office.objects.visible_to`,
guards on the dossier's transitions); this backend only answers the
model-level questions Django's admin asks.
"""

from django.contrib.auth.backends import ModelBackend

from portal.models import Membership

Role = Membership.Role

_CATALOGUE = [
    f"procedures.{action}_{model}"
    for model in (
        "sector",
        "procedure",
        "procedurechannel",
        "fee",
        "requireddocument",
        "stage",
        "legaldocument",
    )
    for action in ("add", "change", "delete", "view")
]
_ORGANISATION = [
    f"portal.{action}_{model}"
    for model in ("office", "membership", "calendarday", "user")
    for action in ("add", "change", "delete", "view")
]

_DOSSIERS = ["dossiers.view_dossier", "dossiers.view_notification"]

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset(),
    Role.SPECIALIST: frozenset(),
    Role.APPROVER: frozenset(),
    Role.SUPERVISOR: frozenset([p for p in _CATALOGUE + _ORGANISATION if ".view_" in p] + _DOSSIERS),
    Role.CATALOGUE_ADMIN: frozenset(_CATALOGUE + _ORGANISATION + _DOSSIERS),
}


class RoleBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            roles = set(Membership.objects.filter(user=user_obj).values_list("role", flat=True))
            perms: set[str] = set()
            for role in roles:
                perms |= ROLE_PERMISSIONS.get(role, frozenset())
            user_obj._role_perm_cache = perms
        return super().get_all_permissions(user_obj) | user_obj._role_perm_cache

"""Signing in, and permissions.

Staff sign in with their username, citizens with their phone number or email
address (`find_account`). Permissions follow from roles: a member of staff
holds the model permissions of the roles they have at any office. Which
office a rule applies to is checked where the rule lives (querysets scoped
with `Office.objects.visible_to`, guards on the dossier's transitions); this
backend only answers the model-level questions Django's admin asks, and the
two decorators below say who may open the staff's pages at all.
"""

from functools import wraps

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import limits
from portal.clients import client_address
from portal.models import Membership, Office, User
from portal.phones import is_phone, normalise_phone

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

# Each administrator has one job: the catalogue administrator the catalogue
# (no staff, no dossiers), the office administrator the staff, roles, offices
# and calendar of their offices (no dossiers; portal/roles.py says which roles
# they give). The admin scopes each to its offices; nobody deletes an office
# or an account but a superuser.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset(),
    Role.SPECIALIST: frozenset(),
    Role.APPROVER: frozenset(),
    Role.SUPERVISOR: frozenset([p for p in _CATALOGUE if ".view_" in p] + _DOSSIERS),
    Role.OFFICE_ADMIN: frozenset(p for p in _ORGANISATION if p != "portal.add_office") | {"portal.view_calendaryear"},
    Role.CATALOGUE_ADMIN: frozenset(_CATALOGUE),
}
# These come only with a role at a province office: a province supervisor
# looks at its organisation, a province office administrator opens its
# commune counters.
PROVINCE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SUPERVISOR: frozenset(p for p in _ORGANISATION if ".view_" in p) | {"portal.view_calendaryear"},
    Role.OFFICE_ADMIN: frozenset({"portal.add_office"}),
}


def find_account(identifier: str) -> User | None:
    """The account someone signs in to: staff by username; citizens by the
    phone number (any spacing, +84 or 0) or the email address they
    registered with."""
    identifier = identifier.strip()
    # The phone number and email are unique and current; the username keeps
    # whatever the account registered with.
    match = None
    if "@" in identifier:
        match = User.objects.filter(email__iexact=identifier).first()
    elif is_phone(identifier):
        match = User.objects.filter(phone=normalise_phone(identifier)).first()
    return match or User.objects.filter(username=identifier).first()


class SignInLocked(PermissionDenied):
    """Too many wrong passwords for this account, or from this address: no
    password is checked until the lockout ends by itself."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(locked_message(retry_after))


def locked_message(retry_after: int) -> str:
    minutes = max(1, -(-retry_after // 60))
    return ngettext(
        "Too many wrong passwords: signing in is paused for your safety. Try again in %(minutes)d minute.",
        "Too many wrong passwords: signing in is paused for your safety. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def account_key(user: User | None, identifier: str) -> str:
    # One count per account however its phone number is typed; a name with
    # no account is counted too, so a lockout tells nothing about who exists.
    if user is not None:
        return f"user:{user.pk}"
    return f"name:{normalise_phone(identifier) if is_phone(identifier) else identifier.strip().lower()}"


def clear_lockout(user: User) -> None:
    """The account proved it is its holder's another way (a code to its
    phone): wrong passwords before no longer hold it back."""
    limits.SIGN_IN_ACCOUNT.clear(account_key(user, ""))


def _lockout(request, account: str) -> int:
    """Seconds until signing in may be tried again (0: now)."""
    waits = [limits.SIGN_IN_ACCOUNT.retry_after(account)]
    if request is not None:
        waits.append(limits.SIGN_IN_ADDRESS.retry_after(client_address(request)))
    return max(waits)


class RoleBackend(ModelBackend):
    """Passwords, with a lockout (portal/limits.py) shared by every door
    that signs in: the sign-in page, the administration site, the API."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_account(username)
        account = account_key(user, username)
        wait = _lockout(request, account)
        if wait:
            if request is not None:
                request.sign_in_retry_after = wait
            raise SignInLocked(wait)
        if user is None:
            # As long as a wrong password, so timing tells nothing (as ModelBackend does).
            User().set_password(password)
        elif user.check_password(password) and self.user_can_authenticate(user):
            limits.SIGN_IN_ACCOUNT.clear(account)
            return user
        limits.SIGN_IN_ACCOUNT.hit(account)
        if request is not None:
            limits.SIGN_IN_ADDRESS.hit(client_address(request))
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            perms: set[str] = set()
            for role, level in Membership.objects.filter(user=user_obj).values_list("role", "office__level"):
                perms |= ROLE_PERMISSIONS.get(role, frozenset())
                if level == Office.Level.PROVINCE:
                    perms |= PROVINCE_PERMISSIONS.get(role, frozenset())
            user_obj._role_perm_cache = perms
        return super().get_all_permissions(user_obj) | user_obj._role_perm_cache


def staff_only(view):
    """Signed-in staff whose role sees dossiers (or superusers): not the
    administrators, whose work is in the administration site."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_counter_staff or request.user.is_superuser):
            raise PermissionDenied(_("The counter workspace is for the staff of a one-stop office."))
        return view(request, *args, **kwargs)

    return wrapper


def supervisors_only(view):
    """Supervisors and office leaders; the view gets the offices whose
    figures they read (`Office.objects.reported_to`) after the request."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        offices = list(Office.objects.reported_to(request.user).order_by("name"))
        if not offices:
            raise PermissionDenied(_("The reports are for supervisors and office leaders."))
        return view(request, offices, *args, **kwargs)

    return wrapper

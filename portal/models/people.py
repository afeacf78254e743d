"""People: anyone who signs in — citizens, counter staff, supervisors and
administrators. Staff are told apart by their memberships (portal/models/
offices.py), not by a flag on the account."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal.models.offices import Membership, Office
from portal.phones import normalise_phone


class User(AbstractUser):
    """Anyone who signs in: citizens, counter staff, supervisors, administrators.

    Staff are told apart by their memberships, not by a flag on the user.
    """

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    # The applicant's details, typed once and offered on every application.
    # The ID number is what the person typed: a claim, not a verified
    # identity; nothing is granted by it alone.
    id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Two-step sign-in (portal/two_factor.py): the authenticator app's
    # secret, and the last 30-second step whose code was used.
    totp_secret = models.CharField(
        _("authenticator secret"), max_length=64, blank=True, default="", db_default="", editable=False
    )
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        constraints = [
            # A citizen signs in with their phone number or email address.
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="one_account_per_phone"),
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="one_account_per_email"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def save(self, *args, **kwargs) -> None:
        self.phone = normalise_phone(self.phone)
        self.email = self.email.strip()
        # set_password() keeps the new password here until the save: whoever
        # signed in with the old one (and may be the reason it changed)
        # loses their API keys. Sessions end through Django's session hash.
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            self.api_tokens.personal().delete()

    def remember_applicant(self, applicant: dict[str, str]) -> None:
        """Keep an application's details in the profile ("only once"),
        without taking a phone number or email another account holds."""
        self.full_name, self.id_number, self.address = applicant["name"], applicant["id_number"], applicant["address"]
        fields = ["full_name", "id_number", "address"]
        others = type(self).objects.exclude(pk=self.pk)
        if applicant["phone"] and not others.filter(phone=normalise_phone(applicant["phone"])).exists():
            self.phone = applicant["phone"]
            fields.append("phone")
        if applicant["email"] and not others.filter(email__iexact=applicant["email"]).exists():
            self.email = applicant["email"]
            fields.append("email")
        self.save(update_fields=fields)

    @property
    def applicant(self) -> dict[str, str]:
        """The profile as an application's applicant details."""
        return {
            "name": self.get_full_name() if self.full_name else "",
            "id_number": self.id_number,
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
        }

    def roles_at(self, office: Office) -> set[str]:
        """The roles this user holds that cover `office`."""
        return {m.role for m in self.memberships_covering(office)}

    def has_role(self, role: str, office: Office | None = None) -> bool:
        if office is None:
            return any(m.role == role for m in self._memberships())
        return role in self.roles_at(office)

    def memberships_covering(self, office: Office) -> list[Membership]:
        return [m for m in self._memberships() if m.covers(office)]

    @property
    def is_office_staff(self) -> bool:
        """Holds any role at an office (an administrator's included)."""
        return bool(self._memberships())

    @property
    def is_counter_staff(self) -> bool:
        """Holds a role that sees dossiers (`Membership.DOSSIER_ROLES`): opens the counter workspace."""
        return any(m.role in Membership.DOSSIER_ROLES for m in self._memberships())

    @property
    def is_line_operator(self) -> bool:
        """Takes calls at a switchboard of the feedback line."""
        return any(m.role == Membership.Role.OPERATOR for m in self._memberships())

    @cached_property
    def applies_here(self) -> bool:
        """Shows the citizen's "My dossiers": every account that is not
        staff's, and staff who have applied themselves (a dossier or an
        unfinished application of their own)."""
        if not (self.is_office_staff or self.is_superuser):
            return True
        return self.dossiers.exists() or self.drafts.exists()

    @property
    def may_see_reports(self) -> bool:
        """Supervisors and office leaders see the timeliness reports."""
        return self.is_active and (
            self.is_superuser or any(m.role in Membership.REPORTING_ROLES for m in self._memberships())
        )

    @property
    def may_see_statements(self) -> bool:
        """Accountants, office leaders and supervisors read the daily statement of fees."""
        return self.is_active and (
            self.is_superuser or any(m.role in Membership.STATEMENT_ROLES for m in self._memberships())
        )

    @property
    def may_administer(self) -> bool:
        """May open the administration site."""
        return self.is_active and (
            self.is_superuser or any(m.role in Membership.ADMIN_ROLES for m in self._memberships())
        )

    def _memberships(self) -> list[Membership]:
        # Cached on the instance: a request asks many times.
        if not hasattr(self, "_membership_cache"):
            if self.pk is None or not self.is_active:
                self._membership_cache = []
            else:
                self._membership_cache = list(self.memberships.select_related("office", "office__parent"))
        return self._membership_cache

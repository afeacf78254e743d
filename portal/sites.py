"""The administration site. It opens to superusers and to staff whose role
needs it (catalogue administrators edit, supervisors look); Django's
`is_staff` flag is not used."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.forms import SaysWhenLocked


class RoleAuthenticationForm(SaysWhenLocked, AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        if not (user.is_active and user.may_administer):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PortalAdminSite(admin.AdminSite):
    site_header = _("One-stop portal administration")
    site_title = _("One-stop portal")
    index_title = _("Catalogue, offices and calendar")
    enable_nav_sidebar = False
    login_form = RoleAuthenticationForm

    def has_permission(self, request) -> bool:
        return request.user.is_authenticated and request.user.may_administer

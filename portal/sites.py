"""The administration site. It opens to superusers and to staff whose role
needs it (catalogue administrators edit, supervisors look); Django's
`is_staff` flag is not used."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("One-stop portal administration")
    site_title = _("One-stop portal")
    index_title = _("Catalogue, offices and calendar")
    enable_nav_sidebar = False

    def has_permission(self, request) -> bool:
        return request.user.is_authenticated and request.user.may_administer

"""The administration site. It opens to superusers and to staff whose role
needs it (catalogue administrators edit, supervisors look); Django's
`is_staff` flag is not used."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("One-stop portal administration")
    site_title = _("One-stop portal")
    index_title = _("Catalogue, offices and calendar")
    enable_nav_sidebar = False

    def login(self, request, extra_context=None):
        """One sign-in page for everyone, with its lockout and second step."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect("admin:index")
            raise PermissionDenied(_("The administration site is for administrators and supervisors."))
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('login')}?{urlencode({'next': target})}")

    def has_permission(self, request) -> bool:
        return request.user.is_authenticated and request.user.may_administer

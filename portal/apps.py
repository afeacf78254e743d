from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("Organisation and calendar")

    def ready(self) -> None:
        from portal import checks  # noqa: F401 - registers the deployment checks


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, with the site that opens to roles (portal.sites.PortalAdminSite)."""

    default = False
    default_site = "portal.sites.PortalAdminSite"

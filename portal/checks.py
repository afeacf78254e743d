"""Deployment checks of the portal's own settings (`manage.py check --deploy`)."""

from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """QR codes on slips and links in messages point at SITE_URL."""
    host = urlparse(settings.SITE_URL).hostname or ""
    if host in {"localhost", "127.0.0.1", "::1"} or not settings.SITE_URL.startswith("https://"):
        return [
            Warning(
                "SITE_URL is not a public https address; the QR codes on slips and the links in messages use it.",
                hint="Set SITE_URL, e.g. https://motcua.example.gov.vn",
                id="portal.W001",
            )
        ]
    return []

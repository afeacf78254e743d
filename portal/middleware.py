"""What every answer carries, and what none may ask.

`SecurityHeaders` adds the headers Django has no setting for (Django's own
`SecurityMiddleware` sends Referrer-Policy, X-Content-Type-Options,
Cross-Origin-Opener-Policy and HSTS; `XFrameOptionsMiddleware` sends
X-Frame-Options):

- Content-Security-Policy on pages: only the portal's own stylesheet and
  scripts (two small files: the kiosk's idle reset and a print button), no
  inline script or style attribute, no framing, forms posting only here. The
  API's docs (Swagger UI from drf-spectacular's sidecar, served here) keep
  one inline `<style>` block: only that page allows inline styles.
- Permissions-Policy: no camera, microphone, location, payment or sensors
  (choosing a photo for an upload is a file input, not the camera API).
- Cache-Control: no-store on everything that may carry personal data: every
  answer to someone signed in, and every page but the public catalogue's
  (the home page, /procedures/, the catalogue's API reads, the API schema
  and docs). A kiosk in a commune hall keeps nothing of the last visitor in
  its cache, nor does a shared computer.

Requests no page or endpoint can answer, refused before any view runs:

A NUL character in the address or the query string is never part of a
code, a search or a date, and PostgreSQL refuses it in any query (a 500 on
every route that looks something up). It gets a clear 400 — in the API's one
error shape under /api/ — and nothing reaches a view. (Form fields and
serializer fields refuse NUL characters themselves.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)
# Swagger UI's page holds a <style> block of its own (drf_spectacular/swagger_ui.html).
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
DOCS_PATH = "/api/docs/"
# An API answer is data, never a document to run anything in.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
# What a browser may keep, for someone not signed in: the public catalogue.
PUBLIC_PATHS = ("/procedures/", "/api/v1/procedures/", "/api/v1/offices/", "/api/schema/", DOCS_PATH)


class SecurityHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if settings.DEBUG and response.status_code in (404, 500):
            pass  # Django's own error pages of development style themselves inline
        elif content_type.startswith("text/html"):
            policy = DOCS_CONTENT_SECURITY_POLICY if request.path == DOCS_PATH else CONTENT_SECURITY_POLICY
            response.headers.setdefault("Content-Security-Policy", policy)
        elif content_type.startswith("application/json"):
            response.headers.setdefault("Content-Security-Policy", API_CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not _public(request):
            add_never_cache_headers(response)
        return response


def _public(request: HttpRequest) -> bool:
    """The public catalogue, asked for by someone not signed in."""
    user = getattr(request, "user", None)  # set on the way in, by AuthenticationMiddleware
    if request.method not in ("GET", "HEAD") or (user is not None and user.is_authenticated):
        return False
    return request.path == "/" or request.path.startswith(PUBLIC_PATHS)


class RefuseNulCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any("\x00" in value for value in _query_values(request)):
            message = _("The address holds a character no request may hold (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "invalid", "message": message, "fields": {}}}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _query_values(request: HttpRequest) -> list[str]:
    return [*request.GET.keys(), *(value for values in request.GET.lists() for value in values[1])]

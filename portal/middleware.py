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

A body larger than REQUEST_MAX_BYTES is refused with 413 before a byte of
it is read: nothing is parsed, nothing is written to a temporary file, and
no view learns of it. The declared Content-Length is enough; a chunked body
(no length, the server marks where it ends) is read only up to the limit
and refused as soon as it passes it. The front server refuses such bodies
too (deploy/nginx.conf); this holds when the portal runs without it. (Under
ASGI Django reads the whole body before any middleware: the portal runs
under gunicorn, WSGI.)

A NUL character in the address or the query string is never part of a
code, a search or a date, and PostgreSQL refuses it in any query (a 500 on
every route that looks something up). It gets a clear 400 — in the API's one
error shape under /api/ — and nothing reaches a view. (Form fields and
serializer fields refuse NUL characters themselves.)
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

CHUNK = 64 * 1024


class LimitRequestBody:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_MAX_BYTES
        declared = _declared_length(request)
        if declared is not None and declared > limit:
            return _too_large(request, limit)
        if declared is None and _chunked(request):
            with tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE) as body:
                if not _read_chunked_body(request, body, limit):
                    return _too_large(request, limit)
                return self.get_response(request)
        return self.get_response(request)


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _chunked(request: HttpRequest) -> bool:
    """A body without a length whose end the server marks (gunicorn does,
    `wsgi.input_terminated`); without that mark Django reads no body."""
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return "chunked" in encoding and bool(request.META.get("wsgi.input_terminated"))


def _read_chunked_body(request: HttpRequest, spool: IO[bytes], limit: int) -> bool:
    """Read a chunked body up to `limit` bytes into `spool` (memory, then
    disk past FILE_UPLOAD_MAX_MEMORY_SIZE) and hand it to Django as a body
    of known length; False as soon as it passes the limit."""
    source = request.META["wsgi.input"]
    total = 0
    while chunk := source.read(CHUNK):
        total += len(chunk)
        if total > limit:
            return False
        spool.write(chunk)
    spool.seek(0)
    request.META["CONTENT_LENGTH"] = str(total)
    request._stream = LimitedStream(spool, total)  # type: ignore[attr-defined]
    return True


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    message = _("The request is larger than %(limit)s MB, the most the portal accepts at once.") % {
        "limit": _megabytes(limit)
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "too_large", "message": message, "fields": {}}}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def _megabytes(size: int) -> str:
    return f"{size / 1048576:.0f}" if size % 1048576 == 0 else f"{size / 1048576:.1f}"


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

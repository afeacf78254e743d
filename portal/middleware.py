"""Requests no page or endpoint can answer, refused before any view runs.

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

"""Requests no page or endpoint can answer, refused before any view runs.

A NUL character in the address or the query string is never part of a
code, a search or a date, and PostgreSQL refuses it in any query (a 500 on
every route that looks something up). It gets a clear 400 — in the API's one
error shape under /api/ — and nothing reaches a view. (Form fields and
serializer fields refuse NUL characters themselves.)
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


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

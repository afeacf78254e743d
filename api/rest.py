"""The machinery every endpoint of the REST API (/api/v1/) shares: token
authentication, the scopes of partner keys, the one error shape and
pagination, and the rate of anonymous reads. (Kept apart from the views:
DRF reads these classes from the settings while its views load.)

Every error answers with the same JSON, whatever raised it::

    {"error": {"code": "invalid", "message": "…", "fields": {"applicant.phone": ["…"]}}}
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, parsers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from portal.clients import client_address
from portal.models import ApiToken
from procedures.serializers import flatten_errors

# Authentication ----------------------------------------------------------------


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`)."""

    keywords = (b"token", b"bearer")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as “Authorization: Token <key>”."))
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        now = timezone.now()
        token = ApiToken.objects.usable(now).select_related("user").filter(key_sha256=ApiToken.digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid, or it has expired."))
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return "Token"


# Permissions --------------------------------------------------------------------


class KeyScope(BasePermission):
    """A partner system's key works only on the endpoints of its scopes (a
    view names its scope in `required_scope`); a person's key, or a browser
    session, everywhere the person's roles allow."""

    message = gettext_lazy("This key may not call this endpoint.")

    def has_permission(self, request, view) -> bool:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        required = getattr(view, "required_scope", None)
        if required is not None:
            return token is not None and required in token.scopes
        return token is None or not token.is_partner


class SignedIn(KeyScope):
    """A signed-in person (anonymous callers get 401), or a partner key on
    an endpoint of its scope."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and super().has_permission(request, view)


# Errors --------------------------------------------------------------------------

ERROR_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def handle_exception(exc, context):
    """DRF's exception handler, answering in the one error shape. A domain
    error says its own status (`http_status`, `code`, `message`, `errors`: see
    dossiers/errors.py): an action not possible from the state or overtaken
    by someone else → 409, not allowed → 403, a broken rule → 400, a
    calendar not loaded → 503."""
    domain_status = getattr(exc, "http_status", None)
    if domain_status == 403:
        exc = exceptions.PermissionDenied(exc.message)
    elif domain_status == 400:
        exc = exceptions.ValidationError({"non_field_errors": exc.errors}, code="invalid")
    elif domain_status is not None:
        exc = DomainError(exc.message, status_code=domain_status, code=exc.code)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"non_field_errors": exc.messages}, code="invalid")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, SuspiciousOperation):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields: a 400 in
        # the one error shape, not Django's HTML page.
        exc = exceptions.ParseError(_("The request is too large or malformed: %(why)s") % {"why": exc})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = error_body(exc, response.status_code)
    return response


class DomainError(exceptions.APIException):
    """A domain error with its own status and code (409 not_possible or
    conflict, 503 calendar_not_ready)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"

    def __init__(self, detail: str, *, status_code: int, code: str) -> None:
        super().__init__(detail, code=code)
        self.status_code = status_code


def error_body(exc, status_code: int) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        pairs = flatten_errors(exc.detail)
        fields: dict[str, list[str]] = {}
        for name, message in pairs:
            fields.setdefault(name or "non_field_errors", []).append(message)
        general = fields.get("non_field_errors")
        message = general[0] if general else _("Some fields are not valid: %(names)s.") % {"names": ", ".join(fields)}
        return {"error": {"code": "invalid", "message": str(message), "fields": fields}}
    code = ERROR_CODES.get(status_code, "error")
    if isinstance(exc, DomainError):
        code = exc.detail.code
    return {"error": {"code": code, "message": str(exc.detail), "fields": {}}}


@csrf_exempt
def not_found(request, path: str = ""):
    """Any /api/ address that names no endpoint: the JSON 404, not a page.
    Exempt from the CSRF check, which would otherwise answer an unsafe
    method sent with a cookie by Django's HTML 403: nothing happens here."""
    body = {"error": {"code": "not_found", "message": _("There is no endpoint at this address."), "fields": {}}}
    return JsonResponse(body, status=404)


# Bodies ----------------------------------------------------------------------------


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than Python's json
    module can read (thousands of brackets) with the same 400 as bad JSON,
    instead of a RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON body is nested too deeply.")) from None


# Lists -----------------------------------------------------------------------------


class _ByClientAddress:
    """Count anonymous callers by the address the trusted proxies report
    (portal/clients.py), never by a header the caller wrote."""

    def get_ident(self, request) -> str:
        return client_address(request)


class AccountThrottle(_ByClientAddress, UserRateThrottle):
    """Every call, per account (or per client address when anonymous): API_USER_RATE."""


class PublicThrottle(_ByClientAddress, AnonRateThrottle):
    """Anonymous reads, per client address (API_PUBLIC_RATE)."""

    scope = "public"


class ScopedThrottle(_ByClientAddress, ScopedRateThrottle):
    """The rate named by the view's `throttle_scope` (e.g. API_SIGN_IN_RATE)."""


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

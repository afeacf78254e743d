"""The site's own endpoints of the REST API: signing in for a key, and the
offices in service."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.rest import KeyScope, PublicThrottle, ScopedThrottle
from api.schema import ErrorSerializer
from portal import two_factor
from portal.auth import locked_message
from portal.models import ApiToken, Office

# Signing in ------------------------------------------------------------------------


class SignInSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=254, help_text="The username, the phone number or the email address, as on the sign-in page."
    )
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=16,
        required=False,
        help_text="The 6-digit code of the authenticator app, for accounts that sign in in two steps.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class IssueToken(APIView):
    """Sign in with a username (or phone, or email) and password; get a key
    for `Authorization: Token <key>`, valid for API_TOKEN_DAYS days. Staff
    who sign in in two steps send their authenticator code as `otp`."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "sign_in"

    @extend_schema(
        request=SignInSerializer,
        responses={201: TokenSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        form = SignInSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(request, username=form.validated_data["username"], password=form.validated_data["password"])
        if user is None and getattr(request, "sign_in_retry_after", 0):
            raise exceptions.Throttled(request.sign_in_retry_after, detail=locked_message(request.sign_in_retry_after))
        if user is None or not user.is_active:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("The username or the password is wrong.")]}, code="invalid"
            )
        if two_factor.asks(user):
            if not two_factor.enabled(user):
                raise exceptions.PermissionDenied(
                    _("This account must sign in in two steps: set it up by signing in on the web first.")
                )
            code = form.validated_data.get("otp", "")
            if not code:
                raise exceptions.ValidationError({"otp": [_("Send the 6-digit code of your authenticator app.")]})
            if not two_factor.check(user, code):
                raise exceptions.ValidationError({"otp": [_("That code is wrong or already used.")]})
        token, key = ApiToken.issue(user, _("Signed in through the API"))
        return Response({"token": key, "expires_at": token.expires_at}, status=status.HTTP_201_CREATED)


class KeySerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text="This call was made with this key.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "current"]

    def get_current(self, token: ApiToken) -> bool:
        return token == self.context["request"].auth


class KeyList(generics.ListAPIView):
    """Your API keys (never the keys themselves: only how each starts)."""

    serializer_class = KeySerializer
    pagination_class = None

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user.pk).order_by("-created_at")

    @extend_schema(tags=["auth"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class KeyDetail(generics.DestroyAPIView):
    """Revoke one of your keys (the one you call with, to sign out): nothing
    can use it afterwards. Another person's key is not found."""

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user.pk)

    @extend_schema(tags=["auth"], responses={204: None, 401: ErrorSerializer, 404: ErrorSerializer})
    def delete(self, request, *args, **kwargs):
        return super().delete(request, *args, **kwargs)


# Offices ---------------------------------------------------------------------------


class OfficeSerializer(serializers.ModelSerializer):
    province = serializers.SerializerMethodField()
    opening_hours = serializers.SerializerMethodField()

    class Meta:
        model = Office
        fields = ["code", "name", "level", "locality", "province", "address", "phone", "email", "opening_hours"]

    def get_province(self, office: Office) -> str:
        return office.province.code

    def get_opening_hours(self, office: Office) -> str:
        return (
            f"{office.morning_opens_at:%H:%M}–{office.morning_closes_at:%H:%M}, "
            f"{office.afternoon_opens_at:%H:%M}–{office.afternoon_closes_at:%H:%M}"
        )


class OfficeList(generics.ListAPIView):
    """The one-stop offices in service: the province centre and the
    commune and ward counters."""

    serializer_class = OfficeSerializer
    permission_classes = [KeyScope]
    throttle_classes = [PublicThrottle]

    def get_queryset(self):
        return Office.objects.filter(is_active=True).select_related("parent").order_by("-level", "name")

    @extend_schema(tags=["catalogue"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

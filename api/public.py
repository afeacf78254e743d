"""Public tracking in the REST API: the state and appointment of a
dossier, by its code and the last four digits of the phone number on it —
the same rule and the same limit on attempts as the /track/ page
(citizens/tracking.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from api.rest import KeyScope
from api.schema import ErrorSerializer
from api.serializers import TrackQuerySerializer, TrackSerializer
from citizens import tracking
from portal.clients import client_address


class TrackView(APIView):
    """Public: the state and appointment of a dossier, by its code and the
    last four digits of the phone number on it. A wrong code and wrong digits
    give the same 404; attempts are limited per address, as on /track/."""

    permission_classes = [KeyScope]
    throttle_classes: list = []

    @extend_schema(
        summary="Track a dossier",
        parameters=[TrackQuerySerializer],
        responses={200: TrackSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
        tags=["public"],
    )
    def get(self, request):
        query = TrackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            dossier = tracking.look_up(
                client_address(request), query.validated_data["code"], query.validated_data["phone_last4"]
            )
        except tracking.TooManyAttempts as refused:
            raise exceptions.Throttled(wait=refused.retry_after) from None
        if dossier is None:
            raise exceptions.NotFound(_("No dossier matches this code and these digits."))
        return Response(TrackSerializer(dossier).data)

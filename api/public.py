"""Public tracking in the REST API: the state and appointment of a
dossier, by its code and the last four digits of the phone number on it —
the same rule and the same limit on attempts as the /track/ page
(citizens/tracking.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from api.rest import KeyScope
from api.schema import ErrorSerializer
from api.serializers import TrackQuerySerializer, TrackSerializer
from citizens import tracking as citizens_tracking
from portal.clients import client_address


class Tracker(APIView):
    """Public look-up of one thing by its code and the last four digits of
    the phone number on it. A wrong code and wrong digits give the same 404;
    attempts are limited per address, as on /track/. A subclass names the
    module that looks up (its `look_up` and `TooManyAttempts`), the
    serializer and the 404's words."""

    permission_classes = [KeyScope]
    throttle_classes: list = []
    tracking: Any = citizens_tracking
    serializer_class: Any = TrackSerializer
    not_found = gettext_lazy("No dossier matches this code and these digits.")

    def get(self, request):
        query = TrackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            found = self.tracking.look_up(
                client_address(request), query.validated_data["code"], query.validated_data["phone_last4"]
            )
        except self.tracking.TooManyAttempts as refused:
            raise exceptions.Throttled(wait=refused.retry_after) from None
        if found is None:
            raise exceptions.NotFound(self.not_found)
        return Response(self.serializer_class(found).data)


@extend_schema_view(
    get=extend_schema(
        summary="Track a dossier",
        parameters=[TrackQuerySerializer],
        responses={200: TrackSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
        tags=["public"],
    )
)
class TrackView(Tracker):
    """Public: the state and appointment of a dossier."""

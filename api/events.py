"""Life events reported by partner systems (first: a birth at a hospital),
which prepare the citizen's application (citizens/life_events.py)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import ERRORS
from api.serializers import BirthEventSerializer, LifeEventSerializer
from citizens import life_events
from portal.models import ApiToken


class LifeEvents(APIView):
    """A partner system reports a life event (first: a birth at a hospital).
    The portal prepares the birth registration for the parent and asks them
    to confirm it; nothing reaches the counter until they do."""

    required_scope = ApiToken.Scope.BIRTH_EVENTS
    throttle_classes: list = []

    @extend_schema(
        summary="Report a life event (partner systems)",
        request=BirthEventSerializer,
        responses={
            201: LifeEventSerializer,
            200: OpenApiResponse(LifeEventSerializer, description="Reported before under this reference."),
            **ERRORS,
        },
        tags=["partners"],
    )
    def post(self, request):
        form = BirthEventSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        event, created = life_events.report_birth(
            request.user,
            reference=data["reference"],
            occurred_at=data["occurred_at"],
            place=data["place"],
            child=dict(data["child"]),
            parent=dict(data["parent"]),
            office=data["office"],
        )
        return Response(
            LifeEventSerializer(event).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

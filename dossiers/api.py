"""Dossiers in the REST API: open one, attach files, list and read what the
caller may see, act on one, download its slips; public tracking; the
timeliness report; and life events reported by partner systems.

Every dossier is fetched through `Dossier.objects.visible_to(user)`: another
office's clerk and a citizen who does not own it get the same 404 as for a
code that does not exist. Every change goes through `workflow`,
`applications` or `life_events`, as on the web screens.
"""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers import applications, life_events, stats, tracking, workflow
from dossiers.models import Dossier, Slip, State
from dossiers.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    BirthEventSerializer,
    DossierCreateSerializer,
    DossierSerializer,
    DossierSummarySerializer,
    LifeEventSerializer,
    ReportQuerySerializer,
    ReportSerializer,
    SlipSerializer,
    TrackQuerySerializer,
    TrackSerializer,
    TransitionSerializer,
)
from dossiers.uploads import check_upload
from dossiers.views.slips import pdf_response
from portal.api import ErrorSerializer
from portal.models import ApiToken, Membership, Office
from portal.rest import KeyScope
from procedures.models import Channel

ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
}


class DossierFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    office = django_filters.CharFilter(
        method="filter_office", max_length=40, help_text="An office's code: dossiers it received or handles."
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="true: open and past the due date today; false: the others."
    )
    due_before = django_filters.IsoDateTimeFilter(
        field_name="due_at", lookup_expr="lt", help_text="Due before this moment (ISO 8601)."
    )

    class Meta:
        model = Dossier
        fields = ["state", "office", "overdue", "due_before"]

    def filter_office(self, queryset, name, value):
        return queryset.filter(Q(receiving_office__code=value) | Q(competent_office__code=value))

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


def sees_as_staff(user, dossier: Dossier) -> bool:
    """Staff of the dossier's offices (or above them) see its staff notes."""
    if user.is_superuser:
        return True
    offices = Office.objects.visible_to(user)
    return offices.filter(pk__in=[dossier.receiving_office_id, dossier.competent_office_id]).exists()


@extend_schema_view(
    list=extend_schema(summary="The dossiers you may see", tags=["dossiers"]),
    retrieve=extend_schema(
        summary="One dossier, with its documents, files and events",
        tags=["dossiers"],
        responses={200: DossierSerializer, **ERRORS},
    ),
)
class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_class = DossierFilter
    parser_classes = [JSONParser]

    def get_queryset(self):
        return (
            Dossier.objects.visible_to(self.request.user)
            .select_related("procedure", "receiving_office", "competent_office")
            .order_by("-submitted_at", "-pk")
        )

    def get_serializer_class(self):
        return DossierSummarySerializer if self.action == "list" else DossierSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _shown(self, dossier: Dossier, status_code: int = status.HTTP_200_OK) -> Response:
        dossier = self.get_queryset().prefetch_related("documents", "attachments__document").get(pk=dossier.pk)
        context = {**self.get_serializer_context(), "for_staff": sees_as_staff(self.request.user, dossier)}
        return Response(DossierSerializer(dossier, context=context).data, status=status_code)

    def retrieve(self, request, code: str):
        return self._shown(self.get_object())

    @extend_schema(
        summary="Open a dossier",
        description=(
            "A citizen applies online for themselves: the dossier waits in `submitted` for the counter, "
            "and the details of their account fill what the applicant leaves out. A clerk of `office` "
            "takes a walk-in dossier in: it is received at once, which needs every mandatory document "
            "listed in `received_documents`."
        ),
        request=DossierCreateSerializer,
        responses={201: DossierSerializer, **ERRORS},
        tags=["dossiers"],
    )
    def create(self, request):
        form = DossierCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user, office = request.user, data["office"]
        if user.has_role(Membership.Role.CLERK, office):
            dossier = self._walk_in(data)
        elif user.is_office_staff:
            raise exceptions.PermissionDenied(
                _("Only a clerk of %(office)s takes dossiers in there.") % {"office": office.code}
            )
        else:
            dossier = self._online(data)
        response = self._shown(dossier, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{request.path}{dossier.code}/")
        return response

    def _walk_in(self, data: dict) -> Dossier:
        channel = data.get("channel") or Channel.IN_PERSON
        if channel == Channel.ONLINE:
            raise exceptions.ValidationError({"channel": [_("A clerk takes dossiers in in person or by post.")]})
        if "applicant" not in data:
            raise exceptions.ValidationError({"applicant": [_("Give the applicant's details.")]})
        return workflow.open_dossier(
            procedure=data["procedure"],
            receiving_office=data["office"],
            competent_office=data["competent_office"] or data["office"],
            channel=channel,
            applicant=dict(data["applicant"]),
            delivery=data["delivery"],
            delivery_address=data["delivery_address"],
            received_documents=set(data["received_documents"]),
            actor=self.request.user,
            receive=True,
        )

    def _online(self, data: dict) -> Dossier:
        if data.get("channel", Channel.ONLINE) != Channel.ONLINE:
            raise exceptions.ValidationError({"channel": [_("A citizen applies online.")]})
        if data["competent_office"] is not None:
            raise exceptions.ValidationError({"competent_office": [_("The counter decides which office handles it.")]})
        user = self.request.user
        given = {key: value for key, value in data.get("applicant", {}).items() if value}
        return applications.open_online(
            procedure=data["procedure"],
            office=data["office"],
            applicant={**user.applicant, **given},
            citizen=user,
            delivery=data["delivery"],
            delivery_address=data["delivery_address"],
        )

    @extend_schema(
        summary="Attach a file to one of the dossier's documents",
        description=(
            "Staff of its offices while the dossier is open; its citizen before it is received or when "
            "a supplement is asked for."
        ),
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **ERRORS, 409: ErrorSerializer},
        tags=["dossiers"],
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, code: str):
        dossier = self.get_object()
        form = AttachmentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        document = None
        if form.validated_data["document"] is not None:
            document = dossier.documents.filter(position=form.validated_data["document"]).first()
            if document is None:
                raise exceptions.ValidationError({"document": [_("This dossier has no document with this number.")]})
        upload = form.validated_data["file"]
        try:
            checked = check_upload(upload)
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"file": error.messages}) from None
        upload.seek(0)
        attachment = workflow.attach(
            dossier,
            content=upload.read(),
            name=upload.name or "file",
            checked=checked,
            document=document,
            actor=request.user,
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Act on a dossier",
        description=(
            "403 when you may not take the action, 409 when it is not possible from the dossier's state "
            "or someone changed the dossier since the `version` you send."
        ),
        request=TransitionSerializer,
        responses={200: DossierSerializer, **ERRORS, 409: ErrorSerializer},
        tags=["dossiers"],
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, code: str):
        dossier = self.get_object()
        form = TransitionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = request.user
        if data["action"] == "supplement" and dossier.citizen_id == user.pk and not sees_as_staff(user, dossier):
            # The citizen's own supplement: the files they sent make it one.
            dossier = applications.send_supplement(dossier, user, version=data["version"])
        else:
            dossier = workflow.perform(
                dossier,
                data["action"],
                actor=user,
                note=data["note"],
                version=data["version"],
                new_appointment=data["new_appointment"],
                documents=set(data["documents"]) if data["documents"] is not None else None,
            )
        return self._shown(dossier)

    @extend_schema(
        summary="The dossier's official slips",
        responses={200: SlipSerializer(many=True), **ERRORS},
        tags=["slips"],
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def slips(self, request, code: str):
        dossier = self.get_object()
        slips = dossier.slips.select_related("dossier").order_by("issued_at", "pk")
        return Response(SlipSerializer(slips, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="One slip as PDF",
        description="The latest slip of this kind, or the one numbered `number`; the same bytes every time.",
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(Slip.Kind.values)),
            OpenApiParameter("number", int, OpenApiParameter.QUERY, required=False),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS},
        tags=["slips"],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"slips/(?P<kind>[a-z_]+)",
        url_name="slip",
        pagination_class=None,
        filterset_class=None,
    )
    def slip(self, request, code: str, kind: str):
        dossier = self.get_object()
        slips = dossier.slips.filter(kind=kind).order_by("-number")
        number = request.query_params.get("number")
        if number is not None:
            if not number.isdigit() or int(number) > 1000:
                raise exceptions.ValidationError({"number": [_("A slip's number is a whole number.")]})
            slips = slips.filter(number=int(number))
        slip = slips.first()
        if slip is None:
            raise exceptions.NotFound(_("This dossier has no such slip."))
        return pdf_response(slip)


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
        if not tracking.allow_attempt(request.META.get("REMOTE_ADDR", "")):
            raise exceptions.Throttled(wait=settings.TRACKING_WINDOW_SECONDS)
        query = TrackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        dossier = tracking.find(query.validated_data["code"], query.validated_data["phone_last4"])
        if dossier is None:
            raise exceptions.NotFound(_("No dossier matches this code and these digits."))
        return Response(TrackSerializer(dossier).data)


class TimelinessReport(APIView):
    """The dashboard's numbers: one row per office you oversee, and the total."""

    @extend_schema(
        summary="On-time and overdue figures per office",
        parameters=[ReportQuerySerializer],
        responses={200: ReportSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        tags=["reports"],
    )
    def get(self, request):
        offices = stats.report_offices(request.user)
        if not offices:
            raise exceptions.PermissionDenied(_("The reports are for supervisors and office leaders."))
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if data.get("office"):
            offices = [office for office in offices if office.code == data["office"]]
            if not offices:
                raise exceptions.PermissionDenied(_("This is not one of the offices whose figures you see."))
        period = stats.Period(data["from"], data["to"])
        report = stats.report(period, offices)
        codes = {office.pk: office.code for office in offices}

        def row(line: stats.Row) -> dict:
            return {
                "office": codes.get(line.key) if line.key is not None else None,
                "name": line.label,
                **{measure: line[measure] for measure in stats.MEASURES},
                "on_time_rate": None if line.on_time_rate is None else round(line.on_time_rate, 2),
            }

        body = {
            "from": period.start,
            "to": period.end,
            "as_of": report.as_of,
            "rows": [row(line) for line in report.rows],
            "total": row(report.total),
        }
        return Response(ReportSerializer(body).data)


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

"""The feedback line in the REST API: partner systems (a ministry's
hotline, a province's app) open cases; staff list, read and act on the cases
they may see; anyone tracks one by its code and the last 4 digits of its
phone. Every change goes through petitions/workflow.py, as on the pages and
the SMS webhook: the same rules, the same messages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from api.public import Tracker
from api.rest import JSONParser, SignedIn
from api.schema import ERRORS, ErrorSerializer
from api.serializers import TrackQuerySerializer
from petitions import catalogue, tracking, workflow
from petitions.models import Case, Channel, Kind
from portal.clients import client_address
from portal.models import ApiToken, Office, User
from portal.phones import PHONE_MESSAGE, clean_phone
from procedures.models import Procedure, PublishedQuestion


class CaseSerializer(serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    office_concerned = serializers.SlugRelatedField(slug_field="code", read_only=True)
    answering_office = serializers.SlugRelatedField(slug_field="code", read_only=True)
    actions = serializers.SerializerMethodField()
    answer_source = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "code",
            "kind",
            "channel",
            "state",
            "version",
            "name",
            "phone",
            "email",
            "text",
            "place",
            "procedure",
            "office_concerned",
            "answering_office",
            "received_at",
            "due_at",
            "answer",
            "answered_at",
            "reopen_until",
            "is_satisfied",
            "answer_source",
            "consents_to_publish",
            "publish_due_at",
            "published_as",
            "actions",
        ]

    def get_answer_source(self, case: Case) -> dict | None:
        """The catalogue record the answer was made from: procedure code and version."""
        source = case.answer_source
        return {"procedure": source.procedure.code, "version": source.number} if source else None

    def get_actions(self, case: Case) -> list[str]:
        return workflow.offered_actions(case, self.context["request"].user)

    def to_representation(self, case: Case) -> dict:
        data = super().to_representation(case)
        if not case.shows_caller_to(self.context["request"].user):
            data.update(name="", phone="", email="")  # a conduct complaint's sender, withheld
        return data


class CaseCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=workflow.MAX_TEXT, allow_blank=True, trim_whitespace=False)
    name = serializers.CharField(max_length=200, required=False, default="")
    phone = serializers.CharField(max_length=20, required=False, default="")
    email = serializers.EmailField(required=False, default="")
    place = serializers.CharField(max_length=300, required=False, default="")
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    procedure = serializers.SlugRelatedField(
        slug_field="code", queryset=Procedure.objects.active(), required=False, allow_null=True
    )
    office = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Office.objects.counters(),
        required=False,
        allow_null=True,
        help_text="The office the case is about, if known.",
    )
    consents_to_publish = serializers.BooleanField(
        required=False, default=False, help_text="The sender agrees to the answer being published, anonymised."
    )

    def validate_phone(self, value: str) -> str:
        try:
            return clean_phone(value)
        except Exception:
            raise serializers.ValidationError(str(PHONE_MESSAGE)) from None


class CaseActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=workflow.STAFF_ACTIONS)
    version = serializers.IntegerField(required=False)
    note = serializers.CharField(max_length=workflow.MAX_TEXT, required=False, default="")
    answer = serializers.CharField(max_length=5000, required=False, default="")
    kind = serializers.ChoiceField(choices=Kind.choices, required=False, default="")
    procedure = serializers.SlugRelatedField(
        slug_field="code", queryset=Procedure.objects.active(), required=False, allow_null=True
    )
    office = serializers.SlugRelatedField(
        slug_field="code", queryset=Office.objects.counters(), required=False, allow_null=True
    )
    named_officer = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    cite_procedure = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Procedure.objects.active(),
        required=False,
        allow_null=True,
        help_text="answer: the procedure whose catalogue record the answer is made from.",
    )
    cite_version = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="answer: the version of that record in force."
    )
    question = serializers.CharField(max_length=workflow.MAX_PUBLISHED, required=False, default="")
    published = serializers.PrimaryKeyRelatedField(
        queryset=PublishedQuestion.objects.all(),
        required=False,
        allow_null=True,
        help_text="attach: the published question the case asks again.",
    )


class CatalogueAnswerSerializer(serializers.Serializer):
    procedure = serializers.CharField(source="procedure.code")
    name = serializers.CharField(source="procedure.name")
    version = serializers.IntegerField(source="version.number")
    documents = serializers.ListField(child=serializers.CharField())
    limits = serializers.ListField(child=serializers.CharField())
    fees = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField()


class TrackedCaseSerializer(serializers.ModelSerializer):
    answering_office = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Case
        fields = ["code", "kind", "state", "answering_office", "due_at", "answer", "answered_at", "is_satisfied"]


class MayOpen(BasePermission):
    """A partner's key with the scope `line:cases`, or a signed-in person."""

    def has_permission(self, request, view) -> bool:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None and token.is_partner:
            return ApiToken.Scope.LINE_CASES in token.scopes
        return bool(request.user and request.user.is_authenticated)


@extend_schema_view(
    list=extend_schema(summary="The line's open cases you may see", tags=["line"]),
    retrieve=extend_schema(summary="One case of the line", tags=["line"], responses={200: CaseSerializer, **ERRORS}),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    parser_classes = [JSONParser]
    serializer_class = CaseSerializer

    def get_permissions(self):
        return [MayOpen()] if self.action == "create" else [SignedIn()]

    def get_queryset(self):
        return (
            Case.objects.visible_to(self.request.user)
            .select_related("procedure", "office_concerned", "answering_office", "province")
            .order_by("-received_at", "-pk")
        )

    @extend_schema(
        summary="Open a case (partner systems, signed-in people)",
        request=CaseCreateSerializer,
        responses={201: CaseSerializer, 429: ErrorSerializer, **ERRORS},
        tags=["line"],
    )
    def create(self, request):
        form = CaseCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        office = data.pop("office", None)
        province = (
            office.province if office else Office.objects.filter(level=Office.Level.PROVINCE).order_by("pk").first()
        )
        if province is None:
            raise exceptions.NotFound(_("The line is not open yet."))
        user = request.user
        case = workflow.receive(
            channel=Channel.API,
            province=province,
            office=office,
            citizen=user if not isinstance(request.auth, ApiToken) or not request.auth.is_partner else None,
            sender=f"api:{user.pk}"
            if isinstance(request.auth, ApiToken) and request.auth.is_partner
            else client_address(request),
            **data,
        )
        return Response(CaseSerializer(case, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Act on a case: dispatch, transfer, decline, ask_more, answer, approve, send_back, publish, attach",
        request=CaseActionSerializer,
        responses={200: CaseSerializer, 409: ErrorSerializer, **ERRORS},
        tags=["line"],
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def act(self, request, code: str):
        case = self.get_object()
        form = CaseActionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        case = workflow.perform(case, data.pop("action"), actor=request.user, **data)
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk), context={"request": request}).data)

    @extend_schema(
        summary="The catalogue's answers to a case: best-matching procedures, what to bring, time limits, fees",
        responses={200: CatalogueAnswerSerializer(many=True), **ERRORS},
        tags=["line"],
    )
    @action(detail=True, methods=["get"], url_path="suggestions")
    def suggestions(self, request, code: str):
        case = self.get_object()
        answers = catalogue.suggestions(case.text, case.province, procedure=case.procedure)
        return Response(CatalogueAnswerSerializer(answers, many=True).data)


@extend_schema_view(
    get=extend_schema(
        summary="Track a line case",
        parameters=[TrackQuerySerializer],
        responses={200: TrackedCaseSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
        tags=["public"],
    )
)
class TrackCase(Tracker):
    """Public: a case's state and answer, by the /track/ page's rule and limits."""

    tracking = tracking
    serializer_class = TrackedCaseSerializer
    not_found = gettext_lazy("No case matches this code and these digits.")

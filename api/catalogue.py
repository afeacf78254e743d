"""The catalogue in the REST API: anyone may read the procedures in service;
catalogue administrators create, update and deactivate them through the
same resource, in the catalogue's interchange record (procedures/serializers.py),
which `interchange.save_record` saves under the same rules as an import."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from api.rest import KeyScope, PublicThrottle
from api.schema import ErrorSerializer
from portal.calendar import TimeUnit
from portal.models import Membership
from procedures import eforms
from procedures.interchange import catalogue_queryset, procedure_record, record_version, save_record
from procedures.models import Channel, Procedure, ProcedureVersion, RequiredDocument, Sector
from procedures.serializers import ProcedureRecordSerializer

# The channel whose time limit a procedure is known by.
MAIN_CHANNELS = (Channel.IN_PERSON, Channel.ONLINE, Channel.POST)


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField(help_text="The document's number in the list, from 1.")
    name = serializers.CharField()
    case = serializers.CharField(source="case_name", help_text="The case it is needed for; empty if always.")
    kind = serializers.ChoiceField(
        choices=RequiredDocument.Kind.choices,
        help_text="Handed in, shown at the counter and handed back (nothing to upload), or the declaration.",
    )
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    mandatory = serializers.BooleanField(
        source="is_mandatory", help_text="False for a document brought only if the applicant has one."
    )
    condition = serializers.CharField(
        source="condition.key",
        allow_null=True,
        default=None,
        help_text="Needed only if the answer to this question (its key) is yes; null if always.",
    )
    scope = serializers.ChoiceField(
        choices=RequiredDocument.Scope.choices, help_text="online or paper when asked on those channels only."
    )
    group = serializers.CharField(help_text="Alternatives: one document of a group is enough. Empty if none.")


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The key to answer it by when opening a dossier.")
    text = serializers.CharField()
    text_en = serializers.CharField()
    text_th = serializers.CharField()


class FeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount_vnd = serializers.IntegerField(allow_null=True, help_text="The amount in VND; null in another currency.")
    amount = serializers.IntegerField(help_text="The amount as published, in whole units of `currency`.")
    currency = serializers.CharField(help_text="VND, or as published (USD).")
    unit = serializers.CharField(help_text="What the amount is charged per (bản, lần); empty for a flat fee.")
    case = serializers.CharField(source="case_name", help_text="The case or tier it applies to; empty if always.")
    valid_from = serializers.DateField(allow_null=True, help_text="A dated fee: the first day it applies.")
    valid_until = serializers.DateField(allow_null=True, help_text="A dated fee: the last day it applies.")
    channel = serializers.ChoiceField(choices=Channel.choices)
    exemption_note = serializers.CharField()


class TimeLimitSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    unit = serializers.ChoiceField(choices=TimeUnit.choices)


class ChannelSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    case = serializers.CharField(
        source="case_name", help_text="The case this time limit is for, when the channel has several; else empty."
    )
    time_limit = serializers.SerializerMethodField()

    @extend_schema_field(TimeLimitSerializer(allow_null=True))
    def get_time_limit(self, option) -> dict | None:
        # Null only on a procedure still in review.
        if option.time_limit is None:
            return None
        return {"amount": option.time_limit_amount, "unit": option.time_limit_unit}


class StageSerializer(serializers.Serializer):
    kind = serializers.CharField()
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)


class LegalDocumentSerializer(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True)


class EFormFieldSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The key to send it by in `declaration`.")
    group = serializers.CharField(
        help_text="Whose detail it is: child, mother, father, applicant, deceased, woman, man, ..."
    )
    group_label = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField(help_text="False also for details given all together or not at all.")
    kind = serializers.ChoiceField(choices=["text", "choice", "date", "year", "number", "time", "id_number"])
    choices = serializers.ListField(child=serializers.CharField(), help_text="The values a choice takes.")


class EFormSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    fields = EFormFieldSerializer(many=True)


class SectorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureSerializer(serializers.Serializer):
    """A procedure as the API shows it."""

    code = serializers.CharField()
    name = serializers.CharField(help_text="The official (Vietnamese) name.")
    name_en = serializers.CharField()
    name_th = serializers.CharField()
    sector = SectorSerializer()
    level = serializers.ChoiceField(choices=Procedure.Level.choices, help_text="The main level.")
    levels = serializers.ListField(
        child=serializers.ChoiceField(choices=Procedure.Level.choices), help_text="Every level, as published."
    )
    implementing_agency = serializers.CharField()
    competent_agency = serializers.CharField()
    status = serializers.ChoiceField(
        choices=Procedure.Status.choices,
        help_text="Only catalogue administrators see procedures in review, which are offered to no one.",
    )
    time_limit_days = serializers.SerializerMethodField(
        help_text=(
            "The time limit of the in-person channel (else online, else post) in days: working days "
            "(working hours counted 8 to the day), or calendar days or months when `time_limit.unit` says so; "
            "0 for the same day. Null when the procedure has no channel with a time limit."
        )
    )
    time_limit = serializers.SerializerMethodField()
    online_level = serializers.ChoiceField(choices=Procedure.OnlineLevel.choices)
    is_location_independent = serializers.BooleanField()
    is_active = serializers.BooleanField()
    channels = ChannelSerializer(many=True)
    questions = QuestionSerializer(many=True, help_text="Yes/no questions that decide which documents are needed.")
    documents = DocumentSerializer(many=True)
    fees = FeeSerializer(many=True)
    stages = serializers.SerializerMethodField()
    legal_basis = LegalDocumentSerializer(many=True)
    eform = serializers.SerializerMethodField(
        help_text=(
            "The declaration an online applicant fills in on the portal (send it as `declaration` when opening "
            "a dossier), with its fields; null when the procedure has none."
        )
    )
    version = serializers.SerializerMethodField(
        help_text="The number of the version in force (dossiers keep the one they were received under)."
    )
    in_force_since = serializers.SerializerMethodField(help_text="The day the version in force took effect.")
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_version(self, procedure: Procedure) -> int | None:
        version = procedure.version_in_force()
        return version.number if version else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_in_force_since(self, procedure: Procedure) -> str | None:
        version = procedure.version_in_force()
        return version.effective_from.isoformat() if version else None

    @extend_schema_field(EFormSerializer(allow_null=True))
    def get_eform(self, procedure: Procedure) -> dict | None:
        eform = eforms.for_procedure(procedure.code)
        if eform is None:
            return None
        return {"key": eform.key, "title": str(eform.title), "fields": eform.describe()}

    def _main(self, procedure: Procedure):
        return next(filter(None, (procedure.channel(c) for c in MAIN_CHANNELS)), None)

    @extend_schema_field(TimeLimitSerializer(allow_null=True))
    def get_time_limit(self, procedure: Procedure) -> dict | None:
        option = self._main(procedure)
        if option is None or option.time_limit is None:
            return None
        return {"amount": option.time_limit_amount, "unit": option.time_limit_unit}

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True))
    def get_time_limit_days(self, procedure: Procedure) -> Decimal | None:
        option = self._main(procedure)
        if option is None or option.time_limit is None:
            return None
        if option.time_limit_unit == TimeUnit.WORKING_HOURS:
            return (option.time_limit_amount / 8).quantize(Decimal("0.01"))
        if option.time_limit_unit == TimeUnit.SAME_DAY:
            return Decimal(0)
        return option.time_limit_amount

    @extend_schema_field(StageSerializer(many=True))
    def get_stages(self, procedure: Procedure) -> list[dict]:
        """Each stage's share of the time limit (the default split when the
        catalogue gives none)."""
        return [{"kind": kind, "share_percent": share} for kind, share in procedure.stage_shares().items()]


class ProcedureFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", max_length=200, help_text="Words of the name or the code, with or without diacritics."
    )
    sector = django_filters.CharFilter(field_name="sector__code", help_text="A sector's code.")
    level = django_filters.ChoiceFilter(choices=Procedure.Level.choices)
    online_level = django_filters.ChoiceFilter(choices=Procedure.OnlineLevel.choices)
    status = django_filters.ChoiceFilter(
        choices=Procedure.Status.choices, help_text="Catalogue administrators: `in_review` lists the review queue."
    )

    class Meta:
        model = Procedure
        fields = ["search", "sector", "level", "online_level", "status"]

    def filter_search(self, queryset, name, value):
        return queryset.matching(value) if value.strip() else queryset


def may_edit_catalogue(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Membership.Role.CATALOGUE_ADMIN))


class CatalogueWrites(KeyScope):
    """Anyone reads; catalogue administrators write."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not may_edit_catalogue(request.user):
            raise exceptions.PermissionDenied(_("Only catalogue administrators change the catalogue."))
        return True


WRITE_RESPONSES = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
}


@extend_schema_view(
    list=extend_schema(summary="Search the procedures in service", tags=["catalogue"]),
    retrieve=extend_schema(
        summary="One procedure", tags=["catalogue"], responses={200: ProcedureSerializer, 404: ErrorSerializer}
    ),
    create=extend_schema(
        summary="Add a procedure (catalogue administrators)",
        tags=["catalogue"],
        request=ProcedureRecordSerializer,
        responses={201: ProcedureSerializer, **WRITE_RESPONSES},
    ),
    update=extend_schema(
        summary="Replace a procedure (catalogue administrators)",
        tags=["catalogue"],
        request=ProcedureRecordSerializer,
        responses={200: ProcedureSerializer, **WRITE_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Change some of a procedure's fields (catalogue administrators)",
        tags=["catalogue"],
        request=ProcedureRecordSerializer(partial=True),
        responses={200: ProcedureSerializer, **WRITE_RESPONSES},
    ),
    destroy=extend_schema(
        summary="Deactivate a procedure (catalogue administrators)",
        description="The procedure stays, since dossiers refer to it, but leaves the catalogue.",
        tags=["catalogue"],
        responses={200: ProcedureSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    ),
)
class ProcedureViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProcedureSerializer
    permission_classes = [CatalogueWrites]
    throttle_classes = [PublicThrottle]
    filterset_class = ProcedureFilter
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        procedures = catalogue_queryset().prefetch_related(ProcedureVersion.objects.prefetch_in_force())
        if not may_edit_catalogue(self.request.user):
            procedures = procedures.filter(is_active=True, status=Procedure.Status.PUBLISHED)
        return procedures.order_by("code")

    def get_throttles(self):
        # The public reads are limited per address; staff by their account.
        return [throttle() for throttle in self.throttle_classes] if not self.request.user.is_authenticated else []

    def create(self, request):
        record = self._validated(request.data)
        if Procedure.objects.filter(code=record["code"]).exists():
            raise exceptions.ValidationError({"code": [_("A procedure with this code exists: change it with PUT.")]})
        return self._saved(record, status.HTTP_201_CREATED)

    def update(self, request, code: str):
        procedure = get_object_or_404(self.get_queryset(), code=code)
        data = request.data if isinstance(request.data, dict) else {}
        return self._saved(self._validated({**data, "code": procedure.code}), status.HTTP_200_OK)

    def partial_update(self, request, code: str):
        procedure = get_object_or_404(self.get_queryset(), code=code)
        changes = request.data if isinstance(request.data, dict) else {}
        record = {**procedure_record(procedure), **changes, "code": procedure.code}
        return self._saved(self._validated(record), status.HTTP_200_OK)

    def destroy(self, request, code: str):
        procedure = get_object_or_404(self.get_queryset(), code=code)
        if procedure.is_active:
            procedure.is_active = False
            procedure.save(update_fields=["is_active", "updated_at"])
            record_version(procedure, by=request.user)
        return Response(self.get_serializer(self._fresh(procedure.code)).data)

    def _validated(self, data) -> dict:
        if not isinstance(data, dict):
            raise exceptions.ValidationError({"non_field_errors": [_("Send one procedure as a JSON object.")]})
        sectors = set(Sector.objects.values_list("code", flat=True))
        record = ProcedureRecordSerializer(data=data, context={"sectors": sectors})
        record.is_valid(raise_exception=True)
        return record.validated_data

    def _saved(self, record: dict, status_code: int) -> Response:
        with transaction.atomic():
            save_record(record, by=self.request.user)
        return Response(self.get_serializer(self._fresh(record["code"])).data, status=status_code)

    def _fresh(self, code: str) -> Procedure:
        return catalogue_queryset().get(code=code)

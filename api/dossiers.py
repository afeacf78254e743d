"""Dossiers in the REST API: open one, attach files, list and read what the
caller may see, act on one, download its slips and results, revoke or
correct a result.

Every dossier is fetched through `Dossier.objects.visible_to(user)`: another
office's clerk and a citizen who does not own it get the same 404 as for a
code that does not exist. Every change goes through `dossiers.workflow` or
`citizens.applications`, as on the web screens: the same rules, the same
messages.

The module is long because it is the one viewset of a dossier: every
action on one (transitions, files, slips, results) is a route of it.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.models import IdempotencyKey
from api.rest import JSONParser
from api.schema import ERRORS, ErrorSerializer
from api.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    BatchRefusalSerializer,
    BatchSerializer,
    CounterPaymentSerializer,
    DossierCreatedSerializer,
    DossierCreateSerializer,
    DossierSerializer,
    DossierSummarySerializer,
    ExemptionDecisionSerializer,
    PaymentSerializer,
    ResultAmendSerializer,
    ResultSerializer,
    SettleSerializer,
    SlipSerializer,
    TransitionSerializer,
)
from citizens import applications
from dossiers import fees, on_the_spot, payments, permissions, queues, receipts, results, slips, workflow
from dossiers.batch import perform_many
from dossiers.intake import FeeInvalid
from dossiers.models import Dossier, Payment, Result, Slip, State
from portal.clients import client_address
from portal.models import Membership, Office
from procedures.models import Channel


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
        return queryset.at(Office.objects.filter(code=value))

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


def idempotency_key(request) -> str:
    """The request's `Idempotency-Key` header: 1 to 100 visible ASCII
    characters (a UUID does), or "" when there is none."""
    key = request.headers.get("Idempotency-Key", "")
    if key and (len(key) > 100 or not all(33 <= ord(ch) < 127 for ch in key)):
        raise exceptions.ValidationError(
            {"Idempotency-Key": [_("Send 1 to 100 visible ASCII characters, e.g. a UUID.")]}
        )
    return key


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
        now = timezone.now()
        return {**super().get_serializer_context(), "today": timezone.localdate(now), "now": now}

    def _shown(self, dossier: Dossier, status_code: int = status.HTTP_200_OK) -> Response:
        dossier = self.get_queryset().prefetch_related("documents", "attachments__document").get(pk=dossier.pk)
        context = {**self.get_serializer_context(), "for_staff": permissions.sees_as_staff(dossier, self.request.user)}
        return Response(DossierSerializer(dossier, context=context).data, status=status_code)

    def retrieve(self, request, code: str):
        return self._shown(self.get_object())

    @extend_schema(
        summary="Open a dossier",
        description=(
            "A citizen applies online for themselves: the dossier waits in `submitted` for the counter, "
            "and the details of their account fill what the applicant leaves out. A clerk of `office` "
            "takes a walk-in dossier in: it is received at once, which needs every mandatory document "
            "listed in `received_documents`. Send an `Idempotency-Key` header (a UUID) to retry safely: "
            "a second request with the same key answers with the dossier the first one opened "
            "(and `Idempotent-Replayed: true`), never a second dossier. The answer gives the dossier's "
            "code, where it stands and its links; the whole dossier is at `links.self` (the `Location`)."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="1 to 100 visible ASCII characters, e.g. a UUID.",
            )
        ],
        request=DossierCreateSerializer,
        responses={201: DossierCreatedSerializer, **ERRORS},
        tags=["dossiers"],
    )
    def create(self, request):
        key = idempotency_key(request)
        if key:
            earlier = IdempotencyKey.objects.filter(user=request.user, key=key).select_related("dossier").first()
            if earlier is not None:
                return self._created(earlier.dossier, replayed=True)
        form = DossierCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user, office = request.user, data["office"]
        if user.is_office_staff and not user.has_role(Membership.Role.CLERK, office):
            raise exceptions.PermissionDenied(
                _("Only a clerk of %(office)s takes dossiers in there.") % {"office": office.code}
            )
        try:
            with transaction.atomic():
                dossier = self._walk_in(data) if user.is_office_staff else self._online(data)
                if key:
                    IdempotencyKey.objects.create(user=user, key=key, dossier=dossier)
        except IntegrityError:
            # Another request with the same key opened the dossier first.
            earlier = (
                IdempotencyKey.objects.filter(user=user, key=key).select_related("dossier").first() if key else None
            )
            if earlier is None:
                raise
            return self._created(earlier.dossier, replayed=True)
        return self._created(dossier)

    def _created(self, dossier: Dossier, *, replayed: bool = False) -> Response:
        created = DossierCreatedSerializer(dossier, context=self.get_serializer_context()).data
        response = Response(created, status=status.HTTP_201_CREATED)
        response["Location"] = created["links"]["self"]
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    def _walk_in(self, data: dict) -> Dossier:
        channel = data.get("channel") or Channel.IN_PERSON
        if channel == Channel.ONLINE:
            raise exceptions.ValidationError({"channel": [_("A clerk takes dossiers in in person or by post.")]})
        if "applicant" not in data:
            raise exceptions.ValidationError({"applicant": [_("Give the applicant's details.")]})
        if "declaration" in data:
            raise exceptions.ValidationError(
                {"declaration": [_("The declaration is filled in online; at the counter the paper form is handed in.")]}
            )
        return workflow.open_dossier(
            procedure=data["procedure"],
            receiving_office=data["office"],
            competent_office=data["competent_office"] or data["office"],
            channel=channel,
            applicant=dict(data["applicant"]),
            delivery=data["delivery"],
            delivery_address=data["delivery_address"],
            received_documents=set(data["received_documents"]),
            answers=data["answers"],
            actor=self.request.user,
            receive=True,
            time_limit_case=data["time_limit_case"],
            counts={row["document"]: (row["originals"], row["copies"]) for row in data["received_counts"]},
            fee_received=data["fee_received"],
            fee_receipt_number=data["fee_receipt_number"],
            fee_case=data["fee_case"],
            fee_quantities=data["fee_quantities"],
            fee_exemption=data["fee_exemption"],
            exemption_confirmed=data["exemption_confirmed"],
            incoming_item_number=data["incoming_item_number"],
        )

    def _online(self, data: dict) -> Dossier:
        if data.get("channel", Channel.ONLINE) != Channel.ONLINE:
            raise exceptions.ValidationError({"channel": [_("A citizen applies online.")]})
        if data["incoming_item_number"]:
            raise exceptions.ValidationError(
                {"incoming_item_number": [_("Only a dossier received by post has an incoming postal item number.")]}
            )
        if data["competent_office"] is not None:
            raise exceptions.ValidationError({"competent_office": [_("The counter decides which office handles it.")]})
        user = self.request.user
        given = {key: value for key, value in data.get("applicant", {}).items() if value}
        applicant = {**user.applicant, **given}
        # What an online application must say of its applicant, the one rule the page applies too.
        lacking = [problem for problem in applications.applicant_problems(applicant) if problem.field]
        if lacking:
            raise exceptions.ValidationError(
                {"applicant": {problem.field: [problem.message] for problem in lacking}}, code="invalid"
            )
        return applications.open_online(
            procedure=data["procedure"],
            office=data["office"],
            applicant=applicant,
            citizen=user,
            delivery=data["delivery"],
            delivery_address=data["delivery_address"],
            answers=data["answers"],
            time_limit_case=data["time_limit_case"],
            declaration=data.get("declaration"),
            fee_case=data["fee_case"],
            fee_quantities=data["fee_quantities"],
            fee_exemption=data["fee_exemption"],
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
        try:
            attachment = workflow.attach_upload(
                dossier, upload=form.validated_data["file"], document=document, actor=request.user
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"file": error.messages}) from None
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Act on a dossier",
        description=(
            "403 when you may not take the action (the four-eyes rule included: not on a dossier that names "
            "you as its applicant, not the decision on one you appraised), 409 when it is not possible from "
            "the dossier's state "
            "or someone changed the dossier since the `version` you send."
        ),
        request={"application/json": TransitionSerializer, "multipart/form-data": TransitionSerializer},
        responses={200: DossierSerializer, **ERRORS, 409: ErrorSerializer, 503: ErrorSerializer},
        tags=["dossiers"],
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def transitions(self, request, code: str):
        dossier = self.get_object()
        form = TransitionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        dossier = workflow.perform(
            dossier,
            data["action"],
            actor=request.user,
            note=data["note"],
            version=data["version"],
            new_appointment=data["new_appointment"],
            documents=set(data["documents"]) if data["documents"] is not None else None,
            requested=form.to_requested(),
            result=form.to_result(),
            postal_item=data["postal_item_number"],
            posted_on=data["posted_on"],
        )
        return self._shown(dossier)

    @extend_schema(
        summary="Confirm or refuse the fee exemption the applicant claimed",
        description=(
            "A clerk of the receiving office, once the proof was shown (or not): the same rule as the counter's "
            "page (dossiers/fees.py). No claim waiting (409), not a clerk there (403), a stale `version` (409)."
        ),
        request=ExemptionDecisionSerializer,
        responses={200: DossierSerializer, **ERRORS, 409: ErrorSerializer},
        tags=["dossiers"],
    )
    @action(detail=True, methods=["post"])
    def exemption(self, request, code: str):
        dossier = self.get_object()
        form = ExemptionDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        dossier = fees.decide_exemption(
            dossier, confirmed=data["decision"] == "confirm", actor=request.user, version=data["version"]
        )
        return self._shown(dossier)

    @extend_schema(
        summary="Approve, stamp or hand over several dossiers of a queue at once",
        description=(
            "The queue's batch action on each dossier listed, each through the same checks as a single "
            "transition (role, version, state, the four-eyes rule), each on its own: `done` lists those moved "
            "on, `refused` the others with the reason. A bad selection changes nothing: an action the queue "
            "does not batch or an empty list (400), a code you do not see (400), a dossier no longer in the "
            "queue (409), no role for the queue (403). Refusing, rejecting and withdrawing are never batched."
        ),
        request=BatchSerializer,
        responses={
            200: inline_serializer(
                "BatchResult",
                {
                    "action": serializers.CharField(),
                    "done": DossierSummarySerializer(many=True),
                    "refused": BatchRefusalSerializer(many=True),
                },
            ),
            **ERRORS,
            409: ErrorSerializer,
        },
        tags=["dossiers"],
    )
    @action(detail=False, methods=["post"], pagination_class=None, filterset_class=None)
    def batch(self, request):
        form = BatchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        office = Office.objects.visible_to(request.user).filter(code=data["office"]).first()
        if office is None:
            raise exceptions.ValidationError({"office": [_("You work at no office with this code.")]})
        summary = perform_many(
            queues.BY_SLUG[data["queue"]],
            office,
            data["action"],
            {chosen["code"]: chosen["version"] for chosen in data["dossiers"]},
            actor=request.user,
        )
        context = self.get_serializer_context()
        return Response(
            {
                "action": summary.action,
                "done": DossierSummarySerializer(summary.done, many=True, context=context).data,
                "refused": [
                    {"code": dossier.code, "error": error.code, "message": error.message}
                    for dossier, error in summary.refused
                ],
            }
        )

    @extend_schema(
        summary="Settle a simple procedure's dossier on the spot (5 tại chỗ)",
        description=(
            "Takes every step left — receive, appraise, approve, stamp, hand over — as you, at one moment, each an "
            "audited transition with its rules, for a procedure the catalogue marks simple. Nothing is done if one "
            "step is refused: 403 when your roles or the four-eyes rule do not allow it (an office that does not "
            "let one person settle simple procedures), 409 when the dossier is not at one of these steps."
        ),
        request=SettleSerializer,
        responses={200: DossierSerializer, **ERRORS, 409: ErrorSerializer},
        tags=["dossiers"],
    )
    @action(detail=True, methods=["post"], url_path="on-the-spot", url_name="on-the-spot")
    def on_the_spot(self, request, code: str):
        dossier = self.get_object()
        form = SettleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        dossier = on_the_spot.settle(
            dossier,
            actor=request.user,
            version=data["version"],
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
        issued = dossier.slips.select_related("dossier").order_by("issued_at", "pk")
        return Response(SlipSerializer(issued, many=True, context=self.get_serializer_context()).data)

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
        found = dossier.slips.filter(kind=kind).order_by("-number")
        number = request.query_params.get("number")
        if number is not None:
            if not number.isdigit() or int(number) > 1000:
                raise exceptions.ValidationError({"number": [_("A slip's number is a whole number.")]})
            found = found.filter(number=int(number))
        slip = found.first()
        if slip is None:
            raise exceptions.NotFound(_("This dossier has no such slip."))
        return slips.download(slip)

    @extend_schema(
        summary="The dossier's results",
        description="Every result issued, in force or not (`status`), with what the signature check found at issue.",
        responses={200: ResultSerializer(many=True), **ERRORS},
        tags=["results"],
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def results(self, request, code: str):
        dossier = self.get_object()
        issued = dossier.results.select_related("dossier", "superseded_by").order_by("issued_at", "pk")
        return Response(ResultSerializer(issued, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="One result as PDF",
        description="The signed PDF as stored; the same bytes every time.",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS},
        tags=["results"],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"results/(?P<pk>[0-9]{1,12})",
        url_name="result",
        pagination_class=None,
        filterset_class=None,
    )
    def result(self, request, code: str, pk: str):
        dossier = self.get_object()
        found = dossier.results.filter(pk=int(pk)).first()
        if found is None:
            raise exceptions.NotFound(_("This dossier has no such result."))
        return results.download(found)

    @extend_schema(
        summary="Revoke a result or supersede it by a correction",
        description=(
            "For a leader (approver) of the competent office, with a reason; an audited event on the dossier, "
            "whose state does not move. `correct` takes the corrected document as `stamp` does (the result_* "
            "fields; multipart/form-data to upload it). 403 for anyone else, 409 when the result is no longer "
            "in force, 503 when the office cannot sign now (nothing is changed)."
        ),
        request={"multipart/form-data": ResultAmendSerializer, "application/json": ResultAmendSerializer},
        responses={200: ResultSerializer, **ERRORS, 409: ErrorSerializer, 503: ErrorSerializer},
        tags=["results"],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"results/(?P<pk>[0-9]{1,12})/amend",
        url_name="result-amend",
        parser_classes=[JSONParser, MultiPartParser, FormParser],
        pagination_class=None,
        filterset_class=None,
    )
    def amend_result(self, request, code: str, pk: str):
        dossier = self.get_object()
        found = dossier.results.filter(pk=int(pk)).first()
        if found is None:
            raise exceptions.NotFound(_("This dossier has no such result."))
        form = ResultAmendSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if data["amend"] == "revoke":
            changed = results.revoke(found, actor=request.user, reason=data["reason"])
        else:
            draft = form.to_result()
            assert draft is not None  # the serializer asks for the source
            changed = results.correct(found, draft, actor=request.user, reason=data["reason"])
        changed = Result.objects.select_related("dossier", "superseded_by").get(pk=changed.pk)
        return Response(ResultSerializer(changed, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="The dossier's payments, or take one at the counter",
        description=(
            "GET lists every payment attempt with its state. POST (a clerk of the dossier's offices) records "
            "money taken in cash or by card against a receipt (biên lai), at most what is still owed; the "
            "portal issues the fee receipt."
        ),
        request=CounterPaymentSerializer,
        responses={200: PaymentSerializer(many=True), 201: PaymentSerializer, **ERRORS},
        tags=["payments"],
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def payments(self, request, code: str):
        dossier = self.get_object()
        if request.method == "GET":
            listed = dossier.payments.select_related("dossier")
            return Response(PaymentSerializer(listed, many=True, context=self.get_serializer_context()).data)
        form = CounterPaymentSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            payment = payments.record_at_counter(
                dossier,
                amount=data["amount_vnd"],
                receipt_number=data["receipt_number"],
                method=data["method"],
                actor=request.user,
            )
        except FeeInvalid as error:
            name = {"fee_received": "amount_vnd", "fee_receipt_number": "receipt_number"}.get(error.field, error.field)
            raise exceptions.ValidationError({name: [error.message]}) from None
        return Response(
            PaymentSerializer(payment, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="A payment's fee receipt as PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS},
        tags=["payments"],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"payments/(?P<reference>[A-Z0-9]+)/receipt",
        url_name="fee-receipt",
        pagination_class=None,
        filterset_class=None,
    )
    def fee_receipt(self, request, code: str, reference: str):
        dossier = self.get_object()
        payment = Payment.objects.filter(dossier=dossier, reference=reference).exclude(receipt={}).first()
        if payment is None:
            raise exceptions.NotFound(_("This dossier has no such receipt."))
        return receipts.download(payment)

    @extend_schema(
        summary="Start paying online (the dossier's citizen)",
        description=(
            "A new online payment of what the dossier still owes, pending: send the citizen's browser to "
            "`redirect_url` (the gateway of the province). The gateway's notification marks it paid; the "
            "citizen comes back to the portal's return page."
        ),
        request=None,
        responses={
            201: inline_serializer(
                "OnlinePayment", {"reference": serializers.CharField(), "redirect_url": serializers.URLField()}
            ),
            **ERRORS,
        },
        tags=["payments"],
    )
    @action(detail=True, methods=["post"], url_path="payments/online", url_name="pay-online")
    def pay_online(self, request, code: str):
        dossier = self.get_object()
        payment, url = payments.start_online(
            dossier,
            actor=request.user,
            return_url=request.build_absolute_uri(reverse("payment_return")),
            client_ip=client_address(request),
        )
        return Response({"reference": payment.reference, "redirect_url": url}, status=status.HTTP_201_CREATED)

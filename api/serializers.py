"""The shapes of the dossier API (api/dossiers.py, public.py, reports.py,
events.py): what comes in, checked, and what goes out. Datetimes are ISO 8601
with their offset, money integer VND, codes strings. No rule lives here that
the models, `workflow`, `applications` or `reports.periods` do not already
hold: the serializers call them. The module is long because it holds every
shape of the four endpoints, which share their parts (applicant, documents,
files, events)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from citizens.models import LifeEvent
from dossiers import results, waiting
from dossiers.actions import ACTIONS
from dossiers.models import (
    Assistance,
    Attachment,
    Delivery,
    Dossier,
    DossierDocument,
    DossierEvent,
    Payment,
    RequestedDocument,
    Result,
    Slip,
    State,
)
from dossiers.queues import QUEUES
from dossiers.supplements import MAX_ITEMS, NOTE_MAX_LENGTH, Asked, Problem
from dossiers.timeliness import Timeliness
from dossiers.workflow import available_actions
from portal.models import Office
from portal.phones import clean_id_number, clean_phone
from procedures import eforms
from procedures.models import Channel, Procedure
from reports.periods import PeriodError, requested

# The actions of POST /dossiers/{code}/transitions/.
ACTION_CHOICES = [(action, action) for action in ACTIONS]

# In ----------------------------------------------------------------------------


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate_id_number(self, value: str) -> str:
        return clean_id_number(value)

    def validate_phone(self, value: str) -> str:
        return clean_phone(value)


class ChosenDossierSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=60)
    version = serializers.IntegerField(min_value=0, help_text="The version you read: refused (conflict) if it changed.")


class BatchSerializer(serializers.Serializer):
    office = serializers.CharField(max_length=40, help_text="The office whose queue it is, by its code.")
    queue = serializers.ChoiceField(choices=[(q.slug, q.slug) for q in QUEUES if q.batch])
    action = serializers.CharField(max_length=40, help_text="The queue's batch action: approve, stamp or return.")
    dossiers = ChosenDossierSerializer(many=True, allow_empty=True)


class BatchRefusalSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The dossier's code.")
    error = serializers.CharField(help_text="Why it was not done: forbidden, conflict, not_possible, invalid, …")
    message = serializers.CharField()


class DocumentCountSerializer(serializers.Serializer):
    # The ranges are checked by the domain (dossiers/intake.py), as on the page.
    document = serializers.IntegerField(min_value=1, max_value=1000, help_text="The document's number, from 1.")
    originals = serializers.IntegerField(required=False, allow_null=True, default=None)
    copies = serializers.IntegerField(required=False, allow_null=True, default=None)


class DossierCreateSerializer(serializers.Serializer):
    procedure = serializers.SlugRelatedField(
        slug_field="code", queryset=Procedure.objects.active(), help_text="The procedure's code, e.g. 1.001193."
    )
    office = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Office.objects.filter(is_active=True),
        help_text="The code of the counter that receives the dossier.",
    )
    competent_office = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Office.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="For a location-independent procedure received elsewhere: the office that handles it.",
    )
    applicant = ApplicantSerializer(required=False, help_text="A citizen's own details fill what is left out.")
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text="A citizen applies online; a clerk takes a dossier in in person (the default) or by post.",
    )
    delivery = serializers.ChoiceField(
        choices=Delivery.choices,
        default=Delivery.COUNTER,
        help_text="How the result comes back: only the ways offered (counter, post); an electronic result is "
        "not offered yet.",
    )
    delivery_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    received_documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=1000),
        required=False,
        default=list,
        max_length=200,
        help_text="A clerk's walk-in dossier: the numbers (from 1) of the documents handed in.",
    )
    received_counts = serializers.ListField(
        child=DocumentCountSerializer(),
        required=False,
        default=list,
        max_length=200,
        help_text=(
            "A clerk's walk-in dossier: the originals and copies taken in of ticked documents (0 to 50 each); "
            "a document left out counts as the procedure asks."
        ),
    )
    fee_received = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A clerk's walk-in dossier: the fee collected, in whole đồng (0 or more).",
    )
    fee_receipt_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text="The number of the receipt (biên lai) for the fee; required when `fee_received` is above 0.",
    )
    fee_case = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "When the channel's fees are published for several cases or tiers: the case (as the catalogue "
            "lists it) the fee is charged for. Required then."
        ),
    )
    fee_quantities = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        default=dict,
        help_text="For a fee charged per unit (bản, trang): how many, by unit, 1 to 1000; one when left out.",
    )
    fee_exemption = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The id of the fee exemption claimed (the catalogue's `fee_exemptions`); the counter confirms it.",
    )
    exemption_confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A clerk's walk-in dossier: the proof of the exemption claimed was shown, so it is confirmed.",
    )
    incoming_item_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=40,
        help_text=(
            "A dossier received by post (`channel` post): the VNPost item number of its envelope, 13 characters "
            "(two letters, nine digits with the S10 check digit, VN), e.g. EB123456785VN. Required then, "
            "refused otherwise."
        ),
    )
    answers = serializers.DictField(
        child=serializers.BooleanField(),
        required=False,
        default=dict,
        help_text=(
            "Yes/no answers to the procedure's questions about the applicant's situation, by question key "
            "(the catalogue lists them): every question asked on the channel must be answered. "
            'E.g. {"on-behalf": false}.'
        ),
    )
    time_limit_case = serializers.CharField(
        max_length=300,
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "When the procedure publishes several time limits for the channel: the case (as the catalogue "
            "lists it) whose time limit applies. Default: the one without a case, else the first."
        ),
    )

    declaration = serializers.DictField(
        required=False,
        allow_empty=False,
        help_text=(
            "An online application for a procedure with an e-form (the catalogue's `eform`): the declaration's "
            "fields by name, dates as YYYY-MM-DD or DD/MM/YYYY. It is laid out as the official form (PDF) and "
            "attached to the dossier's e-form document, as the portal's own page does."
        ),
    )

    def validate_delivery(self, value: str) -> str:
        refused = Delivery.not_offered(value)
        if refused:
            raise serializers.ValidationError(refused)
        return value

    def validate(self, attrs: dict) -> dict:
        declaration = attrs.get("declaration")
        if declaration is not None:
            eform = eforms.for_procedure(attrs["procedure"].code)
            if eform is None:
                raise serializers.ValidationError(
                    {
                        "declaration": [
                            gettext_lazy("Procedure %(code)s has no declaration to fill in online.")
                            % {"code": attrs["procedure"].code}
                        ]
                    }
                )
            answers, errors = eform.validated(declaration)
            if answers is None:
                raise serializers.ValidationError({"declaration": errors})
            attrs["declaration"] = answers
        return attrs


class RequestedDocumentInSerializer(serializers.Serializer):
    document = serializers.IntegerField(min_value=1, max_value=1000, help_text="The document's number, from 1.")
    problem = serializers.ChoiceField(choices=Problem.choices, default=Problem.MISSING)
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="What is wrong: required for a faulty document.",
    )


class ResultFieldsSerializer(serializers.Serializer):
    """The result document given at `stamp` or as a correction (dossiers/results.py)."""

    result_source = serializers.ChoiceField(
        choices=[("", ""), ("upload", "upload"), ("write", "write")],
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "For `stamp`: the result document. `upload` attaches `result_file` (send the request as "
            "multipart/form-data), `write` has the portal write the extract of a civil-status registration "
            "from the dossier's declaration. Required when the citizen receives the result electronically."
        ),
    )
    result_file = serializers.FileField(required=False, allow_null=True, default=None)
    result_title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    result_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    result_issued_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, data: dict) -> dict:
        source = data.get("result_source") or ""
        if not source:
            return data
        problems = {}
        if source == "upload" and data.get("result_file") is None:
            problems["result_file"] = [gettext_lazy("Choose the result PDF to attach.")]
        if not (data.get("result_number") or "").strip():
            problems["result_number"] = [gettext_lazy("Give the result's number as the office recorded it.")]
        if data.get("result_issued_on") is None:
            problems["result_issued_on"] = [gettext_lazy("Give the result's date of issue.")]
        if problems:
            raise serializers.ValidationError(problems)
        return data

    def to_result(self) -> results.Draft | None:
        data = self.validated_data
        if not data["result_source"]:
            return None
        return results.Draft(
            number=data["result_number"],
            issued_on=data["result_issued_on"],
            title=data["result_title"],
            content=results.read_upload(data["result_file"]) if data["result_source"] == "upload" else None,
        )


class TransitionSerializer(ResultFieldsSerializer):
    action = serializers.ChoiceField(choices=ACTION_CHOICES)
    note = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text="The reasons: required to request a supplement, refuse, reject, withdraw or apologise.",
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        help_text="The dossier's version as you read it: 409 if someone changed it since.",
    )
    new_appointment = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="For `apologise`: the new appointment."
    )
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=1000),
        required=False,
        allow_null=True,
        default=None,
        max_length=200,
        help_text=(
            "For `receive`: the numbers of the documents handed in (default: as already ticked). For `supplement` "
            "at the counter: the documents asked for that were brought on paper, which then count as answered."
        ),
    )
    requested_documents = RequestedDocumentInSerializer(
        many=True,
        required=False,
        default=list,
        max_length=MAX_ITEMS,
        help_text=(
            "For `request_supplement`: the documents of the checklist the citizen must add or correct; "
            "with them the note may be left empty."
        ),
    )
    postal_item_number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=40,
        help_text=(
            "For `return` of a result by post (the hand-over to the postal service): the VNPost item number of "
            "the envelope, 13 characters with its S10 check digit, e.g. EB123456785VN; required then, and "
            "recorded once. Refused for any other action or dossier."
        ),
    )
    posted_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For `return` by post: the day of the hand-over (default today); not in the future.",
    )

    def to_requested(self) -> list[Asked]:
        return [
            Asked(position=item["document"], problem=item["problem"], note=item["note"])
            for item in self.validated_data["requested_documents"]
        ]


class SettleSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        help_text="The dossier's version as you read it: 409 if someone changed it since.",
    )
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=1000),
        required=False,
        allow_null=True,
        default=None,
        max_length=200,
        help_text="When it is still to be received: the numbers of the documents handed in (default: as ticked).",
    )


class AttachmentUploadSerializer(serializers.Serializer):
    document = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, help_text="The document's number, from 1."
    )
    file = serializers.FileField(help_text="A PDF, JPEG or PNG, checked by its content.")


class TrackQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=48)
    phone_last4 = serializers.RegexField(
        r"^\d{4}$", max_length=4, error_messages={"invalid": gettext_lazy("Enter exactly 4 digits.")}
    )


class ReportQuerySerializer(serializers.Serializer):
    # "from", a Python keyword, is added in `__init__`.
    to = serializers.DateField(help_text="The last day, included.")
    office = serializers.CharField(max_length=40, required=False, help_text="One office's code; all yours if left out.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField(help_text="The first day (YYYY-MM-DD).")

    def validate(self, attrs: dict) -> dict:
        try:
            attrs["period"] = requested(attrs["from"], attrs["to"], timezone.localdate())
        except PeriodError as error:
            raise serializers.ValidationError({"to" if error.field == "end" else "from": [error.message]}) from None
        return attrs


class ChildSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=[("female", "female"), ("male", "male")])
    weight_grams = serializers.IntegerField(min_value=200, max_value=8000, required=False, allow_null=True)


class ParentSerializer(ApplicantSerializer):
    id_number = serializers.CharField(max_length=20)
    phone = serializers.CharField(max_length=20)


class BirthEventSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[("birth", "birth")])
    reference = serializers.CharField(
        max_length=64, help_text="Your own reference for the event: a retry with it reports nothing twice."
    )
    occurred_at = serializers.DateTimeField(help_text="When the child was born.")
    place = serializers.CharField(max_length=300, help_text="Where: the hospital's name.")
    child = ChildSerializer()
    parent = ParentSerializer(help_text="The parent who registers the birth.")
    office = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Office.objects.filter(is_active=True),
        help_text="The code of the commune or ward where the parent lives.",
    )

    def validate_occurred_at(self, value):
        if value > timezone.now():
            raise serializers.ValidationError(gettext_lazy("A birth is reported after it happens."))
        return value


# Out ---------------------------------------------------------------------------


class ProcedureRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ApplicantOutSerializer(serializers.Serializer):
    name = serializers.CharField(source="applicant_name")
    id_number = serializers.CharField(source="applicant_id_number")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    address = serializers.CharField(source="applicant_address")


class DossierDocumentSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case_name")
    kind = serializers.CharField(help_text="hand_in, show (shown at the counter and handed back) or eform.")
    mandatory = serializers.BooleanField(source="is_mandatory")
    group = serializers.CharField(help_text="Alternatives: one document of a group is enough. Empty if none.")
    received = serializers.BooleanField(source="is_received", help_text="Handed in, or seen for a shown document.")

    class Meta:
        model = DossierDocument
        fields = [
            "position",
            "name",
            "case",
            "kind",
            "originals",
            "copies",
            "mandatory",
            "group",
            "received",
            "originals_received",
            "copies_received",
        ]
        extra_kwargs = {
            "originals_received": {"help_text": "Originals taken in at a walk-in intake; null when not counted."},
            "copies_received": {"help_text": "Copies taken in at a walk-in intake; null when not counted."},
        }


class AttachmentSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="document.position", allow_null=True, default=None)
    name = serializers.CharField(source="original_name")

    class Meta:
        model = Attachment
        fields = ["id", "document", "name", "content_type", "size", "sha256", "uploaded_at"]


class RequestedDocumentSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="document.position")
    name = serializers.CharField(source="document.name")
    answered = serializers.BooleanField(source="is_answered")
    answer = serializers.IntegerField(
        source="answer_id", allow_null=True, help_text="The id of the file that answered it, or null."
    )

    class Meta:
        model = RequestedDocument
        fields = ["document", "name", "problem", "note", "answered", "answered_at", "answer"]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = DossierEvent
        fields = ["action", "from_state", "to_state", "actor", "at", "note"]

    def get_actor(self, event: DossierEvent) -> str | None:
        """Who acted: the name, for staff; for the citizen, only themselves."""
        if self.context.get("for_staff") or event.actor_id == self.context["request"].user.pk:
            return event.actor.get_full_name() if event.actor else None
        return None

    def get_note(self, event: DossierEvent) -> str:
        return event.note if self.context.get("for_staff") else event.note_for_citizen


class SlipSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Slip
        fields = ["kind", "number", "issued_at", "check_code", "sha256", "url"]

    def get_url(self, slip: Slip) -> str:
        path = reverse("api:dossier-slip", args=[slip.dossier.code, slip.kind])
        return self.context["request"].build_absolute_uri(f"{path}?number={slip.number}")


class ResultSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text="current, superseded or revoked.")
    superseded_by = serializers.CharField(source="superseded_by.check_code", default=None, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Result
        fields = [
            "id",
            "title",
            "number",
            "issued_on",
            "source",
            "issued_at",
            "check_code",
            "sha256",
            "is_signed",
            "signer",
            "signed_at",
            "is_timestamped",
            "status",
            "revocation_reason",
            "superseded_by",
            "url",
        ]

    def get_url(self, result: Result) -> str:
        path = reverse("api:dossier-result", args=[result.dossier.code, result.pk])
        return self.context["request"].build_absolute_uri(path)


class ResultAmendSerializer(ResultFieldsSerializer):
    """Revoke a result, or supersede it by a correction (the result_* fields)."""

    amend = serializers.ChoiceField(choices=[("revoke", "revoke"), ("correct", "correct")])
    reason = serializers.CharField(max_length=2000, help_text="Kept in the trail and shown on /verify/.")

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        if data["amend"] == "correct" and not data.get("result_source"):
            raise serializers.ValidationError(
                {"result_source": [gettext_lazy("Choose where the corrected result comes from.")]}
            )
        return data


class PaymentSerializer(serializers.ModelSerializer):
    method_display = serializers.CharField(source="get_method_display")
    state_display = serializers.CharField(source="get_state_display")
    receipt_url = serializers.SerializerMethodField(help_text="The fee receipt as PDF; null until paid.")

    class Meta:
        model = Payment
        fields = [
            "reference",
            "method",
            "method_display",
            "state",
            "state_display",
            "amount_vnd",
            "receipt_number",
            "receipt_series",
            "gateway_reference",
            "created_at",
            "paid_at",
            "refunded_at",
            "refund_reason",
            "receipt_url",
        ]

    def get_receipt_url(self, payment: Payment) -> str | None:
        if not payment.receipt:
            return None
        path = reverse("api:dossier-fee-receipt", args=[payment.dossier.code, payment.reference])
        return self.context["request"].build_absolute_uri(path)


class CounterPaymentSerializer(serializers.Serializer):
    """Money taken at the counter; its rules are the domain's (dossiers/payments.py)."""

    method = serializers.ChoiceField(choices=["cash", "card"], default="cash")
    amount_vnd = serializers.IntegerField(help_text="Whole đồng, at most what is still owed.")
    receipt_number = serializers.CharField(max_length=100, help_text="The number of the receipt (biên lai).")


class DossierLinksSerializer(serializers.Serializer):
    self = serializers.URLField(help_text="The dossier, with its documents, files and events (GET).")
    transitions = serializers.URLField(help_text="Act on it (POST).")
    attachments = serializers.URLField(help_text="Attach a file to one of its documents (POST).")
    slips = serializers.URLField(help_text="Its slips: the receipt of a walk-in dossier among them (GET).")


class DossierCreatedSerializer(serializers.ModelSerializer):
    """What opening a dossier answers: its code and where it stands, with
    the addresses to go on from; the whole dossier is at `links.self`.
    Read from the dossier just written, without a query."""

    state = serializers.ChoiceField(choices=State.choices)
    state_display = serializers.CharField(source="get_state_display")
    fee_total_vnd = serializers.IntegerField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "code",
            "channel",
            "state",
            "state_display",
            "version",
            "submitted_at",
            "received_at",
            "due_at",
            "appointment_at",
            "fee_total_vnd",
            "fee_received_vnd",
            "fee_receipt_number",
            "links",
        ]

    @extend_schema_field(DossierLinksSerializer)
    def get_links(self, dossier: Dossier) -> dict[str, str]:
        request = self.context["request"]
        address = reverse("api:dossier-detail", args=[dossier.code])
        return {
            "self": request.build_absolute_uri(address),
            "transitions": request.build_absolute_uri(f"{address}transitions/"),
            "attachments": request.build_absolute_uri(f"{address}attachments/"),
            "slips": request.build_absolute_uri(f"{address}slips/"),
        }


class DossierSummarySerializer(serializers.ModelSerializer):
    procedure = ProcedureRefSerializer()
    receiving_office = serializers.CharField(source="receiving_office.code")
    competent_office = serializers.CharField(source="competent_office.code")
    state = serializers.ChoiceField(choices=State.choices)
    state_display = serializers.CharField(source="get_state_display")
    applicant_name = serializers.CharField()
    timeliness = serializers.SerializerMethodField()
    waiting_seconds = serializers.SerializerMethodField(
        help_text=(
            "Submitted online and not yet checked by the counter: the working time it has waited since "
            "`submitted_at`, in seconds, by the receiving office's calendar (8 working hours make a "
            "working day). Null once the counter has taken it up."
        )
    )

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure",
            "receiving_office",
            "competent_office",
            "channel",
            "state",
            "state_display",
            "version",
            "applicant_name",
            "submitted_at",
            "received_at",
            "due_at",
            "appointment_at",
            "finished_at",
            "timeliness",
            "waiting_seconds",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Timeliness.choices))
    def get_timeliness(self, dossier: Dossier) -> str:
        return dossier.timeliness(self.context.get("today")).value

    def get_waiting_seconds(self, dossier: Dossier) -> int | None:
        start = waiting.since(dossier.state, dossier.submitted_at)
        if start is None:
            return None
        # One calendar per receiving office for the whole list.
        calendars = self.context.setdefault("calendars", {})
        if dossier.receiving_office_id not in calendars:
            calendars[dossier.receiving_office_id] = dossier.receiving_office.calendar()
        wait = waiting.waited(calendars[dossier.receiving_office_id], start, self.context.get("now") or timezone.now())
        return None if wait is None else int(wait.total_seconds())


class OwedLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    basis = serializers.CharField(help_text="What the amount rests on: the fee as published, reductions, exemption.")
    quantity = serializers.IntegerField()
    unit = serializers.CharField(help_text="What the fee is charged per; blank for a flat fee.")
    unit_amount = serializers.IntegerField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    unit_amount_text = serializers.CharField()
    amount_text = serializers.CharField()


class ExemptionClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    fee_name = serializers.CharField()
    legal_basis = serializers.CharField()
    proof = serializers.CharField()


class OwedSerializer(serializers.Serializer):
    is_published = serializers.BooleanField(help_text="False: the procedure publishes no fee (not the same as free).")
    lines = OwedLineSerializer(many=True)
    total_vnd = serializers.IntegerField()
    other_currencies = serializers.DictField(child=serializers.IntegerField(), help_text='E.g. {"USD": 10}.')
    cases_to_choose = serializers.ListField(child=serializers.CharField())
    exemption = ExemptionClaimSerializer(allow_null=True)
    exemption_status = serializers.CharField(help_text="claimed, confirmed, refused, or blank.")
    exemption_status_label = serializers.CharField()
    total_if_exempt_vnd = serializers.IntegerField(allow_null=True)
    total_text = serializers.CharField()
    total_if_exempt_text = serializers.CharField()


class ExemptionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["confirm", "refuse"])
    version = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The dossier's version as last read."
    )


class AssistanceSerializer(serializers.ModelSerializer):
    helper = serializers.CharField(help_text="Who sent it on the applicant's behalf, in words.")
    staff = serializers.CharField(source="staff.username", help_text="The member of staff signed in.")

    class Meta:
        model = Assistance
        fields = ["helper", "staff", "volunteer_name", "applicant_name", "consented_at"]


class DossierSerializer(DossierSummarySerializer):
    applicant = ApplicantOutSerializer(source="*")
    assistance = AssistanceSerializer(
        read_only=True, allow_null=True, help_text="Sent by staff or a volunteer with the applicant's consent; or null."
    )
    fee_total_vnd = serializers.IntegerField(help_text="The amount owed in đồng: `owed.total_vnd`.")
    owed = serializers.SerializerMethodField()
    documents = DossierDocumentSerializer(many=True)
    attachments = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    requested_documents = serializers.SerializerMethodField()

    class Meta(DossierSummarySerializer.Meta):
        fields = [
            *DossierSummarySerializer.Meta.fields,
            "applicant",
            "assistance",
            "delivery",
            "delivery_address",
            "fees",
            "fee_total_vnd",
            "owed",
            "fee_received_vnd",
            "fee_receipt_number",
            "incoming_item_number",
            "payment_due",
            "returned_at",
            "postal_item_number",
            "posted_on",
            "paused_at",
            "reappointments",
            "documents",
            "attachments",
            "events",
            "actions",
            "requested_documents",
        ]

    @extend_schema_field(OwedSerializer)
    def get_owed(self, dossier: Dossier) -> dict:
        """What is owed, line by line with each line's basis (Dossier.owed),
        as the pages and the receipt show it."""
        return dossier.owed().as_dict()

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, dossier: Dossier) -> list:
        """Staff see every file; the citizen the files they sent, as on their
        dossier's page (`Dossier.files_for_citizen`)."""
        files = dossier.attachments.all() if self.context.get("for_staff") else dossier.files_for_citizen()
        return AttachmentSerializer(files, many=True, context=self.context).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, dossier: Dossier) -> list:
        events = dossier.events.select_related("actor")
        if not self.context.get("for_staff"):
            events = events.seen_by_citizen(self.context["request"].user)
        return EventSerializer(events, many=True, context=self.context).data

    @extend_schema_field(RequestedDocumentSerializer(many=True))
    def get_requested_documents(self, dossier: Dossier) -> list:
        """While a supplement is asked for: the documents the request named,
        each answered by a file or not yet."""
        if dossier.state != State.SUPPLEMENT_REQUESTED:
            return []
        requested = RequestedDocument.objects.of_last_request(dossier)
        return RequestedDocumentSerializer(requested, many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTION_CHOICES)))
    def get_actions(self, dossier: Dossier) -> list[str]:
        """The actions the caller may take now."""
        return available_actions(dossier, self.context["request"].user)


class TrackSerializer(serializers.Serializer):
    code = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    state_display = serializers.CharField(source="get_state_display")
    procedure = serializers.CharField(source="procedure.display_name")
    office = serializers.CharField(source="receiving_office.name")
    appointment_at = serializers.DateTimeField(allow_null=True)
    postal_item_number = serializers.CharField(
        help_text="Sent by post: the VNPost item number of the result's envelope, to follow it on VNPost; or empty."
    )
    posted_on = serializers.DateField(
        allow_null=True, help_text="Sent by post: the day the result was handed over to the postal service; or null."
    )


class LifeEventSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.code")
    procedure = serializers.CharField(source="procedure.code")
    status = serializers.ChoiceField(
        choices=[("waiting_for_parent", "waiting_for_parent"), ("sent", "sent")],
        help_text="Whether the parent has sent the application prepared for them.",
    )
    dossier = serializers.CharField(source="dossier.code", allow_null=True, default=None)

    class Meta:
        model = LifeEvent
        fields = ["reference", "kind", "occurred_at", "office", "procedure", "status", "reported_at", "dossier"]


class ReportRowSerializer(serializers.Serializer):
    office = serializers.CharField(allow_null=True, help_text="The office's code; null on the total row.")
    name = serializers.CharField()
    received = serializers.IntegerField()
    received_online = serializers.IntegerField()
    received_in_person = serializers.IntegerField()
    received_post = serializers.IntegerField()
    carried_over = serializers.IntegerField()
    finished = serializers.IntegerField()
    finished_early = serializers.IntegerField()
    finished_on_time = serializers.IntegerField()
    finished_late = serializers.IntegerField()
    open = serializers.IntegerField()
    open_within = serializers.IntegerField()
    open_overdue = serializers.IntegerField()
    supplement_requests = serializers.IntegerField()
    refusals = serializers.IntegerField()
    withdrawals = serializers.IntegerField()
    apologies = serializers.IntegerField()
    early_share = serializers.FloatField(
        allow_null=True, help_text="Finished early / finished, in percent to two decimals; null when none finished."
    )
    on_time_share = serializers.FloatField(
        allow_null=True, help_text="Finished on time / finished, in percent to two decimals; null when none finished."
    )
    late_share = serializers.FloatField(
        allow_null=True,
        help_text="Finished late / finished, in percent to two decimals; null when none finished. The three shares "
        "add up to exactly 100.00 (rounded by the largest remainder method).",
    )
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="Early share + on-time share, in percent to two decimals; null when none finished."
    )


class ReportSerializer(serializers.Serializer):
    # "from", a Python keyword, is added in `__init__`.
    to = serializers.DateField()
    as_of = serializers.DateField(help_text="A period that has not ended is reported as of this day.")
    rows = ReportRowSerializer(many=True)
    total = ReportRowSerializer()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = serializers.DateField()

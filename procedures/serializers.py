"""The catalogue record: one procedure as plain data, validated.

The same shape is the catalogue's JSON interchange format (`interchange.py`)
and what the national importer produces, so every way into the catalogue goes
through one set of rules.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.calendar import TimeUnit
from procedures.models import (
    Channel,
    Procedure,
    RequiredDocument,
    Stage,
    check_stage_shares,
    procedure_code_validator,
)


class SectorRecordSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=120)
    name = serializers.CharField(max_length=200)


class FeeRecordSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    amount_vnd = serializers.IntegerField(min_value=0)
    exemption_note = serializers.CharField(allow_blank=True, required=False, default="")


class TimeLimitRecordSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal(0))
    unit = serializers.ChoiceField(choices=TimeUnit.choices)


class ChannelRecordSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    time_limit = TimeLimitRecordSerializer()
    description = serializers.CharField(allow_blank=True, required=False, default="")
    fees = FeeRecordSerializer(many=True, required=False, default=list)


class QuestionRecordSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=50)
    text = serializers.CharField(max_length=300)
    text_en = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    text_th = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    help = serializers.CharField(allow_blank=True, required=False, default="")


class DocumentRecordSerializer(serializers.Serializer):
    name = serializers.CharField()
    case = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    kind = serializers.ChoiceField(choices=RequiredDocument.Kind.choices, required=False, default="hand_in")
    originals = serializers.IntegerField(min_value=0, max_value=100, required=False, default=1)
    copies = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)
    is_mandatory = serializers.BooleanField(required=False, default=True)
    condition = serializers.SlugField(max_length=50, allow_blank=True, required=False, default="")
    scope = serializers.ChoiceField(choices=RequiredDocument.Scope.choices, required=False, default="")
    group = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    template_name = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")


class StageRecordSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Stage.Kind.choices)
    share_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100)
    )


class LegalDocumentRecordSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=100)
    title = serializers.CharField(allow_blank=True, required=False, default="")
    issued_on = serializers.DateField(allow_null=True, required=False, default=None)


class ProcedureRecordSerializer(serializers.Serializer):
    """One procedure. `context["sectors"]` holds the sector codes it may use."""

    code = serializers.CharField(max_length=20, validators=[procedure_code_validator])
    name = serializers.CharField(max_length=1000)
    sector = serializers.SlugField(max_length=120)
    level = serializers.ChoiceField(choices=Procedure.Level.choices)
    online_level = serializers.ChoiceField(choices=Procedure.OnlineLevel.choices)
    applicants = serializers.CharField(allow_blank=True, required=False, default="")
    steps = serializers.CharField(allow_blank=True, required=False, default="")
    conditions = serializers.CharField(allow_blank=True, required=False, default="")
    result = serializers.CharField(allow_blank=True, required=False, default="")
    result_code = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    decision_number = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    is_location_independent = serializers.BooleanField(required=False, default=False)
    is_active = serializers.BooleanField(required=False, default=True)
    source_url = serializers.URLField(max_length=500, allow_blank=True, required=False, default="")
    channels = ChannelRecordSerializer(many=True, allow_empty=True)
    questions = QuestionRecordSerializer(many=True, required=False, default=list)
    documents = DocumentRecordSerializer(many=True, required=False, default=list)
    stages = StageRecordSerializer(many=True, required=False, default=list)
    legal_basis = LegalDocumentRecordSerializer(many=True, required=False, default=list)

    def validate_sector(self, value: str) -> str:
        if value not in self.context.get("sectors", ()):
            raise serializers.ValidationError(
                _("Unknown sector %(sector)s: it is neither in the catalogue nor in this file's sectors.")
                % {"sector": value}
            )
        return value

    def validate_channels(self, value: list[dict]) -> list[dict]:
        seen = [channel["channel"] for channel in value]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError(_("Each channel may appear only once."))
        return value

    def validate_stages(self, value: list[dict]) -> list[dict]:
        kinds = [stage["kind"] for stage in value]
        if len(kinds) != len(set(kinds)):
            raise serializers.ValidationError(_("Each stage may appear only once."))
        try:
            check_stage_shares(stage["share_percent"] for stage in value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value

    def validate_questions(self, value: list[dict]) -> list[dict]:
        keys = [question["key"] for question in value]
        if len(keys) != len(set(keys)):
            raise serializers.ValidationError(_("Each question key may appear only once."))
        return value

    def validate(self, attrs: dict) -> dict:
        keys = {question["key"] for question in attrs["questions"]}
        unknown = sorted({doc["condition"] for doc in attrs["documents"] if doc["condition"]} - keys)
        if unknown:
            raise serializers.ValidationError(
                {
                    "documents": _("A document depends on a question that is not listed: %(keys)s.")
                    % {"keys": ", ".join(unknown)}
                }
            )
        if attrs["is_active"] and not attrs["channels"]:
            raise serializers.ValidationError(
                {"channels": _("An active procedure needs at least one channel with a time limit.")}
            )
        return attrs


def flatten_errors(errors, prefix: str = "") -> list[tuple[str, str]]:
    """DRF's nested error structure as (field path, message) pairs:
    ("channels[0].fees[1].amount_vnd", "Ensure this value is ..."). The
    import report names a record's faults this way, and so does the API's
    one error shape."""
    pairs: list[tuple[str, str]] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int):  # a list's items, by index
                name = f"{prefix}[{key}]"
            elif key == "non_field_errors":
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else key
            pairs += flatten_errors(value, name)
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, dict | list) and value:
                pairs += flatten_errors(value, f"{prefix}[{index}]")
            elif value:
                pairs.append((prefix, str(value)))
    elif errors:
        pairs.append((prefix, str(errors)))
    return pairs

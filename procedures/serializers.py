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
    """A fee row: `amount_vnd` for a fee in VND, or `amount` with its
    `currency`; per `unit` ("bản"), for a `case`, between two dates."""

    name = serializers.CharField(max_length=300)
    amount_vnd = serializers.IntegerField(min_value=0, required=False)
    amount = serializers.IntegerField(min_value=0, required=False)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="VND")
    unit = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    case = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    valid_from = serializers.DateField(allow_null=True, required=False, default=None)
    valid_until = serializers.DateField(allow_null=True, required=False, default=None)
    exemption_note = serializers.CharField(allow_blank=True, required=False, default="")

    def validate(self, attrs: dict) -> dict:
        if ("amount_vnd" in attrs) == ("amount" in attrs):
            raise serializers.ValidationError({"amount": _("Give either amount_vnd, or amount with its currency.")})
        if "amount_vnd" in attrs:
            if attrs["currency"] != "VND":
                raise serializers.ValidationError({"currency": _("amount_vnd is in VND.")})
            attrs["amount"] = attrs.pop("amount_vnd")
        start, end = attrs["valid_from"], attrs["valid_until"]
        if start and end and start > end:
            raise serializers.ValidationError({"valid_until": _("A fee cannot end before it starts.")})
        return attrs


class TimeLimitRecordSerializer(serializers.Serializer):
    """Amount and unit; both may be empty (or the unit alone) only on a
    procedure in review."""

    amount = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal(0), allow_null=True)
    unit = serializers.ChoiceField(choices=TimeUnit.choices, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        if attrs["unit"] and attrs["amount"] is None:
            raise serializers.ValidationError({"amount": _("A unit needs an amount (0 for the same day).")})
        if attrs["unit"] == TimeUnit.MONTHS and attrs["amount"] != int(attrs["amount"]):
            raise serializers.ValidationError({"amount": _("A time limit in months is a whole number of months.")})
        return attrs


class ChannelRecordSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    case = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
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


class ReviewProblemRecordSerializer(serializers.Serializer):
    """What an import could not read: the field, a sentence in English, the
    source text, and the sentence's template and parameters that administrators
    read in their language (absent from records written before they were kept)."""

    field = serializers.CharField(max_length=100)
    message = serializers.CharField()
    source = serializers.CharField(allow_blank=True, required=False, default="")
    template = serializers.CharField(allow_blank=True, required=False)
    params = serializers.DictField(required=False)


class ProcedureRecordSerializer(serializers.Serializer):
    """One procedure. `context["sectors"]` holds the sector codes it may use."""

    code = serializers.CharField(max_length=20, validators=[procedure_code_validator])
    name = serializers.CharField()
    sector = serializers.SlugField(max_length=120)
    level = serializers.ChoiceField(choices=Procedure.Level.choices)
    levels = serializers.ListField(
        child=serializers.ChoiceField(choices=Procedure.Level.choices), required=False, default=list
    )
    implementing_agency = serializers.CharField(allow_blank=True, required=False, default="")
    competent_agency = serializers.CharField(allow_blank=True, required=False, default="")
    online_level = serializers.ChoiceField(choices=Procedure.OnlineLevel.choices)
    applicants = serializers.CharField(allow_blank=True, required=False, default="")
    steps = serializers.CharField(allow_blank=True, required=False, default="")
    conditions = serializers.CharField(allow_blank=True, required=False, default="")
    result = serializers.CharField(allow_blank=True, required=False, default="")
    result_code = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    decision_number = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    is_location_independent = serializers.BooleanField(required=False, default=False)
    is_simple = serializers.BooleanField(required=False, default=False)
    is_active = serializers.BooleanField(required=False, default=True)
    status = serializers.ChoiceField(
        choices=Procedure.Status.choices, required=False, default=Procedure.Status.PUBLISHED
    )
    review_problems = ReviewProblemRecordSerializer(many=True, required=False, default=list)
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
        seen = [(channel["channel"], channel["case"]) for channel in value]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError(_("Each channel may appear only once per case."))
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
        if attrs["levels"] and attrs["level"] not in attrs["levels"]:
            raise serializers.ValidationError({"levels": _("The main level must be one of the levels.")})
        # A procedure in review may lack what a dossier needs; a published one may not.
        if attrs["status"] != Procedure.Status.PUBLISHED:
            return attrs
        if attrs["is_active"] and not attrs["channels"]:
            raise serializers.ValidationError(
                {"channels": _("An active procedure needs at least one channel with a time limit.")}
            )
        if any(not option["time_limit"]["unit"] for option in attrs["channels"]):
            raise serializers.ValidationError(
                {"channels": _("A published procedure needs a time limit with its unit on every channel.")}
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

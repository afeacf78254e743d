"""Every procedure in the catalogue starts its history as version 1: its
record as it stands, in force from the day of the upgrade.

The record is built here as `interchange.procedure_record` built it at this
migration (a test holds the two together), from the historical models."""

from django.db import migrations
from django.utils import timezone

STAGE_ORDER = ["receive", "appraise", "approve", "stamp", "return"]


def decimal_text(value):
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fee_record(fee):
    record = {"name": fee.name}
    if fee.currency == "VND":
        record["amount_vnd"] = fee.amount
    else:
        record.update(amount=fee.amount, currency=fee.currency)
    for key, value in (
        ("unit", fee.unit),
        ("case", fee.case_name),
        ("valid_from", fee.valid_from and fee.valid_from.isoformat()),
        ("valid_until", fee.valid_until and fee.valid_until.isoformat()),
    ):
        if value:
            record[key] = value
    record["exemption_note"] = fee.exemption_note
    return record


def record(procedure):
    keys = {question.pk: question.key for question in procedure.questions.all()}
    options = list(procedure.channels.all())
    fees = list(procedure.fees.all())
    channels, seen = [], set()
    for option in options:
        channels.append(
            {
                "channel": option.channel,
                "case": option.case_name,
                "time_limit": {
                    "amount": decimal_text(option.time_limit_amount) if option.time_limit_amount is not None else None,
                    "unit": option.time_limit_unit,
                },
                "description": option.description,
                "fees": []
                if option.channel in seen
                else [fee_record(fee) for fee in fees if fee.channel == option.channel],
            }
        )
        seen.add(option.channel)
    return {
        "code": procedure.code,
        "name": procedure.name,
        "sector": procedure.sector.code,
        **{
            name: getattr(procedure, name)
            for name in (
                "level",
                "levels",
                "implementing_agency",
                "competent_agency",
                "online_level",
                "applicants",
                "steps",
                "conditions",
                "result",
                "result_code",
                "decision_number",
                "is_location_independent",
                "is_active",
                "status",
                "review_problems",
                "source_url",
            )
        },
        "channels": channels,
        "questions": [
            {"key": q.key, "text": q.text, "text_en": q.text_en, "text_th": q.text_th, "help": q.help_text}
            for q in procedure.questions.all()
        ],
        "documents": [
            {
                "name": doc.name,
                "case": doc.case_name,
                "kind": doc.kind,
                "originals": doc.originals,
                "copies": doc.copies,
                "is_mandatory": doc.is_mandatory,
                "condition": keys.get(doc.condition_id, ""),
                "scope": doc.scope,
                "group": doc.group,
                "template_name": doc.template_name,
            }
            for doc in procedure.documents.all()
        ],
        "stages": [
            {"kind": stage.kind, "share_percent": decimal_text(stage.share_percent)}
            for stage in sorted(procedure.stages.all(), key=lambda s: STAGE_ORDER.index(s.kind))
        ],
        "legal_basis": [
            {"number": doc.number, "title": doc.title, "issued_on": doc.issued_on.isoformat() if doc.issued_on else None}
            for doc in procedure.legal_basis.all()
        ],
    }


def record_first_versions(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    ProcedureVersion = apps.get_model("procedures", "ProcedureVersion")
    now = timezone.now()
    procedures = (
        Procedure.objects.filter(versions__isnull=True)
        .select_related("sector")
        .prefetch_related("channels", "fees", "questions", "documents", "stages", "legal_basis")
    )
    ProcedureVersion.objects.bulk_create(
        (
            ProcedureVersion(
                procedure=procedure,
                number=1,
                record=record(procedure),
                effective_from=timezone.localdate(now),
                changes=[],
                recorded_at=now,
                applied_at=now,
            )
            for procedure in procedures.iterator(chunk_size=500)
        ),
        batch_size=500,
    )


def forget_versions(apps, schema_editor):
    apps.get_model("procedures", "ProcedureVersion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0007_procedure_versions")]

    operations = [migrations.RunPython(record_first_versions, forget_versions)]

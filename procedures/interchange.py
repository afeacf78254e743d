"""The catalogue's own JSON format: export, and all-or-nothing import.

A file looks like this (every procedure is a `ProcedureRecordSerializer`
record)::

    {"format": "one-stop-catalogue", "version": 1,
     "sectors": [{"code": "ho-tich", "name": "Hộ tịch"}],
     "procedures": [{"code": "1.001193", "name": "...", "sector": "ho-tich",
                     "level": "commune", "online_level": "partial",
                     "channels": [{"channel": "online",
                                   "time_limit": {"amount": "1", "unit": "same_day"},
                                   "fees": [{"name": "Lệ phí", "amount_vnd": 0}]}],
                     "documents": [...], "stages": [...], "legal_basis": [...]}]}

Import is idempotent by procedure code: a procedure already in the catalogue
is updated to match its record (and left alone when it already does). Every
record is checked before anything is written; one bad record and nothing of
the file is imported, with every problem reported by position and rule.

The module is long because it holds both formats' ways in: the catalogue's
own records and the national portal's (`import_national`), which share the
one way a record is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from procedures.models import (
    Fee,
    LegalDocument,
    Procedure,
    ProcedureChannel,
    Question,
    RequiredDocument,
    Sector,
    Stage,
)
from procedures.national import online_level
from procedures.serializers import ProcedureRecordSerializer, SectorRecordSerializer, flatten_errors

DOCUMENT_FIELDS = (
    "name",
    "case",
    "kind",
    "originals",
    "copies",
    "is_mandatory",
    "condition",
    "scope",
    "group",
    "template_name",
)
FORMAT = "one-stop-catalogue"
VERSION = 1


@dataclass(frozen=True)
class Problem:
    """Why a record was refused: where it is, which field, which rule."""

    position: int | None  # 1-based position in "procedures"; None for the file itself
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        where = _("file") if self.position is None else _("procedure #%(n)s") % {"n": self.position}
        if self.code:
            where += f" ({self.code})"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class CatalogueImportError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


# Export -------------------------------------------------------------------


def catalogue_queryset():
    return Procedure.objects.select_related("sector").prefetch_related(
        "channels",
        "fees",
        "questions",
        Prefetch("documents", queryset=RequiredDocument.objects.select_related("condition")),
        "stages",
        "legal_basis",
    )


def procedure_record(procedure: Procedure) -> dict[str, Any]:
    """A procedure as a catalogue record (the inverse of `save_record`)."""
    keys = {question.pk: question.key for question in procedure.questions.all()}
    return {
        "code": procedure.code,
        "name": procedure.name,
        "sector": procedure.sector.code,
        "level": procedure.level,
        "online_level": procedure.online_level,
        "applicants": procedure.applicants,
        "steps": procedure.steps,
        "conditions": procedure.conditions,
        "result": procedure.result,
        "result_code": procedure.result_code,
        "decision_number": procedure.decision_number,
        "is_location_independent": procedure.is_location_independent,
        "is_active": procedure.is_active,
        "source_url": procedure.source_url,
        "channels": [
            {
                "channel": option.channel,
                "time_limit": {"amount": _decimal(option.time_limit_amount), "unit": option.time_limit_unit},
                "description": option.description,
                "fees": [
                    {"name": fee.name, "amount_vnd": fee.amount_vnd, "exemption_note": fee.exemption_note}
                    for fee in procedure.fees_for(option.channel)
                ],
            }
            for option in procedure.channels.all()
        ],
        "questions": [
            {
                "key": question.key,
                "text": question.text,
                "text_en": question.text_en,
                "text_th": question.text_th,
                "help": question.help_text,
            }
            for question in procedure.questions.all()
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
            {"kind": stage.kind, "share_percent": _decimal(stage.share_percent)}
            for stage in sorted(procedure.stages.all(), key=lambda s: list(Stage.Kind).index(s.kind))
        ],
        "legal_basis": [
            {
                "number": doc.number,
                "title": doc.title,
                "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
            }
            for doc in procedure.legal_basis.all()
        ],
    }


def export_catalogue(procedures=None) -> dict[str, Any]:
    procedures = list(procedures if procedures is not None else catalogue_queryset())
    sectors = {p.sector.code: p.sector.name for p in procedures}
    return {
        "format": FORMAT,
        "version": VERSION,
        "sectors": [{"code": code, "name": name} for code, name in sorted(sectors.items())],
        "procedures": [procedure_record(p) for p in procedures],
    }


def _decimal(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Import -------------------------------------------------------------------


def validate_catalogue(data: Any) -> tuple[list[dict], list[Problem]]:
    """Check a whole file; return the validated records and every problem."""
    problems: list[Problem] = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [], [Problem(None, "", "format", _("This is not a catalogue file (format %s).") % FORMAT)]
    if data.get("version") != VERSION:
        return [], [Problem(None, "", "version", _("Only version %s is understood.") % VERSION)]
    sectors = data.get("sectors", [])
    procedures = data.get("procedures")
    if not isinstance(sectors, list) or not isinstance(procedures, list):
        return [], [Problem(None, "", "", _("'sectors' and 'procedures' must be lists."))]

    names_in_catalogue = dict(Sector.objects.values_list("name", "code"))
    known_sectors = set(names_in_catalogue.values())
    names_in_file: dict[str, str] = {}
    for index, raw in enumerate(sectors):
        where = f"sectors[{index}]"
        serializer = SectorRecordSerializer(data=raw if isinstance(raw, dict) else {})
        if not serializer.is_valid():
            for path, message in flatten_errors(serializer.errors):
                problems.append(Problem(None, "", f"{where}.{path}", message))
            continue
        code, name = serializer.validated_data["code"], serializer.validated_data["name"]
        owner = names_in_file.get(name) or names_in_catalogue.get(name)
        if owner is not None and owner != code:
            problems.append(
                Problem(
                    None,
                    "",
                    f"{where}.name",
                    _("Sector “%(name)s” already has the code %(code)s.")
                    % {
                        "name": name,
                        "code": owner,
                    },
                )
            )
            continue
        names_in_file[name] = code
        known_sectors.add(code)

    records: list[dict] = []
    seen_codes: dict[str, int] = {}
    for position, raw in enumerate(procedures, start=1):
        code = str(raw.get("code", "")) if isinstance(raw, dict) else ""
        if not isinstance(raw, dict):
            problems.append(Problem(position, "", "", _("A procedure must be an object.")))
            continue
        serializer = ProcedureRecordSerializer(data=raw, context={"sectors": known_sectors})
        if not serializer.is_valid():
            for path, message in flatten_errors(serializer.errors):
                problems.append(Problem(position, code, path, message))
            continue
        if code in seen_codes:
            problems.append(Problem(position, code, "code", _("Repeats procedure #%(n)s.") % {"n": seen_codes[code]}))
            continue
        seen_codes[code] = position
        records.append(serializer.validated_data)
    return records, problems


def import_catalogue(data: Any) -> ImportSummary:
    """Import a whole file or nothing of it (raises CatalogueImportError)."""
    records, problems = validate_catalogue(data)
    if problems:
        raise CatalogueImportError(problems)
    summary = ImportSummary()
    with transaction.atomic():
        for sector in data.get("sectors", []):
            Sector.objects.update_or_create(code=sector["code"], defaults={"name": sector["name"]})
        for record in records:
            outcome = save_record(record)
            getattr(summary, outcome).append(record["code"])
    return summary


_PROCEDURE_FIELDS = (
    "name",
    "level",
    "online_level",
    "applicants",
    "steps",
    "conditions",
    "result",
    "result_code",
    "decision_number",
    "is_location_independent",
    "is_active",
    "source_url",
)


@transaction.atomic
def save_record(record: dict) -> str:
    """Create or update one procedure from a validated record.

    Returns "created", "updated" or "unchanged". Children are replaced as a
    whole; an uploaded form template is carried over to the document of the
    same name.
    """
    procedure = catalogue_queryset().filter(code=record["code"]).first()
    if procedure is not None and procedure_record(procedure) == _normalised(record):
        return "unchanged"
    sector = Sector.objects.get(code=record["sector"])
    values = {name: record[name] for name in _PROCEDURE_FIELDS}
    created = procedure is None
    if created:
        procedure = Procedure.objects.create(code=record["code"], sector=sector, **values)
        templates = {}
    else:
        for name, value in values.items():
            setattr(procedure, name, value)
        procedure.sector = sector
        procedure.save()
        templates = {doc.name: doc.template for doc in procedure.documents.all() if doc.template}
        for related in (procedure.channels, procedure.fees, procedure.documents, procedure.stages):
            related.all().delete()
        procedure.legal_basis.all().delete()
        procedure.questions.all().delete()

    for option in record["channels"]:
        ProcedureChannel.objects.create(
            procedure=procedure,
            channel=option["channel"],
            time_limit_amount=option["time_limit"]["amount"],
            time_limit_unit=option["time_limit"]["unit"],
            description=option["description"],
        )
        Fee.objects.bulk_create(Fee(procedure=procedure, channel=option["channel"], **fee) for fee in option["fees"])
    questions = {
        question["key"]: Question.objects.create(
            procedure=procedure,
            position=position,
            key=question["key"],
            text=question["text"],
            text_en=question["text_en"],
            text_th=question["text_th"],
            help_text=question["help"],
        )
        for position, question in enumerate(record["questions"], start=1)
    }
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            procedure=procedure,
            position=position,
            name=doc["name"],
            case_name=doc["case"],
            kind=doc["kind"],
            originals=doc["originals"],
            copies=doc["copies"],
            is_mandatory=doc["is_mandatory"],
            condition=questions.get(doc["condition"]),
            scope=doc["scope"],
            group=doc["group"],
            template_name=doc["template_name"],
            template=templates.get(doc["name"], ""),
        )
        for position, doc in enumerate(record["documents"], start=1)
    )
    Stage.objects.bulk_create(Stage(procedure=procedure, **stage) for stage in record["stages"])
    LegalDocument.objects.bulk_create(
        LegalDocument(procedure=procedure, position=position, **doc)
        for position, doc in enumerate(record["legal_basis"], start=1)
    )
    return "created" if created else "updated"


def _normalised(record: dict) -> dict:
    """A validated record in the exact shape `procedure_record` produces."""
    return {
        **{name: record[name] for name in ("code", "name", "sector", *_PROCEDURE_FIELDS)},
        "channels": [
            {
                "channel": option["channel"],
                "time_limit": {
                    "amount": _decimal(option["time_limit"]["amount"]),
                    "unit": option["time_limit"]["unit"],
                },
                "description": option["description"],
                "fees": [dict(fee) for fee in option["fees"]],
            }
            for option in sorted(record["channels"], key=lambda o: o["channel"])
        ],
        "questions": [
            {key: question[key] for key in ("key", "text", "text_en", "text_th", "help")}
            for question in record["questions"]
        ],
        "documents": [{key: doc[key] for key in DOCUMENT_FIELDS} for doc in record["documents"]],
        "stages": [
            {"kind": stage["kind"], "share_percent": _decimal(stage["share_percent"])}
            for stage in sorted(record["stages"], key=lambda s: list(Stage.Kind).index(s["kind"]))
        ],
        "legal_basis": [
            {
                "number": doc["number"],
                "title": doc["title"],
                "issued_on": doc["issued_on"].isoformat() if doc["issued_on"] else None,
            }
            for doc in record["legal_basis"]
        ],
    }


# The national portal's records --------------------------------------------


@dataclass
class NationalImport:
    """What became of each record of a national file."""

    full: list = field(default_factory=list)  # ParsedRecord, imported as published
    partial: list = field(default_factory=list)  # imported, with parts left out (see .problems)
    none: list = field(default_factory=list)  # not imported
    summary: ImportSummary = field(default_factory=ImportSummary)


def import_national(parsed_records, completions: dict[str, dict] | None = None) -> NationalImport:
    """Import what the national parser could read with confidence.

    `completions` maps a procedure code to fields that replace the parsed
    ones (a channel list, `is_location_independent`, ...): what an
    administrator knows that the published record leaves out. Each record is
    validated like any catalogue record and saved on its own.
    """
    report = NationalImport()
    completions = completions or {}
    for parsed in parsed_records:
        record = parsed.record
        if record is not None and parsed.code in completions:
            completion = completions[parsed.code]
            record = {**record, **completion}
            if "channels" in completion and "online_level" not in completion:
                record["online_level"] = online_level(record["channels"])
        if record is None or not record["channels"]:
            report.none.append(parsed)
            continue
        with transaction.atomic():
            Sector.objects.get_or_create(code=record["sector"], defaults={"name": parsed.sector_name})
            serializer = ProcedureRecordSerializer(data=record, context={"sectors": {record["sector"]}})
            if not serializer.is_valid():
                parsed.problems.extend(f"{path}: {message}" for path, message in flatten_errors(serializer.errors))
                report.none.append(parsed)
                transaction.set_rollback(True)
                continue
            outcome = save_record(serializer.validated_data)
        getattr(report.summary, outcome).append(parsed.code)
        (report.partial if parsed.problems else report.full).append(parsed)
    return report

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

The national portal's records come in through `import_national`, into the
same records. Every change a save makes to a published procedure is kept
as a version of its record (`record_version`). The module is long because it holds both ways in and the one
way out of the same record shape, which read best side by side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures.models import (
    Fee,
    LegalDocument,
    Procedure,
    ProcedureChannel,
    ProcedureVersion,
    Question,
    RequiredDocument,
    Sector,
    Stage,
)
from procedures.national import Problem as ReadingProblem
from procedures.national import online_level
from procedures.serializers import ProcedureRecordSerializer, SectorRecordSerializer, flatten_errors
from procedures.versions import changed_parts, merged

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
    # What changed in each updated procedure (versions.CHANGE_LABELS keys).
    changes: dict[str, list[str]] = field(default_factory=dict)

    def add(self, code: str, outcome: str, changes: list[str]) -> None:
        getattr(self, outcome).append(code)
        if outcome == "updated":
            self.changes[code] = changes

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
        "levels": procedure.levels,
        "implementing_agency": procedure.implementing_agency,
        "competent_agency": procedure.competent_agency,
        "online_level": procedure.online_level,
        "applicants": procedure.applicants,
        "steps": procedure.steps,
        "conditions": procedure.conditions,
        "result": procedure.result,
        "result_code": procedure.result_code,
        "decision_number": procedure.decision_number,
        "is_location_independent": procedure.is_location_independent,
        # Only when set: the records of procedures that are not simple stay as they were.
        **({"is_simple": True} if procedure.is_simple else {}),
        "is_active": procedure.is_active,
        "status": procedure.status,
        "review_problems": procedure.review_problems,
        "source_url": procedure.source_url,
        "channels": _with_fees(
            [
                {
                    "channel": option.channel,
                    "case": option.case_name,
                    "time_limit": {
                        "amount": _decimal(option.time_limit_amount) if option.time_limit_amount is not None else None,
                        "unit": option.time_limit_unit,
                    },
                    "description": option.description,
                }
                for option in procedure.channels.all()
            ],
            {
                channel: [_fee_record(fee.as_terms()) for fee in procedure.fees_for(channel)]
                for channel in {option.channel for option in procedure.channels.all()}
            },
        ),
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


def _with_fees(channels: list[dict], fees: dict[str, list[dict]]) -> list[dict]:
    """A channel's fees are listed once, on its first time-limit row."""
    seen: set[str] = set()
    for option in channels:
        option["fees"] = [] if option["channel"] in seen else fees.get(option["channel"], [])
        seen.add(option["channel"])
    return channels


def _fee_record(fee: dict) -> dict:
    """A fee row as the file writes it: `amount_vnd` for VND, `amount` and
    `currency` otherwise, and its unit, case and dates only when it has them."""
    record: dict[str, Any] = {"name": fee["name"]}
    if fee["currency"] == "VND":
        record["amount_vnd"] = fee["amount"]
    else:
        record.update(amount=fee["amount"], currency=fee["currency"])
    for key in ("unit", "case", "valid_from", "valid_until"):
        value = fee[key]
        if value:
            record[key] = value if isinstance(value, str) else value.isoformat()
    record["exemption_note"] = fee["exemption_note"]
    return record


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
            summary.add(record["code"], *saved_record(record))
    return summary


_PROCEDURE_FIELDS = (
    "name",
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
    "is_simple",
    "is_active",
    "status",
    "review_problems",
    "source_url",
)


def save_record(record: dict, *, by: Any = None) -> str:
    """Create or update one procedure from a validated record, and record
    the change as a version when the procedure is published.

    Returns "created", "updated" or "unchanged". Children are replaced as a
    whole; an uploaded form template is carried over to the document of the
    same name.
    """
    return saved_record(record, by=by)[0]


@transaction.atomic
def saved_record(record: dict, *, by: Any = None, as_version: bool = True) -> tuple[str, list[str]]:
    """`save_record`, returning with the outcome what changed (the keys of
    `versions.CHANGE_LABELS`). Without `as_version`, no version is recorded:
    the record is that of a version already recorded."""
    procedure = catalogue_queryset().filter(code=record["code"]).first()
    before = procedure_record(procedure) if procedure is not None else None
    if before is not None and before == _normalised(record):
        return "unchanged", []
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
            case_name=option["case"],
            time_limit_amount=option["time_limit"]["amount"],
            time_limit_unit=option["time_limit"]["unit"],
            description=option["description"],
        )
        Fee.objects.bulk_create(
            Fee(
                procedure=procedure,
                channel=option["channel"],
                name=fee["name"],
                amount=fee["amount"],
                currency=fee["currency"],
                unit=fee["unit"],
                case_name=fee["case"],
                valid_from=fee["valid_from"],
                valid_until=fee["valid_until"],
                exemption_note=fee["exemption_note"],
            )
            for fee in option["fees"]
        )
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
    if as_version:
        record_version(procedure, by=by)
    return ("created", []) if created else ("updated", changed_parts(before, _normalised(record)))


# Versions -----------------------------------------------------------------


@transaction.atomic
def record_version(
    procedure: Procedure, *, by: Any = None, effective_from: dt.date | None = None
) -> ProcedureVersion | None:
    """Keep the published procedure's record, as its rows now hold it, as
    its next version; nothing when it is not published or its record is
    that of the version in force.

    A version taking effect after today is pending: the record is kept in
    it, and the procedure's rows go back to the version in force until the
    daily task applies it (`apply_version`). A procedure with no version in
    force has nothing to go back to: its record takes effect at once.
    """
    if procedure.status != Procedure.Status.PUBLISHED:
        return None
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    record = procedure_record(catalogue_queryset().get(pk=procedure.pk))
    in_force = procedure.versions.in_force().first()
    if in_force is not None and in_force.record == record:
        return None
    today = timezone.localdate()
    pending = in_force is not None and effective_from is not None and effective_from > today
    last = procedure.versions.aggregate(last=Max("number"))["last"] or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last + 1,
        record=record,
        effective_from=effective_from if pending else today,
        changes=changed_parts(in_force.record if in_force else None, record),
        recorded_by=by,
        applied_at=None if pending else timezone.now(),
    )
    if pending:
        saved_record(validated(in_force.record), as_version=False)
    return version


def validated(record: dict) -> dict:
    """A kept record (`procedure_record`) as `save_record` takes it."""
    serializer = ProcedureRecordSerializer(data=record, context={"sectors": {record["sector"]}})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@transaction.atomic
def apply_version(version: ProcedureVersion) -> bool:
    """Give the procedure's rows the record of a pending version whose day
    has come; False when it was applied already.

    The parts the version changed are put over the record in force now
    (`versions.merged`), so a change applied since it was recorded is kept
    in every other part; the version then holds the record it put in force
    and what changed from the one before."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.applied_at is not None:
        return False
    in_force = version.procedure.versions.in_force().first()
    record = version.record
    if in_force is not None:
        record = merged(in_force.record, version.record, version.changes)
    saved_record(validated(record), as_version=False)
    version.record = procedure_record(catalogue_queryset().get(pk=version.procedure_id))
    version.changes = changed_parts(in_force.record if in_force else None, version.record)
    version.applied_at = timezone.now()
    version.save(update_fields=["record", "changes", "applied_at"])
    return True


def _normalised(record: dict) -> dict:
    """A validated record in the exact shape `procedure_record` produces."""
    channels = sorted(record["channels"], key=lambda o: o["channel"])
    fees: dict[str, list[dict]] = {}
    for option in channels:
        fees.setdefault(option["channel"], []).extend(_fee_record(fee) for fee in option["fees"])
    return {
        **{
            name: record[name]
            for name in ("code", "name", "sector", *_PROCEDURE_FIELDS)
            if name != "is_simple" or record[name]
        },
        "review_problems": [dict(problem) for problem in record["review_problems"]],
        "channels": _with_fees(
            [
                {
                    "channel": option["channel"],
                    "case": option["case"],
                    "time_limit": {
                        "amount": _decimal(amount) if (amount := option["time_limit"]["amount"]) is not None else None,
                        "unit": option["time_limit"]["unit"],
                    },
                    "description": option["description"],
                }
                for option in channels
            ],
            fees,
        ),
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
    """What became of each record of a national file (ParsedRecord each)."""

    complete: list = field(default_factory=list)  # imported and published as read
    in_review: list = field(default_factory=list)  # imported in review, with its problems
    left_out: list = field(default_factory=list)  # not a procedure: not JSON, or no code
    # Already published in the catalogue and now read with problems: left
    # as the administrator published it, the problems reported.
    kept: list = field(default_factory=list)
    summary: ImportSummary = field(default_factory=ImportSummary)


# Which problems a completion of a field answers (problem fields by the
# record key a completion replaces).
_ANSWERED_BY = {
    "channels": ("channels", "online channel", "in-person channel", "post channel", "fee for"),
    "documents": ("documents",),
    "legal_basis": ("legal basis",),
    "level": ("level",),
    "name": ("name",),
    "sector": ("sector",),
}


def import_national(parsed_records, completions: dict[str, dict] | None = None) -> NationalImport:
    """Import every national record that is a procedure: published when it
    was read in full, in review with its problems otherwise.

    `completions` maps a procedure code to fields that replace the parsed
    ones (a channel list, `is_location_independent`, ...): what an
    administrator knows that the published record leaves out; the problems
    of a field it replaces count as answered. Each record is validated like
    any catalogue record and saved on its own. A procedure an administrator
    has published is not put back in review by a reading with problems.
    """
    report = NationalImport()
    completions = completions or {}
    published = set(Procedure.objects.filter(status=Procedure.Status.PUBLISHED).values_list("code", flat=True))
    for parsed in parsed_records:
        if parsed.record is None:
            report.left_out.append(parsed)
            continue
        record = dict(parsed.record)
        problems = list(parsed.problems)
        if parsed.code in completions:
            completion = completions[parsed.code]
            record.update(completion)
            if "channels" in completion and "online_level" not in completion:
                record["online_level"] = online_level(record["channels"])
            answered = tuple(prefix for key in completion for prefix in _ANSWERED_BY.get(key, ()))
            problems = [problem for problem in problems if not problem.field.startswith(answered or ("\0",))]
        # Proposals to confirm are listed for review but hold nothing back.
        holding = [problem for problem in problems if not problem.to_confirm]
        record["status"] = Procedure.Status.IN_REVIEW if holding else Procedure.Status.PUBLISHED
        record["review_problems"] = [problem.as_dict() for problem in problems]
        if holding and parsed.code in published:
            report.kept.append(parsed)
            continue
        with transaction.atomic():
            Sector.objects.get_or_create(code=record["sector"], defaults={"name": parsed.sector_name})
            serializer = ProcedureRecordSerializer(data=record, context={"sectors": {record["sector"]}})
            if not serializer.is_valid():
                # The reader's own output should always be valid: say what was not.
                parsed.problems.extend(
                    ReadingProblem(path or "record", f"{message} (not imported)", "", "not valid")
                    for path, message in flatten_errors(serializer.errors)
                )
                report.left_out.append(parsed)
                transaction.set_rollback(True)
                continue
            outcome, changes = saved_record(serializer.validated_data)
        report.summary.add(parsed.code, outcome, changes)
        (report.in_review if holding else report.complete).append(parsed)
    return report

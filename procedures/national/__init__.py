"""Reading procedure records crawled from the National Public Service Portal
(dichvucong.gov.vn, one JSON object a line) into the catalogue's own import
records: the portal's flattened tables (channels with time limits and fees,
documents grouped by case, legal basis, results) are split back into rows,
and whatever cannot be read with confidence is reported as a `Problem` (the
field, a sentence administrators read in their language, the source text)
instead of being guessed.

Every record that has a procedure code becomes a catalogue record: one read
in full is published; one with problems is imported *in review*, carrying
its problems, and is offered to no one until a catalogue administrator
completes and publishes it. Only a line that is not JSON, or has no
procedure code, is left out.

A fee cell saying "Không có thông tin" gives no fee rows and no problem: the
catalogue then shows the fee as not published, which is exactly what the
portal says; "Miễn phí" gives a zero fee (free), with its note when the note
says something. Document rows counted "0 bản chính" with no copies are notes
to the applicant, not papers to bring, and are left out without a problem.
The levels ("Cấp Bộ, Cấp Tỉnh, Cấp Xã, Cơ quan khác") are all kept, the one
nearest the citizen being the main level. Nothing here raises on a bad
record, and nothing here knows about Django but its translation marks: the
records go through the catalogue serializer afterwards. The tables are read in `channels`,
`documents`, `legal` and `results`, with the text helpers they share in
`text`; this module builds the record from them.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

from django.utils.translation import gettext_noop

from procedures.national.channels import _channels
from procedures.national.documents import _documents
from procedures.national.legal import _legal_basis
from procedures.national.results import _results
from procedures.national.text import FIELDS, Problem, _collapse, _guarded, _published, _quote, _text, sector_code

__all__ = [
    "FIELDS",
    "RECORD_KEYS",
    "ParsedRecord",
    "Problem",
    "load_completions",
    "online_level",
    "parse_file",
    "parse_record",
    "sector_code",
]

RECORD_KEYS = (
    "code",
    "name",
    "sector",
    "level",
    "levels",
    "implementing_agency",
    "competent_agency",
    "applicants",
    "steps",
    "conditions",
    "result",
    "result_code",
    "decision_number",
    "online_level",
    "is_location_independent",
    "is_active",
    "status",
    "review_problems",
    "source_url",
    "channels",
    "questions",
    "documents",
    "stages",
    "legal_basis",
)

# The serializer's limits (procedures/serializers.py).
MAX_DECISION_NUMBER = 100
MAX_URL = 500

# "Cấp thực hiện" as the catalogue's levels, nearest the citizen last.
LEVELS = {"cấp bộ": "ministry", "cấp tỉnh": "province", "cấp xã": "commune", "cơ quan khác": "other"}
NEAREST_FIRST = ("commune", "province", "ministry", "other")

# A record without a sector waits in review under this one.
UNSORTED_SECTOR = ("chua-co-linh-vuc", "Chưa có lĩnh vực")

# Causes the importer counts records left out by.
NOT_JSON = "not JSON"
NO_CODE = "no procedure code"


@dataclass
class ParsedRecord:
    """One line of the portal file: the catalogue record built from it (None
    when it cannot be a procedure at all) and what could not be read with
    confidence."""

    code: str
    record: dict[str, Any] | None
    sector_name: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        """ "complete", "review" (imported in review) or "left_out"."""
        if self.record is None:
            return "left_out"
        return "review" if any(not problem.to_confirm for problem in self.problems) else "complete"


def parse_record(raw: dict[str, Any]) -> ParsedRecord:
    """One portal record as a catalogue record, with its problems.

    Rules: see the module docstring; every field is read on its own, so one
    unreadable table costs that table (reported), not the whole record.
    """
    if not isinstance(raw, dict):
        problem = Problem("record", gettext_noop("not a JSON object; not imported"), "", NOT_JSON)
        return ParsedRecord(code="", record=None, sector_name="", problems=[problem])
    problems: list[Problem] = []
    code = _text(raw.get("ma_thu_tuc")).strip()
    sector_name = _collapse(_text(raw.get("linh_vuc")))
    name = _collapse(_text(raw.get("ten_thu_tuc")))
    sector = sector_code(sector_name)
    steps = _published(_text(raw.get("trinh_tu_thuc_hien")))

    if not re.fullmatch(r"\d+\.\d+", code) or len(code) > 20:
        problem = (
            Problem(
                "code", gettext_noop("%(code)s is not a procedure code; not imported"), code, NO_CODE, code=_quote(code)
            )
            if code
            else Problem("code", gettext_noop("none published; not imported"), code, NO_CODE)
        )
        return ParsedRecord(code=code, record=None, sector_name=sector_name, problems=[problem])

    channels: list[dict[str, Any]] = _guarded(
        problems,
        "channels",
        lambda: _channels(_text(raw.get("cach_thuc_thuc_hien")), steps, problems),
        [],
    )
    no_documents: tuple[list[dict[str, Any]], list[dict[str, str]]] = ([], [])
    documents, questions = _guarded(
        problems, "documents", lambda: _documents(_text(raw.get("thanh_phan_ho_so")), problems), no_documents
    )
    legal: list[dict[str, Any]] = _guarded(
        problems, "legal basis", lambda: _legal_basis(_text(raw.get("can_cu_phap_ly")), problems), []
    )
    result, result_code = _guarded(
        problems, "result", lambda: _results(_text(raw.get("ket_qua_xu_ly")), problems), ("", "")
    )
    level, levels = _levels(_text(raw.get("cap_thuc_hien")), problems)

    decision = _collapse(_text(raw.get("so_quyet_dinh")))
    if len(decision) > MAX_DECISION_NUMBER:
        problems.append(
            Problem(
                "decision number",
                gettext_noop("longer than %(limit)s characters; left out"),
                decision[:200],
                limit=MAX_DECISION_NUMBER,
            )
        )
        decision = ""
    source_url = _text(raw.get("detail_url")).strip()
    if source_url and (not re.match(r"https?://\S+$", source_url) or len(source_url) > MAX_URL):
        problems.append(
            Problem(
                "source URL",
                gettext_noop("%(address)s is not a usable address; left out"),
                source_url,
                address=_quote(source_url),
            )
        )
        source_url = ""
    if not name:
        problems.append(Problem("name", gettext_noop("none published"), _text(raw.get("ten_thu_tuc"))))
    if not sector:
        sector, sector_name = UNSORTED_SECTOR
        problems.append(
            Problem(
                "sector",
                gettext_noop("none published; filed under “%(sector)s”"),
                _text(raw.get("linh_vuc")),
                sector=sector_name,
            )
        )
    if not channels:
        problems.append(
            Problem("channels", gettext_noop("no channel at all; an administrator adds them"), "", "no channel")
        )

    found = list(problems)
    record = {
        "code": code,
        "name": name,
        "sector": sector,
        "level": level,
        "levels": levels,
        "implementing_agency": _agency(raw.get("co_quan_thuc_hien")),
        "competent_agency": _agency(raw.get("co_quan_co_tham_quyen")),
        "applicants": _published(_text(raw.get("doi_tuong_thuc_hien"))),
        "steps": steps,
        "conditions": _published(_text(raw.get("yeu_cau_dieu_kien"))),
        "result": result,
        "result_code": result_code,
        "decision_number": decision,
        "online_level": online_level(channels),
        "is_location_independent": False,
        "is_active": True,
        "status": "in_review" if found else "published",
        "review_problems": [problem.as_dict() for problem in found],
        "source_url": source_url,
        "channels": channels,
        "questions": questions,
        "documents": documents,
        "stages": [],
        "legal_basis": legal,
    }
    return ParsedRecord(code=code, record=record, sector_name=sector_name, problems=found)


def _agency(value: Any) -> str:
    # Some records spell agencies with combining marks (NFD): stored composed.
    return unicodedata.normalize("NFC", _published(_collapse(_text(value))))


def _levels(text: str, problems: list[Problem]) -> tuple[str, list[str]]:
    """ "Cấp Bộ, Cấp Tỉnh, Cấp Xã" → ("commune", ["ministry", "province", "commune"])."""
    levels: list[str] = []
    for part in re.split(r"\s*[,;]\s*", _collapse(text)):
        if not part:
            continue
        level = LEVELS.get(part.lower())
        if level is None:
            problems.append(
                Problem(
                    "level",
                    gettext_noop("%(level)s is not a level the catalogue knows; left out"),
                    text,
                    level=_quote(part),
                )
            )
        elif level not in levels:
            levels.append(level)
    if not levels:
        if not _collapse(text):
            problems.append(Problem("level", gettext_noop("none published; taken as commune"), text))
        return "commune", []
    return next(level for level in NEAREST_FIRST if level in levels), levels


def online_level(channels: list[dict[str, Any]]) -> str:
    """The records do not say full or partial online: "partial" when an
    online channel is offered, else "offline"; an administrator raises it."""
    return "partial" if any(c["channel"] == "online" and c["time_limit"]["unit"] for c in channels) else "offline"


def load_completions(path: str | PathLike[str]) -> dict[str, dict[str, Any]]:
    """An administrator's completions file: procedure code → fields that
    replace the parsed ones. Keys starting with "_" are comments."""
    with open(path, encoding="utf-8") as source:
        data = json.load(source)
    return {
        code: {name: value for name, value in fields.items() if not name.startswith("_")}
        for code, fields in data.items()
        if not code.startswith("_")
    }


def parse_file(path: str | PathLike[str], codes: Collection[str] | None = None) -> list[ParsedRecord]:
    """One ParsedRecord per non-blank line of a portal JSON-lines file, plain
    or gzipped (recognised by its first bytes, whatever the file is called);
    with `codes`, only the records of those procedure codes are read."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    parsed = []
    opener = gzip.open if gzipped else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except ValueError as error:
                problem = Problem(
                    "record",
                    gettext_noop("line %(line)s: not valid JSON (%(error)s); not imported"),
                    line[:200],
                    NOT_JSON,
                    line=str(number),
                    error=str(error),
                )
                parsed.append(ParsedRecord(code="", record=None, sector_name="", problems=[problem]))
                continue
            if codes is not None and (not isinstance(raw, dict) or raw.get("ma_thu_tuc") not in codes):
                continue
            parsed.append(parse_record(raw))
    return parsed

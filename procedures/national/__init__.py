"""Reading procedure records crawled from the National Public Service Portal
(dichvucong.gov.vn, one JSON object a line) into the catalogue's own import
records: the portal's flattened tables (channels with time limits and fees,
documents grouped by case, legal basis, results) are split back into rows,
and whatever cannot be read with confidence is reported, one plain sentence
a thing, instead of being guessed. A channel is imported only with a certain
time limit, and a record without any such channel is not imported at all
(its record is still built, with no channels, for completions to fill). A
fee cell saying "Không có thông tin" gives no fee rows and no problem: the
catalogue then shows the fee as not published, which is exactly what the
portal says. "Miễn phí" with a note gives a zero fee carrying the note (a note
of nothing, such as "Không", counts as no note). Document rows counted
"0 bản chính" with no copies are notes to the applicant, not papers to bring,
and are left out without a problem: 840 such rows in 112 of the 588 commune
records. Nothing here raises on a bad record, and nothing here knows about
Django: the records go through the catalogue serializer afterwards. The
tables are read in `channels`, `documents`, `legal` and `results`, with the
text helpers they share in `text`; this module builds the record from them.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

from procedures.national.channels import _channels
from procedures.national.documents import _documents
from procedures.national.legal import _legal_basis
from procedures.national.results import _results
from procedures.national.text import _collapse, _guarded, _published, _quote, _text, sector_code

__all__ = [
    "RECORD_KEYS",
    "ParsedRecord",
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
    "applicants",
    "steps",
    "conditions",
    "result",
    "result_code",
    "decision_number",
    "online_level",
    "is_location_independent",
    "is_active",
    "source_url",
    "channels",
    "questions",
    "documents",
    "stages",
    "legal_basis",
)

# The serializer's limits (procedures/serializers.py).
MAX_DECISION_NUMBER = 100
MAX_NAME = 1000
MAX_URL = 500


@dataclass
class ParsedRecord:
    """One line of the portal file: the catalogue record built from it (None
    when it cannot be imported) and what could not be read with confidence."""

    code: str
    record: dict[str, Any] | None
    sector_name: str
    problems: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        # A record without a channel is kept (so that an administrator's
        # completions can add one) but is not importable as it stands.
        if self.record is None or not self.record["channels"]:
            return "none"
        return "partial" if self.problems else "full"


def parse_record(raw: dict[str, Any]) -> ParsedRecord:
    """One portal record as a catalogue record, with its problems.

    Rules: see the module docstring; every field is read on its own, so one
    unreadable table costs that table (reported), not the whole record.
    """
    if not isinstance(raw, dict):
        return ParsedRecord(code="", record=None, sector_name="", problems=["record: not a JSON object; not imported"])
    problems: list[str] = []
    code = _text(raw.get("ma_thu_tuc")).strip()
    sector_name = _text(raw.get("linh_vuc")).strip()
    name = _collapse(_text(raw.get("ten_thu_tuc")))
    sector = sector_code(sector_name)
    steps = _published(_text(raw.get("trinh_tu_thuc_hien")))

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

    decision = _collapse(_text(raw.get("so_quyet_dinh")))
    if len(decision) > MAX_DECISION_NUMBER:
        problems.append(f"decision number: longer than {MAX_DECISION_NUMBER} characters; left out")
        decision = ""
    source_url = _text(raw.get("detail_url")).strip()
    if source_url and (not re.match(r"https?://\S+$", source_url) or len(source_url) > MAX_URL):
        problems.append(f"source URL: {_quote(source_url)} is not a usable address; left out")
        source_url = ""

    refusals = []
    if not re.fullmatch(r"\d+\.\d+", code):
        refusals.append(f"code: {_quote(code or '(empty)')} is not a procedure code; record not imported")
    if not name:
        refusals.append("name: none published; record not imported")
    elif len(name) > MAX_NAME:
        refusals.append(f"name: longer than {MAX_NAME} characters; record not imported")
    if not sector:
        refusals.append("sector: none published; record not imported")
    if refusals:
        return ParsedRecord(code=code, record=None, sector_name=sector_name, problems=problems + refusals)

    record = {
        "code": code,
        "name": name,
        "sector": sector,
        "level": "commune",
        "applicants": _published(_text(raw.get("doi_tuong_thuc_hien"))),
        "steps": steps,
        "conditions": _published(_text(raw.get("yeu_cau_dieu_kien"))),
        "result": result,
        "result_code": result_code,
        "decision_number": decision,
        "online_level": online_level(channels),
        "is_location_independent": False,
        "is_active": True,
        "source_url": source_url,
        "channels": channels,
        "questions": questions,
        "documents": documents,
        "stages": [],
        "legal_basis": legal,
    }
    if not channels:
        problems.append("channels: no channel with a certain time limit; record not imported")
    return ParsedRecord(code=code, record=record, sector_name=sector_name, problems=problems)


def online_level(channels: list[dict[str, Any]]) -> str:
    """The records do not say full or partial online: "partial" when an
    online channel is offered, else "offline"; an administrator raises it."""
    return "partial" if any(c["channel"] == "online" for c in channels) else "offline"


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


def parse_file(path: str | PathLike[str]) -> list[ParsedRecord]:
    """One ParsedRecord per non-blank line of a portal JSON-lines file, plain
    or gzipped (recognised by its first bytes, whatever the file is called)."""
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
                parsed.append(
                    ParsedRecord(
                        code="",
                        record=None,
                        sector_name="",
                        problems=[f"line {number}: not valid JSON ({error}); not imported"],
                    )
                )
                continue
            parsed.append(parse_record(raw))
    return parsed

"""The documents table (thành phần hồ sơ) of a portal record: one flattened
table per case, the case's label before it, each row a document's name glued
to its count ("Tờ khai1 bản chính") and sometimes the form template's file
name glued to the end of the name. The tables are read into documents to
bring, with their case, counts, whether a counter must have them, and the
template's file name where its start is clear; rows counted "0 bản chính" are
notes to the applicant and are left out.
"""

from __future__ import annotations

import re
from typing import Any

from procedures.national.legal import _LEGAL_NUMBER
from procedures.national.text import _collapse, _published, _quote, _truncate

DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"

# The serializer's limits (procedures/serializers.py).
MAX_CASE = 500
MAX_TEMPLATE_NAME = 300

_COUNT = re.compile(r"(\d+) bản chính(?:,\s*(\d+) bản sao)?|(\d+) bản sao")
# A count phrase inside a name ("(01 bản chính hoặc 01 bản sao có chứng thực)")
# is followed by a space or punctuation; the count cell is glued to the next row.
_COUNT_BLOCKERS = frozenset(" \t\r\n\xa0);.,:")
_BULLETS = re.compile(r"^[\s\-–—+•*·]+")
_FILE_EXTENSION = re.compile(r"\.(?:docx?|xlsx?|pdf|rtf|odt|ods|zip|rar|png|jpe?g)$", re.IGNORECASE)
_FILE_BOUNDARY_AFTER = frozenset(').;:]”’"')
# A document needed only in some cases. Marking one mandatory would stop a
# counter from receiving every dossier without it, so the doubtful go optional:
# "(nếu có)", a row that opens with a condition, or "trong/đối với trường hợp
# ..." anywhere in its first sentence ("Văn bản ủy quyền ... trong trường hợp
# ủy quyền"). A later sentence "Trường hợp ... đã có trong Cơ sở dữ liệu thì"
# is an exemption note and keeps the document mandatory.
_CONDITIONAL_START = re.compile(r"^(?:\w\)\s*)?(?:trường hợp|đối với|trong trường hợp|trừ trường hợp|nếu)\b", re.I)
_CONDITIONAL_CLAUSE = re.compile(r"^[^.]*?\b(?:trong|đối với) trường hợp\b|\(nếu\b|\(trường hợp", re.I)


def _file_like(text: str) -> bool:
    if not text or not text[0].isalnum() or len(text) > MAX_TEMPLATE_NAME:
        return False
    stem = _FILE_EXTENSION.sub("", text)
    # "…nội đị1.docx", "…TT1.013061.docx": a bare number is the end of a longer name.
    if not any(char.isalpha() for char in stem):
        return False
    if any(char in text for char in ";/\\:") or text.count("(") != text.count(")"):
        return False
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return True


def _file_boundaries(text: str, limit: int) -> list[int]:
    """Where a form's file name may start: after punctuation or a legal
    number glued to it, at a lowercase-to-capital glue ("khoáng sảnMau"), or
    where capitals run into a capitalised word ("NĐ-CPMau13", "2026Mau")."""
    found = {match.end() for match in _LEGAL_NUMBER.finditer(text) if match.end() < limit}
    for index in range(1, limit):
        before, char = text[index - 1], text[index]
        if char.isspace() or before.isspace():
            continue
        after = text[index + 1] if index + 1 < len(text) else ""
        if (
            before in _FILE_BOUNDARY_AFTER
            or (before.islower() and (char.isupper() or char.isdigit()))
            or ((before.isupper() or before.isdigit()) and char.isupper() and after.islower())
        ):
            found.add(index)
    return sorted(found)


def _split_template(name: str) -> tuple[str, str, bool]:
    """(document name, template file name, confident). File names glued to
    the end of the name are split off where their start is clear."""
    extension = _FILE_EXTENSION.search(name)
    if not extension:
        return name, "", True
    # At least one character before ".docx".
    candidates = [index for index in _file_boundaries(name, extension.start()) if name[:index].strip()]
    plausible = [index for index in candidates if _file_like(name[index:])]
    # ASCII names ("1.MuCT01banhnhkmtheoThngts53.doc") start at the first glue
    # after the last accented letter; accented names at the last glue.
    ascii_starts = [index for index in plausible if name[index:].isascii()]
    start = ascii_starts[0] if ascii_starts else (plausible[-1] if plausible else None)
    if start is not None:
        return name[:start].rstrip(), name[start:], True
    return name, _visible_file_name(name), False


def _visible_file_name(name: str) -> str:
    """The last word of the text, with the parenthesis it closes ("(vị trí).docx")."""
    depth = 0
    for index in range(len(name) - 1, -1, -1):
        char = name[index]
        depth += {")": 1, "(": -1}.get(char, 0)
        if depth <= 0 and (char.isspace() or char in "/;:"):
            return name[index + 1 :]
    return name


def _clean_label(text: str) -> str:
    text = _collapse(text.replace("\t", " "))
    text = re.sub(r"^(?:--|[\-–*+•·\s])+", "", text)
    text = re.sub(r"[\s:]+$", "", text)
    return "" if text in ("", "--") else text


def _accepted_counts(body: str) -> list[re.Match[str]]:
    matches = [
        match for match in _COUNT.finditer(body) if match.end() == len(body) or body[match.end()] not in _COUNT_BLOCKERS
    ]
    # "…: 01 bản chính1 bản chính": the first count is part of the name.
    return [
        match
        for index, match in enumerate(matches)
        if index + 1 == len(matches) or matches[index + 1].start() != match.end()
    ]


def _documents(text: str, problems: list[str]) -> list[dict[str, Any]]:
    if not _published(text):
        problems.append("documents: none published; no documents imported")
        return []
    parts = text.split(DOCUMENT_HEADER)
    if len(parts) == 1:
        problems.append(f"documents: no documents table in the field ({_quote(text)}); no documents imported")
        return []
    documents: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    label = parts[0]
    for index, body in enumerate(parts[1:]):
        # "--" or nothing before a table means no case; a single unlabelled table is the common one.
        case = _clean_label(label)
        if len(case) > MAX_CASE:
            case = _truncate(case, MAX_CASE)
        counts = _accepted_counts(body)
        position = 0
        for match in counts:
            digits = match.group(1) or match.group(3)
            # Counts are single digits glued to the name: "Mẫu số 131 bản chính" is "Mẫu số 13" + 1.
            raw_name = body[position : match.start() + len(digits) - 1]
            position = match.end()
            count = int(digits[-1])
            originals, copies = (count, int(match.group(2) or 0)) if match.group(1) else (0, count)
            name = _collapse(_BULLETS.sub("", raw_name))
            if originals == 0 and copies == 0:
                continue
            if not name:
                problems.append(f"documents: a count ({_quote(match.group(0))}) with no document name was skipped")
                continue
            name, template, confident = _split_template(name)
            name = name.rstrip(" ;,")
            if not confident:
                problems.append(
                    f"documents: cannot tell where the form file name starts in {_quote(name[-80:], 80)}; "
                    f"kept the whole text as the name, template '{template}'"
                )
            if len(template) > MAX_TEMPLATE_NAME:
                template = _truncate(template, MAX_TEMPLATE_NAME)
            mandatory = not (_CONDITIONAL_START.match(name) or _CONDITIONAL_CLAUSE.search(name))
            document = {
                "name": name,
                "case": case,
                "originals": originals,
                "copies": copies,
                "is_mandatory": mandatory,
                "template_name": template,
            }
            key = tuple(document.values())
            if key not in seen:
                seen.add(key)
                documents.append(document)
        tail = body[position:]
        if index + 2 < len(parts):
            label = tail
        elif _clean_label(tail) and counts:
            problems.append(f"documents: text after the last count ignored ({_quote(_clean_label(tail))})")
        elif not counts and _clean_label(tail):
            problems.append(f"documents: a table without counts ({_quote(_clean_label(tail))}) was not imported")
    if not documents and not any(problem.startswith("documents:") for problem in problems):
        problems.append("documents: the documents table has no document to bring; no documents imported")
    return documents

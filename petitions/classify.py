"""What a case is about, suggested from its words: the type, the procedure
(the catalogue's own search) and the office named in it. Suggestions only —
the operator confirms each before the case is routed — and the one place
that reads a message for what it cannot say: an empty or an abusive one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from petitions.models import Kind
from portal.models import Office
from procedures.models import Procedure
from procedures.search import fold

# Words for each type, as people say them (lower case, with and without
# tone marks), tried in this order: a complaint outranks a question.
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        Kind.COMPLAINT,
        (
            "thái độ",
            "thai do",
            "hách dịch",
            "hach dich",
            "quát",
            "gây khó dễ",
            "gay kho de",
            "vòi",
            "bồi dưỡng",
            "boi duong",
            "thêm giấy",
            "them giay",
            "chậm",
            "cham tre",
            "trễ hẹn",
            "tre hen",
            "đóng cửa",
            "dong cua",
            "không tiếp",
            "rude",
            "bribe",
            "closed",
            "late",
            "ไม่สุภาพ",
            "ล่าช้า",
        ),
    ),
    (
        Kind.RULES,
        (
            "quy định",
            "quy dinh",
            "bất hợp lý",
            "bat hop ly",
            "vô lý",
            "vo ly",
            "rườm rà",
            "ruom ra",
            "chồng chéo",
            "the rule",
            "rules",
            "กฎ",
            "ระเบียบ",
        ),
    ),
    (
        Kind.PROBLEM,
        (
            "ổ gà",
            "o ga",
            "đèn đường",
            "den duong",
            "ngập",
            "ngap",
            "rác",
            "rac thai",
            "cống",
            "ô nhiễm",
            "o nhiem",
            "pothole",
            "streetlight",
            "flood",
            "rubbish",
            "ถนน",
            "ขยะ",
        ),
    ),
    (
        Kind.SUGGESTION,
        ("đề nghị", "de nghi", "kiến nghị", "kien nghi", "đề xuất", "de xuat", "nên", "suggest", "ข้อเสนอ"),
    ),
    (
        Kind.QUESTION,
        (
            "làm sao",
            "lam sao",
            "thế nào",
            "the nao",
            "cần gì",
            "can gi",
            "ở đâu",
            "o dau",
            "bao lâu",
            "bao lau",
            "bao nhiêu",
            "bao nhieu",
            "hỏi",
            "how",
            "what",
            "where",
            "อย่างไร",
            "ที่ไหน",
        ),
    ),
)
_THAI = re.compile(r"[\u0E00-\u0E7F]")


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    parts = [re.escape(w) if _THAI.search(w) else rf"(?<!\w){re.escape(w)}(?!\w)" for w in words]
    return re.compile("|".join(parts), re.IGNORECASE)


_KIND_PATTERNS = [(kind, _pattern(words)) for kind, words in _KIND_WORDS]

# Insults and obscenities, as whole words with their tone marks (folded,
# "lồn" would read as "lớn", big): a message made to insult is refused with
# the reason, and the citizen may write it again without them.
_ABUSE = _pattern(("địt", "đụ", "đụ má", "lồn", "cặc", "đéo", "đcm", "dcm", "đm", "vcl", "fuck", "shit", "เหี้ย"))

# The words before an office's own name ("Phường Hoa Lư", "UBND xã Gia Viễn").
_OFFICE_PREFIXES = ("ubnd", "uy ban nhan dan", "bo phan mot cua", "phuong", "xa", "thi tran", "tinh", "thanh pho")


def is_abusive(text: str) -> bool:
    return bool(_ABUSE.search(text or ""))


def suggest_kind(text: str, *, has_procedure: bool = False) -> str:
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(text or ""):
            return kind
    if "?" in (text or ""):
        return Kind.QUESTION
    return Kind.QUESTION if has_procedure else Kind.PROBLEM


def suggest_procedure(text: str) -> Procedure | None:
    """The best match of the catalogue's search among the procedures on
    offer, or None. The whole message is tried, then each sentence: a long
    message rarely names a procedure word for word."""
    pieces = [text, *re.split(r"[.!?\n;,]+", text or "")]
    for piece in pieces:
        piece = piece.strip()
        if len(piece) < 4:
            continue
        found = Procedure.objects.active().matching(piece).first()
        if found is not None:
            return found
    return None


def _own_name(office: Office) -> str:
    name = fold(office.name)
    for prefix in _OFFICE_PREFIXES:
        if name.startswith(prefix + " "):
            return name[len(prefix) + 1 :].strip()
    return name


def suggest_office(text: str, province: Office) -> Office | None:
    """The office of `province` whose own name ("Hoa Lư" of "Phường Hoa
    Lư") the message names, or None."""
    words = re.findall(r"\w+", fold(text or ""))
    folded = " " + " ".join(words) + " "
    for office in Office.objects.counters().in_province(province).order_by("level", "name"):
        own = _own_name(office)
        if own and f" {own} " in folded:
            return office
    return None


@dataclass(frozen=True)
class Suggestion:
    kind: str
    procedure: Procedure | None
    office: Office | None


def suggest(text: str, province: Office) -> Suggestion:
    procedure = suggest_procedure(text)
    return Suggestion(
        kind=suggest_kind(text, has_procedure=procedure is not None),
        procedure=procedure,
        office=suggest_office(text, province),
    )

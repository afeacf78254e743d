"""What a case is about, suggested from its words: the type, the procedure
(the catalogue's own search) and the office named in it. Suggestions only —
the operator confirms each before the case is routed — and the one place
that reads a message for what it cannot say: an empty or an abusive one.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from petitions.models import Kind
from portal.models import Office
from procedures import search_index
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

# A match scoring below this is too weak to suggest (measured on the
# national catalogue: "làm giấy khai sinh" scores 3.6, "đăng ký kết hôn" 7.4).
PROCEDURE_MIN_SCORE = 2.5
# Words about the counter and the caller, never a procedure's name (folded).
_COUNTER_WORDS = (
    "bo phan mot cua",
    "mot cua",
    "can bo",
    "cong chuc",
    "yeu cau",
    "de nghi",
    "kien nghi",
    "phan anh",
    "ubnd",
    "uy ban nhan dan",
    "toi muon hoi",
    "cho hoi",
    "xin hoi",
    "thai do",
    "hach dich",
)

# Words that carry no subject: two of them side by side ("không có") are no match.
_FUNCTION_WORDS = frozenset(
    [
        "co",
        "khong",
        "trong",
        "cho",
        "o",
        "va",
        "cua",
        "la",
        "da",
        "thi",
        "de",
        "voi",
        "tai",
        "cac",
        "nhung",
        "mot",
        "nay",
        "do",
        "khi",
        "duoc",
        "bi",
        "ra",
        "vao",
        "len",
    ]
)

# The words before an office's own name ("Phường Hoa Lư", "UBND xã Gia Viễn").
_OFFICE_PREFIXES = (
    "ubnd",
    "uy ban nhan dan",
    "bo phan mot cua",
    "trung tam phuc vu hanh chinh cong",
    "phuong",
    "xa",
    "thi tran",
    "tinh",
    "thanh pho",
)


def is_abusive(text: str) -> bool:
    return bool(_ABUSE.search(text or ""))


def suggest_kind(text: str, *, has_procedure: bool = False) -> str:
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(text or ""):
            return kind
    if "?" in (text or ""):
        return Kind.QUESTION
    return Kind.QUESTION if has_procedure else Kind.PROBLEM


def suggest_procedure(text: str, *, skip: tuple[str, ...] = ()) -> Procedure | None:
    """The procedure on offer the message matches best, if it matches well,
    or None."""
    found = matching_procedures(text, skip=skip, limit=1)
    return found[0] if found else None


def matching_procedures(text: str, *, skip: tuple[str, ...] = (), limit: int = 3) -> list[Procedure]:
    """The procedures on offer that a run of three to five words of the
    message matches well (`PROCEDURE_MIN_SCORE`), best first. A message is
    not a search query: searched whole, its other words ("the clerk was rude
    when I…") drag in procedures that share them, so each short run of words
    is searched; each of the first three it finds whose name holds two of
    its words side by side keeps its best score.
    Words that name the counter rather than a procedure ("cán bộ một cửa",
    an office's own name: `skip`) are left out first."""
    words = re.findall(r"\w+", text or "")
    folded = [fold(word) for word in words]
    kept = [True] * len(words)
    for phrase in (*_COUNTER_WORDS, *skip):
        size = len(phrase.split())
        for i in range(len(words) - size + 1):
            if " ".join(folded[i : i + size]) == phrase:
                kept[i : i + size] = [False] * size
    pieces: set[str] = set()
    run: list[str] = []
    for word, keep in [*zip(words, kept, strict=True), ("", False)]:
        if keep:
            run.append(word)
            continue
        for size in (3, 4, 5):
            pieces.update(" ".join(run[i : i + size]) for i in range(len(run) - size + 1))
        run = []
    best: dict[int, float] = {}
    names = dict(Procedure.objects.active().values_list("pk", "name"))
    index = search_index.catalogue_index()  # asked once, not once per piece
    for piece in sorted(pieces):
        found = index.search(piece)
        for pk in found.ids[:3]:
            if pk in names and _names_two_words_of(names[pk], piece):
                score = found.scores.get(pk, 0.0)
                if score >= PROCEDURE_MIN_SCORE and score > best.get(pk, 0.0):
                    best[pk] = score
    # The name sharing most of the message's word pairs first ("đăng ký khai
    # sinh" is the birth, not the death, registration), then the best score.
    said = " ".join(word for word, keep in zip(words, kept, strict=True) if keep)
    ranked = sorted(best, key=lambda pk: (-_pairs_shared(names[pk], said), -best[pk], -pk))[:limit]
    return list(Procedure.objects.ranked(ranked)) if ranked else []


def _pairs_shared(name: str, text: str) -> int:
    """How many pairs of side-by-side words of `text` the name holds."""
    words = fold(text).split()
    folded = " " + " ".join(re.findall(r"\w+", fold(name))) + " "
    pairs = {(a, b) for a, b in itertools.pairwise(words) if not {a, b} <= _FUNCTION_WORDS}
    return sum(1 for a, b in pairs if f" {a} {b} " in folded)


def _names_two_words_of(name: str, piece: str) -> bool:
    """Whether the procedure's name holds two words of the piece side by
    side ("khai sinh"): a match found only in the rest of the record, or
    word by word, is a coincidence."""
    words = fold(piece).split()
    folded = " " + " ".join(re.findall(r"\w+", fold(name))) + " "
    return any(f" {a} {b} " in folded and not {a, b} <= _FUNCTION_WORDS for a, b in itertools.pairwise(words))


def _own_name(office: Office) -> str:
    name = fold(office.name)
    stripped = True
    while stripped:
        stripped = False
        for prefix in _OFFICE_PREFIXES:
            if name.startswith(prefix + " "):
                name, stripped = name[len(prefix) + 1 :].strip(), True
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


def office_names(province: Office) -> tuple[str, ...]:
    """The offices' own names: words of a message that name no procedure."""
    return tuple(_own_name(office) for office in Office.objects.counters().in_province(province))


def suggest(text: str, province: Office) -> Suggestion:
    procedure = suggest_procedure(text, skip=office_names(province))
    return Suggestion(
        kind=suggest_kind(text, has_procedure=procedure is not None),
        procedure=procedure,
        office=suggest_office(text, province),
    )

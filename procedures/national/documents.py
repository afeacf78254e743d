"""The documents table (thành phần hồ sơ) of a portal record: one flattened
table per heading, the heading's label before it, each row a document's name
glued to its count ("Tờ khai1 bản chính") and sometimes the form template's
file name glued to the end of the name. Rows counted "0 bản chính" are notes
to the applicant and are left out.

Each row becomes a requirement as the law states it (`RequiredDocument`):
- how it is given: the headings "Giấy tờ phải nộp" (to hand in) and "Giấy
  tờ phải xuất trình" or "... để kiểm tra" (to show at the counter) are
  kinds, not alternative cases; the interactive e-form of the national
  portal ("Mẫu hộ tịch điện tử tương tác") is filled in, not uploaded;
- on which channel: a heading "Trường hợp đăng ký trên môi trường điện tử"
  or a row "(nếu ... nộp hồ sơ theo hình thức trực tiếp hoặc ... bưu chính)"
  restricts it to online or to paper applications;
- when: "(nếu có)" is brought only if the applicant has one; "Trường hợp X
  thì ..." or "... trong trường hợp X" is needed when the answer to "Có phải
  trường hợp X không?" is yes: the question is proposed and reported for an
  administrator to confirm; a condition on the office ("trường hợp cơ quan
  ... không khai thác được") is not the applicant's to answer, and the
  document is brought if the office asks;
- alternatives: the rows after a heading or a note "một trong các giấy tờ
  sau" form a group, one of which is enough.
Other headings (a), b) ...) are alternative cases, as before.

The module is long because each of the dozen ways a table can be unsure of
itself is reported as its own sentence for administrators to translate, and
the known situations carry their questions in three languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from procedures.national.legal import _LEGAL_NUMBER
from procedures.national.text import TO_CONFIRM, Problem, _collapse, _published, _quote, _truncate
from procedures.search import fold

DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"

# The serializer's limits (procedures/serializers.py).
MAX_CASE = 500
MAX_TEMPLATE_NAME = 300
MAX_GROUP = 100
MAX_KEY = 50
MAX_QUESTION = 300

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
_IF_ANY = re.compile(r"\(?\bnếu có\b\)?", re.I)
# A condition naming a channel: "(nếu ... theo hình thức trực tuyến)",
# "khi làm thủ tục trực tiếp", "gửi hồ sơ qua hệ thống bưu chính". Only
# these phrases name a channel: "đơn vị quản lý trực tiếp" does not.
_CHANNEL_CONDITION = re.compile(r"\b(?:nếu|trường hợp|đối với|khi)\b", re.I)
_CHANNEL_WORD = re.compile(
    r"(?:hình thức|nộp|gửi|làm thủ tục|thực hiện|đăng ký)\s+(?:hồ sơ\s+)?(?:theo hình thức\s+)?"
    r"(trực tiếp|trực tuyến|qua (?:hệ thống |dịch vụ )?bưu chính)|(môi trường điện tử)",
    re.I,
)
_EFORM = re.compile(r"(?:mẫu|biểu mẫu|tờ khai)[^.;]*?điện tử tương tác", re.I)
# "Trường hợp X thì ...", "... trong trường hợp X.", "Đối với trường hợp X, ..."
_SITUATION = re.compile(
    r"(?:^(?:\w\)\s*)?|\b(?:trong|đối với)\s)trường hợp\s+(?P<situation>[^.;:()]+?)"
    r"(?=\s+thì\b|(?<!không)\s+phải\b|[.;:,()]|$)",
    re.I,
)
# "Đối với Quân đội nhân dân: Giấy giới thiệu ...", "Nếu là người nước ngoài: hộ chiếu"
_OPENING_SITUATION = re.compile(
    r"^(?:\w\)\s*)?(?:nếu|đối với)\s+(?!trường hợp)(?P<situation>[^.;:()]{3,120}?)\s*[:,]", re.I
)
# Situations that are the office's, not the applicant's to answer.
_OFFICE_SITUATION = re.compile(r"^(?:cơ quan|người tiếp nhận|ủy ban|ubnd|cán bộ|công chức)\b", re.I)
_ONE_OF = re.compile(
    r"\bmột trong (?:các|những|số)?\s*(?:giấy tờ|loại giấy tờ|văn bản|tài liệu)[^.]*?(?:sau|dưới đây)", re.I
)


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


@dataclass
class _Heading:
    """What a table's heading says of its rows."""

    case: str = ""
    kind: str = "hand_in"
    scope: str = ""
    group: str = ""
    notes: bool = False


def _heading(label: str) -> _Heading:
    text = _clean_label(label)
    lowered = text.lower()
    heading = _Heading()
    if not text:
        return heading
    if lowered.lstrip("* ").startswith("lưu ý"):
        heading.notes = True
        return heading
    understood = False
    if "xuất trình" in lowered or re.search(r"\bđể\b[^.]*\bkiểm tra\b", lowered):
        heading.kind, understood = "show", True
    elif "phải nộp" in lowered:
        understood = True
    if "môi trường điện tử" in lowered or "trực tuyến" in lowered:
        heading.scope = "paper" if re.search(r"\bkhông\b", lowered) else "online"
        understood = True
    if _ONE_OF.search(text):
        heading.group, understood = _truncate(text, MAX_GROUP), True
    if not understood:
        heading.case = _truncate(text, MAX_CASE) if len(text) > MAX_CASE else text
    return heading


def _channel_scope(name: str) -> str:
    """ "online" or "paper" when the row names the channels it is for: every
    channel phrase in a clause that opens with a condition ("nếu", "trường
    hợp", "đối với", "khi") counts, and naming both is no restriction."""
    named: set[str] = set()
    for trigger in _CHANNEL_CONDITION.finditer(name):
        clause = re.split(r"[.;]", name[trigger.start() :], maxsplit=1)[0]
        for match in _CHANNEL_WORD.finditer(clause):
            named.add((match.group(1) or match.group(2)).lower())
    online = {word for word in named if word in ("trực tuyến", "môi trường điện tử")}
    paper = {word for word in named if word == "trực tiếp" or word.endswith("bưu chính")}
    if online and not paper:
        return "online"
    if paper and not online:
        return "paper"
    return ""


# Situations that come back in many records, asked in plain words (and in
# English and Thai): they need no administrator's rewording.
KNOWN_SITUATIONS: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    (
        re.compile(r"^(?:người yêu cầu )?ủy quyền\b", re.I),
        {
            "key": "on-behalf",
            "text": "Bạn nộp hồ sơ thay cho người khác (theo ủy quyền)?",
            "text_en": "Are you applying on someone else's behalf (with their authorisation)?",
            "text_th": "คุณยื่นคำขอแทนผู้อื่น (โดยได้รับมอบอำนาจ) ใช่หรือไม่?",
        },
    ),
    (
        re.compile(r"^(?:cá nhân |người yêu cầu )?(?:yêu cầu |đề nghị )?cấp lại\b", re.I),
        {
            "key": "reissue",
            "text": "Bạn xin cấp lại giấy đã được cấp trước đây?",
            "text_en": "Are you asking for a paper you were issued before to be issued again?",
            "text_th": "คุณขอออกเอกสารที่เคยได้รับมาก่อนใหม่อีกครั้งใช่หรือไม่?",
        },
    ),
    (
        re.compile(r"^trẻ em bị bỏ rơi\b", re.I),
        {
            "key": "abandoned-child",
            "text": "Trẻ em bị bỏ rơi?",
            "text_en": "Was the child abandoned?",
            "text_th": "เด็กถูกทอดทิ้งใช่หรือไม่?",
        },
    ),
    (
        re.compile(r"mang thai hộ\b", re.I),
        {
            "key": "surrogacy",
            "text": "Trẻ em được sinh ra do mang thai hộ?",
            "text_en": "Was the child born to a surrogate mother?",
            "text_th": "เด็กเกิดจากการตั้งครรภ์แทนใช่หรือไม่?",
        },
    ),
    (
        re.compile(r"^chưa có tài khoản định danh điện tử\b", re.I),
        {
            "key": "no-electronic-id",
            "text": "Bạn chưa có tài khoản định danh điện tử (VNeID)?",
            "text_en": "Do you not have an electronic identification account (VNeID) yet?",
            "text_th": "คุณยังไม่มีบัญชียืนยันตัวตนอิเล็กทรอนิกส์ (VNeID) ใช่หรือไม่?",
        },
    ),
    (
        re.compile(r"^(?:đăng ký khai tử cho )?người chết đã lâu\b", re.I),
        {
            "key": "death-long-ago",
            "text": "Người chết đã mất từ lâu (không có Giấy báo tử)?",
            "text_en": "Did the person die long ago (no death notice)?",
            "text_th": "ผู้เสียชีวิตเสียชีวิตมานานแล้ว (ไม่มีหนังสือแจ้งการตาย) ใช่หรือไม่?",
        },
    ),
    (
        re.compile(r"^không xác định được nơi cư trú cuối cùng của người chết\b", re.I),
        {
            "key": "last-residence-unknown",
            "text": "Không xác định được nơi cư trú cuối cùng của người chết?",
            "text_en": "Is the last place of residence of the deceased unknown?",
            "text_th": "ไม่ทราบที่อยู่สุดท้ายของผู้เสียชีวิตใช่หรือไม่?",
        },
    ),
)


def question_key(situation: str) -> str:
    """A short key for a question: the situation's first words, unaccented."""
    words = fold(situation).split()
    key = ""
    for word in words:
        word = re.sub(r"[^a-z0-9]", "", word)
        if not word:
            continue
        if len(key) + len(word) + 1 > MAX_KEY:
            break
        key = f"{key}-{word}" if key else word
    return key or "situation"


def _requirement(
    name: str, heading: _Heading, questions: dict[str, dict[str, str]], problems: list[Problem]
) -> tuple[str, str, bool, str]:
    """(kind, scope, is_mandatory, condition key) of a row."""
    kind, scope = heading.kind, heading.scope
    if _EFORM.search(name):
        kind, scope = "eform", scope or "online"
    named = _channel_scope(name)
    scope = named or scope
    first_sentence = re.split(r"\.\s", name, maxsplit=1)[0]
    if _IF_ANY.search(first_sentence):
        return kind, scope, False, ""
    if named:
        # The row's condition is the channel itself.
        return kind, scope, True, ""
    found = _SITUATION.search(first_sentence) or _OPENING_SITUATION.search(first_sentence)
    if found:
        situation = _collapse(found.group("situation"))
        if _OFFICE_SITUATION.match(situation):
            # The office's condition: brought if the office asks for it.
            return kind, scope, False, ""
        known = next((question for pattern, question in KNOWN_SITUATIONS if pattern.search(situation)), None)
        if known is not None:
            questions.setdefault(known["key"], dict(known))
            return kind, scope, True, known["key"]
        key = question_key(situation)
        if key not in questions:
            text = f"Có phải trường hợp {situation} không?"
            questions[key] = {"key": key, "text": _truncate(text, MAX_QUESTION)}
            problems.append(
                Problem(
                    "documents",
                    gettext_noop(
                        "proposed the question %(question)s for %(document)s; an administrator confirms or rewords it"
                    ),
                    name,
                    TO_CONFIRM,
                    question=_quote(questions[key]["text"]),
                    document=_quote(name, 60),
                )
            )
        return kind, scope, True, key
    if _CONDITIONAL_START.match(name) or _CONDITIONAL_CLAUSE.search(name):
        problems.append(
            Problem(
                "documents",
                gettext_noop("cannot tell when %(document)s is needed; listed as brought if it applies"),
                name,
                document=_quote(name, 60),
            )
        )
        return kind, scope, False, ""
    return kind, scope, True, ""


def _documents(text: str, problems: list[Problem]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The documents of the table, and the questions they depend on."""
    questions: dict[str, dict[str, str]] = {}
    if not _published(text):
        problems.append(Problem("documents", gettext_noop("none published; no documents imported"), text))
        return [], []
    parts = text.split(DOCUMENT_HEADER)
    if len(parts) == 1:
        problems.append(
            Problem(
                "documents",
                gettext_noop("no documents table in the field (%(text)s); no documents imported"),
                text[:300],
                text=_quote(text),
            )
        )
        return [], []
    documents: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    label = parts[0]
    for index, body in enumerate(parts[1:]):
        heading = _heading(label)
        counts = _accepted_counts(body)
        position = 0
        # A note "một trong các giấy tờ sau:" makes the "+" rows after it alternatives.
        group = ""
        for match in counts:
            digits = match.group(1) or match.group(3)
            # Counts are single digits glued to the name: "Mẫu số 131 bản chính" is "Mẫu số 13" + 1.
            raw_name = body[position : match.start() + len(digits) - 1]
            position = match.end()
            count = int(digits[-1])
            originals, copies = (count, int(match.group(2) or 0)) if match.group(1) else (0, count)
            name = _collapse(_BULLETS.sub("", raw_name))
            if group and not raw_name.lstrip().startswith("+"):
                group = ""
            if originals == 0 and copies == 0:
                if _ONE_OF.search(name):
                    group = _truncate(name.rstrip(" :"), MAX_GROUP)
                continue
            if not name:
                problems.append(
                    Problem(
                        "documents",
                        gettext_noop("a count (%(count)s) with no document name was skipped"),
                        match.group(0),
                        count=_quote(match.group(0)),
                    )
                )
                continue
            name, template, confident = _split_template(name)
            name = name.rstrip(" ;,")
            if not confident:
                problems.append(
                    Problem(
                        "documents",
                        gettext_noop(
                            "cannot tell where the form file name starts in %(text)s; "
                            "kept the whole text as the name, template '%(template)s'"
                        ),
                        name,
                        text=_quote(name[-80:], 80),
                        template=template,
                    )
                )
            if len(template) > MAX_TEMPLATE_NAME:
                template = _truncate(template, MAX_TEMPLATE_NAME)
            if heading.notes:
                problems.append(
                    Problem(
                        "documents",
                        gettext_noop("%(document)s is counted under a note heading; kept as a document"),
                        name,
                        document=_quote(name, 60),
                    )
                )
            kind, scope, mandatory, condition = _requirement(name, heading, questions, problems)
            in_group = group or heading.group
            if in_group:
                problems.append(
                    Problem(
                        "documents",
                        gettext_noop(
                            "%(document)s taken as one of the alternatives %(group)s; "
                            "an administrator confirms the group"
                        ),
                        name,
                        TO_CONFIRM,
                        document=_quote(name, 60),
                        group=_quote(in_group, 60),
                    )
                )
            document = {
                "name": name,
                "case": heading.case,
                "kind": kind,
                "originals": originals,
                "copies": copies,
                "is_mandatory": mandatory,
                "condition": condition,
                "scope": scope,
                "group": in_group,
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
            problems.append(
                Problem(
                    "documents",
                    gettext_noop("text after the last count ignored (%(text)s)"),
                    _clean_label(tail)[:300],
                    text=_quote(_clean_label(tail)),
                )
            )
        elif not counts and _clean_label(tail):
            problems.append(
                Problem(
                    "documents",
                    gettext_noop("a table without counts (%(text)s) was not imported"),
                    _clean_label(tail)[:300],
                    text=_quote(_clean_label(tail)),
                )
            )
    if not documents and not any(problem.field == "documents" for problem in problems):
        problems.append(
            Problem(
                "documents",
                gettext_noop("the documents table has no document to bring; no documents imported"),
                text[:300],
            )
        )
    used = {document["condition"] for document in documents}
    return documents, [question for key, question in questions.items() if key in used]

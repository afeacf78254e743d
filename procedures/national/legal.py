"""The legal basis (căn cứ pháp lý) of a portal record, flattened into one
string of titles each glued to its document number ("Luật Hộ tịch60/2014/QH13"),
and read back into (number, title) pairs. A document number is recognised by
its shape (number, year, kind and issuer), which the documents table also uses
to find where a form's file name starts.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_noop

from procedures.national.text import Problem, _collapse, _published, _quote

LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"

# The serializer's limit (procedures/serializers.py).
MAX_LEGAL_NUMBER = 100

_AGENCIES = [
    "UBTƯMTTQVN",
    "BLĐTBXH",
    "BNNPTNT",
    "BVHTTDL",
    "VKSNDTC",
    "TANDTC",
    "BKHĐT",
    "BGDĐT",
    "BNNMT",
    "BGTVT",
    "BTNMT",
    "BTTTT",
    "BKHCN",
    "BHXH",
    "UBND",
    "HĐND",
    "HĐTP",
    "VPCP",
    "NHNN",
    "KTNN",
    "UBDT",
    "BTC",
    "BCA",
    "BTP",
    "BXD",
    "BYT",
    "BCT",
    "BNV",
    "BQP",
    "BNG",
    "CTN",
    "TTg",
    "TTG",
    "CP",
]
# Known issuers first: a glued lowercase title ("TT-BTCsửa đổi") must not
# shorten "BTC". The fallback takes capitals not followed by a lowercase
# letter, so capitals glued to a title end one letter early ("BHXHThông").
_ISSUER = r"(?:QH\d{2}|" + "|".join(sorted(_AGENCIES, key=len, reverse=True)) + r"|[A-ZĐƯ]{1,12}(?![a-zà-ỹđ]))"
_KINDS = r"(?:[A-ZĐƯ]{1,10}-)+"
_LEGAL_NUMBER = re.compile(
    r"\d{1,4}(?:\.\d{1,3})?/\d{4}/(?:QH\d{2}|" + _KINDS + _ISSUER + ")"
    r"|\d{1,4}/" + _KINDS + _ISSUER + r"|\d{1,4}-(?:CP|HĐBT)(?![a-zà-ỹ])"
    r"|(?:TT|NĐ|QĐ|NQ)\d{1,4}/\d{4}(?![/\d])"
)
_GLUED_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\d{1,4}(?:\.\d{1,3})?/\d{4}/)")
_CODE_PREFIX = re.compile(
    r"(?:Bộ luật|Luật|Nghị định|Nghị quyết|Thông tư|Quyết định|Pháp lệnh|TT|NĐ|QĐ|NQ)(?:\s+số)?\s*$"
)
# "Thông tư số 53/2025/TT-BCAngày 01/7/2025 của…": glued, yet still inside the title.
_IN_TITLE_AFTER = re.compile(r"(?:ngày|của)(?![a-zà-ỹ])", re.IGNORECASE)


def _is_code_end(body: str, match: re.Match[str]) -> bool:
    """Whether a document number ends a (title, number) pair: it is followed by
    the end, by the next title glued to it, or, when it is glued to its title
    on the left ("Bộ Tư pháp18/2026/NĐ-CP Nghị định…"), by a capitalised word."""
    after = body[match.end() :]
    if not after.strip():
        return True
    first = after[0]
    if first.isspace():
        before = body[match.start() - 1] if match.start() else " "
        left_glued = not before.isspace()
        return left_glued and after.lstrip()[:1].isupper()
    if first in ",.;:)-–/(":
        return False
    return not _IN_TITLE_AFTER.match(after)


def _legal_basis(text: str, problems: list[Problem]) -> list[dict[str, Any]]:
    if not _published(text):
        return []
    body = text.strip()
    if body.startswith(LEGAL_HEADER):
        body = body[len(LEGAL_HEADER) :]
    elif LEGAL_HEADER in body:
        body = body.split(LEGAL_HEADER, 1)[1]
    # The crawler sometimes ran on into the page's next heading.
    body = body.split("Cơ quan thực hiện", 1)[0]
    # "ngày 29/6/202443/2024/QH15": a date glued to the number after it.
    body = _GLUED_YEAR.sub(r"\1 ", body)
    if not _published(body):
        return []
    matches = list(_LEGAL_NUMBER.finditer(body))
    pairs: list[tuple[str, str]] = []
    position = 0
    index = 0
    while index < len(matches):
        run = [matches[index]]
        index += 1
        while index < len(matches) and matches[index].start() == run[-1].end():
            run.append(matches[index])
            index += 1
        if _is_code_end(body, run[-1]):
            next_position = run[-1].end()
        elif len(run) > 1:
            # "…NĐ-CP1040/QĐ-BHXH ban hành…": the last number opens the next title.
            next_position = run[-1].start()
            run = run[:-1]
        else:
            continue
        found: list[tuple[str, str]] = []
        last = len(run) - 1
        while last >= 0:
            code = run[last]
            if last >= 1 and _collapse(run[last - 1].group(0)) == _collapse(code.group(0)):
                # "Luật 60/2014/QH1360/2014/QH13": the title ends with the number itself.
                title_start = position if last == 1 else run[last - 1].start()
                found.append((body[title_start : run[last - 1].end()], code.group(0)))
                last -= 2
                continue
            title = body[position : code.start()]
            number = code.group(0)
            prefix = _CODE_PREFIX.search(title)
            if prefix and prefix.start() > 0 and not title[prefix.start() - 1].isspace():
                # "…tại Việt NamLuật 47/2014/QH13": the number cell is "Luật 47/2014/QH13".
                number = title[prefix.start() :] + number
                title = title[: prefix.start()]
            found.append((title, number))
            last = -1
        pairs.extend(reversed(found))
        position = next_position
    rest = _collapse(body[position:])
    if cut := re.fullmatch(r"(.*?)(\d{1,4}(?:\.\d{1,3})?/\d{4})", rest):
        # "…của Chính phủ167/2025": the number cell lost its issuer code.
        pairs.append((cut.group(1), cut.group(2)))
        problems.append(
            Problem(
                "legal basis",
                gettext_noop("document number '%(number)s' has no issuer code; kept as published"),
                rest,
                number=cut.group(2),
            )
        )
        rest = ""
    if rest:
        if pairs:
            problems.append(
                Problem(
                    "legal basis",
                    gettext_noop("text after the last document number left out (%(text)s)"),
                    rest[:300],
                    text=_quote(rest),
                )
            )
        else:
            problems.append(
                Problem(
                    "legal basis",
                    gettext_noop("no document number found in %(text)s; left out"),
                    rest[:300],
                    text=_quote(rest),
                )
            )
    legal: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for raw_title, raw_number in _merge_prefix_titles(pairs):
        title, number = _collapse(raw_title), _collapse(raw_number)
        if len(number) > MAX_LEGAL_NUMBER:
            problems.append(
                Problem(
                    "legal basis",
                    gettext_noop("document number %(number)s is too long; left out"),
                    number,
                    number=_quote(number),
                )
            )
            continue
        if (number, title) in seen:
            continue
        seen.add((number, title))
        legal.append({"number": number, "title": title, "issued_on": None})
    return legal


def _merge_prefix_titles(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Joins the two pairs titled "Nghị định" that "Nghị định 101/2024/NĐ-CPNghị
    định 101/2024/NĐ-CP" splits into: one document titled with its number."""
    merged: list[tuple[str, str]] = []
    index = 0
    while index < len(pairs):
        title, number = pairs[index]
        if index + 1 < len(pairs):
            next_title, next_number = pairs[index + 1]
            if (
                _CODE_PREFIX.fullmatch(title.strip() + " ")
                and _collapse(next_number) == _collapse(number)
                and (not next_title.strip() or _CODE_PREFIX.fullmatch(next_title.strip() + " "))
            ):
                merged.append((title + number, next_title + next_number))
                index += 2
                continue
        merged.append((title, number))
        index += 1
    return merged

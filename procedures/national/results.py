"""The results (kết quả) of a portal record: each result's name glued to its
code ("Giấy khai sinhMã: KQ.G15.000031"), and the rest of the crawled page
after them. The names are joined into the record's result, the codes into its
result code as far as the catalogue's column holds them.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

from procedures.national.text import Problem, _collapse, _published, _quote

# The serializer's limit (procedures/serializers.py).
MAX_RESULT_CODE = 200


def _read_result_code(text: str, start: int) -> tuple[str, int]:
    end = start
    while end < len(text):
        char = text[end]
        if not (char.isascii() and (char.isalnum() or char in ".-_")):
            break
        following = text[end + 1] if end + 1 < len(text) else ""
        # The next result's name is glued on: "KQ.G12.000082Giấy rút…", "KQ.G12.001299xác nhận…".
        if end > start and ((char.isupper() and following.islower()) or (char.islower() and text[end - 1].isdigit())):
            break
        end += 1
    return text[start:end], end


def _results(text: str, problems: list[Problem]) -> tuple[str, str]:
    # Everything from "Từ khóa" on is the rest of the crawled page.
    text = text.split("Từ khóa", 1)[0].strip()
    if not _published(text):
        return "", ""
    names: list[str] = []
    codes: list[str] = []
    position = 0
    for match in re.finditer(r"Mã\s*:\s*", text):
        if match.start() < position:
            continue
        name = _collapse(text[position : match.start()])
        code, position = _read_result_code(text, match.end())
        if name and name not in names:
            names.append(name)
        if re.fullmatch(r"[A-Z0-9][A-Z0-9.\-_]*", code):
            if code not in codes:
                codes.append(code)
        else:
            problems.append(
                Problem(
                    "result",
                    gettext_noop("%(code)s does not look like a result code; left out"),
                    (code or text[match.end() :])[:300],
                    code=_quote(code or text[match.end() :], 30),
                )
            )
    if rest := _collapse(text[position:]):
        names.append(rest)
    joined = ""
    for count, code in enumerate(codes):
        candidate = f"{joined}, {code}" if joined else code
        if len(candidate) > MAX_RESULT_CODE:
            problems.append(
                Problem(
                    "result",
                    gettext_noop("%(count)s result codes do not fit %(limit)s characters; kept the first %(kept)s"),
                    ", ".join(codes)[:300],
                    count=len(codes),
                    limit=MAX_RESULT_CODE,
                    kept=count,
                )
            )
            break
        joined = candidate
    return "; ".join(names), joined

"""Personal data taken out of a text before it is published: phone numbers,
email addresses, ID numbers (the 12-digit citizen ID, the 9-digit old ID
card) and the sender's name. A first pass only — the officer reads and edits
the wording before publishing — pure, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A Vietnamese phone as people write it: 0 or +84 / 84, then 9 digits, with
# spaces, dots or dashes between groups ("091 234 5678", "+84.912.345.678").
_PHONE = re.compile(r"(?<![\w+])(?:\+?84|0)(?:[\s.\-]?\d){9}(?!\d)")
# An ID number: 12 digits (căn cước) or 9 (chứng minh nhân dân), whole or in
# groups of three or four with spaces; an amount ("15.000.000 đồng") is not one.
_ID = re.compile(r"(?<![\d.,])(?:\d{12}|\d{9}|\d{4} \d{4} \d{4}|\d{3} \d{3} \d{3}(?: \d{3})?)(?![\d.,]?\d)")


def redact(text: str, names: Iterable[str] = ()) -> str:
    """`text` with phone numbers, emails, ID numbers and each of `names`
    (the whole name, case and tone marks as written) replaced by a mark."""
    text = _EMAIL.sub(f"[{_('email')}]", text or "")
    text = _PHONE.sub(f"[{_('phone')}]", text)
    text = _ID.sub(f"[{_('ID number')}]", text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) > 2}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", f"[{_('name')}]", text, flags=re.IGNORECASE)
    return text

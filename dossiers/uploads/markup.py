"""Where a web page or a second format could hide in a PDF, JPEG or PNG.

An HTML tag counts only as a browser reads one: `<` and the tag's name in
any case, then a space, `/` or `>`. The tags of `ANYWHERE` are long enough
that compressed or image bytes practically never spell them by chance (less
than once in 100,000 files of 10 MB), so the whole file is searched for
them. The shorter tags of `WHERE_TEXT_BELONGS` would turn up by chance in
large binary data, so they are looked for only where text belongs: the
file's first 4 KB (what browsers sniff), its text metadata, and whatever
follows the format's end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

HEAD = 4096
_END = rb"[\x00\t\n\x0c\r />]"
ANYWHERE = re.compile(rb"<(?:script|iframe|frameset|object|embed|html|!doctype|\?php)" + _END, re.IGNORECASE)
WHERE_TEXT_BELONGS = re.compile(
    rb"<(?:script|iframe|frameset|object|embed|html|!doctype|\?php|svg|img|image|body|head|meta|link|style|base"
    rb"|form|input|title|math|video|audio|marquee|div|table)" + _END,
    re.IGNORECASE,
)
PDF_HEADER = b"%PDF-"
# PDF readers find a header anywhere in the first kilobyte.
PDF_HEADER_WITHIN = 1024


def hides_markup(data: bytes, *, text: Iterable[bytes] = (), after_end: bytes = b"") -> bool:
    """Whether `data` holds HTML where a browser could find it: a long tag
    anywhere, any tag in the first 4 KB, in `text` (the metadata meant for
    words) or in `after_end` (what follows the format's end marker)."""
    if ANYWHERE.search(data) or WHERE_TEXT_BELONGS.search(data, 0, HEAD):
        return True
    return any(tag_in(part) for part in (*text, after_end))


def tag_in(text: bytes) -> bool:
    """Whether text (metadata, object syntax) holds any HTML tag."""
    return WHERE_TEXT_BELONGS.search(text) is not None


def pdf_header_after_start(data: bytes) -> bool:
    """A file that does not start with a PDF header but has one where PDF
    readers still look for it."""
    return PDF_HEADER in data[1:PDF_HEADER_WITHIN]

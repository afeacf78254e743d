"""Checking an uploaded file by its content before anything is stored, and
handing a stored one out again. A file's name says nothing about what it is.

Every door (the citizen's application and supplement, the counter's scan,
the API) calls `check_upload`; a file is accepted only if every rule below
holds. The first rule found broken gives the refusal's code and a message
that says what to send instead:

1. Size: not empty (`empty`), at most UPLOAD_MAX_BYTES (`too_large`).
2. Type: a PDF (`%PDF-`), JPEG (FF D8 FF) or PNG signature at byte 0
   (`wrong_type`). A file with a PDF header later in its first kilobyte,
   where PDF readers still find it, is a `polyglot`.
3. One format, no web page (`polyglot`), as `markup` reads tags: a long HTML
   tag (`<script`, `<iframe`, `<html`, `<!doctype`, `<object`, `<embed`, ...)
   anywhere; any tag (`<svg`, `<img`, `<body`, `<meta`, ... too) in the first
   4 KB, in the text metadata (JPEG comment and application segments, PNG
   text chunks, a PDF's object syntax, in object streams too) or after the
   format's end (a PDF's last `%%EOF`, a JPEG's end-of-image marker). Nothing
   at all may follow a PNG's IEND; no JPEG or PNG may hold `%PDF-`. What a
   camera appends after a JPEG's end (a second picture, a motion photo's
   video) is allowed if it holds no tag.
4. A JPEG or PNG (`images`): segments and chunks whole up to the end marker,
   PNG checksums right (`damaged`); the width × height its header claims,
   read before anything is decoded, at most UPLOAD_MAX_PIXELS
   (`too_many_pixels`; Pillow's own limit is set to match); then every
   pixel decoded, so that a truncated or corrupt image is `damaged`.
5. A PDF (`pdf`): no active content (`active_content`): none of the names
   JavaScript, JS, AA (actions that run by themselves), Launch, GoToR,
   GoToE, SubmitForm, ImportData, XFA, EmbeddedFile(s), EF, FileAttachment,
   RichMedia, Rendition, Movie, Sound, 3D anywhere in its object syntax
   (outside streams and inside object streams, even in a string; #-escapes
   decoded; objects a reader would only find by rebuilding a broken table
   count too). Links to web addresses (/URI) are fine. Not more than 2 MB of
   syntax outside streams nor 20,000 objects, listed or declared
   (`too_much_data`: pypdf reads each in Python, and a few bytes can
   declare a million). Then, read by pypdf: not encrypted (`encrypted`);
   1 to UPLOAD_MAX_PAGES pages (`no_pages`, `too_many_pages`); every image
   in it at most UPLOAD_MAX_PIXELS (`too_many_pixels`); every stream
   decoded by its general-purpose filters (Flate, LZW, RunLength, ASCIIHex,
   ASCII85), and all they produce, stage by stage and stream by stream, at
   most UPLOAD_MAX_DECOMPRESSED_BYTES, decoding stopped as soon as the
   total passes it (`too_much_data`). Image codecs (DCT, JPX, JBIG2, CCITT)
   are not decoded; no outside program runs.
6. Anything else a parser raises on a hostile file (pypdf, Pillow, zlib:
   any exception, recursion too deep included) refuses it as `damaged`;
   running out of memory as `too_much_data`. Never a server error.

Random compressed bytes spell a long tag less than once in 100,000 files of
10 MB, which is why only those are looked for everywhere. A PDF whose page
text is HTML source, left uncompressed, is refused as a polyglot: printing
it to a new PDF compresses it. None of this is an antivirus: a file that
passes is still only ever handed out as a download (`as_download`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

from dossiers.uploads import images, markup, pdf, refusals

_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    pages: int


def check_upload(upload: Any) -> CheckedFile:
    """Raise ValidationError, with a message for the person, unless the file
    is a PDF, JPEG or PNG that passes every rule above."""
    size, max_bytes = upload.size, settings.UPLOAD_MAX_BYTES
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise _too_large(size, max_bytes)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    content_type = next((kind for magic, kind in _SIGNATURES.items() if data.startswith(magic)), None)
    if content_type is None:
        raise refusals.polyglot() if markup.pdf_header_after_start(data) else refusals.wrong_type()
    try:
        if content_type == "application/pdf":
            limits = pdf.Limits(
                pages=settings.UPLOAD_MAX_PAGES,
                pixels=settings.UPLOAD_MAX_PIXELS,
                decompressed_bytes=settings.UPLOAD_MAX_DECOMPRESSED_BYTES,
            )
            pages = pdf.check(data, limits)
        else:
            images.check(data, content_type, max_pixels=settings.UPLOAD_MAX_PIXELS)
            pages = 1
    except ValidationError:
        raise
    except MemoryError as error:
        raise refusals.out_of_memory() from error
    except Exception as error:
        # Parsers of hostile files fail in every way they can; each is a
        # file that cannot be read, never a server error.
        raise refusals.damaged(content_type) from error
    return CheckedFile(content_type, len(data), hashlib.sha256(data).hexdigest(), pages)


def _too_large(size: int, max_bytes: int) -> ValidationError:
    return ValidationError(
        _("The file is %(size)s MB; the limit is %(limit)s MB."),
        params={"size": f"{size / 1048576:.1f}", "limit": max_bytes // 1048576},
        code="too_large",
    )


def as_download(file: Any, *, content_type: str, filename: str) -> FileResponse:
    """A stored upload handed out to save, never to show: even a file that
    slipped past the checks cannot run as a page of the portal's site
    (`attachment`, a sandbox with nothing allowed, no type sniffing), and
    no cache keeps a copy of a citizen's papers."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response

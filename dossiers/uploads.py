"""Checking an uploaded file by its content before anything is stored: a PDF,
JPEG or PNG that really is one, not empty, within the size and page limits.
A file's name says nothing about what it is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


def check_upload(upload) -> CheckedFile:
    """Raise ValidationError, with a message for the person, unless the file
    is a readable PDF, JPEG or PNG within the limits."""
    size, max_bytes, max_pages = upload.size, settings.UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_PAGES
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            params={"size": f"{size / 1048576:.1f}", "limit": max_bytes // 1048576},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = next((kind for magic, kind in _SIGNATURES.items() if head.startswith(magic)), None)
    if content_type is None:
        raise ValidationError(_("This file is not a PDF, JPEG or PNG, whatever its name says."), code="wrong_type")
    upload.seek(0)
    pages = _pages(upload) if content_type == "application/pdf" else _check_image(upload)
    if pages > max_pages:
        raise ValidationError(
            _("The PDF has %(pages)s pages; the limit is %(limit)s."),
            params={"pages": pages, "limit": max_pages},
            code="too_many_pages",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type, size, digest.hexdigest(), pages)


def _pages(upload) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise ValidationError(_("The PDF is password-protected; send it without a password."), code="encrypted")
        return len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(_("The PDF cannot be read: it may be damaged."), code="damaged") from error


def _check_image(upload) -> int:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
        raise ValidationError(_("The image cannot be read: it may be damaged."), code="damaged") from error
    return 1

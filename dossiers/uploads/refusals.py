"""What the person reads when an upload is refused: one function per
refusal, each a ValidationError with its code (the codes are listed in the
package's docstring). Messages say what is wrong and what to send instead."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024


def wrong_type() -> ValidationError:
    return ValidationError(_("This file is not a PDF, JPEG or PNG, whatever its name says."), code="wrong_type")


def damaged(content_type: str) -> ValidationError:
    if content_type == "application/pdf":
        return ValidationError(_("The PDF cannot be read: it may be damaged."), code="damaged")
    return ValidationError(_("The image cannot be read: it may be damaged."), code="damaged")


def polyglot() -> ValidationError:
    return ValidationError(
        _(
            "This file hides something else inside it (a web page or a second file format). "
            "Send a clean copy: print the document to a new PDF, or save the image again."
        ),
        code="polyglot",
    )


def too_many_pixels(width: int, height: int, limit: int, *, in_pdf: bool = False) -> ValidationError:
    params = {
        "width": width,
        "height": height,
        "megapixels": f"{width * height / 1_000_000:.0f}",
        "limit": f"{limit / 1_000_000:.0f}",
    }
    if in_pdf:
        message = _(
            "An image in the PDF is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
            "the limit is %(limit)s megapixels. Scan at a lower resolution."
        )
    else:
        message = _(
            "The image is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
            "the limit is %(limit)s megapixels. Send a smaller photo or scan."
        )
    return ValidationError(message, params=params, code="too_many_pixels")


def too_much_data(limit: int) -> ValidationError:
    return ValidationError(
        _(
            "Unpacked, the PDF would take more than %(limit)s MB. "
            "Send a smaller one: print it to a new PDF, or scan at a lower resolution."
        ),
        params={"limit": limit // MEGABYTE},
        code="too_much_data",
    )


def too_complex() -> ValidationError:
    return ValidationError(
        _("The PDF's structure is too large to check. Send a simpler copy: print it to a new PDF."),
        code="too_much_data",
    )


def out_of_memory() -> ValidationError:
    return ValidationError(
        _("The file takes too much memory to check once unpacked. Send a smaller one."), code="too_much_data"
    )


def active_content(feature: str) -> ValidationError:
    return ValidationError(
        _(
            "The PDF contains %(feature)s, which could run or open something on the computer of "
            "whoever opens it. Send a copy without it: print the document to a new PDF, or scan the paper."
        ),
        params={"feature": feature},
        code="active_content",
    )


def encrypted() -> ValidationError:
    return ValidationError(_("The PDF is password-protected; send it without a password."), code="encrypted")


def no_pages() -> ValidationError:
    return ValidationError(_("The PDF has no pages."), code="no_pages")


def too_many_pages(pages: int, limit: int) -> ValidationError:
    return ValidationError(
        _("The PDF has %(pages)s pages; the limit is %(limit)s."),
        params={"pages": pages, "limit": limit},
        code="too_many_pages",
    )

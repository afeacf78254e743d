"""How much a citizen may keep in the portal before a counter takes their
files in hand: each file (UPLOAD_MAX_BYTES, `uploads.check_upload`), the
files of one document (UPLOAD_MAX_FILES_PER_DOCUMENT), the files of one
application (APPLICATION_MAX_BYTES: a draft's, or what the citizen adds to a
dossier between two requests of the counter), and the drafts of an account
together (ACCOUNT_DRAFTS_MAX_BYTES). Staff scanning at the counter are held
only to the size of each file.

`check` is asked before anything is stored, and its refusal says how much
room is left and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from dossiers.models import Dossier, DossierDocument


@dataclass(frozen=True)
class Held:
    """What is kept already where a new file would go: the files of its
    document, the bytes of its application, and of the account's drafts
    (None where no account-wide limit applies)."""

    document_files: int
    application_bytes: int
    account_bytes: int | None = None


def check(size: int, held: Held) -> None:
    """Raise ValidationError unless a file of `size` bytes fits beside what
    is `held`."""
    most_files = settings.UPLOAD_MAX_FILES_PER_DOCUMENT
    if held.document_files >= most_files:
        raise ValidationError(
            _(
                "This document has %(count)s files already, the most one document takes. "
                "Remove one you do not need, or put several pages in one PDF."
            ),
            params={"count": held.document_files},
            code="too_many_files",
        )
    limit = settings.APPLICATION_MAX_BYTES
    if held.application_bytes + size > limit:
        raise ValidationError(
            _(
                "This file is %(size)s MB, but only %(left)s MB of the %(limit)s MB an application may hold "
                "are left. Remove a file you do not need, or send a smaller scan."
            ),
            params=_sizes(size, held.application_bytes, limit),
            code="application_full",
        )
    limit = settings.ACCOUNT_DRAFTS_MAX_BYTES
    if held.account_bytes is not None and held.account_bytes + size > limit:
        raise ValidationError(
            _(
                "This file is %(size)s MB, but only %(left)s MB of the %(limit)s MB your unsent applications "
                "may hold together are left. Send or delete an application you no longer need."
            ),
            params=_sizes(size, held.account_bytes, limit),
            code="account_full",
        )


def room_left(held: Held) -> int:
    """Bytes that may still be added (for the page that offers the upload)."""
    left = settings.APPLICATION_MAX_BYTES - held.application_bytes
    if held.account_bytes is not None:
        left = min(left, settings.ACCOUNT_DRAFTS_MAX_BYTES - held.account_bytes)
    return max(left, 0)


def held_in_dossier(dossier: Dossier, document: DossierDocument | None, citizen: Any) -> Held:
    """What the citizen has added to `dossier` since the counter last asked
    for a supplement (since it was sent, before any request): each request
    opens the room of a new application."""
    files = dossier.attachments.filter(uploaded_by=citizen)
    asked = dossier.events.filter(action="request_supplement").order_by("-at", "-pk").values_list("at", flat=True)
    if asked:
        files = files.filter(uploaded_at__gte=asked[0])
    return Held(
        document_files=files.filter(document=document).count(),
        application_bytes=files.aggregate(total=Sum("size"))["total"] or 0,
    )


def megabytes(size: int) -> str:
    """Bytes in MB as people read them: 50, 9.9, 0.4."""
    text = f"{size / 1048576:.1f}"
    return text.removesuffix(".0")


def _sizes(size: int, used: int, limit: int) -> dict[str, str]:
    return {"size": megabytes(size), "left": megabytes(max(limit - used, 0)), "limit": megabytes(limit)}

"""Issuing, revoking and correcting a dossier's result (kết quả giải quyết).

At "stamp" the office gives the result's number and date of issue, and
either the PDF from its own system or nothing, for the portal to write the
extract (dossiers/extracts.py). `check` refuses, before anything is
stored or locked, a file that is not a PDF, is password-protected or
carries a signature that does not validate, and a result the portal cannot
write; `portal.signing.ready` is asked before the transaction, so that a
certificate to renew refuses the action with the reason instead of losing
it. `issue` then signs and stores the result inside the write path's
transaction (`workflow.perform`).

A result delivered electronically must exist: a dossier whose citizen
chose that way is stamped with one and handed over only while one is in
force (`missing`). Revoking a result or superseding it by a correction is
an audited action on the dossier (an event with the reason; the dossier's
state does not move), for a leader of the competent office.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import extracts, permissions, slips
from dossiers.delivery import Delivery
from dossiers.errors import Invalid, NotAllowed, NotPossible, SigningNotReady
from dossiers.models import Dossier, DossierEvent, Result
from dossiers.uploads import check_upload
from portal import signing

NUMBER_MAX_LENGTH = 50
ATTACHED_AT_STAMP = gettext_lazy("A result is attached when the dossier is stamped.")
TITLE_MAX_LENGTH = 200


@dataclass(frozen=True)
class Draft:
    """What the office gives for a result: its number and date of issue,
    and the PDF (`content`), or None for the portal to write it."""

    number: str
    issued_on: dt.date
    title: str = ""
    content: bytes | None = None


def read_upload(upload: Any) -> bytes:
    """An uploaded result's bytes, read no further than one byte past the
    upload limit (the check then names the limit)."""
    upload.seek(0)
    return bytes(upload.read(settings.UPLOAD_MAX_BYTES + 1))


def check(dossier: Dossier, draft: Draft, *, today: dt.date | None = None) -> Draft:
    """The draft with its title settled; `Invalid` naming what is wrong,
    with nothing stored, otherwise."""
    today = today or timezone.localdate()
    number, title = draft.number.strip(), draft.title.strip()
    if not number:
        raise Invalid(_("Give the result's number as the office recorded it."))
    if len(number) > NUMBER_MAX_LENGTH:
        raise Invalid(_("The result's number is at most %(limit)s characters.") % {"limit": NUMBER_MAX_LENGTH})
    if draft.issued_on > today:
        raise Invalid(_("The date of issue cannot be after today."))
    if draft.content is None:
        reason = extracts.why_not(dossier)
        if reason:
            raise Invalid(reason)
        title = extracts.title(dossier)
    else:
        check_pdf(draft.content)
        title = (
            title
            or (dossier.procedure.result or "").strip()
            or _("Result of dossier %(code)s") % {"code": dossier.code}
        )
    return Draft(number=number, issued_on=draft.issued_on, title=title[:TITLE_MAX_LENGTH], content=draft.content)


def check_pdf(content: bytes) -> None:
    """Refuse a result file that is not a readable PDF, is encrypted, or
    already carries a signature that does not validate."""
    try:
        checked = check_upload(ContentFile(content, name="result.pdf"))
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), error.messages) from None
    if checked.content_type != "application/pdf":
        raise Invalid(_("The result must be a PDF file."))
    found = signing.validate(content)
    if found.signed and not found.valid:
        raise Invalid(
            _("The PDF carries a signature that does not validate (%(problem)s): send the document as issued.")
            % {"problem": found.problem or _("not trusted")}
        )


def missing(dossier: Dossier, action: str, draft: Draft | None) -> str:
    """Why `action` cannot be taken for want of a result, or with a result
    it does not take; "" when all is in order. The one rule for the page,
    the API and the batch."""
    if draft is not None and action != "stamp":
        return str(ATTACHED_AT_STAMP)
    if dossier.delivery != Delivery.ELECTRONIC:
        return ""
    if action == "stamp" and draft is None:
        return _("The citizen receives this result electronically: attach the result PDF or have the portal write it.")
    if action == "return" and not dossier.results.current().exists():
        return _("The citizen receives this result electronically, and no result in force is attached.")
    return ""


def ready(dossier: Dossier) -> None:
    """Refuse, before any transaction, an action that would sign when the
    office cannot sign now."""
    try:
        signing.ready(dossier.competent_office)
    except signing.SigningUnavailable as error:
        raise SigningNotReady(
            _("The result cannot be signed now: %(reason)s. Nothing was changed.") % {"reason": error}
        ) from None


def issue(dossier: Dossier, draft: Draft, event: DossierEvent) -> Result:
    """Write (when the portal writes it), sign and store the result, in the
    caller's transaction; the file is removed again if storing fails."""
    office = dossier.competent_office
    number = dossier.results.count() + 1
    check_code = slips.make_check_code(dossier.code, "result", number, event.at)
    content = draft.content
    source = Result.Source.UPLOADED
    if content is None:
        content = extracts.render_pdf(
            dossier, number=draft.number, issued_on=draft.issued_on, check_code=check_code, signer=office.name
        )
        source = Result.Source.GENERATED
    try:
        signed = signing.sign(content, office, reason=draft.title)
    except signing.SigningUnavailable as error:
        raise SigningNotReady(
            _("The result cannot be signed now: %(reason)s. Nothing was changed.") % {"reason": error}
        ) from None
    found = signing.validate(signed)
    sha256 = hashlib.sha256(signed).hexdigest()
    if Result.objects.filter(sha256=sha256).exists():
        raise Invalid(_("This very document was issued already."))
    result = Result(
        dossier=dossier,
        event=event,
        title=draft.title,
        number=draft.number,
        issued_on=draft.issued_on,
        source=source,
        sha256=sha256,
        size=len(signed),
        check_code=check_code,
        download_token=secrets.token_urlsafe(24),
        is_signed=found.signed,
        signer=found.signer[:300],
        signed_at=found.signed_at,
        is_timestamped=found.timestamped,
        issued_at=event.at,
        issued_by=event.actor,
    )
    result.file.save(f"{dossier.code}-{sha256[:12]}.pdf", ContentFile(signed), save=False)
    try:
        result.save()
    except Exception:
        result.file.delete(save=False)
        raise
    return result


# Revoking and correcting ------------------------------------------------------


def revoke(result: Result, *, actor: Any, reason: str) -> Result:
    """Revoke an issued result with the reason: /verify/ then says so."""
    return _amend(result, actor=actor, reason=reason, draft=None)


def correct(result: Result, draft: Draft, *, actor: Any, reason: str) -> Result:
    """Supersede an issued result by a corrected one (signed and stored
    like the first); /verify/ then points from the old to the new."""
    return _amend(result, actor=actor, reason=reason, draft=draft)


def _amend(result: Result, *, actor: Any, reason: str, draft: Draft | None) -> Result:
    from dossiers.workflow import record_event

    reason = (reason or "").strip()
    dossier = result.dossier
    if not permissions.may_amend_result(dossier, actor):
        raise NotAllowed(
            _("Only a leader of %(office)s revokes or corrects its results.") % {"office": dossier.competent_office}
        )
    if not reason:
        raise Invalid(_("Give the reason; it is kept in the dossier's trail and shown on the check page."))
    if draft is not None:
        draft = check(dossier, draft)
        ready(dossier)
    at = timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().select_related("competent_office").get(pk=dossier.pk)
        result = Result.objects.select_for_update().get(pk=result.pk)
        if not result.is_current:
            raise NotPossible(
                _("Result %(number)s is no longer in force (%(status)s).")
                % {"number": result.number, "status": result.get_status_display()}
            )
        action = "revoke_result" if draft is None else "correct_result"
        event = record_event(
            dossier, action, dossier.state, actor=actor, at=at, note=reason, details={"result": result.pk}
        )
        if draft is None:
            result.revoked_at, result.revoked_by, result.revocation_reason = at, actor, reason
            result.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
            return result
        corrected = issue(dossier, draft, event)
        result.superseded_by, result.revocation_reason = corrected, reason
        result.save(update_fields=["superseded_by", "revocation_reason"])
        return corrected


# Reading ------------------------------------------------------------------------


def read(result: Result) -> bytes:
    with result.file.open("rb") as stored:
        return stored.read()


def download(result: Result) -> HttpResponse:
    """The result's PDF, the same bytes every time, with its SHA-256."""
    response = HttpResponse(read(result), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{result.filename}"'
    response["X-Content-SHA256"] = result.sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response

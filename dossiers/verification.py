"""What /verify/ tells anyone about a document: the portal's validation
report of a PDF's signature (signer, certificate chain, signing time,
time-stamp, integrity: `portal.signing.validate`), whether the portal
issued it (a slip or a result, found by the SHA-256 of its bytes or by its
check code), and, for a document it issued, what it is, to whom (initials
only), by whom and whether it is still in force.

The verdict is one of a few plain sentences, never an exception: any bytes
give a report.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from dossiers import slips
from dossiers.models import Result, Slip
from portal import signing


class Verdict:
    ISSUED = "issued"
    ALTERED = "altered"
    NOT_ISSUED = "not_issued"


@dataclass(frozen=True)
class Issued:
    """A document the portal issued, as a stranger may see it."""

    document: Slip | Result
    kind: str
    title: str
    number: str
    issued_at: Any
    office: str
    applicant: str
    issued_by: str
    status: str
    is_current: bool
    reason: str
    current: Result | None
    procedure: str
    dossier_state: str


@dataclass(frozen=True)
class Report:
    verdict: str
    validation: signing.Validation | None
    issued: Issued | None

    @property
    def message(self) -> str:
        if self.verdict == Verdict.ALTERED:
            return _("Altered after signing: the file does not match what was signed.")
        if self.verdict == Verdict.NOT_ISSUED:
            return _("Not issued by this portal: no slip or result it issued has exactly these contents.")
        if self.issued is not None and not self.issued.is_current:
            return _("Issued by this portal, but no longer in force.")
        return _("Issued by this portal.")


def check_file(content: bytes) -> Report:
    """The report for an uploaded PDF (any bytes)."""
    validation = signing.validate(content)
    document = by_content(content)
    if document is not None:
        return Report(Verdict.ISSUED, validation, describe(document))
    if validation.signed and (not validation.intact or getattr(validation, "changed_after", False)):
        return Report(Verdict.ALTERED, validation, None)
    return Report(Verdict.NOT_ISSUED, validation, None)


def check_code(code: str) -> Report | None:
    """The report for a check code: the document it names with the
    validation of its stored file, or None if no document has it."""
    document = by_check_code(code)
    if document is None:
        return None
    content = slips.read(slips.ensure_file(document.pk)) if isinstance(document, Slip) else _read_result(document)
    return Report(Verdict.ISSUED, signing.validate(content), describe(document))


def by_content(content: bytes) -> Slip | Result | None:
    sha256 = hashlib.sha256(content).hexdigest()
    return (
        Result.objects.filter(sha256=sha256).select_related("dossier").first()
        or Slip.objects.filter(sha256=sha256).select_related("dossier").first()
    )


def by_check_code(code: str) -> Slip | Result | None:
    normal = slips.normalise_check_code(code)
    return (
        Result.objects.filter(check_code=normal).select_related("dossier").first()
        or Slip.objects.filter(check_code=normal).select_related("dossier").first()
    )


def _read_result(result: Result) -> bytes:
    with result.file.open("rb") as stored:
        return stored.read()


def describe(document: Slip | Result) -> Issued:
    dossier = document.dossier
    actor = document.issued_by.get_full_name() if document.issued_by else ""
    if isinstance(document, Result):
        current = document.latest() if document.superseded_by_id else None
        return Issued(
            document=document,
            kind="result",
            title=document.title,
            number=document.number,
            issued_at=document.issued_at,
            office=dossier.competent_office.name,
            applicant=slips.initials(dossier.applicant_name),
            issued_by=document.signer or actor,
            status=document.get_status_display(),
            is_current=document.is_current,
            reason=document.revocation_reason,
            current=current if current is not None and current.is_current else None,
            procedure=dossier.procedure.name,
            dossier_state=str(dossier.get_state_display()),
        )
    return Issued(
        document=document,
        kind="slip",
        title=str(document.get_kind_display()),
        number=str(document.number),
        issued_at=document.issued_at,
        office=dossier.receiving_office.name,
        applicant=slips.initials(dossier.applicant_name),
        issued_by=actor,
        status=str(Result.Status.CURRENT.label),
        is_current=True,
        reason="",
        current=None,
        procedure=dossier.procedure.name,
        dossier_state=str(dossier.get_state_display()),
    )


# The citizen's list -------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """One issued document in the citizen's list, with its signature."""

    kind: str
    pk: int
    title: str
    issued_at: Any
    status: str
    is_current: bool
    signature: str
    is_signed: bool


def issued_documents(dossier: Any) -> list[Listed]:
    """Every document issued for `dossier`, results first then slips, each
    with whether it is in force and what its signature says."""
    listed = []
    for result in dossier.results.order_by("issued_at", "pk"):
        listed.append(
            Listed(
                kind="result",
                pk=result.pk,
                title=f"{result.title} — {result.number}",
                issued_at=result.issued_at,
                status=result.get_status_display(),
                is_current=result.is_current,
                signature=_("Signed by %(signer)s") % {"signer": result.signer}
                if result.is_signed
                else _("Not signed"),
                is_signed=result.is_signed,
            )
        )
    for slip in dossier.slips.order_by("issued_at", "pk"):
        signer = slip_signer(slip)
        listed.append(
            Listed(
                kind="slip",
                pk=slip.pk,
                title=str(slip.get_kind_display()) + (f" ({slip.number})" if slip.number > 1 else ""),
                issued_at=slip.issued_at,
                status=str(Result.Status.CURRENT.label),
                is_current=True,
                signature=signed_by(signer) if signer else _("Not signed"),
                is_signed=bool(signer),
            )
        )
    return listed


def signed_by(signer: str) -> str:
    return _("Signed by %(signer)s") % {"signer": signer}


def slip_signer(slip: Slip) -> str:
    """Who signed the slip's stored PDF ("" if no valid signature), made now
    if the task has not made it yet, remembered by its SHA-256: the bytes
    never change."""
    if not slip.sha256:
        slip = slips.ensure_file(slip.pk)
    key = f"slip-signer:{slip.sha256}"
    signer = cache.get(key)
    if signer is None:
        found = signing.validate(slips.read(slip))
        signer = found.signer if found.valid else ""
        cache.set(key, signer, 24 * 3600)
    return str(signer)

"""Questions answered from the catalogue: the procedures a question's words
match (classify.py's matching, the catalogue's own search) and, for each,
the answer the e-handbook gives — what to bring, the time limits, the fees —
read from the version of the record in force, which the answer cites."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from dossiers.errors import Conflict, Invalid
from petitions import classify
from portal.models import Office
from procedures.fees import fee_text
from procedures.models import Channel, Procedure, ProcedureVersion
from procedures.versions import terms

SUGGESTIONS = 3


@dataclass(frozen=True)
class CatalogueAnswer:
    """One procedure's answer as the officer (or the citizen) reads it and
    as the citizen is sent it."""

    procedure: Procedure
    version: ProcedureVersion
    documents: list[str]
    limits: list[str]
    fees: list[str]

    @property
    def citation(self) -> str:
        return _(
            "Source: the administrative procedure catalogue, procedure %(code)s, version %(number)s in force "
            "since %(day)s."
        ) % {
            "code": self.procedure.code,
            "number": self.version.number,
            "day": f"{self.version.effective_from:%d/%m/%Y}",
        }

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL.rstrip('/')}{self.procedure.get_absolute_url()}"

    @property
    def text(self) -> str:
        lines = [_("Procedure “%(name)s” (%(code)s).") % {"name": self.procedure.name, "code": self.procedure.code}]
        if self.documents:
            lines.append(_("What to bring: %(documents)s.") % {"documents": "; ".join(self.documents)})
        if self.limits:
            lines.append(_("Time limit: %(limits)s.") % {"limits": "; ".join(self.limits)})
        if self.fees:
            lines.append(_("Fees: %(fees)s.") % {"fees": "; ".join(self.fees)})
        lines.append(_("In full: %(url)s") % {"url": self.url})
        lines.append(self.citation)
        return "\n".join(lines)


def answer_from(version: ProcedureVersion) -> CatalogueAnswer:
    """What version `version` of a procedure's record says to bring, how long
    it takes and what it costs, channel by channel."""
    record = version.record
    documents = []
    for document in record.get("documents", []):
        name = document.get("name", "")
        if document.get("case"):
            name = f"{document['case']}: {name}"
        if not document.get("is_mandatory", True):
            name = _("%(name)s (if it applies)") % {"name": name}
        documents.append(name)
    limits, fees = [], []
    for row in terms(record):
        label = Channel(row["channel"]).label
        texts = [f"{limit['case']}: {limit['text']}" if limit["case"] else limit["text"] for limit in row["limits"]]
        texts = [text for text in texts if text]
        if texts:
            limits.append(f"{label}: {', '.join(texts)}")
        if row["fees"]:
            fees.append(f"{label}: {', '.join(fee_text(fee) for fee in row['fees'])}")
    return CatalogueAnswer(version.procedure, version, documents, limits, fees)


def suggestions(
    text: str, province: Office | None = None, *, procedure: Procedure | None = None
) -> list[CatalogueAnswer]:
    """The best-matching procedures' answers, best first: the procedure the
    case is about, then those its words match. A procedure with no version
    in force has no record to cite and is left out."""
    skip = classify.office_names(province) if province is not None else ()
    found = classify.matching_procedures(text, skip=skip, limit=SUGGESTIONS)
    if procedure is not None:
        found = [procedure, *[other for other in found if other.pk != procedure.pk]][:SUGGESTIONS]
    answers = []
    for candidate in found:
        version = candidate.version_in_force()
        if version is not None:
            answers.append(answer_from(version))
    return answers


def cited(procedure: Procedure | None, number: int | None) -> CatalogueAnswer:
    """The answer from version `number` of `procedure`, which must be the
    version in force: an answer is never made from a record replaced since
    the officer read it."""
    if procedure is None or number is None:
        raise Invalid(_("Say which procedure and which version of its record the answer comes from."))
    version = procedure.version_in_force()
    if version is None:
        raise Invalid(_("Procedure %(code)s has no published version to cite.") % {"code": procedure.code})
    if version.number != number:
        raise Conflict(
            _("The record of %(code)s changed: version %(number)s is now in force. Look again, then answer.")
            % {"code": procedure.code, "number": version.number}
        )
    return answer_from(version)

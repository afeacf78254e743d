"""The declaration an online applicant fills in on the portal (the
procedure's e-form, `procedures.eforms`), laid out as the official form
and attached to the dossier's e-form document when the application is
sent — through the one write path for files (`workflow.attach`), so it
counts as handed in like an upload and the clerk finds it among the
dossier's files.

The PDF is rendered with the slips' engine (WeasyPrint, A4, fonts
embedded) in the receiving office's language; in Vietnamese its words are
those of the official form. What it says is the answers, the receiving
office ("Kính gửi"), the place and day it was sent ("Làm tại …, ngày …"),
and the applicant as signatory with the note that it was declared online.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dossiers import slips, workflow
from dossiers.errors import Invalid
from dossiers.models import Attachment, Dossier
from dossiers.uploads import CheckedFile
from portal.models import Office
from procedures.eforms import EForm
from procedures.eforms.marriage import which_marriage
from procedures.eforms.words import date_in_words

STYLESHEET = Path(settings.BASE_DIR) / "templates" / "eforms" / "eform.css"


def checked(eform: EForm, declaration: dict[str, Any]) -> dict[str, Any]:
    """The declaration as plain JSON if it is complete and valid; `Invalid`
    naming each field that is not, otherwise."""
    answers, _errors = eform.validated(declaration)
    if answers is None:
        messages = [message for _name, message in eform.problems(declaration)]
        raise Invalid(messages[0], messages)
    return answers


def addressee(office: Office) -> str:
    """Kính gửi: the commune's People's Committee, which registers births,
    deaths and marriages, unless the office names its governing authority."""
    if office.authority:
        return office.authority
    if office.level == Office.Level.COMMUNE:
        return _("People's Committee of %(office)s") % {"office": office.name}
    return office.name


def context(eform: EForm, answers: dict[str, Any], *, office: Office, at: dt.datetime) -> dict[str, Any]:
    """What the form says, as plain data, in the active language."""
    form = eform.form(answers)
    form.is_valid()
    values = {group.key: {row.name: row.value for row in group.rows} for group in eform.summary(answers)}
    flat = {name: value for group in values.values() for name, value in group.items()}
    day = timezone.localtime(at)
    words = {}
    for name in ("child_birth_date", "deceased_birth_date"):
        born_on = form.cleaned_data.get(name)
        if born_on:
            words[name] = date_in_words(born_on)
    for name in ("woman_marriage_number", "man_marriage_number"):
        number = form.cleaned_data.get(name)
        if number:
            words[name] = which_marriage(number)
    death_date = form.cleaned_data.get("death_date")
    death_time = form.cleaned_data.get("death_time")
    notice_issued_on = form.cleaned_data.get("notice_issued_on")
    return {
        "title": str(eform.title),
        "v": flat,
        "words": words,
        "died": {
            "hour": f"{death_time:%H}" if death_time else "",
            "minute": f"{death_time:%M}" if death_time else "",
            "day": f"{death_date:%d}" if death_date else "",
            "month": f"{death_date:%m}" if death_date else "",
            "year": death_date.year if death_date else "",
        },
        "notice_issued": {
            "day": f"{notice_issued_on:%d}" if notice_issued_on else "",
            "month": f"{notice_issued_on:%m}" if notice_issued_on else "",
            "year": notice_issued_on.year if notice_issued_on else "",
        },
        "addressee": addressee(office),
        "place": office.locality or office.name,
        "day": f"{day:%d}",
        "month": f"{day:%m}",
        "year": day.year,
        "declared_at": slips.moment(at),
    }


def render_pdf(eform: EForm, answers: dict[str, Any], *, office: Office, at: dt.datetime) -> tuple[bytes, int]:
    """The declaration as an A4 PDF laid out as the official form, and its
    number of pages."""
    language = office.language or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(eform.template, {"c": context(eform, answers, office=office, at=at)})
    document = slips.layout(html, STYLESHEET)
    return document.write_pdf(), len(document.pages)


def attach(dossier: Dossier, eform: EForm, declaration: dict[str, Any], *, actor: Any) -> Attachment:
    """Render the declaration and attach it to the dossier's e-form
    document, which then counts as handed in."""
    answers = checked(eform, declaration)
    document = dossier.documents.filter(kind="eform").order_by("position").first()
    if document is None:
        raise Invalid(_("This dossier asks for no declaration filled in online."))
    content, pages = render_pdf(eform, answers, office=dossier.receiving_office, at=dossier.submitted_at)
    # Kept as data too: the result the portal writes (the civil-status
    # extract) is filled in from it.
    Dossier.objects.filter(pk=dossier.pk).update(declaration=answers)
    sha256 = hashlib.sha256(content).hexdigest()
    return workflow.attach(
        dossier,
        content=content,
        name=eform.filename,
        checked=CheckedFile("application/pdf", len(content), sha256, pages),
        document=document,
        actor=actor,
        # Made by the portal from what the applicant typed: no upload quota.
        from_draft=True,
    )

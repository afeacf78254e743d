"""Results the portal writes itself: the extract of a civil-status
registration (trích lục hộ tịch) for birth, death and marriage, filled in
from the declaration the applicant sent online (`Dossier.declaration`,
procedures.eforms) with the number and date of issue the office records.

Laid out with the slips' engine and stylesheet (A4, fonts embedded), in the
receiving office's language, with the check code and QR code that lead to
/verify/. The signing itself is dossiers/results.py's: this module returns
unsigned bytes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers import slips
from dossiers.models import Dossier
from procedures import eforms

# The procedures whose result the portal writes, with the extract's title.
TITLES = {
    "1.001193": gettext_lazy("Extract of the birth registration"),
    "1.004772": gettext_lazy("Extract of the birth registration"),
    "1.000656": gettext_lazy("Extract of the death registration"),
    "1.000894": gettext_lazy("Extract of the marriage registration"),
}
# The declarant's own block is not part of what the register records.
LEFT_OUT = {"applicant"}


def can_write(dossier: Dossier) -> bool:
    """Whether the portal can write this dossier's result: a procedure it
    has an extract for, and the declaration sent with the dossier."""
    return dossier.procedure.code in TITLES and bool(dossier.declaration)


def why_not(dossier: Dossier) -> str:
    """Why the portal cannot write this dossier's result, or ""."""
    if dossier.procedure.code not in TITLES:
        return _("The portal writes results only for birth, death and marriage registrations: upload the result.")
    if not dossier.declaration:
        return _("This dossier has no declaration filled in online to write the extract from: upload the result.")
    return ""


def title(dossier: Dossier) -> str:
    return str(TITLES.get(dossier.procedure.code, ""))


def context(dossier: Dossier, *, number: str, issued_on: dt.date, check_code: str, signer: str) -> dict[str, Any]:
    """What the extract says, as plain data, in the active language."""
    office = dossier.competent_office
    eform = eforms.for_procedure(dossier.procedure.code)
    groups = []
    if eform is not None:
        for group in eform.summary(dossier.declaration):
            if group.key in LEFT_OUT:
                continue
            groups.append({"legend": group.legend, "rows": [(row.label, row.value) for row in group.rows]})
    return {
        "title": title(dossier).upper(),
        "authority": (office.authority or office.province.name).upper(),
        "office": office.name,
        "number": number,
        "code": dossier.code,
        "place_date": _("%(place)s, %(day)s %(month)s %(year)s")
        % {
            "place": office.locality or office.name,
            "day": f"{issued_on:%d}",
            "month": f"{issued_on:%m}",
            "year": issued_on.year,
        },
        "groups": groups,
        "registered_on": f"{issued_on:%d/%m/%Y}",
        "signer": signer,
        "check_code": check_code,
        "verify_url": f"{settings.SITE_URL}/v/{check_code.replace('-', '')}",
    }


def render_pdf(dossier: Dossier, *, number: str, issued_on: dt.date, check_code: str, signer: str) -> bytes:
    """The extract as an unsigned A4 PDF."""
    language = dossier.receiving_office.language or settings.LANGUAGE_CODE
    with translation.override(language):
        c = context(dossier, number=number, issued_on=issued_on, check_code=check_code, signer=signer)
        html = render_to_string("results/extract.html", {"c": c, "qr": slips.qr_svg(c["verify_url"])})
    return slips.pdf_from_html(html, slips.DOCUMENT_STYLESHEET)

"""The papers of results sent by post: the envelope label and the hand-over
list (danh sách bàn giao hồ sơ/kết quả cho bưu chính), as PDF.

The clerk prints a label for each envelope (recipient, address, phone, the
dossier code, the sending office) and, when the postal employee collects
them, the hand-over list both sign: numbered rows of dossier code,
recipient, address and item number. A list is either the day's (the results
an office handed over to the postal service that day, `handed_over_on`) or a
selection of the clerk's (`chosen`: results waiting in the "to send by post"
queue, whose item numbers are written in by hand, or already sent). Which
dossiers an office posts is `permissions.handed_back_at`, the queue's own
rule. Rendered in the office's language with WeasyPrint through
`slips.pdf_from_html`, with a stylesheet of their own (a label is not A4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dossiers import permissions
from dossiers.errors import Invalid
from dossiers.models import Delivery, Dossier, State
from dossiers.slips import pdf_from_html, place_and_date
from portal.models import Office

STYLESHEET = Path(settings.BASE_DIR) / "templates" / "slips" / "postal.css"
# A postman's bag, not a warehouse: more codes than this in one request is a mistake.
MAX_CHOSEN = 200


def posted_by(office: Office) -> Q:
    """Results by post that the clerks of `office` send."""
    return Q(delivery=Delivery.POST) & permissions.handed_back_at(office)


def handed_over_on(office: Office, day: dt.date) -> QuerySet[Dossier]:
    """The results `office` handed over to the postal service on `day`, in
    the order they were handed over."""
    return (
        Dossier.objects.filter(posted_by(office), posted_on=day)
        .select_related("procedure")
        .order_by("returned_at", "pk")
    )


def chosen(office: Office, codes: Sequence[str], user: Any) -> list[Dossier]:
    """The dossiers `codes` names, in the order given, each a result by post
    of `office` that is ready or already sent; `Invalid` with the codes that
    are not, so that nothing is printed for a wrong selection."""
    codes = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    if not codes:
        raise Invalid(_("Tick at least one dossier."))
    if len(codes) > MAX_CHOSEN:
        raise Invalid(_("Choose at most %(count)d dossiers at once.") % {"count": MAX_CHOSEN})
    found = {
        dossier.code: dossier
        for dossier in Dossier.objects.visible_to(user)
        .filter(posted_by(office), state__in=(State.STAMPED, State.RETURNED), code__in=codes)
        .select_related("procedure")
    }
    wrong = [code for code in codes if code not in found]
    if wrong:
        raise Invalid(
            _("Not a result this office sends by post: %(codes)s.") % {"codes": ", ".join(code[:60] for code in wrong)}
        )
    return [found[code] for code in codes]


def recipient(dossier: Dossier) -> dict[str, str]:
    """Who the envelope goes to, and where."""
    return {
        "name": dossier.applicant_name,
        "address": dossier.delivery_address or dossier.applicant_address,
        "phone": dossier.applicant_phone,
    }


def labels_pdf(dossiers: Iterable[Dossier], office: Office) -> bytes:
    """One envelope label a page (DL envelope size), for each dossier."""
    rows = [{"code": dossier.code, "item": dossier.postal_item_number, **recipient(dossier)} for dossier in dossiers]
    with translation.override(office.language or settings.LANGUAGE_CODE):
        html = render_to_string("slips/postal_label.html", {"office": office, "labels": rows})
    return pdf_from_html(html, STYLESHEET)


def handover_pdf(dossiers: Iterable[Dossier], office: Office, *, clerk: Any, day: dt.date | None = None) -> bytes:
    """The hand-over list of `dossiers`, numbered, with the signature blocks
    of the clerk and the postal employee; `day` when it is the day's list."""
    made_at = timezone.localtime()
    rows = [
        {
            "number": number,
            "code": dossier.code,
            "procedure": dossier.procedure.name,
            "item": dossier.postal_item_number,
            **recipient(dossier),
        }
        for number, dossier in enumerate(dossiers, start=1)
    ]
    with translation.override(office.language or settings.LANGUAGE_CODE):
        html = render_to_string(
            "slips/postal_handover.html",
            {
                "office": office,
                "rows": rows,
                "day": day,
                "place_date": place_and_date(office.locality or office.name, made_at),
                "clerk": clerk.get_full_name() if clerk is not None else "",
                "made_at": made_at,
            },
        )
    return pdf_from_html(html, STYLESHEET)

"""Official slips: what each says, frozen when the transition issues it;
its PDF, rendered once with WeasyPrint, signed by the issuing office
(portal/signing.py) and stored with its SHA-256; and the check that a paper
slip is genuine.

Which action issues which slip (Circular 03/2025/TT-VPCP numbering):
receive → Mẫu 01 receipt and appointment; request_supplement → Mẫu 02;
refuse → Mẫu 03; apologise → Mẫu 04; withdraw → Mẫu 05 stop notice;
return or reject → Mẫu 06 process control sheet, the closing record of each
stage. The rendering reuses one font configuration and one parsed stylesheet
per process (parsing the CSS alone costs tens of milliseconds).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from functools import lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dossiers.deadlines import STAGE_ORDER, PauseSpan, stage_deadlines
from dossiers.models import Assistance, Delivery, Dossier, DossierEvent, Slip
from dossiers.timeliness import Timeliness
from portal import signing
from portal.calendar import CalendarMissing
from procedures.models import Channel, Stage

Kind = Slip.Kind

ISSUED_BY = {
    "receive": Kind.RECEIPT,
    "request_supplement": Kind.SUPPLEMENT,
    "refuse": Kind.REFUSAL,
    "apologise": Kind.APOLOGY,
    "withdraw": Kind.STOP,
    "return": Kind.CONTROL,
    "reject": Kind.CONTROL,
}
FORM_NUMBERS = {
    Kind.RECEIPT: "01",
    Kind.SUPPLEMENT: "02",
    Kind.REFUSAL: "03",
    Kind.APOLOGY: "04",
    Kind.STOP: "05",
    Kind.CONTROL: "06",
}
STYLESHEET = Path(settings.BASE_DIR) / "templates" / "slips" / "slip.css"
# The fee receipt and the civil-status extract keep the fuller layout of
# administrative documents (tables with rules, the signature blocks).
DOCUMENT_STYLESHEET = Path(settings.BASE_DIR) / "templates" / "slips" / "document.css"


# Issuing ----------------------------------------------------------------------


def issue_for(dossier: Dossier, action: str, event: DossierEvent) -> Slip | None:
    """Issue the slip `action` calls for, in the caller's transaction."""
    kind = ISSUED_BY.get(action)
    if kind is None:
        return None
    number = dossier.slips.filter(kind=kind).count() + 1
    check_code = make_check_code(dossier.code, kind, number, event.at)
    language = dossier.receiving_office.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = slip_context(dossier, kind, event)
    context["check_code"] = check_code
    # Short, so that the QR code stays small (version 3 instead of 5).
    context["verify_url"] = f"{settings.SITE_URL}/v/{check_code.replace('-', '')}"
    return Slip.objects.create(
        dossier=dossier,
        kind=kind,
        number=number,
        event=event,
        check_code=check_code,
        language=language,
        context=context,
        issued_at=event.at,
        issued_by=event.actor,
    )


def make_check_code(code: str, kind: str, number: int, at: dt.datetime) -> str:
    """Eight characters only this portal can produce for this slip."""
    message = f"{code}|{kind}|{number}|{at.isoformat()}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    text = base64.b32encode(digest).decode()[:8]
    return f"{text[:4]}-{text[4:]}"


def slip_context(dossier: Dossier, kind: str, event: DossierEvent) -> dict:
    """What the slip says, in the active language, as plain data."""
    office = dossier.receiving_office
    owed = dossier.owed()
    context = {
        "kind": kind,
        "form_number": FORM_NUMBERS[kind],
        "authority": (office.authority or office.province.name).upper(),
        "office": office.name,
        "office_address": office.address,
        "office_phone": office.phone,
        "competent_office": dossier.competent_office.name if dossier.competent_office_id != office.pk else "",
        "place_date": place_and_date(office.locality or office.name, event.at),
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "procedure_code": dossier.procedure.code,
        "applicant": {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        },
        "channel": str(Channel(dossier.channel).label),
        "delivery": str(Delivery(dossier.delivery).label),
        "delivery_address": dossier.delivery_address,
        "documents": [
            {
                "name": doc.name,
                "case": doc.case_name,
                "originals": doc.originals_taken,
                "copies": doc.copies_taken,
                "received": doc.is_received,
            }
            for doc in dossier.documents.all()
        ],
        "time_limit": str(dossier.time_limit),
        "fees": dossier.fees,
        # What is owed, line by line (Dossier.owed): as the pages and the API show it.
        "owed": owed.as_dict(),
        "fee_total": owed.total_vnd,
        "fee_received": dossier.fee_received_vnd,
        "fee_receipt_number": dossier.fee_receipt_number,
        "received_at": moment(dossier.received_at),
        "due_at": moment(dossier.due_at),
        "appointment_at": moment(dossier.appointment_at),
        "note": event.note,
        "actor": event.actor.get_full_name() if event.actor else "",
        "state": str(dossier.get_state_display()),
    }
    assistance = Assistance.objects.filter(dossier=dossier).select_related("staff").first()
    if assistance is not None:
        context["assistance"] = {
            "helper": str(assistance.helper),
            "applicant": assistance.applicant_name,
            "consented_at": moment(assistance.consented_at),
        }
    if kind == Kind.SUPPLEMENT:
        # Exactly the documents the request named, with what is wrong; a
        # request in words only lists the mandatory documents not received.
        requested = event.requested_documents.select_related("document").order_by("document__position", "pk")
        context["requested"] = [
            {"name": item.document.name, "problem": str(item.get_problem_display()), "note": item.note}
            for item in requested
        ]
        if not context["requested"]:
            context["missing"] = [doc.name for doc in dossier.missing_documents()]
        context["pauses_clock"] = dossier.received_at is not None
    if kind == Kind.APOLOGY:
        context["new_appointment"] = moment(dossier.appointment_at)
    if kind == Kind.CONTROL:
        try:
            context["stages"] = control_rows(dossier)
        except CalendarMissing:
            # The hand-over goes on; the sheet says the stages' due times
            # could not be counted instead of stating wrong ones.
            context["stages"] = control_rows(dossier, count_due=False)
            context["stages_uncounted"] = True
    return context


def control_rows(dossier: Dossier, *, count_due: bool = True) -> list[dict]:
    """Each stage: its appointment, when it was handed on, by whom, and
    whether it kept its share of the time limit (by calendar date). Without
    `count_due` (the calendar of a year it reaches is not loaded), the
    appointments and the results are left blank."""
    shares = {kind: share for kind, share in dossier.stage_shares.items()}
    if count_due:
        pauses = [PauseSpan(p.started_at, p.ended_at, p.working_time, p.reason) for p in dossier.pauses.all()]
        due = stage_deadlines(
            received_at=dossier.received_at,
            limit=dossier.time_limit,
            shares=shares,
            pauses=pauses,
            calendar=dossier.competent_office.calendar(),
        )
    else:
        due = dict.fromkeys(shares)
    done_by_action = {}
    for event in dossier.events.select_related("actor"):
        done_by_action.setdefault(event.action, event)
    ends = {
        "receive": done_by_action.get("receive"),
        "appraise": done_by_action.get("appraise") or done_by_action.get("reject"),
        "approve": done_by_action.get("approve"),
        "stamp": done_by_action.get("stamp"),
        "return": done_by_action.get("return"),
    }
    rows = []
    for kind in STAGE_ORDER:
        if kind not in due:
            continue
        event = ends.get(kind)
        result = ""
        stage_due = due[kind]
        if event is not None and stage_due is not None:
            done_on, due_on = timezone.localdate(event.at), timezone.localdate(stage_due)
            result = (
                Timeliness.EARLY if done_on < due_on else Timeliness.ON_TIME if done_on == due_on else Timeliness.LATE
            ).label
        rows.append(
            {
                "stage": str(Stage.Kind(kind).label),
                "due": moment(stage_due),
                "done": moment(event.at) if event else "",
                "by": event.actor.get_full_name() if event and event.actor else "",
                "result": str(result),
            }
        )
    return rows


def moment(value: dt.datetime | None) -> str:
    """09:12 on 12/01/2026, the way the slip's language writes it."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(hour)s:%(minute)s on %(date)s") % {
        "hour": f"{local:%H}",
        "minute": f"{local:%M}",
        "date": f"{local:%d/%m/%Y}",
    }


def place_and_date(place: str, value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return _("%(place)s, %(day)s %(month)s %(year)s") % {
        "place": place,
        "day": f"{local:%d}",
        "month": f"{local:%m}",
        "year": local.year,
    }


# Rendering ----------------------------------------------------------------------


@lru_cache(maxsize=8)
def _renderer(stylesheet: Path):
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return fonts, CSS(string=stylesheet.read_text(encoding="utf-8"), font_config=fonts)


def pdf_from_html(html: str, stylesheet: Path = STYLESHEET) -> bytes:
    """A PDF from HTML with the slips' fonts; the stylesheet is parsed once
    per process."""
    return layout(html, stylesheet).write_pdf()


def layout(html: str, stylesheet: Path = STYLESHEET):
    """HTML laid out in pages with the slips' fonts (most of the time a PDF
    takes), ready for `write_pdf()`."""
    from weasyprint import HTML

    fonts, css = _renderer(stylesheet)
    return HTML(string=html).render(stylesheets=[css], font_config=fonts)


def qr_svg(url: str) -> str:
    """The QR code as inline SVG: vector, sharp at any print size. A fixed
    mask spares segno trying all eight (a quarter of its time); any reader
    reads any mask. One unit per module and no classes: the stylesheet sizes
    it, and WeasyPrint has no transform to apply."""
    return segno.make(url, error="m", mask=0).svg_inline(border=0, dark="#000", svgclass=None, lineclass=None)


def render_html(slip: Slip) -> str:
    with translation.override(slip.language):
        return render_to_string(
            f"slips/{slip.kind}.html",
            {"c": slip.context, "qr": qr_svg(slip.context["verify_url"]), "title": Kind(slip.kind).label},
        )


def render_pdf(slip: Slip) -> bytes:
    return pdf_from_html(render_html(slip))


def ensure_file(slip_pk: int) -> Slip:
    """The slip with its PDF stored, signed by the office that issued it:
    rendered now if it was not yet, never again once it was (a second call
    changes nothing). Raises SigningUnavailable when the office cannot sign
    (nothing is stored; the next call tries again)."""
    with transaction.atomic():
        slip = Slip.objects.select_for_update().select_related("dossier__receiving_office").get(pk=slip_pk)
        if slip.sha256:
            return slip
        with translation.override(slip.language):
            reason = str(Kind(slip.kind).label)
        pdf = signing.sign(render_pdf(slip), slip.dossier.receiving_office, reason=reason)
        slip.file.save(slip.filename, ContentFile(pdf), save=False)
        slip.sha256 = hashlib.sha256(pdf).hexdigest()
        slip.save(update_fields=["file", "sha256"])
        return slip


def read(slip: Slip) -> bytes:
    with slip.file.open("rb") as stored:
        return stored.read()


def cannot_sign(unavailable: signing.SigningUnavailable) -> HttpResponse:
    """What a download answers while its office cannot sign: not a server
    fault to hide, the office must renew its certificate (the message says
    which); the document is signed and stored at the next try."""
    return HttpResponse(str(unavailable), status=503, content_type="text/plain; charset=utf-8")


def download(slip: Slip) -> HttpResponse:
    """The slip's PDF to print or keep, the same bytes every time, with its
    SHA-256: for the counter, the citizen and the API alike."""
    try:
        slip = ensure_file(slip.pk)
    except signing.SigningUnavailable as unavailable:
        return cannot_sign(unavailable)
    response = HttpResponse(read(slip), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slip.filename}"'
    response["X-Content-SHA256"] = slip.sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# Verifying ----------------------------------------------------------------------


def find_genuine(code: str, *, check_code: str = "", content: bytes | None = None) -> Slip | None:
    """The slip of dossier `code` with this check code, or whose stored PDF
    has exactly these bytes; None otherwise (whether or not the code exists)."""
    slips = Slip.objects.filter(dossier__code=code).select_related("dossier")
    if check_code:
        return slips.filter(check_code=normalise_check_code(check_code)).first()
    if content is not None:
        return slips.filter(sha256=hashlib.sha256(content).hexdigest()).first()
    return None


def normalise_check_code(text: str) -> str:
    """Read a check code as people type it: "k7q2 m9xa" → "K7Q2-M9XA"."""
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else text.strip().upper()


def initials(name: str) -> str:
    """Nguyễn Thị Lan → N. T. L. (the verification page shows no more)."""
    return " ".join(f"{part[0].upper()}." for part in name.split() if part)

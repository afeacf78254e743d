"""Proactive service: a partner system reports a life event, and the portal
prepares the application the citizen would otherwise have to start.

First, a birth at a hospital. The hospital's system knows the parent's ID
and phone number and their commune: the portal keeps the report and texts
the parent a link. The parent signs in (or creates an account), proves they
hold the reported phone with a one-time code texted to it, and the birth
registration (BIRTH_REGISTRATION_PROCEDURE) is filled in for them at that
commune; they check it, add what is missing and send it. Nothing reaches the
counter before they do, and nobody who cannot read that phone's messages
ever sees the report: an ID number or a phone typed into a profile proves
nothing. A partner's retry with the same reference changes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens import applications, notifications
from citizens.models import Draft, LifeEvent
from dossiers import tasks
from dossiers.errors import Invalid, NotAllowed, NotPossible
from portal import codes
from portal.models import Office
from portal.phones import last_digits
from portal.sms import send_sms
from procedures.models import Procedure


def report_birth(
    partner,
    *,
    reference: str,
    occurred_at: dt.datetime,
    place: str,
    child: dict,
    parent: dict,
    office: Office,
) -> tuple[LifeEvent, bool]:
    """Record a birth and text the parent the link to claim it; (the event,
    whether it is new). `parent` holds name, id_number, phone, and maybe
    email and address, already normalised."""
    existing = LifeEvent.objects.filter(partner=partner, reference=reference).first()
    if existing is not None:
        return existing, False
    procedure = Procedure.objects.active().filter(code=settings.BIRTH_REGISTRATION_PROCEDURE).first()
    if procedure is None or not procedure.may_apply_online:
        raise Invalid(_("Birth registration is not offered online at the moment."))
    if not applications.offices_for(procedure).filter(pk=office.pk).exists():
        raise Invalid(_("%(office)s does not register births.") % {"office": office})
    try:
        with transaction.atomic():
            event = LifeEvent.objects.create(
                partner=partner,
                reference=reference,
                kind=LifeEvent.Kind.BIRTH,
                occurred_at=occurred_at,
                place=place,
                details=child,
                parent_name=parent["name"],
                parent_id_number=parent["id_number"],
                parent_phone=parent["phone"],
                parent_email=parent.get("email", ""),
                parent_address=parent.get("address", ""),
                office=office,
                procedure=procedure,
                token=secrets.token_urlsafe(32),
            )
            for notification in notifications.for_life_event(event):
                tasks.after_commit(tasks.enqueue_notification, notification.pk)
    except IntegrityError:
        # The same report, sent twice at once: the first one stands.
        return LifeEvent.objects.get(partner=partner, reference=reference), False
    return event, True


def prepare(event: LifeEvent, citizen) -> Draft:
    """The birth registration, filled in from the report and the account."""
    profile = citizen.applicant
    return Draft.objects.create(
        citizen=citizen,
        procedure=event.procedure,
        office=event.office,
        applicant_name=event.parent_name,
        applicant_id_number=event.parent_id_number,
        applicant_phone=event.parent_phone,
        applicant_email=event.parent_email or profile["email"],
        applicant_address=event.parent_address or profile["address"],
    )


# The one-time code follows the portal's rules (portal/codes.py: six
# digits, ten minutes, five tries, one a minute); at most CODES_PER_EVENT
# are texted for one report.
CODES_PER_EVENT = 5


def taken_message() -> str:
    return _("This application belongs to the parent the hospital reported, who has already opened it.")


def take(event: LifeEvent, user) -> Draft | None:
    """The parent's prepared application, when `user` claimed the event;
    None while nobody has (they must prove the phone first, `send_code` and
    `claim`). Refused to anyone else once claimed."""
    if event.claimed_by_id is not None and event.claimed_by_id != user.pk:
        raise NotAllowed(taken_message())
    if event.dossier_id is not None:
        raise NotPossible(_("This application has been sent already: see My dossiers."))
    if event.claimed_by_id is None:
        return None
    with transaction.atomic():
        event = LifeEvent.objects.select_for_update(of=("self",)).select_related("draft").get(pk=event.pk)
        if event.draft is None or event.draft.citizen_id != user.pk:
            event.draft = prepare(event, user)
            event.save(update_fields=["draft"])
    return event.draft


def send_code(event: LifeEvent, user) -> str:
    """Text a new one-time code to the reported phone; returns the phone's
    last digits, to say where it went."""
    now = timezone.now()
    with transaction.atomic():
        event = LifeEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
        if event.claimed_by_id is not None and event.claimed_by_id != user.pk:
            raise NotAllowed(taken_message())
        if event.codes_sent >= CODES_PER_EVENT:
            raise NotPossible(
                _("No more codes can be sent for this report. Take the birth certificate to your commune's counter.")
            )
        if event.code_sent_at is not None and now - event.code_sent_at < codes.RESEND_AFTER:
            raise NotPossible(_("A code was sent less than a minute ago: wait for it, or try again in a minute."))
        code = codes.new()
        event.code_digest, event.code_sent_at = event.code_digest_of(code), now
        event.codes_sent, event.code_attempts = event.codes_sent + 1, 0
        event.save(update_fields=["code_digest", "code_sent_at", "codes_sent", "code_attempts"])
    # Sent now, not queued: the person is waiting for it, and the code is
    # not written anywhere else.
    send_sms(event.parent_phone, notifications.code_text(event, code))
    return last_digits(event.parent_phone, 2)


def claim(event: LifeEvent, user, code: str) -> Draft:
    """The code texted to the reported phone, entered by `user`: the event
    becomes theirs, and the birth registration is filled in for them."""
    now = timezone.now()
    with transaction.atomic():
        event = LifeEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
        if event.claimed_by_id is not None and event.claimed_by_id != user.pk:
            raise NotAllowed(taken_message())
        verdict = codes.judge(
            event.code_digest,
            event.code_purpose,
            code,
            sent_at=event.code_sent_at,
            attempts=event.code_attempts,
            now=now,
        )
        wrong = ""
        if verdict is codes.Verdict.MATCH:
            event.claimed_by, event.claimed_at, event.code_digest = user, now, ""
            event.save(update_fields=["claimed_by", "claimed_at", "code_digest"])
        elif verdict is codes.Verdict.WRONG:
            event.code_attempts += 1
            event.save(update_fields=["code_attempts"])
            wrong = codes.refusal(verdict, event.code_attempts)
        else:
            raise Invalid(codes.refusal(verdict, event.code_attempts))
    if wrong:
        # Raised once the attempt is counted and committed.
        raise Invalid(wrong)
    draft = take(event, user)
    assert draft is not None
    return draft

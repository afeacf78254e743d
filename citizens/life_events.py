"""Proactive service: a partner system reports a life event, and the portal
prepares the application the citizen would otherwise have to start.

First, a birth at a hospital. The hospital's system knows the parent's ID
and phone number and their commune: the portal keeps the report, fills in
the birth registration (BIRTH_REGISTRATION_PROCEDURE) at that commune with
the parent's details, and sends the parent a link. The parent signs in (or
creates an account with the same phone number), checks the application, adds
what is missing and sends it: nothing reaches the counter before the parent
does. A partner's retry with the same reference changes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from citizens import applications, notifications
from citizens.models import Draft, LifeEvent
from dossiers import tasks
from dossiers.errors import Invalid, NotAllowed, NotPossible
from portal.models import Office
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
    """Record a birth and prepare its registration for the parent; (the
    event, whether it is new). `parent` holds name, id_number, phone, and
    maybe email and address, already normalised."""
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
            account = parent_account(event)
            if account is not None:
                event.draft = prepare(event, account)
                event.save(update_fields=["draft"])
            for notification in notifications.for_life_event(event):
                tasks.after_commit(tasks.enqueue_notification, notification.pk)
    except IntegrityError:
        # The same report, sent twice at once: the first one stands.
        return LifeEvent.objects.get(partner=partner, reference=reference), False
    return event, True


def parent_account(event: LifeEvent):
    """The parent's account, by ID number first, then by phone number."""
    accounts = get_user_model().objects.filter(is_active=True)
    return (
        accounts.filter(id_number=event.parent_id_number).first() or accounts.filter(phone=event.parent_phone).first()
    )


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


def take(event: LifeEvent, user) -> Draft:
    """The parent followed the link: their prepared application (made now
    if they had no account when the birth was reported)."""
    if not event.concerns(user):
        raise NotAllowed(_("This application is for the parent named in the report. Sign in with their phone number."))
    if event.dossier_id is not None:
        raise NotPossible(_("This application has been sent already: see My dossiers."))
    with transaction.atomic():
        event = LifeEvent.objects.select_for_update(of=("self",)).select_related("draft").get(pk=event.pk)
        if event.draft is None or event.draft.citizen_id != user.pk:
            event.draft = prepare(event, user)
            event.save(update_fields=["draft"])
    return event.draft

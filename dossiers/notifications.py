"""What the citizen and the staff are told, and by which medium.

Messages are rendered from templates (templates/dossiers/messages/: a
subject, a text and an SMS per kind) in the portal's language, and written as
`Notification` rows in the transaction of the change; `tasks` sends them.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from dossiers.models import Dossier, Feedback, LifeEvent, Notification
from portal.models import Membership

Kind = Notification.Kind

# The action that prompts each message to the applicant.
KIND_FOR_ACTION = {
    "receive": Kind.RECEIVED,
    "request_supplement": Kind.SUPPLEMENT,
    "stamp": Kind.RESULT_READY,
    "apologise": Kind.APOLOGY,
    "refuse": Kind.REFUSED,
    "reject": Kind.REJECTED,
}


def for_action(dossier: Dossier, action: str, note: str = "") -> list[Notification]:
    """Write the messages `action` owes the applicant: an email if they gave
    an address, an SMS if they gave a phone number."""
    kind = KIND_FOR_ACTION.get(action)
    if kind is None:
        return []
    context = {"dossier": dossier, "note": note, "site_url": settings.SITE_URL}
    written = []
    with translation.override(settings.LANGUAGE_CODE):
        if dossier.applicant_email:
            written.append(
                Notification.objects.create(
                    dossier=dossier,
                    kind=kind,
                    medium=Notification.Medium.EMAIL,
                    recipient=dossier.applicant_email,
                    subject=_render(f"{kind}.subject.txt", context).replace("\n", " "),
                    body=_render(f"{kind}.txt", context),
                )
            )
        if dossier.applicant_phone:
            written.append(
                Notification.objects.create(
                    dossier=dossier,
                    kind=kind,
                    medium=Notification.Medium.SMS,
                    recipient=dossier.applicant_phone,
                    body=_render(f"{kind}.sms.txt", context).replace("\n", " "),
                )
            )
    return written


def for_submission(dossier: Dossier) -> list[Notification]:
    """An online dossier arrived: the counter's address and its clerks."""
    office = dossier.receiving_office
    clerks = Membership.objects.filter(office=office, role=Membership.Role.CLERK, user__is_active=True)
    recipients = {office.email} | set(clerks.values_list("user__email", flat=True))
    return _emails(Kind.SUBMITTED, sorted(r for r in recipients if r), {"dossier": dossier}, dossier=dossier)


def for_feedback(feedback: Feedback) -> list[Notification]:
    """A rating, feedback or complaint: the supervisors of the office that
    handles the dossier, at the office or above it."""
    office = feedback.dossier.competent_office
    supervisors = Membership.objects.filter(
        Q(office=office) | Q(office_id=office.parent_id), role=Membership.Role.SUPERVISOR, user__is_active=True
    )
    recipients = sorted({email for email in supervisors.values_list("user__email", flat=True) if email})
    return _emails(Kind.FEEDBACK, recipients, {"feedback": feedback}, dossier=feedback.dossier)


def for_answer(feedback: Feedback) -> list[Notification]:
    """The supervisor answered: the applicant, by email or SMS."""
    dossier = feedback.dossier
    context = {"dossier": dossier, "feedback": feedback, "site_url": settings.SITE_URL}
    written = []
    with translation.override(settings.LANGUAGE_CODE):
        if dossier.applicant_email:
            written += _emails(Kind.ANSWER, [dossier.applicant_email], context, dossier=dossier)
        elif dossier.applicant_phone:
            written.append(
                Notification.objects.create(
                    dossier=dossier,
                    kind=Kind.ANSWER,
                    medium=Notification.Medium.SMS,
                    recipient=dossier.applicant_phone,
                    body=_render("answer.sms.txt", context).replace("\n", " "),
                )
            )
    return written


def for_life_event(event: LifeEvent) -> list[Notification]:
    """A partner reported a life event: the parent gets the link to the
    application prepared for them, by SMS, and by email if known."""
    context = {"event": event, "site_url": settings.SITE_URL}
    written = []
    with translation.override(settings.LANGUAGE_CODE):
        written.append(
            Notification.objects.create(
                kind=Kind.LIFE_EVENT,
                medium=Notification.Medium.SMS,
                recipient=event.parent_phone,
                body=_render("life_event.sms.txt", context).replace("\n", " "),
            )
        )
        if event.parent_email:
            written.append(
                Notification.objects.create(
                    kind=Kind.LIFE_EVENT,
                    medium=Notification.Medium.EMAIL,
                    recipient=event.parent_email,
                    subject=_render("life_event.subject.txt", context).replace("\n", " "),
                    body=_render("life_event.txt", context),
                )
            )
    return written


def _emails(kind: str, recipients: list[str], context: dict, *, dossier: Dossier) -> list[Notification]:
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _render(f"{kind}.subject.txt", context).replace("\n", " ")
        body = _render(f"{kind}.txt", context)
        return [
            Notification.objects.create(
                dossier=dossier,
                kind=kind,
                medium=Notification.Medium.EMAIL,
                recipient=recipient,
                subject=subject,
                body=body,
            )
            for recipient in recipients
        ]


def deadline_digest(recipient: str, due_soon: list[Dossier], overdue: list[Dossier], at) -> Notification:
    """One email a day to a member of staff: what is due soon and overdue."""
    context = {"due_soon": due_soon, "overdue": overdue, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        return Notification.objects.create(
            kind=Kind.DEADLINE_WARNING,
            medium=Notification.Medium.EMAIL,
            recipient=recipient,
            subject=_render("deadline_warning.subject.txt", context).replace("\n", " "),
            body=_render("deadline_warning.txt", context),
            created_at=at,
        )


def _render(name: str, context: dict) -> str:
    return render_to_string(f"dossiers/messages/{name}", context).strip()

"""What the citizen and the staff are told, and by which medium.

Messages are rendered from templates (templates/dossiers/messages/: a
subject, a text and an SMS per kind) in the portal's language, and written as
`Notification` rows in the transaction of the change; `tasks` sends them.
`emails`, `sms` and `render` serve the citizens' messages too
(citizens/notifications.py).
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from dossiers.models import Delivery, Dossier, Notification
from portal.models import Membership, Office

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
    context = {"dossier": dossier, "note": note, "site_url": settings.SITE_URL}
    if action == "return" and dossier.delivery == Delivery.ELECTRONIC:
        # The electronic result itself: a link that opens it, and its check code.
        kind = Kind.RESULT_SENT
        context["result"] = dossier.results.current().order_by("-issued_at", "-pk").first()
    if kind is None:
        return []
    written = []
    if dossier.applicant_email:
        written += emails(kind, [dossier.applicant_email], context, dossier=dossier, save=False)
    if dossier.applicant_phone:
        written.append(sms(kind, dossier.applicant_phone, context, dossier=dossier, save=False))
    # Both in one insert.
    return Notification.objects.bulk_create(written) if written else []


def submission_digest(recipient: str, office: Office, new: list[Dossier], waiting: int, at) -> Notification:
    """One email to a clerk (or the counter's address): the online dossiers
    that arrived at `office` since the last digest, and how many wait in
    all."""
    context = {"office": office, "new": new, "waiting": waiting, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        return Notification.objects.create(
            kind=Kind.SUBMISSION_DIGEST,
            medium=Notification.Medium.EMAIL,
            recipient=recipient,
            subject=render("submission_digest.subject.txt", context).replace("\n", " "),
            body=render("submission_digest.txt", context),
            created_at=at,
        )


def counter_recipients(office: Office) -> list[str]:
    """Who hears of new online dossiers at a counter: its own address and
    its active clerks."""
    clerks = Membership.objects.filter(office=office, role=Membership.Role.CLERK, user__is_active=True)
    recipients = {office.email} | set(clerks.values_list("user__email", flat=True))
    return sorted(r for r in recipients if r)


def emails(
    kind: str,
    recipients: list[str],
    context: dict,
    *,
    dossier: Dossier | None,
    folder: str = "dossiers",
    save: bool = True,
) -> list[Notification]:
    """One email of `kind` to each recipient, in the portal's language
    (unsaved with `save=False`)."""
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render(f"{kind}.subject.txt", context, folder).replace("\n", " ")
        body = render(f"{kind}.txt", context, folder)
        written = [
            Notification(
                dossier=dossier,
                kind=kind,
                medium=Notification.Medium.EMAIL,
                recipient=recipient,
                subject=subject,
                body=body,
            )
            for recipient in recipients
        ]
    return Notification.objects.bulk_create(written) if save and written else written


def deadline_digest(recipient: str, due_soon: list[Dossier], overdue: list[Dossier], at) -> Notification:
    """One email a day to a member of staff: what is due soon and overdue."""
    context = {"due_soon": due_soon, "overdue": overdue, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        return Notification.objects.create(
            kind=Kind.DEADLINE_WARNING,
            medium=Notification.Medium.EMAIL,
            recipient=recipient,
            subject=render("deadline_warning.subject.txt", context).replace("\n", " "),
            body=render("deadline_warning.txt", context),
            created_at=at,
        )


def sms(
    kind: str, recipient: str, context: dict, *, dossier: Dossier | None, folder: str = "dossiers", save: bool = True
) -> Notification:
    """One text message of `kind` to `recipient`, in the portal's language
    (unsaved with `save=False`)."""
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        message = Notification(
            dossier=dossier,
            kind=kind,
            medium=Notification.Medium.SMS,
            recipient=recipient,
            body=render(f"{kind}.sms.txt", context, folder).replace("\n", " "),
        )
    if save:
        message.save()
    return message


def render(name: str, context: dict, folder: str = "dossiers") -> str:
    """A message template of templates/<folder>/messages/."""
    return render_to_string(f"{folder}/messages/{name}", context).strip()

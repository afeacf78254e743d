"""What the line tells the citizen, and by which channel: the receipt with
the case's code, the answer, a reply to an SMS. Each is a `Notification`
(dossiers' outbox: sent after the change commits, retried on failure, shown
in the administration), sent back the way the citizen came — an SMS to a
phone, else an email; a web form with both gets the SMS."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from dossiers import tasks
from dossiers.models import Notification
from petitions.models import Case

Kind = Notification.Kind
Medium = Notification.Medium


def _track_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/track/"


def _send(case: Case, kind: str, subject: str, body: str) -> Notification | None:
    if case.phone:
        medium, recipient = Medium.SMS, case.phone
    elif case.email:
        medium, recipient = Medium.EMAIL, case.email
    else:
        return None
    notification = Notification.objects.create(
        kind=kind, medium=medium, recipient=recipient, subject=subject if medium == Medium.EMAIL else "", body=body
    )
    tasks.after_commit(tasks.enqueue_notification, notification.pk)
    return notification


def received(case: Case) -> Notification | None:
    body = _(
        "We received your feedback. Its code is %(code)s; follow it at %(url)s with the last 4 digits "
        "of your phone. An answer is due by %(due)s."
    ) % {"code": case.code, "url": _track_url(), "due": f"{case.due_at:%d/%m/%Y}" if case.due_at else "—"}
    return _send(case, Kind.LINE_RECEIVED, _("Feedback %(code)s received") % {"code": case.code}, body)


def answered(case: Case) -> Notification | None:
    body = _(
        "Answer to your feedback %(code)s: %(answer)s\nSatisfied? Reply %(code)s 1 (yes) or %(code)s 2 (no); "
        "to reopen it: %(code)s MO LAI and why, until %(until)s."
    ) % {
        "code": case.code,
        "answer": case.answer,
        "until": f"{case.reopen_until:%d/%m/%Y}" if case.reopen_until else "—",
    }
    return _send(case, Kind.LINE_ANSWER, _("Answer to your feedback %(code)s") % {"code": case.code}, body)


def declined(case: Case, reason: str) -> Notification | None:
    body = _("Your feedback %(code)s cannot be handled by the line: %(reason)s") % {
        "code": case.code,
        "reason": reason,
    }
    return _send(case, Kind.LINE_ANSWER, _("Your feedback %(code)s") % {"code": case.code}, body)


def asked_more(case: Case, request: str) -> Notification | None:
    body = _(
        "To answer your feedback %(code)s we need more information: %(request)s\nReply %(code)s and the "
        "information, or give it at %(url)s."
    ) % {"code": case.code, "request": request, "url": _track_url()}
    return _send(case, Kind.LINE_ANSWER, _("More information needed for %(code)s") % {"code": case.code}, body)


def reply_sms(phone: str, text: str) -> Notification:
    """A reply to an inbound SMS that opened no case (an unknown code, a
    message refused): the sender is told, nothing else changes."""
    notification = Notification.objects.create(kind=Kind.LINE_REPLY, medium=Medium.SMS, recipient=phone, body=text)
    tasks.after_commit(tasks.enqueue_notification, notification.pk)
    return notification

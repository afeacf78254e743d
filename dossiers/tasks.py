"""Background work (django-q2): sending notifications, retrying the ones that
failed, and the daily deadline sweep for staff.

Tasks take primary keys, fetch again, return quietly when the object is
gone, and are safe to run twice: a notification already sent is not sent
again, and a member of staff gets one deadline digest a day.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.html import linebreaks
from django_q.tasks import async_task

from dossiers import notifications
from dossiers.models import Dossier, Notification, Slip
from dossiers.sms import send_sms
from portal.calendar import WORKING_DAY
from portal.models import Membership, Office

MAX_ATTEMPTS = 5
Status = Notification.Status


def enqueue_notification(pk: int) -> None:
    async_task("dossiers.tasks.send_notification", pk, task_name=f"notification-{pk}")


def send_notification(pk: int) -> str:
    # The row lock keeps two workers from sending the same message.
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=pk).first()
        if notification is None:
            return "gone"
        if notification.status == Status.SENT:
            return "already sent"
        notification.attempts += 1
        try:
            if notification.medium == Notification.Medium.EMAIL:
                send_mail(
                    notification.subject,
                    notification.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [notification.recipient],
                    html_message=linebreaks(notification.body),
                )
            else:
                send_sms(notification.recipient, notification.body)
        except Exception as error:
            notification.status = Status.FAILED
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            notification.save(update_fields=["status", "attempts", "last_error"])
            return "failed"
        notification.status = Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["status", "attempts", "sent_at", "last_error"])
        return "sent"


def enqueue_slip(pk: int) -> None:
    async_task("dossiers.tasks.render_slip", pk, task_name=f"slip-{pk}")


def render_slip(pk: int) -> str:
    """Render and store an issued slip's PDF (a second run changes nothing)."""
    from dossiers.slips import ensure_file

    if not Slip.objects.filter(pk=pk).exists():
        return "gone"
    ensure_file(pk)
    return "stored"


def retry_failed_notifications() -> int:
    """Queue again every failed notification that has attempts left."""
    pks = list(
        Notification.objects.filter(status=Status.FAILED, attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)
    )
    for pk in pks:
        enqueue_notification(pk)
    return len(pks)


STAFF_ROLES = (Membership.Role.CLERK, Membership.Role.SPECIALIST, Membership.Role.APPROVER)


def sweep_deadlines() -> int:
    """Warn the staff of each office about its dossiers due within one
    working day and the overdue ones: one digest a day per person."""
    now = timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for office in Office.objects.filter(is_active=True):
        until = office.calendar().add_working_time(now, WORKING_DAY)
        dossiers = Dossier.objects.filter(competent_office=office).select_related("procedure").order_by("due_at")
        due_soon = list(dossiers.due_soon(today, until))
        overdue = list(dossiers.overdue(today))
        if not due_soon and not overdue:
            continue
        emails = set(
            Membership.objects.filter(office=office, role__in=STAFF_ROLES)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        already = set(
            Notification.objects.filter(
                kind=Notification.Kind.DEADLINE_WARNING,
                recipient__in=emails,
                created_at__gte=dt.datetime.combine(today, dt.time(0), tzinfo=timezone.get_default_timezone()),
            ).values_list("recipient", flat=True)
        )
        for email in sorted(emails - already):
            notification = notifications.deadline_digest(email, due_soon, overdue, at=now)
            transaction.on_commit(lambda pk=notification.pk: enqueue_notification(pk))
            sent += 1
    return sent

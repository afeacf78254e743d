"""Background work (django-q2): sending notifications, rendering slips,
retrying what failed or was never queued, the daily deadline sweep for
staff, the counters' digests of new online dossiers, and the payments sweep.

Tasks take primary keys, fetch again, return quietly when the object is
gone, and are safe to run twice: a notification already sent is not sent
again, a slip is rendered once, a member of staff gets one deadline
digest a day, and a dossier is listed in one counter digest.

Work is queued with `after_commit`: once the change it follows has
committed, and never at the cost of answering an error for a change that is
made. The work itself is a row written in the change's transaction (a
pending notification, a slip without its PDF): when the broker is down, the
row waits for the sweeps below.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import linebreaks
from django_q.tasks import async_task

from dossiers import notifications, payments, queues, slips
from dossiers.models import CounterDigest, Dossier, Notification, Slip, State
from portal.calendar import CalendarMissing
from portal.models import Membership, Office
from portal.signing import SigningUnavailable
from portal.sms import send_sms
from procedures.models import Channel

MAX_ATTEMPTS = 5
Status = Notification.Status
logger = logging.getLogger(__name__)


def after_commit(work: Callable[..., Any], *args: Any) -> None:
    """Run `work(*args)` once the current transaction commits (at once
    outside one). If it fails — the broker is down, a file store refuses —
    it is logged and left to the sweeps: the change has been made, and the
    person who made it must not be told otherwise."""

    def run() -> None:
        try:
            work(*args)
        except Exception:
            logger.exception("%s%r could not run after commit; the sweeps retry it", work.__name__, args)

    run.__qualname__ = f"after_commit({work.__name__})"
    transaction.on_commit(run)


def enqueue_notification(pk: int) -> None:
    async_task("dossiers.tasks.send_notification", pk, task_name=f"notification-{pk}")


def send_notification(pk: int) -> str:
    """Send one notification. The row is claimed in a short transaction and
    the message sent outside it: no lock is held on the database while an
    SMTP server or an SMS gateway takes its time."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=pk).first()
        if notification is None:
            return "gone"
        if notification.status in (Status.SENT, Status.SENDING):
            return "already sent" if notification.status == Status.SENT else "being sent"
        notification.status = Status.SENDING
        notification.attempts += 1
        notification.claimed_at = timezone.now()
        notification.save(update_fields=["status", "attempts", "claimed_at"])
    try:
        if notification.medium == Notification.Medium.EMAIL:
            send_mail(
                notification.subject,
                notification.body,
                settings.DEFAULT_FROM_EMAIL,
                [notification.recipient],
                html_message=linebreaks(notification.body, autoescape=True),
            )
        else:
            send_sms(notification.recipient, notification.body)
    except Exception as error:
        Notification.objects.filter(pk=pk).update(
            status=Status.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        return "failed"
    Notification.objects.filter(pk=pk).update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def enqueue_slip(pk: int) -> None:
    async_task("dossiers.tasks.render_slip", pk, task_name=f"slip-{pk}")


def enqueue_outputs(slip_pk: int | None, notification_pks: list[int]) -> None:
    """Queue what one action owes — its notifications and its slip — as one
    task: one write to the broker per action instead of one per message."""
    first = notification_pks[0] if notification_pks else slip_pk
    async_task("dossiers.tasks.deliver", slip_pk, notification_pks, task_name=f"outputs-{first}")


def deliver(slip_pk: int | None, notification_pks: list[int]) -> list[str]:
    """Send an action's notifications, then render its slip: each as its
    own task would (`send_notification`, `render_slip`), one failing
    leaving the others to go; what fails waits for the sweeps."""
    done = []
    for pk in notification_pks:
        try:
            done.append(send_notification(pk))
        except Exception:
            logger.exception("notification %s could not be sent; the sweeps retry it", pk)
            done.append("failed")
    if slip_pk is not None:
        try:
            done.append(render_slip(slip_pk))
        except Exception:
            logger.exception("slip %s could not be rendered; the sweeps retry it", slip_pk)
            done.append("failed")
    return done


def render_missing_slips() -> int:
    """Render the slips issued a while ago whose PDF is still missing (the
    broker was down when they were issued, or the office could not sign
    then); returns how many it stored."""
    stuck = timezone.now() - STUCK_AFTER
    pks = list(Slip.objects.filter(sha256="", issued_at__lt=stuck).values_list("pk", flat=True)[:500])
    stored = 0
    for pk in pks:
        try:
            slips.ensure_file(pk)
        except SigningUnavailable as unavailable:
            logger.warning("slip %s cannot be signed yet: %s", pk, unavailable)
            continue
        stored += 1
    return stored


def render_slip(pk: int) -> str:
    """Render and store an issued slip's PDF (a second run changes nothing)."""
    if not Slip.objects.filter(pk=pk).exists():
        return "gone"
    try:
        slips.ensure_file(pk)
    except SigningUnavailable as unavailable:
        # Kept unrendered: the sweep tries again once the office can sign.
        logger.warning("slip %s cannot be signed yet: %s", pk, unavailable)
        return "waiting to be signed"
    return "stored"


# A message still waiting this long was never queued (the broker was down),
# or its worker died while sending: try again.
STUCK_AFTER = dt.timedelta(minutes=10)


def retry_failed_notifications() -> int:
    """Queue again every notification that failed, or stayed pending or
    half-sent too long, and has attempts left."""
    stuck = timezone.now() - STUCK_AFTER
    retry = Notification.objects.filter(attempts__lt=MAX_ATTEMPTS).filter(
        Q(status=Status.FAILED)
        | Q(status=Status.PENDING, created_at__lt=stuck)
        | Q(status=Status.SENDING, claimed_at__lt=stuck)
    )
    pks = list(retry.values_list("pk", flat=True))
    # A half-sent message is released so that the next attempt may claim it.
    Notification.objects.filter(pk__in=pks, status=Status.SENDING).update(status=Status.FAILED)
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
        moment = queues.Moment.at(office, now)
        dossiers = Dossier.objects.filter(competent_office=office).select_related("procedure").order_by("due_at")
        # Without this year's calendar, what is due soon cannot be told (the
        # system check and the counter say so); what is overdue still can.
        due_soon = [] if moment.horizon is None else list(dossiers.due_soon(today, moment.horizon))
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
            after_commit(enqueue_notification, notification.pk)
            sent += 1
    return sent


def send_submission_digests(now: dt.datetime | None = None) -> int:
    """Tell each counter of the online dossiers that arrived since its last
    digest: one email per clerk (and to the counter's address) at most every
    SUBMISSION_DIGEST_MINUTES, during the office's hours, and nothing when
    nothing is new. Runs every few minutes; returns the emails written."""
    now = now or timezone.now()
    new = Dossier.objects.filter(state=State.SUBMITTED, channel=Channel.ONLINE, counter_digests=None)
    sent = 0
    for office in Office.objects.filter(pk__in=new.values("receiving_office")):
        if not _is_open(office, now):
            continue  # the first round after the office opens lists them
        with transaction.atomic():
            # One round at a time per office, and the period read again under
            # the lock: a lock that changes no key, so the counter's actions
            # (whose new rows name the office) do not wait on it.
            Office.objects.select_for_update(no_key=True).filter(pk=office.pk).first()
            last = CounterDigest.objects.filter(office=office).order_by("-sent_at").first()
            if last is not None and now - last.sent_at < dt.timedelta(minutes=settings.SUBMISSION_DIGEST_MINUTES):
                continue
            listed = list(new.filter(receiving_office=office).select_related("procedure").order_by("submitted_at"))
            recipients = notifications.counter_recipients(office)
            if not listed or not recipients:
                continue
            digest = CounterDigest.objects.create(office=office, sent_at=now)
            digest.dossiers.set(listed)
            waiting = Dossier.objects.filter(receiving_office=office, state=State.SUBMITTED).count()
            for recipient in recipients:
                notification = notifications.submission_digest(recipient, office, listed, waiting, at=now)
                after_commit(enqueue_notification, notification.pk)
                sent += 1
    return sent


def _is_open(office: Office, now: dt.datetime) -> bool:
    """Within the office's hours; a year whose calendar is not loaded
    counts as open (better told than not)."""
    try:
        return office.calendar().next_opening(now) == now
    except CalendarMissing:
        return True


def sweep_payments() -> dict[str, int]:
    """Every few minutes: ask the gateway about the online payments it has
    not answered, and expire those it never saw paid (dossiers/payments.py)."""
    return payments.sweep()

"""The time limits of the feedback and petitions line (phản ánh, kiến nghị):
pure values, no database.

The source is DOMAIN §8, the Decision 766/QĐ-TTg formula document (§3.2),
which scores group 5 on how feedback and petitions are handled: a case is
classified, answered within 15 working days, declined (outside the office's
remit, abusive) within 2 working days, a request for more information
within 5, and the answer published within 2. Decree 20/2008/NĐ-CP (the
receipt and handling of feedback and petitions on administrative rules)
gives the clock rules DOMAIN does not: the time counts from receipt by the
agency that must answer, so a case transferred because it was misrouted
starts a fresh limit at the office that receives it, counted from the
transfer, on that office's working calendar. A case reopened by the citizen
gets a fresh limit from the reopening. The citizen may reopen once, within
REOPEN_WORKING_DAYS of the answer.

Asking the citizen for more information (ASK_MORE) follows DOMAIN §1.3's
rule for a dossier's supplement request, the nearest the law gives: the
office may ask once, within 5 working days of receiving the case (after that
it answers with what it has); from the request until the citizen's reply
the answer clock is paused, and the reply moves the deadline on by the
working time it waited — the time already spent still counts. The office
may still answer while it waits, with what it has.

An answer that may become the procedure's published question and answer (a
question, or feedback on its rules, whose sender agreed) is to be published
within PUBLISH of the answer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portal.calendar import Calendar, Deadline, TimeLimit, TimeUnit

ANSWER = TimeLimit(Decimal(15), TimeUnit.WORKING_DAYS)
DECLINE = TimeLimit(Decimal(2), TimeUnit.WORKING_DAYS)
ASK_MORE = TimeLimit(Decimal(5), TimeUnit.WORKING_DAYS)
PUBLISH = TimeLimit(Decimal(2), TimeUnit.WORKING_DAYS)
REOPEN_WORKING_DAYS = 10
REOPEN = TimeLimit(Decimal(REOPEN_WORKING_DAYS), TimeUnit.WORKING_DAYS)


def answer_due(calendar: Calendar, clock_started_at: dt.datetime) -> Deadline:
    """When the answering office must answer: 15 working days from the
    moment it received the case (at intake, at a transfer, at a reopening)."""
    return calendar.deadline(clock_started_at, ANSWER)


def decline_due(calendar: Calendar, received_at: dt.datetime) -> Deadline:
    """When a case must be declined or transferred at the latest."""
    return calendar.deadline(received_at, DECLINE)


def may_reopen_until(calendar: Calendar, answered_at: dt.datetime) -> dt.datetime:
    """The last moment the citizen may reopen an answered case."""
    return calendar.deadline(answered_at, REOPEN).due_at


def ask_more_until(calendar: Calendar, clock_started_at: dt.datetime) -> dt.datetime:
    """The last moment the answering office may ask for more information."""
    return calendar.deadline(clock_started_at, ASK_MORE).due_at


def resumed_due(calendar: Calendar, due_at: dt.datetime, asked_at: dt.datetime, given_at: dt.datetime) -> dt.datetime:
    """The answer's deadline once the citizen gives what was asked: moved on
    by the working time the office waited for it."""
    return calendar.add_working_time(due_at, calendar.working_time_between(asked_at, given_at))


def publish_due(calendar: Calendar, answered_at: dt.datetime) -> dt.datetime:
    """When an answer to be published must be on the procedure's page."""
    return calendar.deadline(answered_at, PUBLISH).due_at

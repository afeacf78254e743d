"""Inbound SMS to the line, provider-neutral: a gateway class turns the
provider's webhook call into (phone, text), after checking that it was
signed with the shared secret (settings.LINE_SMS_SECRET); `handle` then does
what the message asks, and answers with the reply the sender gets by SMS.

A message that starts with a case code ("PA-261207-0003 ...") is about that
case, and only from the phone the case was opened with: "1" says the answer
satisfies, "2" that it does not, "MO LAI" and a reason reopens it; while the
office waits for more information, any other words are that information;
anything else gets the case's state. An unknown code — or one opened from another
phone: the same answer — changes nothing and says so. Any other message
opens a case. A refused message (empty, abusive, a flood) is answered with
the reason, a flood once per window so that the replies are no flood.

`JsonGateway` reads `{"from": "...", "text": "..."}` signed with
`X-Line-Signature: <hex HMAC-SHA256 of the body>`; another provider's format
is another class with the same `parse`. For development and tests,
`manage.py line_sms PHONE TEXT` hands a message to `handle` directly.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from dossiers.errors import ActionError
from petitions import messages, workflow
from petitions.models import Case, Channel, State
from portal import limits
from portal.models import Office
from portal.phones import is_phone, normalise_phone

_CODE = re.compile(r"^\s*(PA-\d{6}-\d{4})\b\s*(.*)$", re.IGNORECASE | re.DOTALL)
_CODE_LIKE = re.compile(r"^\s*PA[-\s]?\d", re.IGNORECASE)
_REOPEN = re.compile(r"^(mo lai|mở lại|reopen)\b\s*(.*)$", re.IGNORECASE | re.DOTALL)


class Refused(Exception):
    """The call is not the gateway's (bad signature, unreadable): 4xx."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Inbound:
    phone: str
    text: str


@dataclass(frozen=True)
class Outcome:
    reply: str
    case: Case | None = None
    status: int = 200


def signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class JsonGateway:
    header = "X-Line-Signature"

    def parse(self, body: bytes, headers) -> Inbound:
        secret = settings.LINE_SMS_SECRET
        given = headers.get(self.header, "")
        if not secret or not given or not hmac.compare_digest(given, signature(body, secret)):
            raise Refused(_("The message is not signed with the gateway's secret."), status=403)
        try:
            data = json.loads(body.decode("utf-8"))
            phone, text = str(data["from"]), str(data.get("text", ""))
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
            raise Refused(_("Send JSON with “from” and “text”.")) from None
        if not is_phone(phone):
            raise Refused(_("“from” is not a phone number."))
        return Inbound(normalise_phone(phone), text)


def gateway():
    from django.utils.module_loading import import_string

    return import_string(settings.LINE_SMS_INBOUND)()


def province() -> Office | None:
    """The province whose switchboard the SMS number serves."""
    return Office.objects.filter(level=Office.Level.PROVINCE, is_active=True).order_by("pk").first()


def handle(message: Inbound) -> Outcome:
    found = _CODE.match(message.text or "")
    if found is None and _CODE_LIKE.match(message.text or ""):
        return _reply(message.phone, _("This code is not one of ours. Check it against our SMS."), status=404)
    if found is not None:
        return _about_case(message.phone, found.group(1).upper(), found.group(2).strip())
    home = province()
    if home is None:
        return _reply(message.phone, _("The line is not open yet."), status=503)
    try:
        case = workflow.receive(channel=Channel.SMS, text=message.text, phone=message.phone, province=home)
    except workflow.TooManyMessages as flood:
        # Told once per window: replying to every message would be a flood too.
        key = f"line-flood-told:{hashlib.sha256(message.phone.encode()).hexdigest()[:32]}"
        if cache.add(key, 1, limits.LINE_SENDER.window):
            messages.reply_sms(message.phone, flood.message)
        return Outcome(flood.message, status=429)
    except ActionError as refused:
        return _reply(message.phone, refused.message, status=refused.http_status)
    return Outcome(_("Received: %(code)s.") % {"code": case.code}, case=case, status=201)


def _about_case(phone: str, code: str, rest: str) -> Outcome:
    case = Case.objects.filter(code=code, phone=phone).first()
    if case is None:
        return _reply(phone, _("No case %(code)s was sent from this number. Check the code.") % {"code": code}, 404)
    reopen = _REOPEN.match(rest)
    try:
        if rest in ("1", "2"):
            workflow.perform(case, "rate", citizen_proved=True, satisfied=rest == "1")
            return _reply(phone, _("Thank you: your rating of %(code)s is recorded.") % {"code": code}, case=case)
        if reopen is not None:
            workflow.perform(case, "reopen", citizen_proved=True, note=reopen.group(2) or rest)
            return _reply(phone, _("%(code)s is reopened; a new answer will follow.") % {"code": code}, case=case)
        if rest and case.state == State.AWAITING_INFO:
            workflow.perform(case, "supply", citizen_proved=True, note=rest[: workflow.MAX_TEXT])
            return _reply(phone, _("Thank you: the information for %(code)s is passed on.") % {"code": code}, case=case)
    except ActionError as refused:
        return _reply(phone, refused.message, status=refused.http_status, case=case)
    state = case.get_state_display()
    return _reply(phone, _("%(code)s: %(state)s.") % {"code": code, "state": state}, case=case)


def _reply(phone: str, text: str, status: int = 200, case: Case | None = None) -> Outcome:
    messages.reply_sms(phone, text)
    return Outcome(text, case=case, status=status)

"""What the logs keep: never a whole phone number or email address, and a
message's text (a one-time code in it) only from the console backends of
development."""

import logging
import re

import pytest
from django.core.mail import send_mail

from portal.mail import ConsoleBackend as ConsoleEmail
from portal.mail import mask_email
from portal.phones import mask_phone
from portal.sms import ConsoleBackend as ConsoleSms
from tests.gateways import SmsGateway


def test_the_development_sms_console_shows_the_text_and_masks_the_phone(caplog):
    caplog.set_level(logging.DEBUG)
    ConsoleSms().send("+84 912 345 621", "Mã của bạn: 482913")
    assert "09******21" in caplog.text and "Mã của bạn: 482913" in caplog.text
    assert "912345621" not in caplog.text and "912 345 621" not in caplog.text


def test_the_development_email_console_shows_the_text_and_masks_the_address(caplog, settings):
    settings.EMAIL_BACKEND = "portal.mail.ConsoleBackend"
    caplog.set_level(logging.DEBUG)
    send_mail("Mã xác nhận", "Mã của bạn: 482913", "portal@example.gov.vn", ["lan.nguyen@example.org"])
    assert "l*********@example.org" in caplog.text and "Mã của bạn: 482913" in caplog.text
    assert "lan.nguyen" not in caplog.text
    assert ConsoleEmail().send_messages([]) == 0


def test_masks_keep_enough_to_tell_two_apart():
    assert mask_phone("0912 345 678") == "09******78"
    assert mask_phone("+66 81 234 5678") == "08******78"
    assert mask_phone("123") == "***"
    assert mask_email("an@example.org") == "a**@example.org"
    assert mask_email("not-an-address") == "**************"


PHONE_SPELLINGS = ("0987654321", "987654321", "0987 654 321", "+84987654321")


@pytest.mark.django_db
def test_sending_and_entering_one_time_codes_through_a_gateway_logs_no_phone_and_no_code(client, caplog, settings):
    """The production path: a real gateway (not a console), DEBUG off; every
    logger at every level, the request logger's 4xx warnings included."""
    settings.DEBUG = False
    settings.SMS_BACKEND = "tests.gateways.SmsGateway"
    SmsGateway.sent.clear()
    caplog.set_level(logging.DEBUG)
    data = {"full_name": "Lò Văn Páo", "phone": "0987 654 321", "password1": "ruong-lua-xanh-2026"}
    client.post("/accounts/register/", {**data, "password2": "ruong-lua-xanh-2026"})
    [(_phone, text)] = SmsGateway.sent
    code = re.search(r"\b\d{6}\b", text).group()
    wrong = "000000" if code != "000000" else "111111"
    assert client.post("/accounts/register/code/", {"action": "verify", "code": wrong}).status_code == 400
    assert client.post("/accounts/register/code/", {"action": "verify", "code": code}).status_code == 302
    client.logout()
    client.post("/accounts/password/", {"destination": "0987654321"})
    [_, (_phone, text)] = SmsGateway.sent
    second = re.search(r"\b\d{6}\b", text).group()
    client.post("/accounts/password/code/", {"action": "verify", "code": wrong if wrong != second else "222222"})
    client.post("/accounts/password/code/", {"action": "verify", "code": second})

    assert any(record.name == "django.request" for record in caplog.records)  # the 400s were logged
    for secret in (*PHONE_SPELLINGS, code, second, "ruong-lua-xanh-2026", "Lò Văn Páo"):
        assert secret not in caplog.text, secret


def test_a_gateway_failure_is_logged_without_the_phone_or_the_text(client, caplog, settings, db):
    settings.SMS_BACKEND = "tests.gateways.BrokenGateway"
    caplog.set_level(logging.DEBUG)
    data = {"full_name": "Lò Văn Páo", "phone": "0987654321", "password1": "ruong-lua-xanh-2026"}
    client.post("/accounts/register/", {**data, "password2": "ruong-lua-xanh-2026"})
    assert "A one-time code message could not be sent: ConnectionError" in caplog.text
    for secret in PHONE_SPELLINGS:
        assert secret not in caplog.text


def test_the_request_log_of_the_development_server_keeps_no_query_string(settings):
    from django.core.servers.basehttp import WSGIRequestHandler

    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None
    handler.log_date_time_string = lambda: "30/Nov/2026 09:00:00"
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    logger = logging.getLogger("django.server")
    keep = Keep()
    logger.addHandler(keep)
    try:
        handler.log_message('"%s" %s %s', "GET /api/v1/track/?code=X&phone_last4=5678 HTTP/1.1", "200", "42")
        handler.log_message('"%s" %s %s', "GET /verify/X/?k=ABCD-2345 HTTP/1.1", "404", "42")
    finally:
        logger.removeHandler(keep)
    assert seen == ['"GET /api/v1/track/ HTTP/1.1" 200 42', '"GET /verify/X/ HTTP/1.1" 404 42']

"""What the logs keep: never a whole phone number or email address, and a
message's text (a one-time code in it) only from the console backends of
development."""

import logging

from django.core.mail import send_mail

from portal.mail import ConsoleBackend as ConsoleEmail
from portal.mail import mask_email
from portal.phones import mask_phone
from portal.sms import ConsoleBackend as ConsoleSms


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

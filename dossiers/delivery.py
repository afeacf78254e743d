"""Where the citizen collects the result (Đăng ký nhận kết quả tại), and
what each way needs: the one rule for the counter's intake, the citizen's
application and the API (`Delivery.needs`), and for who hands the result
back (dossiers/permissions.py). Pure."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """Where the citizen collects the result (Đăng ký nhận kết quả tại)."""

    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronically")

    @classmethod
    def offered(cls, keep: str = "") -> list[Delivery]:
        """The ways the offices can hand a result over, for a new
        application at any door: at the counter, by post, or electronically
        (the signed result in the citizen's account and a link by email and
        SMS: dossiers/results.py). A record that already chose another way
        (`keep`) keeps showing it."""
        ways = [cls.COUNTER, cls.POST, cls.ELECTRONIC]
        if keep and keep not in ways and keep in cls.values:
            ways.append(cls(keep))
        return ways

    @classmethod
    def not_offered(cls, delivery: str) -> str:
        """Why `delivery` cannot be chosen for a new application, or ""."""
        if not delivery or delivery in cls.offered():
            return ""
        return str(_("Choose how to receive the result: at the counter, by post or electronically."))

    @classmethod
    def needs(cls, delivery: str, address: str, email: str) -> dict[str, str]:
        """What the chosen delivery still lacks, by the field that lacks it:
        post needs an address, an electronic result an email address. The
        one rule for the counter's intake, the citizen's application and the
        API."""
        if delivery == cls.POST and not (address or "").strip():
            return {"delivery_address": str(_("Give the address the result is posted to."))}
        if delivery == cls.ELECTRONIC and not (email or "").strip():
            return {"email": str(_("An electronic result needs an email address."))}
        return {}

"""Keys for the REST API: a person's, from signing in through the API, and
a partner system's, with scopes, from an administrator. Every key expires
(a person's after API_TOKEN_DAYS, a partner's after PARTNER_KEY_DAYS unless
the administrator says otherwise); a person may revoke their own keys, and
changing a password revokes every key signed in with the old one."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: dt.datetime) -> ApiTokenQuerySet:
        return self.filter(expires_at__gt=now, user__is_active=True)

    def personal(self) -> ApiTokenQuerySet:
        """Keys got by signing in with a password (a partner's have scopes)."""
        return self.filter(scopes=[])


class ApiToken(models.Model):
    """A key for the REST API. A person gets one by signing in through the
    API and acts with their own roles; a partner system (a hospital, the
    post) gets one from an administrator with `scopes`, and may then call
    only the endpoints of those scopes. Only the key's SHA-256 is kept: the
    key itself is shown once, when it is issued."""

    class Scope(models.TextChoices):
        BIRTH_EVENTS = "events:birth", _("Report births")
        LINE_CASES = "line:cases", _("Open cases of the feedback line")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=150, help_text=_("Who or what uses the key."))
    key_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, user, name: str, *, scopes: Iterable[str] = (), expires_at: dt.datetime | None = None
    ) -> tuple[ApiToken, str]:
        """A new token and its key, which is not stored and cannot be shown
        again. Without `expires_at` it lasts API_TOKEN_DAYS (a person's key)
        or PARTNER_KEY_DAYS (a partner's)."""
        scopes = list(scopes)
        if expires_at is None:
            days = settings.PARTNER_KEY_DAYS if scopes else settings.API_TOKEN_DAYS
            expires_at = timezone.now() + dt.timedelta(days=days)
        key = secrets.token_urlsafe(30)
        token = cls.objects.create(
            user=user,
            name=name,
            key_sha256=cls.digest(key),
            prefix=key[:8],
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
        )
        return token, key

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_partner(self) -> bool:
        """A partner system's key: good only for its scopes."""
        return bool(self.scopes)

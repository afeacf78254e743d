"""What the API keeps for itself: the keys of requests that must not open a
second dossier when a partner system sends them again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """`Idempotency-Key` sent with `POST /api/v1/dossiers/`: the dossier the
    first request opened. A retry with the same key (after a timeout, a lost
    answer) gets that dossier back instead of a second one. Written in the
    transaction that opens the dossier, so two requests with one key at once
    open one dossier."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=100)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_dossier_per_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"

"""The documents a supplement request asks for (dossiers/supplements.py
holds the rules), each tied to the request's audit event — one round per
request — and to the document of the dossier's checklist, with the file that
answered it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models.documents import Attachment, DossierDocument
from dossiers.models.dossier import Dossier
from dossiers.models.trail import DossierEvent
from dossiers.supplements import NOTE_MAX_LENGTH, Problem


class RequestedQuerySet(models.QuerySet["RequestedDocument"]):
    def of_last_request(self, dossier: Dossier) -> RequestedQuerySet:
        """The documents the dossier's latest supplement request asked for
        (none if it named none)."""
        last = dossier.events.filter(action="request_supplement").order_by("-at", "-pk").values("pk")[:1]
        return self.filter(dossier=dossier, request__in=last).select_related("document", "answer", "request")


class RequestedDocument(models.Model):
    """One document of the checklist a supplement request asks for: missing
    or faulty, what is wrong, and when (and by which file) it was answered."""

    Problem = Problem

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="requested_documents")
    request = models.ForeignKey(
        DossierEvent, on_delete=models.PROTECT, related_name="requested_documents", verbose_name=_("request")
    )
    document = models.ForeignKey(
        DossierDocument, on_delete=models.CASCADE, related_name="requests", verbose_name=_("document")
    )
    problem = models.CharField(_("problem"), max_length=8, choices=Problem.choices, default=Problem.MISSING)
    note = models.CharField(_("what is wrong"), max_length=NOTE_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.ForeignKey(
        Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("answer")
    )

    objects = RequestedQuerySet.as_manager()

    class Meta:
        verbose_name = _("requested document")
        verbose_name_plural = _("requested documents")
        ordering = ["request", "document__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "document"], name="one_request_per_document")]
        # The open requests of a dossier, matched to a file as it comes in.
        indexes = [models.Index(fields=["dossier", "answered_at"], name="requested_open")]

    def __str__(self) -> str:
        return f"{self.document} ({self.problem})"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

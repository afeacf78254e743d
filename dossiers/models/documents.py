"""What a dossier holds: the documents of the procedure's list as it was
received under them (with the counter's ticks), and the files attached to
them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models.dossier import Dossier, private_storage
from procedures.checklist import ONE_OF, REQUIRED


class DossierDocument(models.Model):
    """A document of the procedure's list as the dossier was received under
    it, and whether the counter has it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.TextField(_("name"))
    case_name = models.CharField(_("case"), max_length=500, blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    # How it is given (RequiredDocument.Kind): a document shown at the
    # counter is ticked when seen and handed back.
    kind = models.CharField(_("how it is given"), max_length=8, default="hand_in", db_default="hand_in")
    is_mandatory = models.BooleanField(_("mandatory"), default=True)
    # Alternatives: one of the documents of a group is enough.
    group = models.CharField(_("one of the group"), max_length=100, blank=True, default="", db_default="")
    is_received = models.BooleanField(_("received"), default=False)
    # What the counter took in at a walk-in intake (dossiers/intake.py); none
    # when it was not counted (an online dossier, one received before).
    originals_received = models.PositiveSmallIntegerField(_("originals received"), null=True, blank=True)
    copies_received = models.PositiveSmallIntegerField(_("copies received"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["dossier", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["dossier", "position"], name="one_document_per_position")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def from_terms(cls, dossier: Dossier | None, documents: list[dict], received: set[int]) -> list[DossierDocument]:
        """The documents of a procedure's terms (`Procedure.terms_for`, the
        checklist for the dossier's answers), unsaved, keeping their numbers
        in the procedure's list; those whose number is in `received` are
        ticked."""
        return [
            cls(
                dossier=dossier,
                position=doc["position"],
                name=doc["name"],
                case_name=doc["case"],
                kind=doc.get("kind", "hand_in"),
                originals=doc["originals"],
                copies=doc["copies"],
                is_mandatory=doc["need"] in (REQUIRED, ONE_OF),
                group=doc.get("group", "") if doc["need"] == ONE_OF else "",
                is_received=doc["position"] in received,
            )
            for doc in documents
        ]

    @property
    def originals_taken(self) -> int:
        """The originals taken in: as counted at the counter, else as the procedure asks."""
        return self.originals if self.originals_received is None else self.originals_received

    @property
    def copies_taken(self) -> int:
        return self.copies if self.copies_received is None else self.copies_received

    @property
    def is_shown(self) -> bool:
        """Shown at the counter and handed back: nothing to upload online."""
        return self.kind == "show"


class Attachment(models.Model):
    """A file: a scan or an upload of one of the dossier's documents."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        DossierDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to="dossiers/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

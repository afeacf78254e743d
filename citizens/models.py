"""What citizens keep in the portal besides their dossiers: applications
not yet sent (drafts and their files), their ratings, feedback and
complaints with the supervisors' answers, and the life events partner
systems report for them (proactive service)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Delivery, Dossier, DossierDocument, State, missing_of, private_storage
from portal import codes
from portal.models import Office
from procedures import eforms
from procedures import fees as fee_rules
from procedures.eforms import EForm
from procedures.models import Channel, FeeExemption, Procedure, localised


class Draft(models.Model):
    """An online application not yet submitted: the citizen fills it in over
    several pages and may leave and come back (save and return). Submitting
    it opens the dossier (`citizens.applications.submit`) and deletes it.

    One left alone is deleted with its files DRAFT_EXPIRY_DAYS after it was
    last saved (`deletion_on`), and never without notice: the citizen is
    reminded DRAFT_REMINDER_DAYS before, and a draft whose reminder went out
    late is kept that long after it (`citizens.tasks.expire_drafts`)."""

    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applicant_name = models.CharField(_("full name"), max_length=150, blank=True)
    applicant_id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("phone number"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    delivery = models.CharField(_("result delivery"), max_length=16, choices=Delivery.choices, blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    # Yes/no answers to the procedure's questions about the applicant's
    # situation, by question key; they choose the documents asked for.
    answers = models.JSONField(_("answers about the applicant's situation"), default=dict, blank=True)
    # The procedure's e-form as filled in so far (procedures.eforms), by
    # field name; rendered as the official declaration when it is sent.
    declaration = models.JSONField(_("declaration"), default=dict, blank=True)
    # What the fees owed depend on (procedures/fees.py::owed): the case or
    # tier, how many of each unit, the exemption claimed.
    fee_case = models.CharField(_("fee case"), max_length=500, blank=True, default="", db_default="")
    fee_quantities = models.JSONField(_("fee quantities"), default=dict, blank=True)
    fee_exemption = models.ForeignKey(
        FeeExemption,
        verbose_name=_("fee exemption claimed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(_("reminded of its deletion at"), null=True, blank=True, editable=False)
    # An assisted application (dossiers.models.Assistance): `citizen` is the
    # member of staff who sends it for the applicant named here, who agreed
    # at `consented_at`, helped by them or by the volunteer named.
    consent_name = models.CharField(_("applicant who agreed"), max_length=150, blank=True)
    volunteer_name = models.CharField(_("volunteer"), max_length=150, blank=True)
    consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)

    class Meta:
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")
        indexes = [
            # A citizen's page lists their drafts, the latest first.
            models.Index(fields=["citizen", "updated_at"], name="draft_citizen"),
            # The daily sweep of drafts left alone.
            models.Index(fields=["updated_at"], name="draft_left_alone"),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id}: {self.procedure_id}"

    @property
    def is_reminded(self) -> bool:
        """Whether the citizen was told of the deletion since the last save."""
        return self.reminded_at is not None and self.reminded_at >= self.updated_at

    @property
    def deletion_on(self) -> dt.date:
        """The day the draft is deleted unless its citizen continues it:
        DRAFT_EXPIRY_DAYS after it was last saved, and never sooner than
        DRAFT_REMINDER_DAYS after the reminder."""
        day = timezone.localdate(self.updated_at) + dt.timedelta(days=settings.DRAFT_EXPIRY_DAYS)
        if self.is_reminded:
            assert self.reminded_at is not None
            day = max(day, timezone.localdate(self.reminded_at) + dt.timedelta(days=settings.DRAFT_REMINDER_DAYS))
        return day

    @property
    def deletion_is_near(self) -> bool:
        return self.deletion_on <= timezone.localdate() + dt.timedelta(days=settings.DRAFT_REMINDER_DAYS)

    @property
    def applicant(self) -> dict[str, str]:
        return {
            "name": self.applicant_name,
            "id_number": self.applicant_id_number,
            "phone": self.applicant_phone,
            "email": self.applicant_email,
            "address": self.applicant_address,
        }

    def questions(self) -> list[dict]:
        """The procedure's questions asked online, each with the answer given
        so far ("answer": True, False or None)."""
        if self.procedure.channel(Channel.ONLINE) is None:
            return []
        asked = self.procedure.terms_for(Channel.ONLINE)["questions"]
        return [
            {
                **question,
                "answer": self.answers.get(question["key"]),
                "display_text": localised(question["text"], question["text_en"], question["text_th"]),
            }
            for question in asked
        ]

    def documents(self) -> list[DossierDocument]:
        """The documents the online channel asks of this applicant (all those
        not ruled out by an answer while questions are open), unsaved,
        numbered as the dossier will number them, each with its uploaded
        `files`."""
        if self.procedure.channel(Channel.ONLINE) is None:
            return []  # no longer offered online: `applications.problems` says so
        try:
            terms = self.procedure.terms_for(Channel.ONLINE, self.answers)
        except ValidationError:
            # Questions still open: every document of the channel, the
            # conditional ones as "if the answer is yes".
            terms = self.procedure.terms_for(Channel.ONLINE)
        documents = DossierDocument.from_terms(None, terms["documents"], set())
        files = list(self.files.all())
        for document in documents:
            document.files = [f for f in files if f.position == document.position]
        return documents

    def eform(self) -> EForm | None:
        """The portal's e-form for this application: when the documents
        asked online include the declaration filled in as a form
        (`RequiredDocument.Kind.EFORM`) and the portal has one for the
        procedure."""
        found = eforms.for_procedure(self.procedure.code)
        if found is None or not any(doc.kind == "eform" for doc in self.documents()):
            return None
        return found

    def is_filled_in(self, document: DossierDocument) -> bool:
        """Whether `document` is the e-form and the declaration is complete."""
        eform = self.eform() if document.kind == "eform" else None
        return eform is not None and eform.is_complete(self.declaration)

    def asks_about_fees(self) -> bool:
        """Whether the amount owed online depends on something to ask: the
        case (fees published for several), a quantity (a fee per unit), or an
        exemption that may be claimed."""
        rows = self.procedure.fees_for(Channel.ONLINE, timezone.localdate())
        return (
            len(fee_rules.fee_cases(rows, timezone.localdate())) > 1
            or any(row.unit for row in rows)
            or bool(self.procedure.exemptions())
        )

    def owed(self) -> fee_rules.Owed:
        """What the application would owe if sent today (`Procedure.owed`)."""
        return self.procedure.owed(
            Channel.ONLINE,
            on=timezone.localdate(),
            case=self.fee_case,
            quantities=self.fee_quantities,
            exemption=self.fee_exemption if self.fee_exemption and self.fee_exemption.is_active else None,
        )

    def missing_documents(self) -> list[DossierDocument]:
        """What is still to be uploaded: documents shown at the counter are
        not uploaded (the original is shown when the result is collected),
        and the e-form is filled in online, not uploaded."""
        return missing_of(self.documents(), lambda doc: doc.is_shown or bool(doc.files) or self.is_filled_in(doc))


class DraftFile(models.Model):
    """A file uploaded for one document of a draft, checked by its content."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveSmallIntegerField(help_text=_("The document's number in the procedure's list."))
    file = models.FileField(upload_to="drafts/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveSmallIntegerField(default=1)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class SentDraft(models.Model):
    """What became of a draft once sent: its dossier. The draft itself is
    deleted, but a page of it opened again (the browser's Back button, an
    old tab) still finds where the application went."""

    draft_number = models.PositiveIntegerField(unique=True, help_text=_("The number the draft had."))
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.draft_number} → {self.dossier_id}"


class Feedback(models.Model):
    """A citizen's word on a dossier: a rating of the service once the result
    is handed over, or feedback or a complaint at any time (a slow or rude
    officer). It reaches the supervisors of the office that handles the
    dossier, keeps the stage it was sent at, and gets an answer the citizen
    sees."""

    class Kind(models.TextChoices):
        RATING = "rating", _("Rating")
        FEEDBACK = "feedback", _("Feedback")
        COMPLAINT = "complaint", _("Complaint")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    stage = models.CharField(_("stage"), max_length=24, choices=State.choices)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]
        # The supervisor's list: unanswered first, newest first.
        indexes = [models.Index(fields=["answered_at", "created_at"], name="feedback_unanswered")]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(kind="rating"), name="one_rating_per_dossier"),
            models.CheckConstraint(
                condition=Q(kind="rating", rating__gte=1, rating__lte=5) | (~Q(kind="rating") & Q(rating=None)),
                name="rating_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"


class LifeEvent(models.Model):
    """A life event a partner system reported (first: a birth at a
    hospital), and the application it prepares for the citizen (proactive
    service): the birth registration, filled in from the report, which the
    parent confirms and sends; nothing reaches the counter before that.

    It reaches only the person the partner reported: whoever proves they
    hold the reported phone, by the one-time code texted to it, claims it
    for their account (`claimed_by`), and nobody else ever. No profile field
    (an ID number, a phone number typed into an account) is proof of
    anything."""

    class Kind(models.TextChoices):
        BIRTH = "birth", _("Birth")

    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("partner's reference"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BIRTH)
    occurred_at = models.DateTimeField(_("occurred at"))
    place = models.CharField(_("place"), max_length=300)
    details = models.JSONField(_("details"), default=dict, help_text=_("What the partner reported of the child."))
    parent_name = models.CharField(_("parent's name"), max_length=150)
    parent_id_number = models.CharField(_("parent's ID number"), max_length=20)
    parent_phone = models.CharField(_("parent's phone"), max_length=20)
    parent_email = models.EmailField(_("parent's email"), blank=True)
    parent_address = models.CharField(_("parent's address"), max_length=300, blank=True)
    office = models.ForeignKey(Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+")
    # The link in the message to the parent: unguessable, good for this event only.
    token = models.CharField(max_length=43, unique=True, editable=False)
    draft = models.ForeignKey(Draft, on_delete=models.SET_NULL, null=True, blank=True, related_name="life_events")
    dossier = models.ForeignKey(Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="life_events")
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("sent by the parent at"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The account that proved it holds the reported phone."),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # The one-time code texted to the reported phone: only its HMAC is kept.
    code_digest = models.CharField(max_length=64, blank=True, editable=False)
    code_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    codes_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["-reported_at"]
        constraints = [
            # A partner's retry reports nothing twice.
            models.UniqueConstraint(fields=["partner", "reference"], name="one_life_event_per_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("citizen:life_event", args=[self.token])

    @property
    def status(self) -> str:
        return "sent" if self.dossier_id else "waiting_for_parent"

    @property
    def code_purpose(self) -> str:
        return f"life-event|{self.pk}"

    def code_digest_of(self, code: str) -> str:
        return codes.digest(self.code_purpose, code)

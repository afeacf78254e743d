"""The procedure catalogue (the "e-handbook"): sectors and the administrative
procedures a one-stop counter handles, mirroring the national procedure record
(DOMAIN.md §4): per channel a time limit and fees, the documents to bring, the
processing stages with their share of the time limit, and the legal basis.

A dossier keeps a snapshot of the terms it was received under (`terms_for`),
so editing a procedure never changes a dossier already received.

The module is long because a procedure and its parts (channels, fees,
questions, documents, stages, legal basis) are one record, imported,
exported and edited together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.calendar import TimeLimit, TimeUnit, format_amount
from procedures import checklist
from procedures.search import fold


class Channel(models.TextChoices):
    """How a dossier reaches the office (Hình thức nộp)."""

    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")


class Sector(models.Model):
    """A field of administration (Lĩnh vực): civil status, certification, ..."""

    code = models.SlugField(_("code"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    name_th = models.CharField(_("name in Thai"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # The sector's names are searched with its procedures.
        for procedure in self.procedures.all():
            procedure.sector = self
            procedure.save(update_fields=["search_text"])

    @property
    def display_name(self) -> str:
        return localised(self.name, self.name_en, self.name_th)


def localised(name: str, name_en: str, name_th: str) -> str:
    """A catalogue name in the reader's language where the catalogue has it;
    the official Vietnamese name otherwise."""
    language = (get_language() or "vi").split("-")[0]
    return {"en": name_en, "th": name_th}.get(language) or name


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def active(self) -> ProcedureQuerySet:
        return self.filter(is_active=True)

    def matching(self, words: str) -> ProcedureQuerySet:
        """Procedures whose code, names (Vietnamese, English, Thai), result
        or sector hold every word typed, with or without diacritics, best
        first: the code itself, then the phrase in a name, then every word
        in a name, then the rest; among equals the shorter (more general)
        name first, so "dang ky khai sinh" puts "Đăng ký khai sinh" before
        its variants with a foreign element."""
        folded = fold(words)
        queryset = self
        for word in folded.split():
            queryset = queryset.filter(search_text__contains=word)
        in_names = Q()
        for word in folded.split():
            in_names &= Q(search_names__contains=word)
        return queryset.annotate(
            rank=Case(
                When(code=words.strip(), then=Value(0)),
                When(search_names__contains=folded, then=Value(1)),
                When(in_names, then=Value(2)),
                default=Value(3),
            ),
            name_length=Length("name"),
        ).order_by("rank", "name_length", "code")


procedure_code_validator = RegexValidator(
    r"^[0-9]+\.[0-9]+$", _("A procedure code is digits, a dot and digits, e.g. 1.001193.")
)


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) as the national
    procedure database publishes it."""

    class Level(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        PROVINCE = "province", _("Province")

    class OnlineLevel(models.TextChoices):
        # Decree 42/2022/NĐ-CP: full (toàn trình) or partial (một phần).
        FULL = "full", _("Full online")
        PARTIAL = "partial", _("Partly online")
        OFFLINE = "offline", _("In person only")

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[procedure_code_validator])
    name = models.CharField(_("name"), max_length=1000)
    # The official name is Vietnamese; these help English and Thai readers
    # find and read the procedure (the documents and steps stay official text).
    name_en = models.CharField(_("name in English"), max_length=1000, blank=True)
    name_th = models.CharField(_("name in Thai"), max_length=1000, blank=True)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.COMMUNE)
    applicants = models.TextField(_("who may apply"), blank=True)
    steps = models.TextField(_("steps"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    result = models.TextField(_("result"), blank=True)
    result_code = models.CharField(
        _("result code"),
        max_length=200,
        blank=True,
        help_text=_("E.g. KQ.G15.000031; several separated by commas."),
    )
    decision_number = models.CharField(_("announcing decision"), max_length=100, blank=True)
    online_level = models.CharField(
        _("online level"), max_length=16, choices=OnlineLevel.choices, default=OnlineLevel.OFFLINE
    )
    is_location_independent = models.BooleanField(
        _("any counter of the province may receive it"),
        default=False,
        help_text=_(
            "Location-independent (phi địa giới): received anywhere in the province, handled by the competent office."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    # Folded for search without diacritics (search.fold): the names in every
    # language with the code; and those with the result and the sector.
    search_names = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]
        # The catalogue lists active procedures of a sector.
        indexes = [models.Index(fields=["sector", "is_active"], name="procedure_sector_active")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.search_names = fold(f"{self.code} {self.name} {self.name_en} {self.name_th}")
        sector = self.sector if self.sector_id else None
        sector_names = f"{sector.name} {sector.name_en} {sector.name_th}" if sector else ""
        self.search_text = fold(f"{self.search_names} {self.result} {self.result_code} {sector_names}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_names", "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", args=[self.code])

    @property
    def display_name(self) -> str:
        return localised(self.name, self.name_en, self.name_th)

    @property
    def may_apply_online(self) -> bool:
        """Full or partial online service with an online channel."""
        return (
            self.is_active
            and self.online_level != self.OnlineLevel.OFFLINE
            and self.channel(Channel.ONLINE) is not None
        )

    def channel(self, channel: str) -> ProcedureChannel | None:
        return next((c for c in self.channels.all() if c.channel == channel), None)

    def fees_for(self, channel: str) -> list[Fee]:
        """The fees charged on `channel` (none listed: not published)."""
        return [fee for fee in self.fees.all() if fee.channel == channel]

    def stage_shares(self) -> dict[str, Decimal]:
        """Each stage's share of the time limit in percent; the default split
        when the procedure defines none (the national records publish none)."""
        shares = {stage.kind: stage.share_percent for stage in self.stages.all()}
        return shares or dict(DEFAULT_STAGE_SHARES)

    def terms_for(self, channel: str, answers: Mapping[str, Any] | None = None) -> dict:
        """The terms a dossier on `channel` is received under, as plain data to
        keep with the dossier: time limit, fees, the questions about the
        applicant's situation asked on that channel with `answers` to them,
        the documents those answers call for (`checklist.checklist`; with no
        answers, every document of the channel, the conditional ones marked
        as such), stage shares. Answers that leave a question open, or
        answer a question the procedure does not ask, raise ValidationError."""
        option = self.channel(channel)
        if option is None:
            raise ValidationError(
                _("%(procedure)s cannot be submitted %(channel)s."),
                params={"procedure": self.code, "channel": Channel(channel).label.lower()},
            )
        questions = list(self.questions.all())
        keys = {question.pk: question.key for question in questions}
        documents = [
            {
                "id": doc.pk,
                "position": position,
                "name": doc.name,
                "case": doc.case_name,
                "kind": doc.kind,
                "originals": doc.originals,
                "copies": doc.copies,
                "is_mandatory": doc.is_mandatory,
                "condition": keys.get(doc.condition_id, ""),
                "scope": doc.scope,
                "group": doc.group,
            }
            for position, doc in enumerate(self.documents.all(), start=1)
        ]
        asked = checklist.questions_asked(
            [
                {"key": q.key, "text": q.text, "text_en": q.text_en, "text_th": q.text_th, "help": q.help_text}
                for q in questions
            ],
            documents,
            channel,
        )
        if answers is not None:
            try:
                answers = checklist.check_answers(asked, answers)
            except checklist.Unanswered as error:
                raise ValidationError(error.messages, code="answers") from None
        return {
            "procedure": self.code,
            "channel": channel,
            "time_limit": {"amount": str(option.time_limit_amount), "unit": option.time_limit_unit},
            "fees": [
                {"name": fee.name, "amount_vnd": fee.amount_vnd, "exemption_note": fee.exemption_note}
                for fee in self.fees_for(channel)
            ],
            "questions": asked,
            "answers": answers,
            "documents": checklist.checklist(documents, channel, answers),
            "stages": {kind: str(share) for kind, share in self.stage_shares().items()},
        }


class ProcedureChannel(models.Model):
    """One way to submit a procedure, with its own time limit (Cách thức thực hiện)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    time_limit_amount = models.DecimalField(
        _("time limit"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Fractions allowed: 0.5 working day = 4 working hours. Ignored for same day."),
    )
    time_limit_unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("channel and time limit")
        verbose_name_plural = _("channels and time limits")
        ordering = ["procedure", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "channel"], name="one_row_per_procedure_channel"),
            models.CheckConstraint(condition=Q(time_limit_amount__gte=0), name="time_limit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.time_limit}"

    @property
    def time_limit(self) -> TimeLimit:
        return TimeLimit(self.time_limit_amount, TimeUnit(self.time_limit_unit))


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) for one channel, in whole VND."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    name = models.CharField(_("name"), max_length=300)
    amount_vnd = models.BigIntegerField(_("amount (VND)"), validators=[MinValueValidator(0)])
    exemption_note = models.TextField(_("exemptions and notes"), blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["procedure", "channel", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount_vnd__gte=0), name="fee_not_negative")]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount_vnd:,} VND"


class Question(models.Model):
    """A plain yes/no question about the applicant's situation ("Was the
    child abandoned?"): documents conditional on it are needed only when the
    answer is yes. The applicant answers online or at the kiosk, or the clerk
    asks at intake; the answers give the exact checklist (`checklist.py`)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_("A short name for the question in answers and in the API, e.g. on-behalf."),
    )
    text = models.CharField(_("question"), max_length=300)
    text_en = models.CharField(_("question in English"), max_length=300, blank=True)
    text_th = models.CharField(_("question in Thai"), max_length=300, blank=True)
    help_text = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("question about the applicant's situation")
        verbose_name_plural = _("questions about the applicant's situation")
        ordering = ["procedure", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["procedure", "key"], name="one_question_per_key")]

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        return localised(self.text, self.text_en, self.text_th)


class RequiredDocument(models.Model):
    """A document of the procedure's file (Thành phần hồ sơ) as the law states
    it: handed in, shown at the counter or filled in as an e-form; needed in
    every case, only when a question is answered yes, only on one kind of
    channel, as one of a group of alternatives, or only if the applicant has
    one ("nếu có")."""

    class Kind(models.TextChoices):
        HAND_IN = "hand_in", _("Handed in")
        SHOW = "show", _("Shown at the counter")
        EFORM = "eform", _("Filled in as a form")

    class Scope(models.TextChoices):
        EVERY = "", _("Every channel")
        ONLINE = "online", _("Online applications only")
        PAPER = "paper", _("Paper applications only (in person or by post)")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    case_name = models.CharField(
        _("case"),
        max_length=500,
        blank=True,
        help_text=_(
            "For procedures whose file differs by case (a), b) ...): the dossier needs one case's documents. "
            "Blank when the document belongs to every case."
        ),
    )
    name = models.TextField(_("name"))
    kind = models.CharField(
        _("how it is given"),
        max_length=8,
        choices=Kind.choices,
        default=Kind.HAND_IN,
        help_text=_(
            "Shown: the original is shown at the counter and handed back; nothing is uploaded online. "
            "Filled in as a form: the declaration the online applicant fills in."
        ),
    )
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    is_mandatory = models.BooleanField(
        _("mandatory"), default=True, help_text=_("Untick for a document brought only if the applicant has one.")
    )
    condition = models.ForeignKey(
        Question,
        verbose_name=_("needed only if the answer is yes to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    scope = models.CharField(_("channels"), max_length=8, choices=Scope.choices, default=Scope.EVERY, blank=True)
    group = models.CharField(
        _("one of the group"),
        max_length=100,
        blank=True,
        help_text=_("Documents with the same group name are alternatives: one of them is enough."),
    )
    template = models.FileField(
        _("form template"),
        upload_to="forms/",
        blank=True,
        # Served to everyone: documents only, nothing a browser would run.
        validators=[FileExtensionValidator(["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "rtf"])],
    )
    template_name = models.CharField(
        _("form template name"), max_length=300, blank=True, help_text=_("The published form's file name.")
    )

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure", "position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        """The name's first sentence, for a list a citizen reads; the rest
        (exemptions, legal detail) is `rest_of_name`."""
        return split_name(self.name)[0]

    @property
    def rest_of_name(self) -> str:
        return split_name(self.name)[1]

    @property
    def reading_order(self) -> int:
        """Needed by everyone first, then alternatives, then what depends on
        the applicant's situation, then what is brought only if one has it."""
        if self.condition_id:
            return 2
        if not self.is_mandatory:
            return 3
        return 1 if self.group else 0


class Stage(models.Model):
    """A processing stage and its share of the procedure's time limit."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Receive")
        APPRAISE = "appraise", _("Appraise")
        APPROVE = "approve", _("Approve")
        STAMP = "stamp", _("Stamp and issue")
        RETURN = "return", _("Return the result")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("stage"), max_length=16, choices=Kind.choices)
    share_percent = models.DecimalField(
        _("share of the time limit (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("processing stage")
        verbose_name_plural = _("processing stages")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "kind"], name="one_share_per_stage"),
            models.CheckConstraint(
                condition=Q(share_percent__gte=0) & Q(share_percent__lte=100), name="stage_share_is_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_amount(self.share_percent)} %"


def split_name(name: str, shortest: int = 25) -> tuple[str, str]:
    """A document's name cut after its first sentence (". " or "; " at least
    `shortest` characters in), as (first sentence, the rest)."""
    for index, char in enumerate(name):
        if index >= shortest and char in ".;" and name[index + 1 : index + 2] == " ":
            return name[: index + 1].rstrip(";").strip(), name[index + 1 :].strip()
    return name, ""


# The national records publish no stage split. This one gives the appraising
# specialist most of the time and keeps the counter's hand-over short.
DEFAULT_STAGE_SHARES: dict[str, Decimal] = {
    Stage.Kind.RECEIVE: Decimal(5),
    Stage.Kind.APPRAISE: Decimal(60),
    Stage.Kind.APPROVE: Decimal(20),
    Stage.Kind.STAMP: Decimal(10),
    Stage.Kind.RETURN: Decimal(5),
}


def check_stage_shares(shares: Iterable[Decimal]) -> None:
    """The stages of a procedure share its whole time limit: 100 %, no more,
    no less. No stages at all is allowed: the default split applies."""
    shares = [Decimal(share) for share in shares]
    if shares and sum(shares) != 100:
        raise ValidationError(
            _("The stages' shares of the time limit add up to %(total)s %%; they must add up to 100 %%."),
            code="stage_shares",
            params={"total": format_amount(sum(shares))},
        )


class LegalDocument(models.Model):
    """A legal document the procedure rests on (Căn cứ pháp lý)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="legal_basis")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    number = models.CharField(_("number"), max_length=100, help_text=_("E.g. 60/2014/QH13."))
    title = models.TextField(_("title"), blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal basis")
        ordering = ["procedure", "position", "pk"]

    def __str__(self) -> str:
        return self.number

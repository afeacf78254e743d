"""The procedure catalogue (the "e-handbook"): sectors and the administrative
procedures a one-stop counter handles, mirroring the national procedure record
(DOMAIN.md §4): per channel a time limit and fees, the documents to bring, the
processing stages with their share of the time limit, and the legal basis.

A dossier keeps a snapshot of the terms it was received under (`terms_for`),
so editing a procedure never changes a dossier already received.

A procedure imported from a record that could not be read in full waits *in
review* with its problems, offered to no one (`active()`, `is_offered`),
until a catalogue administrator completes and publishes it (`publish`).

A published procedure changes by versions (`ProcedureVersion`): each change
of its record is kept whole, numbered, with the day it takes effect and what
changed; one that takes effect later waits as a pending version.

The module is long because a procedure and its parts (channels, fees,
questions, documents, stages, legal basis) are one record, imported,
exported and edited together, and these rules belong on the models they
guard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, F, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.calendar import TimeLimit, TimeUnit, format_amount
from procedures import checklist
from procedures import fees as fee_rules
from procedures.fees import in_force
from procedures.national.text import Problem
from procedures.versions import change_labels


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
        # The sector's names are searched with its procedures: their search
        # index is built again (procedures/search_index.py).
        self.procedures.update(updated_at=timezone.now())

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
        """The procedures offered: in service and published (one still in
        review is seen only by catalogue administrators)."""
        return self.filter(is_active=True, status=Procedure.Status.PUBLISHED)

    def in_review(self) -> ProcedureQuerySet:
        return self.filter(status=Procedure.Status.IN_REVIEW)

    def matching(self, words: str, *, office=None) -> ProcedureQuerySet:
        """The procedures of this queryset matching what was typed, best
        first, as the e-handbook's search ranks them (procedures/search.py);
        `office` ranks its most used procedures higher."""
        from procedures import search_index  # it reads this module's models

        return self.ranked(search_index.search(words, office=office).ids)

    def ranked(self, ids: list[int]) -> ProcedureQuerySet:
        """These procedures, in this order."""
        if not ids:
            return self.none()
        order = Case(
            *(When(pk=pk, then=Value(rank)) for rank, pk in enumerate(ids)), output_field=models.IntegerField()
        )
        return self.filter(pk__in=ids).annotate(rank=order).order_by("rank")


procedure_code_validator = RegexValidator(
    r"^[0-9]+\.[0-9]+$", _("A procedure code is digits, a dot and digits, e.g. 1.001193.")
)


class PaymentDue(models.TextChoices):
    """When a procedure's fees must be paid: the rule the dossier's receive
    and return transitions hold to (dossiers/models/dossier.py)."""

    ANY_TIME = "", _("no requirement")
    BEFORE_PROCESSING = "before_processing", _("before processing")
    AT_HANDOVER = "at_handover", _("before hand-over of the result")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) as the national
    procedure database publishes it."""

    class Level(models.TextChoices):
        # The national record's "Cấp thực hiện": Cấp Bộ, Cấp Tỉnh, Cấp Xã, Cơ quan khác.
        MINISTRY = "ministry", _("Ministry")
        PROVINCE = "province", _("Province")
        COMMUNE = "commune", _("Commune")
        OTHER = "other", _("Other agency")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        # Imported from a record that could not be read in full: not offered
        # until a catalogue administrator completes and publishes it.
        IN_REVIEW = "in_review", _("In review")

    class OnlineLevel(models.TextChoices):
        # Decree 42/2022/NĐ-CP: full (toàn trình) or partial (một phần).
        FULL = "full", _("Full online")
        PARTIAL = "partial", _("Partly online")
        OFFLINE = "offline", _("In person only")

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[procedure_code_validator])
    # Some published names run past 1,000 characters (a list of cases).
    name = models.TextField(_("name"))
    # The official name is Vietnamese; these help English and Thai readers
    # find and read the procedure (the documents and steps stay official text).
    name_en = models.CharField(_("name in English"), max_length=1000, blank=True)
    name_th = models.CharField(_("name in Thai"), max_length=1000, blank=True)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures")
    level = models.CharField(
        _("main level"),
        max_length=16,
        choices=Level.choices,
        default=Level.COMMUNE,
        help_text=_("The level that handles it; a procedure published at several levels lists them all below."),
    )
    # Database defaults (here and below) let rows written without these
    # columns, by an older release during an upgrade, stay valid.
    levels = models.JSONField(
        _("levels"),
        default=list,
        db_default=[],
        blank=True,
        help_text=_("Every level that handles it, as published (ministry, province, commune, other)."),
    )
    implementing_agency = models.TextField(_("implementing agency"), blank=True, default="", db_default="")
    competent_agency = models.TextField(_("competent agency"), blank=True, default="", db_default="")
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
    is_simple = models.BooleanField(
        _("simple: may be settled on the spot"),
        default=False,
        db_default=False,
        help_text=_(
            "“5 tại chỗ”: at an office that allows it, one member of staff holding every role receives, appraises, "
            "approves, stamps and hands over such a dossier in one sitting."
        ),
    )
    payment_due = models.CharField(
        _("fees paid"),
        max_length=20,
        choices=PaymentDue.choices,
        blank=True,
        default=PaymentDue.ANY_TIME,
        db_default=PaymentDue.ANY_TIME,
        help_text=_(
            "When the fees must be paid: before the dossier is received (processing waits for the payment), "
            "or before the result is handed over (the result is held until paid)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    status = models.CharField(
        _("review status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PUBLISHED,
        db_default=Status.PUBLISHED,
    )
    # What an import could not read: [{"field", "message", "source", "template",
    # "params"}] (`procedures.national.Problem.as_dict`; older ones lack the last two).
    review_problems = models.JSONField(_("review problems"), default=list, db_default=[], blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]
        indexes = [
            # The catalogue lists active procedures of a sector.
            models.Index(fields=["sector", "is_active"], name="procedure_sector_active"),
            # The review queue: the procedures in review.
            models.Index(fields=["status"], name="procedure_status"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", args=[self.code])

    @property
    def display_name(self) -> str:
        return localised(self.name, self.name_en, self.name_th)

    @property
    def is_offered(self) -> bool:
        """In service and published: what the public pages, the counter, online
        applications and the API may offer."""
        return self.is_active and self.status == self.Status.PUBLISHED

    @property
    def counter_levels(self) -> list[str]:
        """The levels of the portal's counters that receive it: the province's
        service centre and the communes, as the levels that handle it say (the
        main level when none are listed). A procedure handled only by a
        ministry or another agency has no counter here."""
        levels = set(self.levels or [self.level])
        return [level for level in (self.Level.PROVINCE, self.Level.COMMUNE) if level in levels]

    @property
    def is_received_here(self) -> bool:
        """Whether a counter of the portal receives it (any counter, for one
        any counter of the province may receive)."""
        return self.is_location_independent or bool(self.counter_levels)

    @property
    def may_apply_online(self) -> bool:
        """Full or partial online service with an online channel, to a
        counter of the portal."""
        return (
            self.is_offered
            and self.is_received_here
            and self.online_level != self.OnlineLevel.OFFLINE
            and self.channel(Channel.ONLINE) is not None
        )

    def channel_rows(self, channel: str) -> list[ProcedureChannel]:
        """Every time-limit row of `channel`, one per case, in order."""
        return [c for c in self.channels.all() if c.channel == channel]

    def channel(self, channel: str, case: str | None = None) -> ProcedureChannel | None:
        """The time-limit row of `channel` for `case`; by default the row
        without a case, else the first."""
        rows = self.channel_rows(channel)
        if case is not None:
            return next((row for row in rows if row.case_name == case), None)
        return next((row for row in rows if not row.case_name), rows[0] if rows else None)

    def fees_for(self, channel: str, on: dt.date | None = None) -> list[Fee]:
        """The fees charged on `channel` (none listed: not published); with
        `on`, only those in force that day (`fees.in_force`)."""
        fees = [fee for fee in self.fees.all() if fee.channel == channel]
        return fees if on is None else in_force(fees, on)

    def reductions_for(self, channel: str, on: dt.date) -> list[FeeReduction]:
        """The fee reductions in force `on` for `channel`: this procedure's
        and the general ones."""
        return [
            reduction
            for reduction in FeeReduction.objects.applying_to(self).filter(Q(channel="") | Q(channel=channel))
            if (reduction.valid_from is None or reduction.valid_from <= on)
            and (reduction.valid_until is None or on <= reduction.valid_until)
        ]

    def exemptions(self) -> list[FeeExemption]:
        """The fee exemptions an applicant may claim: this procedure's and the general ones."""
        return list(FeeExemption.objects.applying_to(self).filter(is_active=True))

    def owed(
        self,
        channel: str,
        *,
        on: dt.date,
        case: str = "",
        quantities: Mapping[str, int] | None = None,
        exemption: FeeExemption | None = None,
        confirmed: bool = False,
    ) -> fee_rules.Owed:
        """What an application on `channel` would owe `on`, from the catalogue
        as it stands (a dossier keeps its own terms: `Dossier.owed`). An
        exemption is claimed, unless the counter saw its proof (`confirmed`)."""
        return fee_rules.owed(
            self.fees_for(channel),
            on=on,
            case=case,
            quantities=quantities,
            reductions=[reduction.as_terms() for reduction in self.reductions_for(channel, on)],
            exemption=exemption.as_claim() if exemption else None,
            exemption_status=(fee_rules.CONFIRMED if confirmed else fee_rules.CLAIMED) if exemption else "",
        )

    def publishing_problems(self) -> list[str]:
        """What keeps the procedure from being offered: what a dossier needs
        (a name, a sector, a channel, and a time limit on every channel row)."""
        problems = []
        if not self.name.strip():
            problems.append(_("It has no name."))
        if not self.sector_id:
            problems.append(_("It has no sector."))
        rows = list(self.channels.all())
        if not rows:
            problems.append(_("It has no channel with a time limit."))
        for row in rows:
            if row.time_limit is None:
                problems.append(
                    _("The %(channel)s row %(case)s has no time limit with a unit.")
                    % {
                        "channel": row.get_channel_display().lower(),
                        "case": f"“{row.case_name}”" if row.case_name else "",
                    }
                )
        return problems

    def review_notes(self) -> list[Problem]:
        """What the import could not read, as administrators read it: each
        problem's field and sentence in the active language (`label`,
        `translated`), beside its source text."""
        return [Problem.stored(found) for found in self.review_problems]

    def publish(self) -> None:
        """Offer a procedure in review (ValidationError, naming what is
        missing, while it lacks what a dossier needs). Its review problems
        are taken as answered."""
        problems = self.publishing_problems()
        if problems:
            raise ValidationError(problems)
        self.status = self.Status.PUBLISHED
        self.review_problems = []
        self.save(update_fields=["status", "review_problems", "updated_at"])
        # A version is a record (interchange), which is built from these models.
        from procedures.interchange import record_version

        record_version(self)

    def version_in_force(self) -> ProcedureVersion | None:
        """The latest version whose record the procedure's rows hold (none
        for a procedure never published since versions were kept)."""
        if hasattr(self, "versions_in_force"):  # prefetched: `ProcedureVersion.objects.prefetch_in_force()`
            return next(iter(self.versions_in_force), None)
        return self.versions.in_force().first()

    def stage_shares(self) -> dict[str, Decimal]:
        """Each stage's share of the time limit in percent; the default split
        when the procedure defines none (the national records publish none)."""
        shares = {stage.kind: stage.share_percent for stage in self.stages.all()}
        return shares or dict(DEFAULT_STAGE_SHARES)

    def terms_for(
        self,
        channel: str,
        answers: Mapping[str, Any] | None = None,
        *,
        case: str | None = None,
        on: dt.date | None = None,
    ) -> dict:
        """The terms a dossier on `channel` is received under, as plain data to
        keep with the dossier: time limit (of `case`, by default the row
        without a case, else the first), the fees in force `on` (default
        today), the questions about the applicant's situation asked on that
        channel with `answers` to them, the documents those answers call for
        (`checklist.checklist`; with no answers, every document of the
        channel, the conditional ones marked as such), stage shares. Answers
        that leave a question open, or answer a question the procedure does
        not ask, raise ValidationError."""
        option = self.channel(channel, case)
        if option is None and case is not None and self.channel_rows(channel):
            raise ValidationError(
                _("%(procedure)s has no time limit for the case “%(case)s” %(channel)s."),
                params={"procedure": self.code, "case": case, "channel": Channel(channel).label.lower()},
            )
        if option is None:
            raise ValidationError(
                _("%(procedure)s cannot be submitted %(channel)s."),
                params={"procedure": self.code, "channel": Channel(channel).label.lower()},
            )
        limit = option.time_limit
        if limit is None:
            raise ValidationError(
                _("%(procedure)s has no time limit %(channel)s yet."),
                params={"procedure": self.code, "channel": Channel(channel).label.lower()},
            )
        day = on or timezone.localdate()
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
            "time_limit": {"amount": str(limit.amount), "unit": str(limit.unit), "case": option.case_name},
            "fees": [fee.as_terms() for fee in self.fees_for(channel, day)],
            "fee_reductions": [reduction.as_terms() for reduction in self.reductions_for(channel, day)],
            "questions": asked,
            "answers": answers,
            "documents": checklist.checklist(documents, channel, answers),
            "stages": {kind: str(share) for kind, share in self.stage_shares().items()},
        }


class ProcedureChannel(models.Model):
    """One way to submit a procedure with its time limit (Cách thức thực
    hiện); a channel may publish several time limits, one per case."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="channels")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    case_name = models.CharField(
        _("case"),
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text=_("Blank for the usual time limit; the case it applies to when the channel has several."),
    )
    # Empty only on a procedure in review: the record published no time
    # limit, or a number without its unit.
    time_limit_amount = models.DecimalField(
        _("time limit"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Fractions allowed: 0.5 working day = 4 working hours. Ignored for same day."),
    )
    time_limit_unit = models.CharField(_("unit"), max_length=16, choices=TimeUnit.choices, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("channel and time limit")
        verbose_name_plural = _("channels and time limits")
        ordering = ["procedure", "channel", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "channel", "case_name"], name="one_row_per_channel_case"),
            models.CheckConstraint(condition=Q(time_limit_amount__gte=0), name="time_limit_not_negative"),
        ]

    def __str__(self) -> str:
        limit = self.time_limit
        shown = str(limit) if limit is not None else str(_("no time limit"))
        case = f" ({self.case_name})" if self.case_name else ""
        return f"{self.get_channel_display()}{case}: {shown}"

    @property
    def time_limit(self) -> TimeLimit | None:
        """None while the row lacks an amount or a unit (in review)."""
        if self.time_limit_amount is None or not self.time_limit_unit:
            return None
        return TimeLimit(self.time_limit_amount, TimeUnit(self.time_limit_unit))


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) for one channel as published: an amount
    in whole units of its currency (VND nearly always), per unit ("bản",
    "lần", blank for a flat fee), for a case or tier, and in force between
    two dates when it is a dated change (a reduction until the end of 2026)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    name = models.CharField(_("name"), max_length=300)
    amount = models.BigIntegerField(_("amount"), validators=[MinValueValidator(0)])
    currency = models.CharField(
        _("currency"), max_length=3, default="VND", db_default="VND", help_text=_("VND, or as published: USD.")
    )
    unit = models.CharField(
        _("per"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text=_("What the amount is charged per: bản, lần, trang; blank if flat."),
    )
    case_name = models.CharField(
        _("case"), max_length=500, blank=True, default="", db_default="", help_text=_("The case or tier it applies to.")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    exemption_note = models.TextField(_("exemptions and notes"), blank=True)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["procedure", "channel", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="fee_valid_from_before_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} {self.currency}"

    @property
    def amount_vnd(self) -> int | None:
        """The amount in VND; None for a fee charged in another currency."""
        return self.amount if self.currency == "VND" else None

    def as_terms(self) -> dict:
        """The fee as a dossier keeps it."""
        return {
            "name": self.name,
            "amount_vnd": self.amount_vnd,
            "amount": self.amount,
            "currency": self.currency,
            "unit": self.unit,
            "case": self.case_name,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "exemption_note": self.exemption_note,
        }


class FeeRuleQuerySet(models.QuerySet):
    def applying_to(self, procedure: Procedure) -> FeeRuleQuerySet:
        """The rules of `procedure` and the general ones, general ones last."""
        return self.filter(Q(procedure=procedure) | Q(procedure__isnull=True)).order_by(
            F("procedure").asc(nulls_last=True), "pk"
        )


class FeeReduction(models.Model):
    """A reduction of published fees by a percentage for a while, as the
    Ministry of Finance decides them ("mức thu lệ phí ... bằng 50% mức thu
    quy định", Circular 106/2021/TT-BTC, 64/2025/TT-BTC): for one procedure
    or every one, one channel or all, one fee by name or all. How it lowers
    a fee: `procedures.fees.owed`."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="fee_reductions",
        null=True,
        blank=True,
        help_text=_("Blank: every procedure."),
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, blank=True, help_text=_("Blank: every channel.")
    )
    fee_name = models.CharField(
        _("fee"), max_length=300, blank=True, help_text=_("The fee it lowers, by name (Lệ phí, Phí); blank: every fee.")
    )
    percent = models.PositiveSmallIntegerField(
        _("reduction (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, help_text=_("E.g. Thông tư 64/2025/TT-BTC."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = FeeRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee reduction")
        verbose_name_plural = _("fee reductions")
        ordering = ["procedure", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=1, percent__lte=100), name="fee_reduction_percent"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="fee_reduction_from_before_until",
            ),
        ]

    def __str__(self) -> str:
        return f"−{self.percent}% {self.legal_basis}"

    def as_terms(self) -> dict:
        """The reduction as a dossier keeps it."""
        return {
            "percent": self.percent,
            "fee_name": self.fee_name,
            "legal_basis": self.legal_basis,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }


class FeeExemption(models.Model):
    """Who need not pay (miễn phí, lệ phí) and why: the group exempted
    (poor households, people with disabilities, families of people with
    meritorious service), the legal basis, and the proof to show at the
    counter. For one procedure or every one; the applicant claims it, the
    clerk confirms it after seeing the proof."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="fee_exemptions",
        null=True,
        blank=True,
        help_text=_("Blank: every procedure."),
    )
    name = models.CharField(_("who is exempt"), max_length=300)
    fee_name = models.CharField(
        _("fee"), max_length=300, blank=True, help_text=_("The fee it waives, by name (Lệ phí, Phí); blank: every fee.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    proof = models.CharField(_("proof to show"), max_length=300)
    is_active = models.BooleanField(_("offered"), default=True)

    objects = FeeRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee exemption")
        verbose_name_plural = _("fee exemptions")
        ordering = ["procedure", "pk"]

    def __str__(self) -> str:
        return self.name

    def as_claim(self) -> dict:
        """The exemption as a dossier keeps the applicant's claim to it."""
        return {
            "id": self.pk,
            "name": self.name,
            "fee_name": self.fee_name,
            "legal_basis": self.legal_basis,
            "proof": self.proof,
        }


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


class ProcedureVersionQuerySet(models.QuerySet["ProcedureVersion"]):
    def in_force(self) -> ProcedureVersionQuerySet:
        """Applied versions, the one in force (applied last) first."""
        return self.filter(applied_at__isnull=False).order_by("-applied_at", "-number")

    @staticmethod
    def prefetch_in_force() -> Prefetch:
        """For a list of procedures: each one's version in force (`Procedure.version_in_force`)."""
        return Prefetch("versions", queryset=ProcedureVersion.objects.in_force(), to_attr="versions_in_force")

    def pending(self) -> ProcedureVersionQuerySet:
        """Versions waiting for their day, in the order they take effect."""
        return self.filter(applied_at__isnull=True).order_by("effective_from", "number")


class ProcedureVersion(models.Model):
    """One state of a published procedure's record, kept whole: numbered 1,
    2, ..., with the day it takes effect and the parts of the record that
    changed from the version before it. A version whose day has not come is
    pending (`applied_at` empty): the procedure's rows still hold the version
    in force until the daily task applies it (`versions.apply_due_versions`)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    record = models.JSONField(_("record"))
    effective_from = models.DateField(_("takes effect on"))
    # Record keys (and "fees", "time_limits" inside the channels): see versions.CHANGE_LABELS.
    changes = models.JSONField(_("what changed"), default=list, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="one_version_per_number")]
        indexes = [
            # The daily task: pending versions whose day has come.
            models.Index(fields=["applied_at", "effective_from"], name="procedure_version_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def is_pending(self) -> bool:
        return self.applied_at is None

    def change_labels(self) -> list[str]:
        return change_labels(self.changes)


class PublishedQuestion(models.Model):
    """A question and its answer published beside the procedure in the
    e-handbook (hỏi đáp): the wording an officer made of a citizen's case,
    with their consent and without their personal data, citing the version of
    the record the answer came from. `asked` counts the cases that asked it
    (the first and each one attached to it since)."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="published_questions", verbose_name=_("procedure")
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"))
    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version of the record cited"),
    )
    asked = models.PositiveIntegerField(_("times asked"), default=1)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("published question and answer")
        verbose_name_plural = _("published questions and answers")
        ordering = ["procedure", "-asked", "-published_at"]

    def __str__(self) -> str:
        return f"{self.procedure.code}: {self.question[:60]}"

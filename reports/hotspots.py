"""Complaint hotspots: the complaints and low ratings of the last months,
grouped by procedure, office, stage and theme, with their count per month,
so that a problem that comes back shows as one line rather than as single
messages.

A theme is read from the citizen's words with a short list of keywords in
Vietnamese (with and without diacritics), English and Thai (`THEMES`); a
message may touch several themes, and one that matches none is "other".
A line is recurring when it has messages in two months or more; recurring
lines come first, then the most messages.

One query: the messages of the chosen offices since the first month shown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier
from dossiers.states import State
from portal.models import Office
from reports.periods import Period, months_back
from reports.quality import unhappy_feedback

MONTHS = 6


@dataclass(frozen=True)
class Theme:
    key: str
    label: object
    keywords: tuple[str, ...]


THEMES = (
    Theme(
        "conduct",
        _("Staff conduct"),
        (
            "thái độ",
            "thai do",
            "hách dịch",
            "cáu",
            "quát",
            "thiếu tôn trọng",
            "không lịch sự",
            "gắt",
            "rude",
            "attitude",
            "impolite",
            "conduct",
            "shouted",
            "disrespect",
            "ไม่สุภาพ",
            "มารยาท",
            "หยาบคาย",
            "พฤติกรรม",
        ),
    ),
    Theme(
        "papers",
        _("Extra papers asked for"),
        (
            "giấy tờ",
            "giay to",
            "bổ sung",
            "bo sung",
            "thêm hồ sơ",
            "công chứng",
            "bản sao",
            "photo",
            "extra paper",
            "more documents",
            "additional document",
            "paperwork",
            "supplement",
            "notarised",
            "เอกสารเพิ่ม",
            "สำเนา",
            "เอกสาร",
        ),
    ),
    Theme(
        "slow",
        _("Slow or late"),
        (
            "chậm",
            "lâu",
            "trễ",
            "quá hạn",
            "qua han",
            "chờ đợi",
            "chờ mãi",
            "hẹn lại",
            "slow",
            "late",
            "delay",
            "delayed",
            "waited",
            "waiting",
            "overdue",
            "ช้า",
            "นาน",
            "ล่าช้า",
            "รอนาน",
        ),
    ),
    Theme(
        "fees",
        _("Fees"),
        (
            "phí",
            "lệ phí",
            "le phi",
            "thu thêm",
            "tiền",
            "fee",
            "fees",
            "charge",
            "charged",
            "money",
            "ค่าธรรมเนียม",
            "ค่าใช้จ่าย",
            "เงิน",
        ),
    ),
    Theme(
        "system",
        _("The online system"),
        (
            "hệ thống",
            "he thong",
            "lỗi",
            "mạng",
            "trang web",
            "website",
            "đăng nhập",
            "tải lên",
            "system",
            "error",
            "crash",
            "login",
            "upload",
            "online portal",
            "ระบบ",
            "เว็บ",
            "ข้อผิดพลาด",
            "เข้าสู่ระบบ",
        ),
    ),
)
OTHER = Theme("other", _("Other"), ())
THAI = re.compile(r"[\u0e00-\u0e7f]")


def _pattern(keywords: Iterable[str]) -> re.Pattern:
    # Thai is written without spaces between words: its keywords match
    # anywhere; the others as whole words ("phí" not inside "phía").
    parts = [re.escape(k) if THAI.search(k) else rf"(?<!\w){re.escape(k)}(?!\w)" for k in keywords]
    return re.compile("|".join(parts), re.IGNORECASE)


PATTERNS = {theme.key: _pattern(theme.keywords) for theme in THEMES}


def themes_of(text: str) -> list[Theme]:
    """The themes a message touches, or [OTHER]."""
    found = [theme for theme in THEMES if PATTERNS[theme.key].search(text or "")]
    return found or [OTHER]


@dataclass
class Line:
    """One procedure, office, stage or theme, and its messages per month."""

    label: str
    months: list[int]
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.months)

    @property
    def is_recurring(self) -> bool:
        return sum(1 for count in self.months if count) >= 2


@dataclass
class Hotspots:
    months: list[Period]
    messages: int
    by: dict[str, list[Line]]


DIMENSIONS = {
    "theme": _("By theme"),
    "procedure": _("By procedure"),
    "office": _("By office"),
    "stage": _("By stage"),
}


def hotspots(offices: Iterable[Office], *, today: dt.date | None = None, months: int = MONTHS) -> Hotspots:
    """The complaints and low ratings (reports/quality.py) about the dossiers
    of `offices`, in the last `months` months (this one included)."""
    today = today or timezone.localdate()
    periods = list(reversed(months_back(today, months)))
    first = dt.datetime.combine(periods[0].start, dt.time(0), tzinfo=timezone.get_default_timezone())
    # One filter: the feedback conditions hold for the same message.
    found = (
        Dossier.objects.filter(unhappy_feedback(), competent_office__in=list(offices), feedback__created_at__gte=first)
        .values_list(
            "feedback__created_at",
            "feedback__comment",
            "feedback__stage",
            "procedure__code",
            "procedure__name",
            "competent_office__name",
        )
        .order_by()
    )
    position = {(p.start.year, p.start.month): i for i, p in enumerate(periods)}
    tz = timezone.get_default_timezone()
    lines: dict[str, dict[str, Line]] = {dimension: {} for dimension in DIMENSIONS}
    messages = 0
    for created_at, comment, stage, code, procedure, office in found:
        local = created_at.astimezone(tz)
        month = position.get((local.year, local.month))
        if month is None:
            continue
        messages += 1
        keys = {
            "procedure": [f"{code} · {procedure}"],
            "office": [office],
            "stage": [str(State(stage).label) if stage in State.values else stage],
            "theme": [str(theme.label) for theme in themes_of(comment)],
        }
        for dimension, labels in keys.items():
            for label in labels:
                line = lines[dimension].setdefault(label, Line(label, [0] * len(periods)))
                line.months[month] += 1
                if comment and len(line.examples) < 3:
                    line.examples.append(comment[:160])
    by = {
        dimension: sorted(found.values(), key=lambda line: (not line.is_recurring, -line.total, line.label))
        for dimension, found in lines.items()
    }
    return Hotspots(periods, messages, by)

"""The life events people come to a commune counter for — a birth, a
marriage, a move, a certified copy, land, a small business — and which
procedures of the catalogue belong to each. The kiosk's start page shows
them, each with the procedures its counter receives most, so that a visitor
finds "register a birth" without reading 400 names.

A procedure belongs to an event by its sector, and for civil status (hộ
tịch), where one sector holds births, marriages and deaths alike, by words
of its name (without diacritics). The first event that matches wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from procedures.search import fold


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    sectors: tuple[str, ...] = ()
    # Words of the folded name, any of which puts a procedure of `within`
    # (or of any sector when `within` is empty) in this event.
    words: tuple[str, ...] = ()
    within: tuple[str, ...] = ()

    def holds(self, sector_code: str, folded_name: str) -> bool:
        if sector_code in self.sectors:
            return True
        if self.within and sector_code not in self.within:
            return False
        return any(word in folded_name for word in self.words)


CIVIL_STATUS = ("ho-tich",)

TOPICS: tuple[Topic, ...] = (
    Topic("birth", _("A birth"), words=("khai sinh",), within=CIVIL_STATUS),
    Topic("marriage", _("Marriage"), words=("ket hon", "hon nhan"), within=CIVIL_STATUS),
    Topic("residence", _("Where you live"), sectors=("dang-ky-quan-ly-cu-tru",)),
    Topic("certification", _("Certified copies and signatures"), sectors=("chung-thuc",)),
    Topic("land", _("Land"), sectors=("dat-dai", "tai-chinh-dat-dai")),
    Topic(
        "business",
        _("A household business"),
        sectors=("thanh-lap-va-hoat-dong-doanh-nghiep-ho-kinh-doanh",),
        words=("ho kinh doanh",),
    ),
)


def topic_of(sector_code: str, name: str) -> Topic | None:
    folded = fold(name)
    return next((topic for topic in TOPICS if topic.holds(sector_code, folded)), None)


@dataclass
class Group:
    topic: Topic
    procedures: list = field(default_factory=list)
    used: int = 0


def most_used(procedures: Iterable, uses: Mapping[int, int], *, per_topic: int) -> list[Group]:
    """The events with their procedures, the counter's most used first.

    `procedures` are catalogue entries (with `pk`, `code`, `name` and
    `sector.code`); `uses` counts dossiers by procedure pk. In each event the
    procedures go by uses, most first, then the shorter (more general) name
    first, so that a counter without history still shows "Đăng ký khai
    sinh" before its variants; then by code; at most `per_topic`;
    the events go by their uses together, most first, then in the order of
    TOPICS. An event with no procedure in the catalogue is left out."""
    groups = {topic.key: Group(topic) for topic in TOPICS}
    for procedure in procedures:
        topic = topic_of(procedure.sector.code, procedure.name)
        if topic is not None:
            groups[topic.key].procedures.append(procedure)
    order = {topic.key: position for position, topic in enumerate(TOPICS)}
    kept = []
    for group in groups.values():
        if not group.procedures:
            continue
        group.used = sum(uses.get(procedure.pk, 0) for procedure in group.procedures)
        group.procedures.sort(key=lambda procedure: (-uses.get(procedure.pk, 0), len(procedure.name), procedure.code))
        del group.procedures[per_topic:]
        kept.append(group)
    kept.sort(key=lambda group: (-group.used, order[group.topic.key]))
    return kept

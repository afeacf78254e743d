"""What changed between two versions of a procedure's record, in plain
words: the parts of the record (`interchange.procedure_record`) that differ,
with the channels told apart as the ways to apply, their time limits and
their fees. Pure: records in, record keys out."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# In the order a reader meets them on the procedure's page.
CHANGE_LABELS: dict[str, Promise] = {
    "name": _("name"),
    "sector": _("sector"),
    "level": _("level"),
    "levels": _("levels"),
    "implementing_agency": _("implementing agency"),
    "competent_agency": _("competent agency"),
    "applicants": _("who may apply"),
    "is_location_independent": _("where to apply"),
    "is_simple": _("settled on the spot or not"),
    "online_level": _("online service"),
    "documents": _("documents"),
    "questions": _("questions about the applicant's situation"),
    "channels": _("ways to apply"),
    "time_limits": _("time limits"),
    "fees": _("fees"),
    "stages": _("processing stages"),
    "steps": _("steps"),
    "conditions": _("conditions"),
    "result": _("result"),
    "result_code": _("result code"),
    "legal_basis": _("legal basis"),
    "decision_number": _("announcing decision"),
    "source_url": _("source"),
    "is_active": _("in service or not"),
    "status": _("review status"),
    "review_problems": _("notes for review"),
}

_CHANNEL_PARTS = {
    "channels": lambda option: (option["channel"], option["case"], option["description"]),
    "time_limits": lambda option: (option["channel"], option["case"], option["time_limit"]),
    "fees": lambda option: option["fees"],
}


def changed_parts(old: dict | None, new: dict) -> list[str]:
    """The keys of CHANGE_LABELS whose part differs between two records,
    in CHANGE_LABELS' order; nothing for a first version."""
    if old is None:
        return []
    changed = set()
    for key in CHANGE_LABELS:
        if key in _CHANNEL_PARTS:
            part = _CHANNEL_PARTS[key]
            if [part(o) for o in old.get("channels", [])] != [part(o) for o in new.get("channels", [])]:
                changed.add(key)
        elif old.get(key) != new.get(key):
            changed.add(key)
    return [key for key in CHANGE_LABELS if key in changed]


def change_labels(keys: Iterable[str]) -> list[str]:
    """The parts named in plain words (a key no longer known as it is)."""
    return [str(CHANGE_LABELS.get(key, key)) for key in keys]

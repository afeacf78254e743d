"""What changed between two versions of a procedure's record, in plain
words: the parts of the record (`interchange.procedure_record`) that differ,
with the channels told apart as the ways to apply, their time limits and
their fees; how a version waiting for its day is put over the record in
force when that day comes (`merged`); and a version's terms as a reader
compares them (`terms`). Pure: records in, records and keys out."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.calendar import TimeLimit

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


def merged(in_force: dict, pending: dict, changes: Iterable[str]) -> dict:
    """The record a pending version puts in force: the record in force now,
    with the parts the pending version changed (`changes`, as it was
    recorded) taken from it. A change made and applied in the meantime
    survives in every other part, instead of being undone by a version
    recorded before it.

    The ways to apply are taken whole when they changed; otherwise a changed
    time limit or fee list is taken for each way (channel and case) both
    records have."""
    changes = set(changes)
    record = {**in_force}
    for key in changes - set(_CHANNEL_PARTS):
        if key in pending:
            record[key] = pending[key]
    if "channels" in changes:
        record["channels"] = pending["channels"]
    elif changes & {"time_limits", "fees"}:
        theirs = {(option["channel"], option["case"]): option for option in pending.get("channels", [])}
        channels = []
        for option in in_force.get("channels", []):
            option = {**option}
            other = theirs.get((option["channel"], option["case"]))
            if other is not None:
                if "time_limits" in changes:
                    option["time_limit"] = other["time_limit"]
                if "fees" in changes:
                    option["fees"] = other["fees"]
            channels.append(option)
        record["channels"] = channels
    return record


def overlap(pending_changes: Iterable[str], changes: Iterable[str]) -> list[str]:
    """The parts a change applied now shares with a pending version: those the
    pending version will set again when its day comes ("channels" covers its
    time limits and fees too)."""
    pending = set(pending_changes)
    if "channels" in pending:
        pending |= set(_CHANNEL_PARTS)
    return [key for key in CHANGE_LABELS if key in pending and key in set(changes)]


def terms(record: dict) -> list[dict]:
    """A version's ways to apply as a reader compares them: for each channel,
    its time limits (with their cases) in words and its fee rows in the
    shape `fees.fee_text` reads."""
    rows: dict[str, dict] = {}
    for option in record.get("channels", []):
        row = rows.setdefault(option["channel"], {"channel": option["channel"], "limits": [], "fees": []})
        limit = option.get("time_limit") or {}
        text = ""
        if limit.get("amount") is not None and limit.get("unit"):
            text = str(TimeLimit(limit["amount"], limit["unit"]))
        row["limits"].append({"case": option.get("case", ""), "text": text})
        for fee in option.get("fees", []):
            row["fees"].append(
                {
                    "name": fee.get("name", ""),
                    "amount": fee.get("amount_vnd", fee.get("amount", 0)),
                    "currency": fee.get("currency", "VND"),
                    "unit": fee.get("unit", ""),
                    "case": fee.get("case", ""),
                    "valid_from": fee.get("valid_from", ""),
                    "valid_until": fee.get("valid_until", ""),
                    "exemption_note": fee.get("exemption_note", ""),
                }
            )
    return list(rows.values())

"""What a dossier owes, as the applicant and the counter settle it: the
choices the amount depends on, checked the same way for every door, and the
clerk's decision on a claimed exemption.

The amount itself is one rule, `procedures.fees.owed`, reached through
`Dossier.owed` (a dossier's own terms) or `Procedure.owed` (an application
not yet sent). Here: `check_choices` takes the fee case, the quantities per
unit and the exemption claimed, as typed on a page or sent to the API, and
returns them clean or raises `FeeInvalid` naming the field, before anything
is opened; `decide_exemption` confirms or refuses a claim once the clerk has
seen the proof (or not), with the write path's lock, check and audit event,
in one transaction. A confirmed or refused claim is not decided again: a
second clerk acting on a stale page is told it is already settled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import permissions
from dossiers.errors import Conflict, NotAllowed, NotPossible
from dossiers.intake import FeeInvalid, whole_number
from dossiers.models import Dossier, ExemptionStatus
from dossiers.states import FINISHED
from procedures import fees as fee_rules
from procedures.models import FeeExemption

# More copies or pages than this in one dossier is a typing slip.
MAX_QUANTITY = 1000


@dataclass(frozen=True)
class Choices:
    """The fee case chosen, how many of each unit, and the exemption claimed."""

    case: str = ""
    quantities: dict[str, int] = field(default_factory=dict)
    exemption: FeeExemption | None = None


def units(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The units the rows charge per ("bản", "trang"), in order: one quantity each."""
    found: list[str] = []
    for row in rows:
        unit = row.get("unit") or ""
        if unit and unit not in found:
            found.append(unit)
    return found


def check_choices(
    rows: list[Mapping[str, Any]],
    *,
    on: dt.date,
    case: object = "",
    quantities: Mapping[str, object] | None = None,
    exemption: object = None,
    exemptions: Iterable[FeeExemption] = (),
) -> Choices:
    """The choices for fee `rows` (as a dossier keeps them) in force `on`,
    checked: `case` one of the rows' cases, required when they name
    several; a quantity for a unit the rows charge per, a whole number from
    1 to MAX_QUANTITY (blank: one); `exemption` the id of one of
    `exemptions` (those offered for the procedure) or nothing."""
    cases = fee_rules.fee_cases(rows, on)
    case = str(case or "").strip()
    if case and case not in cases:
        raise FeeInvalid(_("Choose one of the cases the fees are published for."), "fee_case")
    if not case and len(cases) > 1:
        raise FeeInvalid(_("Choose which case the fee is charged for."), "fee_case")
    charged = units(rows)
    clean: dict[str, int] = {}
    for unit, value in (quantities or {}).items():
        if unit not in charged:
            raise FeeInvalid(_("No fee is charged per “%(unit)s”.") % {"unit": unit}, "fee_quantities")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        number = whole_number(value)
        if number is None or not 1 <= number <= MAX_QUANTITY:
            raise FeeInvalid(
                _("The number of “%(unit)s” must be a whole number from 1 to %(max)s.")
                % {"unit": unit, "max": MAX_QUANTITY},
                "fee_quantities",
            )
        clean[unit] = number
    claimed = None
    if exemption not in (None, ""):
        number = whole_number(exemption)
        claimed = next((offered for offered in exemptions if offered.pk == number), None)
        if claimed is None:
            raise FeeInvalid(_("Choose one of the fee exemptions offered for this procedure."), "fee_exemption")
    return Choices(case, clean, claimed)


def may_decide_exemption(dossier: Dossier, user: Any) -> bool:
    """Whether `user` is offered the decision on the dossier's claimed exemption."""
    return (
        dossier.fee_exemption_status == ExemptionStatus.CLAIMED
        and dossier.state not in FINISHED
        and permissions.receiving_clerk(dossier, user)
        and not permissions.names_as_applicant(dossier, user)
    )


def decide_exemption(
    dossier: Dossier, *, confirmed: bool, actor: Any, version: int | None = None, at: dt.datetime | None = None
) -> Dossier:
    """The clerk of the receiving office confirms the exemption the applicant
    claimed (the proof was shown) or refuses it; the event records which
    exemption and its legal basis."""
    at = at or timezone.now()
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update()
            .select_related("receiving_office", "competent_office")
            .get(pk=dossier.pk)
        )
        if not permissions.receiving_clerk(dossier, actor) or permissions.names_as_applicant(dossier, actor):
            raise NotAllowed(
                _("Only a clerk of %(office)s decides on the fee exemption of dossier %(code)s.")
                % {"office": dossier.receiving_office, "code": dossier.code}
            )
        if version is not None and version != dossier.version:
            raise Conflict(
                _("Dossier %(code)s changed since you opened it (now: %(state)s). Look at it again before acting.")
                % {"code": dossier.code, "state": dossier.get_state_display()}
            )
        if dossier.fee_exemption is None or dossier.fee_exemption_status != ExemptionStatus.CLAIMED:
            raise NotPossible(
                _("Dossier %(code)s has no fee exemption waiting to be confirmed.") % {"code": dossier.code}
            )
        if dossier.state in FINISHED:
            raise NotPossible(_("Dossier %(code)s is finished.") % {"code": dossier.code})
        dossier.fee_exemption_status = ExemptionStatus.CONFIRMED if confirmed else ExemptionStatus.REFUSED
        dossier.version += 1
        dossier.save(update_fields=["fee_exemption_status", "version"])
        # Imported here: the write path imports this module's checks.
        from dossiers.workflow import record_event

        record_event(
            dossier,
            "confirm_exemption" if confirmed else "refuse_exemption",
            dossier.state,
            actor=actor,
            at=at,
            note=dossier.fee_exemption["name"],
            details={
                "exemption": dossier.fee_exemption,
                "total_vnd": dossier.owed().total_vnd,
            },
        )
    return dossier

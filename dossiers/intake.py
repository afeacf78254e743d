"""What the counter records at a walk-in intake besides the ticks: how many
originals and copies of each document it took in, and the fee it collected
with the number of its receipt (biên lai).

One rule for the intake page and the API's walk-in door: `check_counts` and
`check_fee` take what the clerk typed (text from the page, numbers from the
API) and return the clean values, or raise `Invalid` with every message, so
that nothing is opened. Counts are whole numbers from 0 to `MAX_COUNT`; a
document ticked as handed in needs at least one original or copy (a document
only shown at the counter is handed back, and may count none). The fee is
whole đồng, never negative, at most `MAX_FEE`, and an amount needs the
receipt's number. A dossier that came by post keeps the item number of its
envelope (`check_incoming_item`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dossiers import postal
from dossiers.errors import Invalid
from procedures.models import Channel

# More than this of one document is a typing slip, not a dossier.
MAX_COUNT = 50
# One billion đồng: far above any fee at a one-stop counter.
MAX_FEE = 1_000_000_000
RECEIPT_NUMBER_LENGTH = 40

# "150000", or with thousands separated as people write them: "150.000", "150,000", "150 000".
_PLAIN = re.compile(r"\d+")
_GROUPED = re.compile(r"\d{1,3}(?:[., ]\d{3})+")


class FeeInvalid(Invalid):
    """A fee refused, with the field it is about (`fee_received` or
    `fee_receipt_number`), for a page to put the message beside it."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class IncomingItemInvalid(Invalid):
    """An incoming postal item number refused, told beside its field."""

    field = "incoming_item_number"


@dataclass(frozen=True)
class Count:
    originals: int
    copies: int


@dataclass(frozen=True)
class Fee:
    amount_vnd: int = 0
    receipt_number: str = ""


def whole_number(value: object) -> int | None:
    """`value` as a whole number (a negative one included), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    negative = text.startswith("-")
    text = text.removeprefix("-").strip()
    if _PLAIN.fullmatch(text) or _GROUPED.fullmatch(text):
        number = int(re.sub(r"[., ]", "", text))
        return -number if negative else number
    return None


def check_counts(
    given: Mapping[int, tuple[object, object]],
    documents: Iterable[tuple[int, str, bool]],
    ticked: set[int],
    defaults: Mapping[int, Count],
) -> dict[int, Count]:
    """The originals and copies taken in of each ticked document, by its
    number: `given` as typed (a blank keeps the default), `documents` the
    dossier's (number, name, only shown) and `defaults` the numbers the
    procedure asks for. Unticked documents count nothing."""
    counts: dict[int, Count] = {}
    problems: list[str] = []
    for position, name, shown in documents:
        if position not in ticked:
            continue
        default = defaults.get(position, Count(0, 0))
        typed = given.get(position, (None, None))
        values = []
        typed_here, wrong_here = False, False
        for value, fallback, what in (
            (typed[0], default.originals, _("originals")),
            (typed[1], default.copies, _("copies")),
        ):
            if value is None or (isinstance(value, str) and not value.strip()):
                values.append(fallback)
                continue
            typed_here = True
            number = whole_number(value)
            wrong_here = wrong_here or number is None or not 0 <= number <= MAX_COUNT
            if number is None:
                problems.append(
                    _("The number of %(what)s of “%(name)s” must be a whole number.") % {"what": what, "name": name}
                )
            elif not 0 <= number <= MAX_COUNT:
                problems.append(
                    _("The number of %(what)s of “%(name)s” must be between 0 and %(max)s.")
                    % {"what": what, "name": name, "max": MAX_COUNT}
                )
            values.append(number if number is not None else 0)
        count = Count(*values)
        # Typed as none of either (a catalogue without numbers asks for none: left blank, that stands).
        if not shown and typed_here and not wrong_here and count.originals == 0 and count.copies == 0:
            problems.append(
                _("“%(name)s” is ticked as handed in: give how many originals or copies were received.")
                % {"name": name}
            )
        counts[position] = count
    if problems:
        raise Invalid(problems[0], problems)
    return counts


def check_fee(amount: object, receipt_number: object) -> Fee:
    """The fee collected at the counter and its receipt's number, checked."""
    receipt = str(receipt_number or "").strip()
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        number = 0
    else:
        parsed = whole_number(amount)
        if parsed is None:
            raise FeeInvalid(_("Enter the fee received in whole đồng, for example 50000 or 50.000."), "fee_received")
        number = parsed
    if number < 0:
        raise FeeInvalid(_("The fee received cannot be negative."), "fee_received")
    if number > MAX_FEE:
        raise FeeInvalid(
            _("The fee received cannot be more than %(max)s đồng.") % {"max": f"{MAX_FEE:,}".replace(",", ".")},
            "fee_received",
        )
    if len(receipt) > RECEIPT_NUMBER_LENGTH:
        raise FeeInvalid(
            _("A receipt number has at most %(length)s characters.") % {"length": RECEIPT_NUMBER_LENGTH},
            "fee_receipt_number",
        )
    if number > 0 and not receipt:
        raise FeeInvalid(_("Give the number of the receipt (biên lai) for the fee received."), "fee_receipt_number")
    return Fee(number, receipt)


def check_incoming_item(channel: str, value: object) -> str:
    """The item number of the envelope a dossier came in by post, clean, or
    `Invalid`: a dossier received by post needs it (the postal employee's
    slip and the envelope carry it, Decision 45/2016/QĐ-TTg), one taken in
    at the counter has none."""
    number = postal.normalise(value)
    if channel != Channel.POST:
        if number:
            raise IncomingItemInvalid(_("Only a dossier received by post has an incoming postal item number."))
        return ""
    problem = postal.problem(number)
    if problem:
        raise IncomingItemInvalid(problem)
    return number

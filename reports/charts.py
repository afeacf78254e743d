"""Charts for the supervisor's dashboard, made on the server: no
JavaScript, readable on paper, and every figure also written as text.

Each chart is a list of rows — a label, a bar, its figures — in HTML, so
that its text is the page's text at every screen width; only the bars are
SVG, stretched to their row (`preserveAspectRatio="none"`) and holding no
text. (Text inside a scaled SVG shrinks with it: 12 px drawn 720 wide is
6 px on a phone.)

Pure: numbers and labels in, markup out (labels are escaped here).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

EARLY, ON_TIME, LATE = "#1d70b8", "#85b4e0", "#c62828"
WITHIN, OVERDUE = "#85b4e0", "#c62828"


@dataclass(frozen=True)
class MonthBar:
    label: str
    early: int
    on_time: int
    late: int
    rate: float | None


@dataclass(frozen=True)
class OfficeBar:
    label: str
    within: int
    overdue: int


def _rate(rate: float | None) -> str:
    """The on-time rate as every other path shows it: two decimals."""
    return "—" if rate is None else f"{rate:.2f} %"


def _bar(parts: list[tuple[int, str]], biggest: int) -> str:
    """One bar, its parts end to end, as long against 100 as the whole
    against `biggest`."""
    body, x = [], 0.0
    for value, colour in parts:
        if value:
            width = 100 * value / biggest
            body.append(f'<rect x="{x:.2f}" y="0" width="{width:.2f}" height="1" fill="{colour}"/>')
            x += width
    return (
        '<svg class="chart__bar" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 1" '
        'preserveAspectRatio="none" aria-hidden="true" focusable="false">' + "".join(body) + "</svg>"
    )


def _legend(keys: tuple[str, ...], colours: tuple[str, ...]) -> str:
    return (
        '<p class="chart__legend">'
        + "".join(
            f'<span class="chart__key"><svg class="chart__swatch" viewBox="0 0 1 1" aria-hidden="true" '
            f'focusable="false"><rect width="1" height="1" fill="{colour}"/></svg>{escape(label)}</span>'
            for label, colour in zip(keys, colours, strict=True)
        )
        + "</p>"
    )


def _chart(kind: str, title: str, legend: str, rows: list[str]) -> SafeString:
    # Every text put in `legend` and `rows` is escaped.
    return mark_safe(
        f'<figure class="chart chart--{kind}"><figcaption class="visually-hidden">{escape(title)}</figcaption>'
        f'{legend}<ol class="chart__rows">{"".join(rows)}</ol></figure>'
    )


def _row(label: str, bar: str, figures: str) -> str:
    return (
        f'<li class="chart__row"><span class="chart__label">{label}</span>{bar}'
        f'<span class="chart__figures">{figures}</span></li>'
    )


def trend(months: list[MonthBar], *, title: str, legend: tuple[str, str, str]) -> SafeString:
    """Finished dossiers per month, early / on time / late end to end, with
    how many and the on-time rate beside each bar."""
    biggest = max([m.early + m.on_time + m.late for m in months] + [1])
    rows = [
        _row(
            escape(month.label),
            _bar([(month.early, EARLY), (month.on_time, ON_TIME), (month.late, LATE)], biggest),
            f"{month.early + month.on_time + month.late} · <strong>{_rate(month.rate)}</strong>",
        )
        for month in months
    ]
    return _chart("trend", title, _legend(legend, (EARLY, ON_TIME, LATE)), rows)


def backlog(offices: list[OfficeBar], *, title: str, legend: tuple[str, str]) -> SafeString:
    """Open dossiers per office, within the deadline and overdue, the most
    overdue first."""
    offices = sorted(offices, key=lambda o: (-o.overdue, -o.within, o.label))
    biggest = max([o.within + o.overdue for o in offices] + [1])
    rows = [
        _row(
            escape(office.label),
            _bar([(office.within, WITHIN), (office.overdue, OVERDUE)], biggest),
            f"{office.within} + <strong>{office.overdue}</strong>" if office.overdue else f"{office.within}",
        )
        for office in offices
    ]
    return _chart("backlog", title, _legend(legend, (WITHIN, OVERDUE)), rows)

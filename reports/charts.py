"""Charts for the supervisor's dashboard, drawn as SVG on the server: no
JavaScript, readable on paper, and every figure also written as text.

Pure: numbers and labels in, markup out (labels are escaped here).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

EARLY, ON_TIME, LATE = "#1d70b8", "#85b4e0", "#c62828"
WITHIN, OVERDUE = "#85b4e0", "#c62828"
INK, GRID = "#0b0c0c", "#b1b4b6"


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


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    # Every text put in `body` is escaped.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'font-family="sans-serif" font-size="12"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _rate(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1f}%".replace(".0%", "%")


def trend(months: list[MonthBar], *, title: str, legend: tuple[str, str, str]) -> SafeString:
    """Finished dossiers per month, early / on time / late stacked, with the
    on-time rate above each bar."""
    width, height, left, bottom, top = 720, 260, 40, 40, 40
    plot = height - bottom - top
    biggest = max([m.early + m.on_time + m.late for m in months] + [1])
    step = (width - left - 10) / max(len(months), 1)
    bar = step * 0.62
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="{GRID}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" fill="{INK}">{biggest}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" fill="{INK}">0</text>',
    ]
    for n, month in enumerate(months):
        x = left + n * step + (step - bar) / 2
        y = height - bottom
        for value, colour in ((month.early, EARLY), (month.on_time, ON_TIME), (month.late, LATE)):
            h = plot * value / biggest
            if value:
                body.append(f'<rect x="{x:.1f}" y="{y - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}"/>')
            y -= h
        centre = x + bar / 2
        body.append(
            f'<text x="{centre:.1f}" y="{y - 5:.1f}" text-anchor="middle" fill="{INK}" font-weight="bold">'
            f"{_rate(month.rate)}</text>"
        )
        body.append(
            f'<text x="{centre:.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="{INK}">'
            f"{escape(month.label)}</text>"
        )
    x = left
    for label, colour in zip(legend, (EARLY, ON_TIME, LATE), strict=True):
        body.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>')
        body.append(f'<text x="{x + 16}" y="18" fill="{INK}">{escape(label)}</text>')
        x += 24 + 7 * len(label)
    return _svg(width, height, title, body)


def backlog(offices: list[OfficeBar], *, title: str, legend: tuple[str, str]) -> SafeString:
    """Open dossiers per office, within the deadline and overdue, the most
    overdue first."""
    offices = sorted(offices, key=lambda o: (-o.overdue, -o.within, o.label))
    row, label_width, width = 26, 250, 720
    height = 34 + row * max(len(offices), 1)
    biggest = max([o.within + o.overdue for o in offices] + [1])
    scale = (width - label_width - 60) / biggest
    body = []
    x = label_width
    for label, colour in zip(legend, (WITHIN, OVERDUE), strict=True):
        body.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        body.append(f'<text x="{x + 16}" y="16" fill="{INK}">{escape(label)}</text>')
        x += 24 + 7 * len(label)
    for n, office in enumerate(offices):
        y = 28 + n * row
        name = escape(office.label if len(office.label) <= 36 else office.label[:35] + "…")
        body.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" fill="{INK}">{name}</text>')
        x = float(label_width)
        for value, colour in ((office.within, WITHIN), (office.overdue, OVERDUE)):
            w = value * scale
            if value:
                body.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{colour}"/>')
            x += w
        figures = f"{office.within} + {office.overdue}" if office.overdue else f"{office.within}"
        body.append(f'<text x="{x + 6:.1f}" y="{y + 15}" fill="{INK}">{figures}</text>')
    return _svg(width, height, title, body)

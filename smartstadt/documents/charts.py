"""Charts of the documents as inline SVG, drawn in Python (no JavaScript): horizontal bars with their values.

Every chart is a figure whose data also stands in a table beside it, so the SVG is an illustration (role="img"
with a title) and nobody depends on it to read the figures.
"""

from __future__ import annotations

from django.utils.html import escape

from .wording import number

WIDTH = 460
LABEL_WIDTH = 190
BAR_HEIGHT = 18
GAP = 8
VALUE_SPACE = 44
COLOURS = ("#1d4f91", "#3c7ac0")  # municipal blue, alternating with a lighter shade for neighbouring bars


def bar_chart(title: str, rows: list[tuple[str, int]]) -> str:
    """Horizontal bar chart of (label, count) rows as an SVG element (a string of markup)."""
    largest = max((count for _label, count in rows), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - VALUE_SPACE) / largest
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, count) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(count * scale, 1)
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 5}" text-anchor="end" font-size="11" '
            f'fill="#1b1b1b">{escape(short)}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="{COLOURS[index % len(COLOURS)]}"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR_HEIGHT - 5}" font-size="11" '
            f'fill="#1b1b1b">{number(count)}</text>'
        )
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height}" stroke="#5c5c5c" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "".join(parts)

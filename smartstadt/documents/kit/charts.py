"""Horizontal bar charts as inline SVG, drawn in Python: no chart library, no JavaScript, no style attributes (so
they pass the pages' Content Security Policy and WeasyPrint draws them into the PDF).

Every chart is an illustration of figures that also stand in a table beside it: the SVG is ``role="img"`` with a
``<title>`` (named by ``aria-labelledby`` when the caller gives the title an id, else by ``aria-label``), and
nobody depends on it to read the numbers.

Two layouts: ``"beside"`` puts the labels in a column left of the bars (the documents' charts, a fixed width for
A4), ``"above"`` puts each label on its own line above its bar (the survey results on the screen, where the
labels are long answer options and the chart scales to the width of a phone).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..wording import number

type Layout = Literal["beside", "above"]

COLOURS = ("#1d4f91", "#3c7ac0")  # municipal blue, alternating with a lighter shade for neighbouring bars
TEXT = "#1b1b1b"
AXIS = "#5c5c5c"
BAR_HEIGHT = 18

# "beside": labels in a column left of the bars
WIDTH = 460
LABEL_WIDTH = 190
GAP = 8
VALUE_SPACE = 44
LABEL_CHARS_BESIDE = 30

# "above": a label line above each bar
WIDTH_ABOVE = 600
ROW_HEIGHT = 44
LABEL_CHARS_ABOVE = 80


def figure(value: float) -> str:
    """A chart's number as German texts write it: 1.234, and one decimal only where there is one (2,5)."""
    return number(value, 0 if float(value).is_integer() else 1)


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    title: str, rows: Sequence[tuple[str, float]], *, layout: Layout = "beside", title_id: str = ""
) -> SafeString:
    """A horizontal bar per ``(label, value)`` row, scaled to the largest value, its number at the bar's end.

    ``title`` names the chart for screen readers (and as a tooltip); ``title_id``, if given, becomes the id of
    the ``<title>`` element that ``aria-labelledby`` points to (unique on the page).
    """
    largest = max((value for _label, value in rows), default=0) or 1
    if layout == "beside":
        height = len(rows) * (BAR_HEIGHT + GAP) + GAP
        size = f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}"'
    else:
        height = max(len(rows) * ROW_HEIGHT, ROW_HEIGHT)
        size = f'viewBox="0 0 {WIDTH_ABOVE} {height}"'  # no fixed size: it scales with the page
    name = f'aria-labelledby="{escape(title_id)}"' if title_id else f'aria-label="{escape(title)}"'
    title_attribute = f' id="{escape(title_id)}"' if title_id else ""
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" {size} {name} focusable="false">',
        f"<title{title_attribute}>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(rows):
        colour = COLOURS[index % len(COLOURS)]
        if layout == "beside":
            scale = (WIDTH - LABEL_WIDTH - VALUE_SPACE) / largest
            y = GAP + index * (BAR_HEIGHT + GAP)
            width: float = round(max(value, 0) * scale, 1)
            parts.append(
                f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 5}" text-anchor="end" font-size="11" '
                f'fill="{TEXT}">{escape(_short(label, LABEL_CHARS_BESIDE))}</text>'
                f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{colour}"/>'
                f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR_HEIGHT - 5}" font-size="11" '
                f'fill="{TEXT}">{figure(value)}</text>'
            )
        else:
            top = index * ROW_HEIGHT
            width = round((WIDTH_ABOVE - 60) * max(value, 0) / largest)
            parts.append(
                f'<text x="0" y="{top + 14}" fill="{TEXT}">{escape(_short(label, LABEL_CHARS_ABOVE))}</text>'
                f'<rect class="bar" x="0" y="{top + 20}" width="{max(width, 1)}" height="{BAR_HEIGHT}" '
                f'fill="{colour}"/>'
                f'<text x="{width + 6}" y="{top + 34}" fill="{TEXT}">{figure(value)}</text>'
            )
    if layout == "beside":
        parts.append(
            f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height}" stroke="{AXIS}" stroke-width="1"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text in it is escaped above)

"""Bar charts as inline SVG built on the server: no chart library, no JavaScript, no style attributes (CSP).

The geometry is plain numbers in SVG attributes; the page shows the same figures in a table beside each chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

register = template.Library()

WIDTH = 600
BAR_HEIGHT = 18
ROW_HEIGHT = 44  # a label line above each bar
LABEL_CHARS = 80


@dataclass
class Bar:
    label: str
    value: str
    y: int
    text_y: int
    width: int
    value_x: int
    value_y: int


@dataclass
class Chart:
    width: int
    height: int
    bar_height: int
    bars: list[Bar]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


@register.simple_tag
def bar_chart(result: Any) -> Chart:
    """One horizontal bar per result row, scaled to the largest value; the number stands at the bar's end."""
    rows = list(result.rows)
    largest = max((row.value for row in rows), default=0) or 1
    usable = WIDTH - 60
    bars = []
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT
        width = round(usable * max(row.value, 0) / largest)
        label = row.label if len(row.label) <= LABEL_CHARS else row.label[: LABEL_CHARS - 1] + "…"
        bars.append(
            Bar(
                label=label,
                value=_number(row.value),
                y=top + 20,
                text_y=top + 14,
                width=max(width, 1),
                value_x=width + 6,
                value_y=top + 34,
            )
        )
    return Chart(width=WIDTH, height=max(len(rows) * ROW_HEIGHT, ROW_HEIGHT), bar_height=BAR_HEIGHT, bars=bars)

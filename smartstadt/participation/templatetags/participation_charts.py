"""The survey results' bar charts on the page: the documents kit's one chart maker, with a label line above
each bar so that long answer options fit on a phone."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from smartstadt.documents.kit.charts import bar_chart

register = template.Library()


@register.simple_tag
def survey_chart(result: Any) -> SafeString:
    """The chart of one question's result rows (the same figures stand in the table below it)."""
    title = _("Bar chart: %(question)s (the same numbers are in the table below)") % {"question": result.question.text}
    rows = [(row.label, row.value) for row in result.rows]
    return bar_chart(title, rows, layout="above", title_id=f"chart-title-{result.question.pk}")

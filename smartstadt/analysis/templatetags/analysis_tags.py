"""Template helpers of the analysis: the tag suggestions beside the tag checkboxes of the entry forms."""

from __future__ import annotations

from typing import Any

from django import template

from smartstadt.analysis.tag_views import suggestions_for_form
from smartstadt.analysis.tagging import Suggestions

register = template.Library()


@register.simple_tag
def tag_suggestions_for(form: Any) -> Suggestions | None:
    """The suggested Giffinger dimensions for the text typed into (or saved in) an entry form."""
    return suggestions_for_form(form)

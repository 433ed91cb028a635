"""Tag suggestions on the entry forms (inventory and stocktaking answers): the suggested Giffinger dimensions with
their confidence beside the tag checkboxes; the person ticks (confirms) or leaves them.

The suggestions belong to the rendering of the form's ``terms`` field (``analysis/partials/tag_field.html``), so
every form built on ``EntryForm`` shows them without its view asking. "Vorschläge aktualisieren" posts the form
with ``suggest_tags``: the view hands it to :func:`render_tag_suggestions`, which saves nothing and renders the form
again as typed (without JavaScript) or only the list of suggestions (htmx, also while the person types).
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import tagging

logger = logging.getLogger(__name__)

SUGGEST = "suggest_tags"  # the name of the forms' "Vorschläge aktualisieren" button
FIELD_TEMPLATE = "analysis/partials/tag_field.html"
MAX_FIELD = 5000
_UNSET = object()


def wants_tag_suggestions(request: HttpRequest) -> bool:
    return request.method == "POST" and SUGGEST in request.POST


def _value(form: Any, name: str) -> str:
    if form.is_bound:
        return str(form.data.get(form.add_prefix(name), "") or "")[:MAX_FIELD]
    value = form.initial.get(name, getattr(form.instance, name, ""))
    return str(value or "")[:MAX_FIELD]


def suggestions_for_form(form: Any) -> tagging.Suggestions | None:
    """The suggestions for what the form holds (typed or saved), once per form; None without a title, when the
    framework cannot be learnt, or when anything goes wrong (a suggestion must never break a form)."""
    cached = getattr(form, "_tag_suggestions", _UNSET)
    if cached is not _UNSET:
        return cast(tagging.Suggestions | None, cached)
    result = None
    try:
        selected = form["terms"].value() if "terms" in form.fields else []
        result = tagging.suggest_terms(
            title=_value(form, "title"),
            summary=_value(form, "summary"),
            description=_value(form, "description"),
            selected=[getattr(value, "pk", value) for value in selected or []],
        )
    except Exception:
        logger.exception("Could not suggest tags")
    form._tag_suggestions = result
    return result


def render_tag_suggestions(request: HttpRequest, form: Any, *, template: str, context: dict[str, Any]) -> HttpResponse:
    """The form again as typed, with fresh suggestions and nothing saved; with htmx only the suggestions."""
    if getattr(request, "htmx", False):
        return render(
            request,
            "analysis/partials/tag_suggestions.html#tag-suggestion-list",
            {"suggestions": suggestions_for_form(form)},
        )
    form._errors = ErrorDict(renderer=form.renderer)  # an update of the suggestions, not a save: no error messages
    return render(request, template, {**context, "form": form})

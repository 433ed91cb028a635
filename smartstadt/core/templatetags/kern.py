"""Template helpers that render Django form fields and small pieces in KERN markup."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.http import QueryDict
from django.utils.formats import number_format

register = template.Library()

INPUT_CLASS = "kern-form-input__input"
SELECT_CLASS = "kern-form-input__select"
CHECK_CLASS = "kern-form-check__checkbox"


@register.simple_tag
def kern_widget(field: forms.BoundField) -> str:
    """Render a widget with KERN classes and the ARIA links to its hint and error."""
    widget = field.field.widget
    attrs: dict[str, Any] = {}
    if isinstance(widget, forms.CheckboxInput):
        css = CHECK_CLASS
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = SELECT_CLASS
    else:
        css = INPUT_CLASS
    if field.errors:
        css += f" {css}--error"
        attrs["aria-invalid"] = "true"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    existing = widget.attrs.get("class", "")
    attrs["class"] = f"{existing} {css}".strip()
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_select(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.Select | forms.SelectMultiple)


@register.simple_tag
def page_url(querystring: QueryDict, page: int) -> str:
    """The current filters with another page number, for paging links that keep the filters."""
    params = querystring.copy()
    params["page"] = str(page)
    return "?" + params.urlencode()


@register.filter
def thousands(value: Any) -> str:
    if value in (None, ""):
        return "–"
    return number_format(value, force_grouping=True)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, 0)

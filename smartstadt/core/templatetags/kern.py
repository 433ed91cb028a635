"""Template helpers that render Django form fields and small pieces in KERN markup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

INPUT_CLASS = "kern-form-input__input"
SELECT_CLASS = "kern-form-input__select"
CHECK_CLASS = "kern-form-check__checkbox"
RADIO_CLASS = "kern-form-check__radio"
# A choice of more options than this is drawn as a scrolling list with a filter field (static/smartstadt/app.js).
LONG_CHOICE_LIST = 12


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
    described = described_by(field)
    if described:
        attrs["aria-describedby"] = described
    existing = widget.attrs.get("class", "")
    attrs["class"] = f"{existing} {css}".strip()
    return field.as_widget(attrs=attrs)


@register.filter
def described_by(field: forms.BoundField) -> str:
    """The ids of the field's hint and error, for ``aria-describedby``."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    return " ".join(described)


@register.filter
def is_choice_group(field: forms.BoundField) -> bool:
    """Radio buttons, checkboxes or a multiple select: drawn as a fieldset of KERN radios or checkboxes.

    A ``<select multiple>`` is hard to use (Ctrl-click, a tiny box on phones), so it is drawn as checkboxes too;
    the browser sends the same data for both.
    """
    widget = field.field.widget
    return isinstance(widget, forms.RadioSelect | forms.SelectMultiple)


@register.filter
def is_long_choice(field: forms.BoundField) -> bool:
    return len(field.subwidgets) > LONG_CHOICE_LIST


@dataclass(frozen=True)
class Choice:
    input: SafeString
    id: str
    label: str
    selected: bool


@register.simple_tag
def kern_choices(field: forms.BoundField) -> list[Choice]:
    """The options of a choice group as KERN checkbox or radio inputs, each with the id its label points to.

    Built here rather than by the widget's option template: a ``SelectMultiple`` would render ``<option>``s.
    """
    multiple = field.field.widget.allow_multiple_selected
    css = CHECK_CLASS if multiple else RADIO_CLASS
    choices = []
    for index, option in enumerate(field.subwidgets):
        data = option.data
        given = data.get("attrs") or {}
        attrs: dict[str, Any] = {
            "class": f"{css} {css}--error" if field.errors else css,
            "type": "checkbox" if multiple else "radio",
            "name": data["name"],
            "value": "" if data["value"] is None else str(data["value"]),
            "id": given.get("id") or f"{field.auto_id}_{index}",
            "checked": bool(data.get("selected")),
            "disabled": bool(given.get("disabled") or field.field.disabled),
            "required": bool(given.get("required")) and not multiple,
        }
        if field.errors:
            attrs["aria-invalid"] = "true"
        choices.append(
            Choice(
                input=format_html("<input{}>", flatatt(attrs)),
                id=attrs["id"],
                label=str(data["label"]),
                selected=attrs["checked"],
            )
        )
    return choices


@register.filter
def chosen_count(choices: list[Choice]) -> int:
    return sum(1 for choice in choices if choice.selected)


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

"""Cell values: formula neutralisation, text of a cell, lists, numbers, years and the spellings of choices."""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import translation

from smartstadt.core.tabular import neutralise

from ..models import Entry
from .columns import Column

__all__ = ["cell_text", "neutralise", "parse_decimal", "parse_year", "split_list"]


def _unneutralise(text: str) -> str:
    """The text before ``neutralise``: what an export wrote with an apostrophe is read without it."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r" else text


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        if value and value[0] == "'":
            value = _unneutralise(value)
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = _unneutralise(str(value))
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def split_list(text: str) -> list[str]:
    items: list[str] = []
    for part in re.split(r"[;\n]", text):
        item = part.strip()
        if item and item not in items:
            items.append(item)
    return items


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def parse_decimal(value: Any, places: int) -> Decimal:
    """A number from a numeric cell or a text in German or English notation, rounded to the field's places."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = cell_text(value).replace(" ", "").replace("\u00a0", "").replace("€", "")
        if "," in text and "." in text:
            text = (
                text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
            )
        elif "," in text:
            text = text.replace(",", ".")
        elif places == 2 and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")  # "250.000" is a German amount
        if not re.fullmatch(r"-?\d+(\.\d+)?|-?\.\d+", text):
            raise ValueError(value)
        number = Decimal(text)
    if not number.is_finite():
        raise ValueError(value)
    try:
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(value) from None


def parse_year(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, datetime.date):
        return value.year
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value)
    if re.fullmatch(r"\d{1,4}", text):
        return int(text)
    raise ValueError(value)


def _choice_lookup(column: Column) -> dict[str, str]:
    """Every accepted spelling of a choice → its code."""
    lookup: dict[str, str] = {}
    model_field: Any = Entry._meta.get_field(column.field)
    field_choices = dict(model_field.choices or [])
    for code, german in (column.choices or {}).items():
        lookup[_fold(str(german))] = str(code)
        lookup[_fold(str(code))] = str(code)
        label = field_choices.get(str(code))
        if label is not None:
            for language in ("de", "en"):
                with translation.override(language):
                    lookup.setdefault(_fold(str(label)), str(code))
    return lookup

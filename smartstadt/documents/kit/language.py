"""The documents are official German texts of a municipality, whatever language the reader chose for the pages.
Labels they share with the pages (a model's choices) come from the one place the pages take them from, the
model's choices and their German translation, so that a status reads the same on the page, in a spreadsheet
and in a document."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.functional import Promise


def german(text: str | Promise) -> str:
    """A translatable text in German."""
    with translation.override("de"):
        return str(text)


def choice_label(choices: type[models.Choices], value: str) -> str:
    """The German label of a stored choice (``EntryStatus``, ``"running"`` → "läuft"); the stored value itself if
    it is no choice (any more)."""
    if value not in choices.values:
        return value
    return german(choices(value).label)

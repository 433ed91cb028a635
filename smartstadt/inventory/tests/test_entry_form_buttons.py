"""Enter in a text field of the entry form saves: the form's first submit button (the one browsers use for an
implicit submission) must be a plain save, not "update suggestions" or "check for duplicates"."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse


class _FirstSubmit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.in_post_form = False
        self.first: dict[str, str | None] | None = None
        self.names: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "").lower() == "post" and values.get("action") is None:
            self.in_post_form = True
        elif tag == "button" and self.in_post_form and values.get("type", "submit") == "submit":
            self.names.append(values.get("name"))
            if self.first is None:
                self.first = values

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_post_form = False


@pytest.mark.django_db
def test_the_first_submit_button_of_the_entry_form_saves(client_as: Any, personas: Any) -> None:
    page = client_as("team_a").get(reverse("inventory:entry_create", args=[personas.municipality_a.slug]))
    assert page.status_code == 200
    parser = _FirstSubmit()
    parser.feed(page.content.decode())
    assert parser.first is not None
    assert parser.first.get("name") is None  # a plain save
    assert any(name for name in parser.names[1:])  # the form has other, named submit buttons after it

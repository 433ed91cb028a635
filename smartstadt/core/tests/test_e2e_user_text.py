"""User text on the maps stays text: a title made of markup creates no element in the browser."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smartstadt.inventory.models import Entry, PublicationState
from smartstadt.participation.models import Idea, Process

pytestmark = [pytest.mark.e2e]

MARKUP = "<img src=x onerror=alert(1)><b>B</b>"
# Any <img>/<b> built from the title: the title is the only source of an <img src="x"> or a <b> reading "B".
CREATED_FROM_TITLE = """() => [...document.querySelectorAll("img")].filter((i) => i.getAttribute("src") === "x").length
  + [...document.querySelectorAll("b")].filter((b) => b.textContent === "B").length"""


def _shows_the_title_as_text(page, path: str) -> None:
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.open(path)
    page.wait_for_function("() => document.querySelector('.place-map').dataset.ready === '1'")
    tooltip = page.locator(".place-map .leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text() == MARKUP
    assert page.evaluate(CREATED_FROM_TITLE) == 0
    assert dialogs == []


def test_an_idea_title_of_markup_stays_text_on_its_map(browser_page):
    process = Process.objects.published().first()
    idea = Idea.objects.filter(process=process, is_hidden=False, merged_into=None).first()
    Idea.objects.filter(pk=idea.pk).update(title=MARKUP, latitude=Decimal("51.4963"), longitude=Decimal("6.8637"))
    _shows_the_title_as_text(browser_page, idea.get_absolute_url())


def test_an_entry_title_of_markup_stays_text_on_its_map(browser_page):
    entry = Entry.objects.filter(publication_state=PublicationState.PUBLISHED).first()
    Entry.objects.filter(pk=entry.pk).update(title=MARKUP, latitude=Decimal("51.4963"), longitude=Decimal("6.8637"))
    _shows_the_title_as_text(browser_page, entry.get_absolute_url())

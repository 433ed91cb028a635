"""The team merges two duplicates in the browser, by keyboard and without JavaScript of its own."""

from __future__ import annotations

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import login
from smartstadt.inventory.models import Entry

pytestmark = [pytest.mark.e2e]


def test_team_merges_a_duplicate_pair_from_the_duplicates_page(browser_page):
    kept, removed = sorted(Entry.objects.filter(title__startswith="Breitband-Kataster"), key=lambda e: e.pk)
    old_url = removed.get_absolute_url()
    login(browser_page, "team-muelheim", DEMO_PASSWORD)
    browser_page.open("/arbeitsbereich/bestand/muelheim-an-der-ruhr/dubletten/")
    merge = browser_page.locator(f"a[href$='/zusammenfuehren/{kept.pk}/{removed.pk}/']")
    browser_page.press_to(merge, "Enter")
    assert removed.title in browser_page.locator("main table").inner_text()  # side by side
    browser_page.locator("input[name=title][value=remove]").press("Space")  # the other entry's title
    browser_page.press_to(browser_page.locator("main form button[type=submit]"), "Enter")
    assert list(Entry.objects.filter(title__startswith="Breitband-Kataster").values_list("pk", "title")) == [
        (kept.pk, removed.title)
    ]
    assert browser_page.locator("h1").inner_text() == removed.title
    browser_page.open(old_url)  # the removed entry's address leads to the one that stayed
    assert browser_page.url.endswith(Entry.objects.get(pk=kept.pk).get_absolute_url())

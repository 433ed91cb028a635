"""Tag suggestions in the browser: they follow the text as the person leaves the summary field (htmx)."""

from __future__ import annotations

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import login
from smartstadt.inventory.models import Entry

pytestmark = [pytest.mark.e2e]


def test_suggestions_follow_the_summary_and_nothing_is_saved(browser_page):
    count = Entry.objects.count()
    login(browser_page, "team-oberhausen", DEMO_PASSWORD)
    browser_page.open("/kommunen/oberhausen/bestand/neu/")
    suggestions = browser_page.locator("#tag-suggestions")
    assert "Smarte Umwelt" not in suggestions.inner_text()
    browser_page.locator("#id_title").fill("Sensoren messen Feinstaub an Schulen")
    summary = browser_page.locator("#id_summary")
    summary.fill("Die Messwerte der Luft erscheinen im Klassenraum.")
    summary.press("Tab")  # leaving the field asks for fresh suggestions
    first = browser_page.locator("#tag-suggestion-items li").first
    first.wait_for()
    assert "Smarte Umwelt" in first.inner_text()
    browser_page.check()  # the swapped list passes axe, too
    assert Entry.objects.count() == count

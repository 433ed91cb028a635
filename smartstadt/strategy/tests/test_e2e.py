"""The Oberhausen team in Chromium: overview → measure sheet → gaps → versions → comparison (axe on every page).

Links and fields are found by their addresses and ids: the German texts of this area are added to the catalogue
later, and the walk must hold in both languages.
"""

from __future__ import annotations

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import login

pytestmark = [pytest.mark.e2e]


def test_team_walks_through_the_strategy_workspace(browser_page):
    page = browser_page
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open("/arbeitsbereich/strategie/")
    page.click_to(page.get_by_role("link", name="Smart-City-Strategie Oberhausen"))
    assert page.get_by_role("heading", level=1).inner_text() == "Smart-City-Strategie Oberhausen"
    overview = page.url

    # keyboard ordering: the second goal moves up with Enter on its button (a form, no JavaScript needed)
    goals = page.locator("section:has(#ziele) ol.sortable > li")
    assert goals.nth(1).locator("strong").inner_text() == "Die Chancenstadt"
    button = goals.nth(1).locator("button[value=up]")
    button.focus()
    page.press_to(button, "Enter")
    assert goals.first.locator("strong").inner_text() == "Die Chancenstadt"

    # the measure sheet in the seed's layout
    page.click_to(page.get_by_role("link", name="1 Selbstbestimmt im Quartier", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "1) Selbstbestimmt im Quartier"
    assert page.locator(".measure-sheet").get_by_text("Smart City Oberhausen").is_visible()

    # solutions from the inventory: link one with one click
    page.click_to(page.locator("a[href$='/loesungen/']").first)
    linked = page.locator("section:has(#linked-heading) li")
    before = linked.count()
    page.click_to(page.locator("section:has(#suggestions-heading) button").first)
    assert linked.count() == before + 1

    # gaps: a goal without challenges, fixed from the gap page
    page.click_to(page.locator("a[href$='/luecken/']").first)
    page.click_to(page.locator("section:has(#luecke-goals) a").first)
    page.locator("#id_title").fill("Fachkräftemangel")
    page.click_to(page.locator("main button[type=submit]").first)
    assert page.locator("section:has(#herausforderungen)").get_by_text("Fachkräftemangel", exact=True).is_visible()

    # freeze a draft, change a measure, compare
    page.click_to(page.locator("a[href$='/versionen/']").first)
    page.locator("#id_label").fill("Entwurf 1")
    page.click_to(page.locator("section:has(#freeze-heading) button[type=submit]"))
    assert page.get_by_role("rowheader", name="Entwurf 1").is_visible()
    page.open(overview)
    measures = page.locator("section:has(#massnahmen) ol.sortable > li")
    page.click_to(measures.filter(has_text="Co-Kreation").locator("a[href$='/bearbeiten/']"))
    page.locator("#id_objective").fill("Quartiere gemeinsam planen")
    page.click_to(page.locator("main form button[type=submit]").first)
    page.click_to(page.locator("a[href$='/versionen/']").first)
    page.click_to(page.locator("a[href*='/versionen/vergleich/?alt=1']").first)
    assert page.locator("ins.diff-ins", has_text="Quartiere gemeinsam planen").first.is_visible()


def test_public_pages_and_dragging_in_the_workspace(browser_page):
    page = browser_page
    page.open("/strategie/")
    page.click_to(page.get_by_role("link", name="Smart-City-Strategie Oberhausen"))
    assert page.get_by_text("Wir verlängern die Stadtentwicklung in den digitalen Raum.").is_visible()
    page.click_to(page.get_by_role("link", name="Co-Creation-Fund: Gemeinsam smart"))
    assert page.get_by_text("550.000 €").is_visible()

    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open("/arbeitsbereich/strategie/")
    page.click_to(page.get_by_role("link", name="Smart-City-Strategie Oberhausen"))
    overview = page.url
    principles = page.locator("section:has(#leitsaetze) ol.sortable > li")
    third = principles.nth(2).locator(".sortable__body").inner_text()
    # drag with the mouse: the script saves the whole new order and says so in the live region
    principles.nth(2).drag_to(principles.first)
    page.locator("section:has(#leitsaetze) [data-sortable-status]").filter(has_text=".").wait_for(state="attached")
    assert principles.first.locator(".sortable__body").inner_text() == third
    assert principles.first.locator("button[value=up]").is_disabled()
    page.open(overview)
    assert principles.first.locator(".sortable__body").inner_text() == third

    # deleting asks first
    page.click_to(principles.last.locator("a[href$='/loeschen/']"))
    assert page.get_by_role("heading", level=1).inner_text().endswith("?")
    page.click_to(page.locator("main form button[type=submit]"))
    assert principles.count() == 5

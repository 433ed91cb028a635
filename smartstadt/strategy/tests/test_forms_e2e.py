"""The strategy's element forms in Chromium: a challenge by keyboard only, a measure with the mouse.

The goals, challenges and fields of action are KERN checkbox groups: Tab moves from option to option, Space ticks
the focused one, Enter sends the form; a click on a label ticks exactly its option.
"""

from __future__ import annotations

import re

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import BrowserPage, login
from smartstadt.strategy.models import Challenge, Measure

pytestmark = [pytest.mark.e2e]

WORKSPACE = "/arbeitsbereich/strategie/1/"


def focused(page: BrowserPage) -> str:
    return page.evaluate("() => document.activeElement.labels?.[0]?.textContent.trim() ?? document.activeElement.id")


def test_team_adds_a_challenge_with_its_goals_by_keyboard_only(browser_page: BrowserPage) -> None:
    page = browser_page
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open(f"{WORKSPACE}herausforderungen/neu/")
    page.locator("#id_title").focus()
    page.keyboard.type("Hitze in der Innenstadt")
    page.keyboard.press("Tab")
    page.keyboard.type("Sommer mit mehr als 30 Tropentagen.")
    page.keyboard.press("Tab")
    assert focused(page) == "Die prosperierende Stadt"
    page.keyboard.press("Tab")
    assert focused(page) == "Die Chancenstadt"
    page.keyboard.press("Tab")
    assert focused(page) == "Die nachhaltige Stadt"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.get_by_label("Die nachhaltige Stadt", exact=True).is_checked()
    assert page.get_by_label("Die attraktive Stadt", exact=True).is_checked()
    assert not page.get_by_label("Die Chancenstadt", exact=True).is_checked()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")  # on a checkbox: sends the form with its first button, Save
    page.check()
    challenge = Challenge.objects.get(title="Hitze in der Innenstadt")
    assert sorted(challenge.goals.values_list("title", flat=True)) == ["Die attraktive Stadt", "Die nachhaltige Stadt"]


def test_team_links_a_measure_to_goals_challenges_and_districts_with_the_mouse(browser_page: BrowserPage) -> None:
    page = browser_page
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open(f"{WORKSPACE}massnahmen/neu/")
    page.get_by_label("Titel", exact=True).click()
    page.keyboard.type("Schattenplätze an Haltestellen")
    for group, option in [
        ("Ziele, denen sie dient", "Die nachhaltige Stadt"),
        ("Herausforderungen, die sie angeht", "Mobilität"),
        ("Handlungsfelder", "Mobilität und Infrastruktur"),
        ("Stadtbezirke und Stadtteile", "Osterfeld"),
    ]:
        fieldset = page.get_by_role("group", name=group)
        fieldset.locator("label", has_text=re.compile(f"^{re.escape(option)}$")).click()
        assert fieldset.locator("input:checked").count() == 1, group
        assert fieldset.get_by_label(option, exact=True).is_checked(), option
    # A second click on the label unticks again.
    goals = page.get_by_role("group", name="Ziele, denen sie dient")
    goals.locator("label", has_text="Die Chancenstadt").click()
    goals.locator("label", has_text="Die Chancenstadt").click()
    assert not goals.get_by_label("Die Chancenstadt", exact=True).is_checked()
    page.click_to(page.locator("main form .kern-btn-wrapper button[type=submit]"))

    measure = Measure.objects.get(title="Schattenplätze an Haltestellen")
    assert list(measure.goals.values_list("title", flat=True)) == ["Die nachhaltige Stadt"]
    assert list(measure.challenges.values_list("title", flat=True)) == ["Mobilität"]
    assert list(measure.fields_of_action.values_list("title", flat=True)) == ["Mobilität und Infrastruktur"]
    assert list(measure.districts.values_list("name", flat=True)) == ["Osterfeld"]


STRATEGY_FORM_PAGES = [
    "/arbeitsbereich/strategie/neu/oberhausen/",
    f"{WORKSPACE}bearbeiten/",
    f"{WORKSPACE}ziele/neu/",
    f"{WORKSPACE}herausforderungen/neu/",
    f"{WORKSPACE}handlungsfelder/neu/",
    f"{WORKSPACE}massnahmen/neu/",
    f"{WORKSPACE}massnahmen/1/bearbeiten/",
    f"{WORKSPACE}massnahmen/1/kennzahlen/neu/",
    f"{WORKSPACE}versionen/",
]


def test_every_strategy_form_passes_axe_and_the_layout_check(browser_page: BrowserPage) -> None:
    login(browser_page, "team-oberhausen", DEMO_PASSWORD)
    for path in STRATEGY_FORM_PAGES:
        response = browser_page.open(path)
        assert response.status == 200, path
        assert browser_page.locator("main form").count() >= 1, path

"""End to end in Debian's Chromium: every page visited is checked with axe-core (WCAG 2.1 A/AA)."""

from __future__ import annotations

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import login
from smartstadt.portal.tests.test_pages import PUBLIC_PAGES

pytestmark = [pytest.mark.e2e]


def test_every_public_page_passes_axe(browser_page):
    for path in [*PUBLIC_PAGES, "/gibt-es-nicht/"]:
        browser_page.open(path)
        assert browser_page.locator("main h1").count() == 1, path


def test_every_public_page_passes_axe_on_a_phone(mobile_page):
    for path in ["/", "/kommunen/", "/kommunen/oberhausen/", "/ordnungsrahmen/giffinger/"]:
        mobile_page.open(path)


def test_skip_link_and_keyboard_navigation(browser_page):
    browser_page.open("/")
    browser_page.keyboard.press("Tab")
    skip = browser_page.get_by_role("link", name="Zum Inhalt springen")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("document.activeElement.id") == "main"
    # Keyboard only: focus the link to Oberhausen's profile and follow it with Enter.
    link = browser_page.get_by_role("link", name="Profil von Oberhausen")
    link.focus()
    browser_page.press_to(link, "Enter")
    assert browser_page.get_by_role("heading", level=1).inner_text() == "Oberhausen"


def test_filter_updates_the_list_in_place_and_works_by_keyboard(browser_page):
    browser_page.open("/kommunen/")
    select = browser_page.get_by_label("Region")
    select.focus()
    select.select_option("metropole-ruhr")
    browser_page.get_by_text("12 Kommunen gefunden").wait_for()
    assert "region=metropole-ruhr" in browser_page.url  # shareable URL
    browser_page.check()  # the swapped fragment passes axe, too
    assert browser_page.get_by_role("link", name="Mülheim an der Ruhr").is_visible()


def test_filter_works_without_javascript(chromium, live_demo):
    from smartstadt.core.tests.browser import BrowserPage

    context = chromium.new_context(locale="de-DE", java_script_enabled=False)
    page = BrowserPage(context.new_page(), live_demo.url)
    try:
        page.goto(page.url_for("/kommunen/"))
        page.get_by_label("Region").select_option("metropole-ruhr")
        with page.expect_navigation():
            page.get_by_role("button", name="Filter anwenden").click()
        assert page.get_by_text("12 Kommunen gefunden").is_visible()
        assert "region=metropole-ruhr" in page.url
    finally:
        context.close()


def test_team_signs_in_edits_the_profile_and_sees_the_history(browser_page):
    login(browser_page, "team-oberhausen", DEMO_PASSWORD)
    assert browser_page.get_by_role("heading", name="Mein Arbeitsbereich").is_visible()
    browser_page.click_to(browser_page.get_by_role("link", name="Profil bearbeiten"))
    motto = browser_page.get_by_label("Motto")
    motto.fill("Oberhausen – gemeinsam smart und offen")
    browser_page.click_to(browser_page.get_by_role("button", name="Speichern"))
    assert browser_page.get_by_text("Oberhausen – gemeinsam smart und offen").first.is_visible()
    browser_page.click_to(browser_page.get_by_role("link", name="Änderungsverlauf"))
    assert browser_page.get_by_role("cell", name="team-oberhausen").first.is_visible()


def test_form_errors_are_announced_and_linked_to_their_field(browser_page):
    login(browser_page, "team-oberhausen", DEMO_PASSWORD)
    browser_page.open("/kommunen/oberhausen/bearbeiten/")
    key = browser_page.get_by_label("Amtlicher Gemeindeschlüssel (AGS)")
    key.fill("123")
    browser_page.click_to(browser_page.get_by_role("button", name="Speichern"))
    key = browser_page.get_by_label("Amtlicher Gemeindeschlüssel (AGS)")
    assert key.get_attribute("aria-invalid") == "true"
    described_by = key.get_attribute("aria-describedby") or ""
    assert "Der AGS hat genau acht Ziffern." in browser_page.locator(f"#{described_by.split()[-1]}").inner_text()


def test_wrong_password_gets_a_german_message(browser_page):
    login(browser_page, "team-oberhausen", "falsch")
    assert browser_page.get_by_role("alert").inner_text().count("Benutzername") >= 1


def test_language_switch_to_english_and_back(browser_page):
    browser_page.open("/kommunen/oberhausen/")
    browser_page.click_to(browser_page.get_by_role("button", name="English"))
    assert browser_page.evaluate("document.documentElement.lang") == "en"
    assert browser_page.get_by_role("heading", name="Facts").is_visible()
    assert browser_page.url.endswith("/kommunen/oberhausen/")
    browser_page.click_to(browser_page.get_by_role("button", name="Deutsch"))
    assert browser_page.get_by_role("heading", name="Fakten").is_visible()


def test_team_of_another_city_cannot_edit(browser_page):
    login(browser_page, "team-muelheim", DEMO_PASSWORD)
    browser_page.open("/kommunen/oberhausen/")
    assert browser_page.get_by_role("link", name="Profil bearbeiten").count() == 0
    response = browser_page.open("/kommunen/oberhausen/bearbeiten/")
    assert response.status == 403
    assert browser_page.get_by_role("heading", name="Kein Zugriff").is_visible()

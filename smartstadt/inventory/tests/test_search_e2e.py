"""The portal's search in Debian's Chromium: by keyboard, updated in place by htmx, checked with axe-core."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e]


def test_search_by_keyboard_updates_the_results_in_place(browser_page):
    browser_page.open("/bestand/")
    field = browser_page.locator("#search-q")
    field.focus()
    field.fill("Ladeinfrastruktur")
    field.press("Enter")  # htmx swaps the results: no new page
    browser_page.get_by_role("link", name="MOBI-System mit MOBIpunkten").wait_for()
    browser_page.wait_for_url("**q=Ladeinfrastruktur")  # the shareable address, without empty fields
    assert browser_page.locator("#search-count").get_attribute("role") == "status"
    browser_page.check()  # the swapped results pass axe, too

    # A facet by keyboard: the results follow, the focus stays on the choice.
    choice = browser_page.locator("#facet-kind-project")
    choice.focus()
    choice.press("Space")
    browser_page.wait_for_url("**kind=project**")
    browser_page.get_by_role("link", name="MOBI-System mit MOBIpunkten").wait_for()
    assert browser_page.evaluate("document.activeElement.id") == "facet-kind-project"
    browser_page.check()


def test_paging_stays_in_place_and_keeps_the_query(browser_page):
    browser_page.open("/bestand/?q=Smart")
    next_page = browser_page.get_by_role("link", name="Nächste Seite")
    next_page.focus()
    next_page.press("Enter")
    browser_page.wait_for_url("**page=2**")
    browser_page.get_by_text("Seite 2 von").wait_for()
    assert "q=Smart" in browser_page.url
    browser_page.check()


def test_the_shared_address_opens_the_same_search(browser_page):
    browser_page.open("/bestand/?q=Digitaler+Zwilling&municipality=muenchen")
    assert browser_page.locator("#search-q").input_value() == "Digitaler Zwilling"
    assert browser_page.get_by_role("link", name="Digitaler Zwilling München").is_visible()
    assert browser_page.locator("#facet-municipality").input_value() == "muenchen"


def test_search_works_without_javascript(chromium, live_demo):
    from smartstadt.core.tests.browser import BrowserPage

    context = chromium.new_context(locale="de-DE", java_script_enabled=False)
    page = BrowserPage(context.new_page(), live_demo.url)
    try:
        page.goto(page.url_for("/bestand/?q=Beteiligung"))
        assert page.get_by_role("link", name="Beteiligungsplattform bochum-mitgestalten.de").is_visible()
        page.locator("#facet-municipality").select_option("bochum")
        with page.expect_navigation():
            page.locator("#search-form button[type=submit]").last.click()
        assert "municipality=bochum" in page.url
        assert page.get_by_role("link", name="Beteiligungsplattform bochum-mitgestalten.de").is_visible()
        assert not page.get_by_role("link", name="Co-Kreation").count()
    finally:
        context.close()

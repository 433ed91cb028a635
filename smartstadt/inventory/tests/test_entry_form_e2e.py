"""The entry form in Chromium, filled as a person does: with the mouse on a desktop, and on a phone.

Checkbox groups are KERN fieldsets (templates/partials/choice_group.html): a click on an option's label ticks that
option and no other; the long partner list is filtered by typing and still sends what was ticked.
"""

from __future__ import annotations

import re

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import BrowserPage, login
from smartstadt.inventory.models import Entry

pytestmark = [pytest.mark.e2e]

STOAG = "STOAG Stadtwerke Oberhausen AG"
STOAG_OPTION = f"{STOAG} (Oberhausen)"


def tick(group, label: str) -> None:
    """Click an option's label, as a person does, and see that exactly it got ticked."""
    option = group.get_by_label(label, exact=True)
    assert not option.is_checked()
    group.locator("label", has_text=re.compile(f"^{re.escape(label)}$")).click()
    assert option.is_checked(), label


def test_team_fills_the_entry_form_with_the_mouse(browser_page: BrowserPage) -> None:
    page = browser_page
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open("/kommunen/oberhausen/bestand/neu/")

    page.get_by_label("Titel", exact=True).click()
    page.keyboard.type("Sensoren für Parkplätze in Sterkrade")
    page.get_by_label("Kurzbeschreibung").click()
    page.keyboard.type("Freie Parkplätze erscheinen in der App.")

    districts = page.get_by_role("group", name="Stadtbezirke und Stadtteile")
    tick(districts, "Sterkrade")
    tick(districts, "Holten")
    assert districts.locator("input:checked").count() == 2
    assert districts.locator("[data-choice-count]").inner_text() == "2"

    # The long partner list: type into its filter field, then click the one option left.
    partners = page.get_by_role("group", name="Partner")
    search = partners.get_by_label("In „Partner“ suchen")
    search.click()
    page.keyboard.type("stoag")
    page.keyboard.press("Enter")  # Enter in the filter field does not send the form
    visible = partners.locator(".kern-form-check:visible")
    assert visible.count() == 1
    tick(partners, STOAG_OPTION)
    search.fill("keine solche organisation")
    assert partners.get_by_text("Keine Auswahl passt zur Suche.").is_visible()
    search.fill("")
    assert partners.locator(".kern-form-check:visible").count() > 50

    tags = page.get_by_role("group", name="Schlagworte")
    tags.get_by_label("In „Schlagworte“ suchen").fill("Mobilität")
    tick(tags, "Giffinger 2007: Smarte Mobilität")
    page.check()  # the filtered lists pass axe and the layout check, too

    page.click_to(page.locator("main form .kern-btn-wrapper button[type=submit]"))
    entry = Entry.objects.get(title="Sensoren für Parkplätze in Sterkrade")
    assert sorted(entry.districts.values_list("name", flat=True)) == ["Holten", "Sterkrade"]
    assert list(entry.partners.values_list("name", flat=True)) == [STOAG]
    assert [term.label for term in entry.terms.all()] == ["Smarte Mobilität"]


def test_entry_form_on_a_phone_shows_the_options_as_checkboxes(mobile_page: BrowserPage) -> None:
    page = mobile_page
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open("/kommunen/oberhausen/bestand/neu/")
    districts = page.get_by_role("group", name="Stadtbezirke und Stadtteile")
    box = districts.get_by_label("Alstaden", exact=True).bounding_box()
    assert box is not None
    assert 24 <= box["width"] <= 40
    page.get_by_label("Titel", exact=True).fill("Bürgerbus Alstaden")
    districts.locator("label", has_text=re.compile("^Alstaden$")).tap()
    page.click_to(page.locator("main form .kern-btn-wrapper button[type=submit]"))
    entry = Entry.objects.get(title="Bürgerbus Alstaden")
    assert list(entry.districts.values_list("name", flat=True)) == ["Alstaden"]


def test_long_lists_work_without_javascript(chromium, live_demo) -> None:
    context = chromium.new_context(locale="de-DE", java_script_enabled=False)
    page = BrowserPage(context.new_page(), live_demo.url)
    try:
        page.goto(page.url_for("/anmelden/"))
        page.get_by_label("Benutzername").fill("team-oberhausen")
        page.get_by_label("Passwort").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Anmelden").last.click()
        page.goto(page.url_for("/kommunen/oberhausen/bestand/neu/"))
        partners = page.get_by_role("group", name="Partner")
        assert partners.get_by_role("searchbox").count() == 0  # the filter field comes with JavaScript only
        assert partners.locator(".kern-form-check:visible").count() > 50  # every option is listed
        page.get_by_label("Titel", exact=True).fill("Mobilstation ohne Skript")
        option = partners.get_by_label(STOAG_OPTION, exact=True)
        option.scroll_into_view_if_needed()
        option.check()
        with page.expect_navigation():
            page.locator("main form .kern-btn-wrapper button[type=submit]").click()
        entry = Entry.objects.get(title="Mobilstation ohne Skript")
        assert list(entry.partners.values_list("name", flat=True)) == [STOAG]
    finally:
        context.close()


def test_the_edit_form_shows_what_is_ticked(browser_page: BrowserPage) -> None:
    entry = Entry.objects.filter(municipality__slug="oberhausen", partners__isnull=False).distinct().first()
    assert entry is not None
    login(browser_page, "team-oberhausen", DEMO_PASSWORD)
    browser_page.open(f"/kommunen/oberhausen/bestand/{entry.slug}/bearbeiten/")
    partners = browser_page.get_by_role("group", name="Partner")
    assert partners.locator("input:checked").count() == entry.partners.count()
    assert partners.locator("[data-choice-count]").inner_text() == str(entry.partners.count())

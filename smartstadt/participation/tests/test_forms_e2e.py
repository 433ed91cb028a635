"""Participation forms in Chromium: registration by keyboard only, an idea with the mouse, each first sent wrong.

The error state is checked too (axe and the layout check run on it): the summary names the field and links to it.
"""

from __future__ import annotations

import pytest
from django.core import mail

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.models import User
from smartstadt.core.tests.browser import BrowserPage, login
from smartstadt.participation.demo import PROCESS_SLUG
from smartstadt.participation.models import Idea

pytestmark = [pytest.mark.e2e]

PROCESS = f"/beteiligung/{PROCESS_SLUG}/"


def active_id(page: BrowserPage) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_registration_by_keyboard_only(browser_page: BrowserPage) -> None:
    page = browser_page
    mail.outbox.clear()
    page.open("/registrieren/")
    page.locator("#id_display_name").focus()
    page.keyboard.type("Radlerin aus Osterfeld")
    page.keyboard.press("Tab")
    assert active_id(page) == "id_email"
    page.keyboard.type("radlerin@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("sattel-und-klingel-7")
    page.keyboard.press("Tab")
    page.keyboard.type("sattel-und-klingel-7")
    page.keyboard.press("Tab")
    assert active_id(page) == "id_age_group"
    page.keyboard.press("ArrowDown")  # the first age group after "prefer not to say"
    page.keyboard.press("Tab")
    assert active_id(page) == "id_district"
    page.keyboard.press("Tab")
    assert active_id(page) == "id_consent"
    # Sent without consent: the error is announced and links to the checkbox.
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    page.check()
    error = page.locator(".kern-alert a[href='#id_consent']")
    assert "Ohne Ihre Einwilligung" in error.inner_text()
    assert page.locator("#id_consent").get_attribute("aria-describedby") == "id_consent-error"
    assert not User.objects.filter(email="radlerin@example.org").exists()
    # The passwords are not sent back; the rest is kept.
    assert page.locator("#id_display_name").input_value() == "Radlerin aus Osterfeld"
    page.locator("#id_password").focus()
    page.keyboard.type("sattel-und-klingel-7")
    page.keyboard.press("Tab")
    page.keyboard.type("sattel-und-klingel-7")
    while active_id(page) != "id_consent":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.locator("#id_consent").is_checked()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    page.check()
    assert page.url.endswith("/registrieren/gesendet/")
    user = User.objects.get(email="radlerin@example.org")
    assert user.display_name == "Radlerin aus Osterfeld"
    assert len(mail.outbox) == 1


def test_citizen_submits_an_idea_with_the_mouse(browser_page: BrowserPage) -> None:
    page = browser_page
    login(page, "buergerin", DEMO_PASSWORD)
    page.open(f"{PROCESS}ideen/neu/")
    # Sent empty: both required fields are named, and a click on the error goes to the field.
    page.click_to(page.locator("#idea-form button[type=submit]"))
    summary = page.locator(".kern-alert")
    assert summary.locator("a[href='#id_title']").is_visible()
    assert summary.locator("a[href='#id_text']").is_visible()
    summary.locator("a[href='#id_title']").click()
    assert active_id(page) == "id_title"

    page.locator("#id_title").click()
    page.keyboard.type("Trinkbrunnen im Kaisergarten")
    page.get_by_label("Ihre Idee").click()
    page.keyboard.type("Im Sommer fehlt Wasser für Kinder und Hunde.")
    page.locator("#id_district").select_option(label="Alt-Oberhausen")
    page.click_to(page.locator("#idea-form button[type=submit]"))
    idea = Idea.objects.get(title="Trinkbrunnen im Kaisergarten")
    assert page.url.split("#")[0].endswith(idea.get_absolute_url())  # the error link's #id_title may stay
    assert idea.district is not None
    assert idea.district.name == "Alt-Oberhausen"


TEAM = f"/arbeitsbereich/beteiligung/{PROCESS_SLUG}/"
TEAM_FORM_PAGES = [
    "/arbeitsbereich/beteiligung/neu/oberhausen/",
    f"{TEAM}bearbeiten/",
    f"{TEAM}phasen/neu/",
    f"{TEAM}veranstaltungen/neu/",
    f"{TEAM}umfragen/neu/",
    f"{TEAM}umfragen/1/",
    f"{TEAM}umfragen/1/fragen/neu/",
]


def test_every_team_form_passes_axe_and_the_layout_check(browser_page: BrowserPage) -> None:
    login(browser_page, "team-oberhausen", DEMO_PASSWORD)
    for path in TEAM_FORM_PAGES:
        response = browser_page.open(path)
        assert response.status == 200, path
        assert browser_page.locator("main form").count() >= 1, path

"""The analysis pages in Debian's Chromium, checked with axe-core: the who-page and the joint-project candidates."""

from __future__ import annotations

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import login

pytestmark = [pytest.mark.e2e]


def test_who_page_and_joint_project_candidates(browser_page):
    browser_page.open("/wer-macht-das-schon/")
    browser_page.locator("#who-q").fill("Wir wollen schnelles Internet mit Glasfaser für Gewerbegebiete")
    browser_page.click_to(browser_page.locator("#who-form button[type=submit]"))
    assert "q=" in browser_page.url
    browser_page.get_by_role("link", name="Glasfaserausbau als Smart-City-Infrastruktur").first.wait_for()

    login(browser_page, "team-oberhausen", DEMO_PASSWORD)
    browser_page.open("/kooperation/")
    assert browser_page.locator("#cooperation-region").input_value() == "metropole-ruhr"
    assert browser_page.locator("#cooperation-municipality").input_value() == "oberhausen"
    browser_page.get_by_role("link", name="Oberhausen fast & connected (Fokusprojekt)").first.wait_for()

    # a filter by keyboard: htmx swaps the results in place and shows the shareable address
    browser_page.locator("#cooperation-municipality").select_option("")
    browser_page.wait_for_url("**municipality=&**")
    browser_page.get_by_role("link", name="Open-Data-Plattform Gelsenkirchen").first.wait_for()
    browser_page.check()

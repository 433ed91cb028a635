"""The Oberhausen team renders its strategy in Chromium and finds the download link (axe on every page)."""

from __future__ import annotations

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import login

pytestmark = [pytest.mark.e2e]


def test_team_renders_the_strategy_and_gets_the_download_link(browser_page):
    page = browser_page
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open("/arbeitsbereich/strategie/")
    page.click_to(page.get_by_role("link", name="Smart-City-Strategie Oberhausen"))
    page.click_to(page.locator("main a[href$='/dokumente/']").first)
    page.locator("input[name=kind][value=council]").check()
    page.locator("input[name=format][value=docx]").check()
    page.click_to(page.locator("main form button[type=submit]"))
    # the test backend renders at once; with a worker the page polls until the link appears
    link = page.locator("#document-progress a[href$='/datei/']")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".docx")
    page.click_to(page.locator("main a[href$='/dokumente/']").last)
    assert page.locator("main table a[href$='/datei/']").count() == 1

"""The Oberhausen team asks for the participation report in Chromium, on a desktop and on a phone: the report's
address shows the rendering's progress page (axe on every page), then the download; screenshots for a look."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import SCREENSHOT_DIR, BrowserPage, login
from smartstadt.participation.demo import PROCESS_SLUG

pytestmark = [pytest.mark.e2e]

REPORT = f"/arbeitsbereich/beteiligung/{PROCESS_SLUG}/bericht/"


@pytest.fixture(params=[(1280, 900), (375, 812)], ids=["1280px", "375px"])
def screen(request: Any, chromium: Any, live_demo: Any) -> Iterator[BrowserPage]:
    width, height = request.param
    context = chromium.new_context(
        locale="de-DE", viewport={"width": width, "height": height}, is_mobile=width < 600, has_touch=width < 600
    )
    page = BrowserPage(context.new_page(), live_demo.url)
    page.width = width
    yield page
    try:
        page.assert_all_pages_checked()
    finally:
        context.close()


def _fits(page: BrowserPage) -> None:
    # Nothing wider than the screen: the page does not scroll sideways (tables scroll in their own box).
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_team_gets_the_participation_report_through_the_progress_page(screen: BrowserPage, fmt: str) -> None:
    page = screen
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open(f"/arbeitsbereich/beteiligung/{PROCESS_SLUG}/")
    page.click_to(page.locator(f"main a[href='{REPORT}']"))
    _fits(page)
    page.screenshot(path=str(SCREENSHOT_DIR / f"report-page-{page.width}.png"), full_page=True)
    page.click_to(page.locator(f"#report-downloads a[href$='beteiligungsbericht.{fmt}']"))
    assert page.url.rstrip("/").rsplit("/", 1)[-1].isdigit()  # the rendering's own page
    # the test backend renders at once; with a worker the page polls until the link appears
    link = page.locator("#document-progress a[href$='/datei/']")
    link.wait_for()
    _fits(page)
    page.screenshot(path=str(SCREENSHOT_DIR / f"report-rendering-{fmt}-{page.width}.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"beteiligungsbericht-{PROCESS_SLUG}.{fmt}"
    page.click_to(page.locator(f"main a[href='{REPORT}']").last)
    assert page.locator("#report-renderings a[href$='/datei/']").count() == 1
    _fits(page)
    page.screenshot(path=str(SCREENSHOT_DIR / f"report-page-after-{fmt}-{page.width}.png"), full_page=True)


def test_progress_page_while_the_worker_renders(screen: BrowserPage) -> None:
    from smartstadt.documents.models import RenderedDocument, RenderStatus
    from smartstadt.participation.models import Process

    page = screen
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    document = RenderedDocument.objects.create(
        process=Process.objects.get(slug=PROCESS_SLUG),
        kind="participation",
        format="pdf",
        status=RenderStatus.RUNNING,
        progress=42,
        step="Seite 3 setzen",
    )
    login(page, "team-oberhausen", DEMO_PASSWORD)
    page.open(document.get_absolute_url())
    bar = page.locator("#document-progress progress")
    assert bar.get_attribute("value") == "42"
    assert page.get_by_text("Seite 3 setzen").is_visible()
    _fits(page)
    page.screenshot(path=str(SCREENSHOT_DIR / f"report-progress-{page.width}.png"), full_page=True)
    # htmx asks for the fragment every second; the finished rendering replaces the bar with the download link
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    stored = default_storage.save("documents/x.pdf", ContentFile(b"%PDF-1.4\n"))  # a missing file offers a new one
    RenderedDocument.objects.filter(pk=document.pk).update(status=RenderStatus.DONE, progress=100, file=stored)
    page.locator("#document-progress a[href$='/datei/']").wait_for()
    page.check()

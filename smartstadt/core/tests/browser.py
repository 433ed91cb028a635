"""Browser harness: Playwright driving Debian's Chromium, with axe-core on every page a test visits.

Tests navigate through ``BrowserPage`` (``open``, ``click_to``, ``press_to``); each of these waits for the new page
and runs axe-core on it, failing on any WCAG 2.1 A/AA violation, and the layout check at a desktop's and a phone's
width (``LAYOUT_WIDTHS``, ``layout_check.js``): no sideways scrolling, no overlapping links, buttons, fields or
labels, no form control of absurd size. A page that loads any other way (a raw click
that navigates) is noticed at the end of the test and fails it, so no visited page goes unchecked. Console
errors, e.g. a Content-Security-Policy violation, fail the test too.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
LAYOUT_SOURCE = Path(__file__).with_name("layout_check.js")
# Every checked page is laid out at these widths: a desktop and a small phone.
LAYOUT_WIDTHS = (1280, 375)
LAYOUT_FINDINGS_SHOWN = 12
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "test-screenshots"
# The demo region as serialised once per session (conftest.django_db_setup), to restore after a flush.
DEMO_SNAPSHOT: dict[str, str] = {}


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() and shutil.which("chromium") is not None


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if chromium_available() and AXE_SOURCE.exists():
        return
    reason = "Chromium (/usr/bin/chromium) oder axe-core (npm) fehlt – make test installiert beides"
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


class AccessibilityViolationError(AssertionError):
    pass


class LayoutError(AssertionError):
    pass


class BrowserPage:
    """A Playwright page whose navigations are checked with axe-core."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.checked: list[str] = []
        self.loaded: list[str] = []
        self.console_errors: list[str] = []
        self.expected_statuses: dict[str, int] = {}
        page.on("load", lambda p: self.loaded.append(p.url))
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"{self.page.url}: {error}"))

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        # A page that answers 404 or 403 on purpose logs its own status as a console error; that is not a fault.
        if message.text.startswith("Failed to load resource") and message.location.get("url") in self.loaded_documents:
            return
        self.console_errors.append(f"{self.page.url}: {message.text} ({message.location.get('url')})")

    @property
    def loaded_documents(self) -> set[str]:
        return set(self.loaded) | {self.page.url}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.page, name)

    def url_for(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def open(self, path: str) -> Any:
        response = self.page.goto(self.url_for(path))
        self.page.wait_for_load_state("load")
        self.check()
        return response

    def click_to(self, locator: Any) -> None:
        """Click something that leads to another page, then check that page."""
        with self.page.expect_navigation(wait_until="load"):
            locator.click()
        self.check()

    def press_to(self, locator: Any, key: str) -> None:
        """Press a key (e.g. Enter on a focused link or button) that leads to another page."""
        with self.page.expect_navigation(wait_until="load"):
            locator.press(key)
        self.check()

    def check(self) -> None:
        """Run axe-core and the layout check on the current state of the page (also after an htmx swap)."""
        self.check_accessibility()
        self.check_layout()

    def check_layout(self) -> None:
        """Fail when the page, at any of ``LAYOUT_WIDTHS``, scrolls sideways, has overlapping interactive
        elements or labels, or draws a form control with zero or absurd size."""
        viewport = self.page.viewport_size
        findings: dict[int, list[str]] = {}
        try:
            for width in LAYOUT_WIDTHS:
                self.page.set_viewport_size({"width": width, "height": viewport["height"]})
                found = self.page.evaluate(LAYOUT_SOURCE.read_text(encoding="utf-8"))
                if found:
                    findings[width] = found
                    self._screenshot(f"layout-{width}")
        finally:
            self.page.set_viewport_size(viewport)
        if findings:
            lines = []
            for width, found in findings.items():
                lines += [f"  bei {width} px: {finding}" for finding in found[:LAYOUT_FINDINGS_SHOWN]]
                if len(found) > LAYOUT_FINDINGS_SHOWN:
                    lines.append(f"  bei {width} px: … und {len(found) - LAYOUT_FINDINGS_SHOWN} weitere")
            raise LayoutError(f"Layout-Fehler auf {self.page.url}:\n" + "\n".join(lines))

    def _screenshot(self, suffix: str) -> None:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() else "_" for c in self.page.url)[-80:]
        self.page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{suffix}.png"), full_page=True)

    def check_accessibility(self) -> None:
        """Run axe-core on the current state of the page."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_SOURCE.read_text(encoding="utf-8") + "\n;undefined")
        violations = self.page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return result.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' – ' + n.failureSummary)
                }));
            }""",
            AXE_TAGS,
        )
        self.checked.append(self.page.url)
        if violations:
            self._screenshot("axe")
            raise AccessibilityViolationError(
                f"axe-core meldet {len(violations)} Verstöße auf {self.page.url}:\n"
                + json.dumps(violations, indent=2, ensure_ascii=False)
            )

    def assert_all_pages_checked(self) -> None:
        unchecked = [url for url in self.loaded if url not in self.checked]
        assert not unchecked, (
            "Seiten wurden geladen, aber nicht mit axe-core geprüft (open/click_to/press_to verwenden): "
            + ", ".join(unchecked)
        )
        assert not self.console_errors, "Fehler in der Browser-Konsole:\n" + "\n".join(self.console_errors)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_demo(transactional_db: Any, live_server: Any) -> Any:
    """The live server with the demo region in its database.

    Browser tests need real transactions (the server thread must see committed data), and each ends with a
    flush; the next one restores the demo region from the session's serialisation. Django's own
    ``serialized_rollback`` cannot be used: once Playwright runs an event loop in this thread, Django hands
    out a different connection object than the one the session set up.
    """
    from django.db import connection

    from smartstadt.regions.models import Region

    if not Region.objects.exists() and "default" in DEMO_SNAPSHOT:
        from django.contrib.contenttypes.models import ContentType

        # The flush re-created content types and permissions with new keys; the snapshot brings the old ones.
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        connection.creation.deserialize_db_from_string(DEMO_SNAPSHOT["default"])
        # The rows come back with their keys; the sequences must point past them, whatever a test before set them
        # to (a restore resets them to its own highest keys).
        from django.apps import apps
        from django.core.management.color import no_style

        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    return live_server


@pytest.fixture
def browser_page(chromium: Any, live_demo: Any) -> Iterator[BrowserPage]:
    """A fresh browser context (no cookies) on the live server; German, like a visitor from Oberhausen."""
    context = chromium.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = BrowserPage(context.new_page(), live_demo.url)
    yield page
    try:
        page.assert_all_pages_checked()
    finally:
        context.close()


@pytest.fixture
def mobile_page(chromium: Any, live_demo: Any) -> Iterator[BrowserPage]:
    """A phone-sized browser, as many citizens use the platform."""
    context = chromium.new_context(
        locale="de-DE", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = BrowserPage(context.new_page(), live_demo.url)
    yield page
    try:
        page.assert_all_pages_checked()
    finally:
        context.close()


def login(page: BrowserPage, username: str, password: str) -> None:
    page.open("/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.click_to(page.get_by_role("button", name="Anmelden").last)

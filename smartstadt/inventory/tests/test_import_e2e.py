"""The team imports a spreadsheet in the browser: a bad row is shown and nothing is saved; the fixed file imports."""

from __future__ import annotations

import pytest

from smartstadt.core.demo import DEMO_PASSWORD
from smartstadt.core.tests.browser import login
from smartstadt.inventory.models import Entry
from smartstadt.inventory.tests.spreadsheet_helpers import xlsx

pytestmark = [pytest.mark.e2e]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(status: str) -> list[dict[str, object]]:
    return [
        {"Externe ID": "E2E-1", "Titel": "Testvorhaben Sterkrade", "Status": "läuft", "Stadtteile": "Sterkrade"},
        {"Externe ID": "E2E-2", "Titel": "Testvorhaben Osterfeld", "Status": status, "Beginn": 2024},
    ]


def upload(page, data: bytes) -> None:
    page.open("/arbeitsbereich/bestand/oberhausen/import/")
    page.locator("main input[type=file]").set_input_files(
        files=[{"name": "bestand.xlsx", "mimeType": XLSX, "buffer": data}]
    )
    page.click_to(page.locator("main form[enctype='multipart/form-data'] button[type=submit]"))


def test_bad_row_is_named_nothing_is_saved_then_the_fixed_file_imports(browser_page):
    login(browser_page, "team-oberhausen", DEMO_PASSWORD)
    upload(browser_page, xlsx(rows("fertig")))

    alert = browser_page.get_by_role("alert")
    assert "fertig" in alert.inner_text()
    cell = browser_page.locator("#row-3")
    assert cell.inner_text() == "3"
    assert "Status" in cell.locator("xpath=..").inner_text()
    browser_page.locator("a[href='#row-3']").click()  # the summary leads to the row
    assert browser_page.evaluate("document.activeElement.id") == "row-3"
    assert not Entry.objects.filter(external_id__startswith="E2E-").exists()
    assert browser_page.locator("form[action$='/bestaetigen/']").count() == 0

    upload(browser_page, xlsx(rows("geplant")))
    assert "Testvorhaben Osterfeld" in browser_page.locator("main table").inner_text()
    assert not Entry.objects.filter(external_id__startswith="E2E-").exists()  # a preview saves nothing
    browser_page.click_to(browser_page.locator("form[action$='/bestaetigen/'] button"))
    assert browser_page.locator("main .figure dd").first.inner_text() == "2"
    entries = Entry.objects.filter(external_id__startswith="E2E-").order_by("external_id")
    assert [(e.title, e.status, e.publication_state) for e in entries] == [
        ("Testvorhaben Sterkrade", "running", "draft"),
        ("Testvorhaben Osterfeld", "planned", "draft"),
    ]
    assert [d.name for d in entries[0].districts.all()] == ["Sterkrade"]

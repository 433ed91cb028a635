"""The browser harness's layout check finds what a person sees as broken: each defect of issue 20, put back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from smartstadt.core.tests.browser import BrowserPage, LayoutError

pytestmark = [pytest.mark.e2e]

STYLES = [
    Path(settings.BASE_DIR) / "node_modules" / "@kern-ux" / "native" / "dist" / "kern.min.css",
    Path(settings.BASE_DIR) / "static" / "smartstadt" / "app.css",
]


@pytest.fixture
def page(chromium: Any) -> Iterator[BrowserPage]:
    context = chromium.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    yield BrowserPage(context.new_page(), "http://localhost")
    context.close()


def show(page: BrowserPage, body: str) -> None:
    css = "\n".join(path.read_text(encoding="utf-8") for path in STYLES)
    head = f"<head><title>Test</title><style>{css}</style></head>"
    page.set_content(f"<!DOCTYPE html><html lang='de'>{head}<body><main>{body}</main></body></html>")


def findings(page: BrowserPage) -> str:
    with pytest.raises(LayoutError) as error:
        page.check_layout()
    return str(error.value)


KERN_CHECKBOXES = """
<form class="kern-container">
  <div class="kern-form-input"><label class="kern-label" for="title">Titel</label>
    <input class="kern-form-input__input" id="title" type="text"></div>
  <fieldset class="kern-fieldset"><legend class="kern-label">Stadtteile</legend>
    <div class="kern-fieldset__body">
      <div class="kern-form-check"><input class="kern-form-check__checkbox" type="checkbox" id="d0">
        <label class="kern-label" for="d0">Alstaden</label></div>
      <div class="kern-form-check"><input class="kern-form-check__checkbox" type="checkbox" id="d1">
        <label class="kern-label" for="d1">Sterkrade</label></div>
    </div>
  </fieldset>
  <button class="kern-btn kern-btn--primary" type="submit"><span class="kern-label">Speichern</span></button>
</form>
"""


def test_a_kern_form_passes(page):
    show(page, KERN_CHECKBOXES)
    page.check_layout()
    assert page.viewport_size == {"width": 1280, "height": 900}  # the test's own size again


def test_a_checkbox_drawn_as_a_text_field_fails(page):
    # The entry form before issue 20: Django's <label><input> with the text field's class.
    show(
        page,
        """<div class="kern-form-input"><label class="kern-label">Schlagworte</label>
        <div><label><input type="checkbox" class="kern-form-input__input" value="1"> Mobilität</label></div>
        <div><label><input type="checkbox" class="kern-form-input__input" value="2"> Umwelt</label></div>
        </div>""",
    )
    message = findings(page)
    assert "Kontrollkästchen" in message
    assert "Mobilität" in message
    assert "bei 1280 px" in message


def test_overlapping_labels_and_buttons_fail(page):
    show(
        page,
        """<label for="a" style="display:block;height:40px">Stadtbezirke und Stadtteile</label>
        <button style="margin-top:-30px;display:block;width:200px">Speichern</button>""",
    )
    message = findings(page)
    assert "überdeckt" in message
    assert "Speichern" in message


def test_sideways_scrolling_on_a_phone_fails_and_names_the_element(page):
    address = "https://www.example.org/" + "x" * 80
    show(page, f'<p><a href="#" style="display:inline-flex;white-space:nowrap">{address}</a></p>')
    message = findings(page)
    assert "bei 375 px" in message
    assert "scrollt seitwärts" in message
    assert "a „https://www.example.org/" in message
    assert "bei 1280 px" not in message


def test_a_tiny_multiple_select_and_a_narrow_text_field_fail(page):
    show(
        page,
        """<label for="p">Partner</label><select id="p" multiple style="height:46px"><option>STOAG</option></select>
        <label for="t">Titel</label><input id="t" type="text" style="width:20px">""",
    )
    message = findings(page)
    assert "Mehrfachauswahl select#p" in message
    assert "Eingabefeld input#t" in message


def test_hidden_and_scrolled_away_elements_do_not_count(page):
    show(
        page,
        """<div hidden><input type="checkbox" style="width:500px"></div>
        <span class="sr-only"><a href="#">unsichtbar</a></span><a href="#">sichtbar</a>
        <div style="max-height:60px;overflow-y:auto">
          <div class="kern-form-check"><input class="kern-form-check__checkbox" type="checkbox" id="c0">
            <label class="kern-label" for="c0">Eins</label></div>
          <div class="kern-form-check"><input class="kern-form-check__checkbox" type="checkbox" id="c1">
            <label class="kern-label" for="c1">Zwei</label></div>
          <div class="kern-form-check"><input class="kern-form-check__checkbox" type="checkbox" id="c2">
            <label class="kern-label" for="c2">Drei</label></div>
        </div>
        <button style="display:block">Weiter</button>""",
    )
    page.check_layout()


def test_a_label_squeezed_to_single_letters_fails(page):
    # The invitation table on a phone, when labels could break anywhere: one letter a line.
    show(
        page,
        """<table style="width:200px"><tr>
        <td><label for="i" style="overflow-wrap:anywhere">Agentur für Arbeit Oberhausen</label></td>
        <td><input id="i" type="text" style="width:180px"></td></tr></table>""",
    )
    assert "Beschriftung label „Agentur für Arbeit" in findings(page)


def test_an_overlay_may_cover_the_page_but_not_itself(page):
    menu = """<div data-layout-overlay style="position:absolute;top:0;left:0;background:#fff">
      <a href="#" style="display:block">Bestand</a><a href="#" style="display:block">Strategie</a></div>"""
    show(page, menu + '<a href="#">Darunter</a>')
    page.check_layout()
    show(page, menu.replace("display:block", "display:block;margin-bottom:-20px") + '<a href="#">Darunter</a>')
    assert "überdeckt" in findings(page)

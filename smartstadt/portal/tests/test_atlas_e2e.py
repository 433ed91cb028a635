"""Map, network graph and statistics in Debian's Chromium: keyboard use, axe-core, no console errors."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e]


def active(page, expression: str = "document.activeElement"):
    return page.evaluate(f"() => {{ const e = {expression}; return e && (e.dataset.marker || e.className); }}")


def test_map_by_keyboard_without_tiles(browser_page):
    page = browser_page
    page.open("/karte/?region=metropole-ruhr")
    page.locator("#atlas-map[data-ready]").wait_for()
    rows = page.locator("#map-places tr[data-marker]")
    markers = page.locator("#atlas-map .leaflet-marker-icon")
    assert markers.count() == rows.count() > 5
    # No tile server configured: a plain background, no tiles, nothing loaded from elsewhere.
    assert page.locator("#atlas-map.atlas-map--plain").count() == 1
    assert page.locator(".leaflet-tile").count() == 0

    # Tab from the map to its first marker; the markers come in the order of the table.
    page.locator("#atlas-map").focus()
    page.keyboard.press("Tab")
    first = rows.first.get_attribute("data-marker")
    assert active(page) == first
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.startswith(rows.first.locator("th a").inner_text())
    assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
    page.keyboard.press("Tab")
    assert active(page) == rows.nth(1).get_attribute("data-marker")
    page.keyboard.press("Shift+Tab")

    # Enter opens the popup and moves the focus to its first link; Escape closes it and returns to the marker.
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    assert popup.locator(".leaflet-popup-content a").count() >= 2  # the entries and the municipality
    assert page.evaluate("document.activeElement.closest('.leaflet-popup') !== null")
    page.check()  # axe on the open popup
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    assert active(page) == first

    # The list offers the same places: its button opens the marker's popup; its links lead to the entries.
    oberhausen = page.locator("#map-places tr", has=page.locator('a[href="/kommunen/oberhausen/"]'))
    oberhausen.get_by_role("button").focus()
    page.keyboard.press("Enter")
    popup.wait_for()
    entry_link = page.locator(".leaflet-popup-content li a").first
    assert entry_link.evaluate("element => element === document.activeElement")
    page.press_to(entry_link, "Enter")
    assert "/kommunen/oberhausen/bestand/" in page.url

    # The entry page shows the place, approximately at the municipality's centre.
    place = page.locator(".place-map[data-ready]")
    place.wait_for()
    assert place.get_attribute("data-approximate") == "true"
    place.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for()


def test_map_with_a_tile_server_and_district_outlines(browser_page, settings, live_demo):
    from smartstadt.regions.models import Municipality
    from smartstadt.regions.tests.factories import DistrictFactory

    # A tile server on the test server itself (nothing is loaded from the internet): the favicon as tile.
    settings.MAP_TILE_URL = live_demo.url + "/static/smartstadt/favicon.svg?z={z}&x={x}&y={y}"
    settings.MAP_TILE_ATTRIBUTION = "Testkacheln"
    square = [[6.84, 51.46], [6.86, 51.46], [6.86, 51.48], [6.84, 51.48], [6.84, 51.46]]
    DistrictFactory(
        municipality=Municipality.objects.get(slug="oberhausen"),
        name="Testviertel",
        geometry={"type": "Polygon", "coordinates": [square]},
    )
    browser_page.open("/karte/?municipality=oberhausen")
    browser_page.locator("#atlas-map[data-ready]").wait_for()
    browser_page.locator(".leaflet-tile-loaded").first.wait_for()
    assert browser_page.locator("#atlas-map.atlas-map--plain").count() == 0
    assert "Testkacheln" in browser_page.locator(".leaflet-control-attribution").inner_text()
    assert browser_page.locator("path.atlas-outline").count() == 1
    browser_page.check()


def test_network_graph_by_keyboard(browser_page):
    page = browser_page
    page.open("/netzwerk/")
    graph = page.locator("#network-graph[data-ready]")
    graph.wait_for()
    rows = page.locator("#network-table tr[data-node]")
    assert int(graph.get_attribute("data-ready")) > rows.count() > 5
    assert graph.get_attribute("role") == "img"
    assert graph.get_attribute("aria-label")

    # Tab from an organisation's link to its button; Enter selects it in the graph and announces its links.
    row = rows.first
    name = row.locator("th a").inner_text()
    row.locator("th a").focus()
    page.keyboard.press("Tab")
    button = row.get_by_role("button")
    assert button.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('network-graph').dataset.selected")
    assert graph.get_attribute("data-selected") == row.get_attribute("data-node")
    assert name in page.locator("#network-status").inner_text()
    assert "is-highlighted" in row.get_attribute("class")
    page.check()

    # Showing the whole graph again brings the focus back to the button.
    page.locator("#network-reset").focus()
    page.keyboard.press("Enter")
    assert page.locator("#network-reset").is_hidden()
    assert button.evaluate("element => element === document.activeElement")

    # The filters are a plain form.
    page.locator("#network-organisation-kind").select_option("civil_society")
    page.press_to(page.locator("form.filters button[type=submit]"), "Enter")
    assert "organisation_kind=civil_society" in page.url
    page.locator("#network-graph[data-ready]").wait_for()


def test_statistics_show_white_spots_and_charts_with_tables(browser_page):
    page = browser_page
    page.open("/")
    page.click_to(page.locator('.site-nav a[href="/statistik/"]'))
    assert page.locator('.site-nav a[href="/statistik/"]').get_attribute("aria-current") == "page"
    assert page.locator('#coverage-municipalities th[data-column="oberhausen"]').is_visible()
    for canvas in page.locator("canvas[data-chart]").all():
        assert canvas.get_attribute("data-ready") == "true"
    spots = page.locator("#coverage-municipalities td[data-white-spot]")
    assert spots.count() > 0
    assert spots.first.inner_text().strip().startswith("○")

    # Oberhausen on its own, chosen with the keyboard.
    page.locator("#statistics-municipality").select_option("oberhausen")
    page.press_to(page.locator("form.filters button[type=submit]"), "Enter")
    assert page.locator("#coverage-municipalities td[data-column]").count() == 6
    assert page.locator("#coverage-lead-kinds td[data-white-spot]").count() > 0

    page.locator("#statistics-framework").select_option("oberhausen-handlungsfelder")
    page.press_to(page.locator("form.filters button[type=submit]"), "Enter")
    assert page.locator("#coverage-municipalities tbody tr").count() > 1


def test_atlas_pages_on_a_phone(mobile_page):
    for path in ["/karte/", "/netzwerk/", "/statistik/"]:
        mobile_page.open(path)

"""The map for choosing the place of an idea (map.js, .pick-map) and the small map on the idea's page."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse

from smartstadt.participation.models import Idea, Process

from .factories import IdeaFactory

ClientAs = Callable[[str], Client]


def _url(name: str, process: Process, *args: Any) -> str:
    return reverse(f"participation:{name}", args=[process.slug, *args])


def test_idea_form_has_the_pick_map_wired_to_the_inputs(client_as: ClientAs, process: Process) -> None:
    process.municipality.latitude = Decimal("51.496300")
    process.municipality.longitude = Decimal("6.863800")
    process.municipality.save()
    url = _url("idea_create", process)
    assert client_as("anonymous").get(url).status_code == 302
    response = client_as("citizen").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    match = re.search(r'<div class="atlas-map pick-map"[^>]*>', page)
    assert match, page
    container = match.group(0)
    assert 'role="region"' in container
    assert 'aria-label="' in container
    assert 'data-lat-input="id_latitude"' in container
    assert 'data-lon-input="id_longitude"' in container
    assert 'data-config="pick-map-config"' in container
    assert 'data-lat="51.496300"' in container
    assert 'data-lon="6.863800"' in container
    assert '<script id="pick-map-config" type="application/json">' in page
    assert "vendor/leaflet/leaflet.js" in page
    assert "smartstadt/map.js" in page
    # The map sits above the coordinates; the inputs keep their labels and stay usable without JavaScript.
    assert page.index("pick-map") < page.index('id="id_latitude"') < page.index('id="id_longitude"')
    assert 'for="id_latitude"' in page
    assert 'for="id_longitude"' in page
    assert 'id="id_district"' in page
    # Without JavaScript the map block (and its "remove" button) stays hidden.
    assert '<div class="pick-map-block" hidden>' in page


def test_idea_form_without_municipality_centre_still_renders(client_as: ClientAs, process: Process) -> None:
    process.municipality.latitude = None
    process.municipality.longitude = None
    process.municipality.save()
    page = client_as("citizen").get(_url("idea_create", process)).content.decode()
    assert 'data-lat="" data-lon=""' in page


def test_posted_coordinates_are_saved_and_shown_on_a_place_map(client_as: ClientAs, process: Process) -> None:
    client = client_as("citizen")
    response = client.post(
        _url("idea_create", process),
        {"title": "Bank am Teich", "text": "Eine Bank am Teich.", "latitude": "51.512345", "longitude": "6.851234"},
    )
    assert response.status_code == 302
    idea = Idea.objects.get(title="Bank am Teich")
    assert idea.latitude == Decimal("51.512345")
    assert idea.longitude == Decimal("6.851234")
    for who in ("anonymous", "citizen"):
        page = client_as(who).get(_url("idea", process, idea.pk)).content.decode()
        assert 'class="atlas-map place-map" id="idea-place-map"' in page
        assert 'data-lat="51.512345" data-lon="6.851234"' in page
        assert '<script id="place-map-config" type="application/json">' in page


def test_idea_without_place_has_no_map(client_as: ClientAs, process: Process) -> None:
    idea = IdeaFactory(process=process, latitude=None, longitude=None)
    page = client_as("anonymous").get(_url("idea", process, idea.pk)).content.decode()
    assert "place-map" not in page
    assert "vendor/leaflet/leaflet.js" not in page


def test_hidden_process_shows_no_form(client_as: ClientAs, process: Process) -> None:
    Process.objects.filter(pk=process.pk).update(is_published=False)
    assert client_as("citizen").get(_url("idea_create", process)).status_code == 404

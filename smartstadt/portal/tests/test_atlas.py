"""The map (/karte/, /karte/daten.json) and the network graph (/netzwerk/): data, filters, limits, query budgets."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from config.settings import tile_origin
from smartstadt.core import generations
from smartstadt.demo.loader import read_yaml
from smartstadt.frameworks.models import Term
from smartstadt.inventory.atlas import map_data, network_graph
from smartstadt.inventory.models import Entry, PublicationState
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.regions.models import Municipality, Organisation, OrganisationKind
from smartstadt.regions.tests.factories import DistrictFactory, MunicipalityFactory, OrganisationFactory
from smartstadt.search.filters import EntryFilters

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[6.84, 51.46], [6.86, 51.46], [6.86, 51.48], [6.84, 51.48], [6.84, 51.46]]],
}


def get_json(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


# --- Municipality centres --------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_municipalities_have_approximate_centres(demo_region):
    centres = read_yaml("municipality_centres.yaml")
    assert centres["approximate"] is True
    # Every key of the data file names a municipality of the demo region: no typo silently drops a centre.
    slugs = set(centres["centres"])
    assert slugs == set(Municipality.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    oberhausen = Municipality.objects.get(slug="oberhausen")
    assert oberhausen.has_centre
    assert Decimal("51.4") < oberhausen.latitude < Decimal("51.6")
    assert Decimal("6.7") < oberhausen.longitude < Decimal("7.0")
    # Places we could not name a centre for stay empty instead of getting an invented one.
    assert not Municipality.objects.get(slug="connected-urban-twins").has_centre


@pytest.mark.django_db
def test_municipality_centre_is_validated():
    municipality = MunicipalityFactory.build(latitude=Decimal("95"), longitude=Decimal("7"))
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "latitude" in error.value.message_dict
    half = MunicipalityFactory.build(latitude=Decimal("51.5"), longitude=None)
    with pytest.raises(ValidationError) as error:
        half.full_clean()
    assert "longitude" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityFactory(latitude=Decimal("51.5"), longitude=None)


def test_tile_origin_for_the_csp():
    assert tile_origin("https://tiles.example.de/{z}/{x}/{y}.png") == "https://tiles.example.de"
    assert tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    with pytest.raises(ValueError, match="MAP_TILE_URL"):
        tile_origin("tiles/{z}/{x}/{y}.png")


# --- Map ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_map_groups_entries_without_a_point_at_their_municipality(client, demo_region):
    oberhausen = Municipality.objects.get(slug="oberhausen")
    published = Entry.objects.published().filter(municipality=oberhausen)
    data = get_json(client, "/karte/daten.json?municipality=oberhausen")
    assert data["entry_count"] == published.count()
    assert len(data["markers"]) == 1
    marker = data["markers"][0]
    assert marker["approximate"] is True
    assert marker["count"] == published.count()
    assert (marker["lat"], marker["lon"]) == (float(oberhausen.latitude), float(oberhausen.longitude))
    assert sorted(entry["title"] for entry in marker["entries"]) == sorted(published.values_list("title", flat=True))
    assert data["unlocated"] == []
    assert not data["capped"]


@pytest.mark.django_db
def test_map_gives_an_entry_with_its_own_point_its_own_marker(client, demo_region):
    entry = Entry.objects.published().filter(municipality__slug="oberhausen").order_by("title").first()
    Entry.objects.filter(pk=entry.pk).update(latitude=Decimal("51.496"), longitude=Decimal("6.863"))
    data = get_json(client, "/karte/daten.json?municipality=oberhausen")
    own = [marker for marker in data["markers"] if not marker["approximate"]]
    group = [marker for marker in data["markers"] if marker["approximate"]]
    assert len(own) == 1
    assert own[0]["entries"] == [{"title": entry.title, "url": entry.get_absolute_url(), "municipality": "Oberhausen"}]
    assert (own[0]["lat"], own[0]["lon"]) == (51.496, 6.863)
    assert group[0]["count"] == data["entry_count"] - 1
    assert entry.title not in [item["title"] for item in group[0]["entries"]]


@pytest.mark.django_db
def test_map_filters_like_the_portal_and_leaves_out_unpublished_entries(client, demo_region):
    mobility = Term.objects.get(framework__slug="giffinger", code="mobility")
    expected = set(
        Entry.objects.published()
        .filter(municipality__region__slug="metropole-ruhr", terms=mobility)
        .values_list("title", flat=True)
    )
    data = get_json(client, "/karte/daten.json?region=metropole-ruhr&term=giffinger:mobility")
    titles = {entry["title"] for marker in data["markers"] for entry in marker["entries"]}
    assert titles == expected
    assert {marker["municipality"] for marker in data["markers"]} <= set(
        Municipality.objects.filter(region__slug="metropole-ruhr").values_list("name", flat=True)
    )

    hidden = Entry.objects.published().filter(municipality__slug="oberhausen").first()
    Entry.objects.filter(pk=hidden.pk).update(publication_state=PublicationState.DRAFT)
    # Asking for drafts does not reveal them either.
    data = get_json(client, "/karte/daten.json?municipality=oberhausen&publication_state=draft")
    assert data["entry_count"] == 0
    data = get_json(client, "/karte/daten.json?municipality=oberhausen")
    assert hidden.title not in {entry["title"] for marker in data["markers"] for entry in marker["entries"]}
    assert hidden.title not in client.get("/karte/?municipality=oberhausen").content.decode()


@pytest.mark.django_db
def test_map_lists_entries_it_cannot_place_and_draws_district_outlines(client, demo_region):
    # A municipality the data file gives no centre (e.g. Südwestfalen, five towns far apart).
    nowhere = Municipality.objects.filter(latitude__isnull=True, entries__isnull=False).distinct().first()
    placeless = Entry.objects.published().filter(municipality=nowhere)
    assert placeless.exists()
    data = get_json(client, f"/karte/daten.json?municipality={nowhere.slug}")
    assert data["markers"] == []
    assert {entry["title"] for entry in data["unlocated"]} == set(placeless.values_list("title", flat=True))

    oberhausen = Municipality.objects.get(slug="oberhausen")
    DistrictFactory(municipality=oberhausen, name="Testviertel", slug="testviertel", geometry=SQUARE)
    data = get_json(client, "/karte/daten.json?municipality=oberhausen")
    features = data["outlines"]["features"]
    assert [feature["properties"]["name"] for feature in features] == ["Testviertel"]
    assert features[0]["geometry"] == SQUARE


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "citizen", "team_a"])
def test_map_page_lists_the_same_places_as_the_map(client_as, personas, who):
    a = personas.municipality_a
    Municipality.objects.filter(pk=a.pk).update(latitude=Decimal("51.5"), longitude=Decimal("7.0"))
    EntryFactory(municipality=a, title="Öffentliches Vorhaben")
    EntryFactory(municipality=a, title="Eigener Ort", latitude=Decimal("51.51"), longitude=Decimal("7.01"))
    EntryFactory(municipality=a, title="Entwurf von A", publication_state=PublicationState.DRAFT)
    client = client_as(who)
    page = client.get("/karte/?municipality=stadt-a")
    assert page.status_code == 200
    body = page.content.decode()
    data = get_json(client, "/karte/daten.json?municipality=stadt-a")
    for marker in data["markers"]:
        assert f'data-marker="{marker["id"]}"' in body
    assert body.count("data-marker=") == len(data["markers"]) == 2
    assert "Öffentliches Vorhaben" in body
    assert "Eigener Ort" in body
    # Even the team that may see its drafts elsewhere finds only published entries on the public map.
    assert "Entwurf von A" not in body
    assert 'id="map-config"' in body
    config = json.loads(body.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["dataUrl"] == "/karte/daten.json?municipality=stadt-a"
    assert config["tileUrl"] == ""


@pytest.mark.django_db
def test_map_uses_a_configured_tile_server(client, settings, demo_region):
    settings.MAP_TILE_URL = "https://tiles.example.de/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Beispiel"
    body = client.get("/karte/").content.decode()
    config = json.loads(body.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["tileUrl"] == "https://tiles.example.de/{z}/{x}/{y}.png"
    assert config["attribution"] == "© Beispiel"
    assert "atlas-map--plain" not in body


@pytest.mark.django_db
def test_map_stops_at_its_limit():
    municipality = MunicipalityFactory(latitude=Decimal("50"), longitude=Decimal("8"))
    EntryFactory.create_batch(5, municipality=municipality)
    data = map_data(filters=EntryFilters(municipality=municipality.slug), limit=3)
    assert data.capped
    assert data.entry_count == 3
    assert sum(len(marker.entries) for marker in data.markers) == 3


@pytest.mark.django_db
def test_map_query_count_does_not_grow_with_the_data(client, demo_region, django_assert_max_num_queries):
    oberhausen = Municipality.objects.get(slug="oberhausen")
    for number in range(40):
        entry = EntryFactory(municipality=oberhausen, latitude=Decimal("51.47"), longitude=Decimal(f"6.{800 + number}"))
        entry.partners.add(Organisation.objects.filter(municipality=oberhausen).first())
        DistrictFactory(municipality=oberhausen, geometry=SQUARE)
    with django_assert_max_num_queries(4):
        client.get("/karte/daten.json")
    with django_assert_max_num_queries(7):
        client.get("/karte/")


# --- Network --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_network_shows_oberhausen_by_default_with_lead_and_partner_links(client, demo_region):
    entries = Entry.objects.published().filter(municipality__slug="oberhausen")
    response = client.get("/netzwerk/")
    assert response.status_code == 200
    graph = response.context["graph"]
    assert {entry["pk"] for entry in graph.entries} == set(entries.values_list("pk", flat=True))
    leads = {(org, entry) for org, entry, role in graph.links if role == "lead"}
    partners = {(org, entry) for org, entry, role in graph.links if role == "partner"}
    assert leads == set(entries.values_list("lead_organisation_id", "pk"))
    assert partners == set(
        Entry.partners.through.objects.filter(entry__in=entries).values_list("organisation_id", "entry_id")
    )
    smart_city = Organisation.objects.get(municipality__slug="oberhausen", slug="smart-city-oberhausen")
    assert smart_city.pk in {organisation.pk for organisation in graph.organisations}
    body = response.content.decode()
    # The table alternative: one row per organisation, with its entries.
    assert body.count("data-node=") == len(graph.organisations)
    assert f'data-node="o{smart_city.pk}"' in body
    elements = json.loads(body.split('id="network-elements" type="application/json">')[1].split("</script>")[0])
    assert len([element for element in elements if "source" in element["data"]]) == len(graph.links)


@pytest.mark.django_db
def test_network_filters_by_organisation_kind_and_term(client, demo_region):
    response = client.get("/netzwerk/?municipality=oberhausen&organisation_kind=civil_society")
    graph = response.context["graph"]
    assert graph.organisations
    assert {organisation.kind for organisation in graph.organisations} == {"civil_society"}
    linked = {entry for _org, entry, _role in graph.links}
    assert {entry["pk"] for entry in graph.entries} == linked

    mobility = Term.objects.get(framework__slug="giffinger", code="mobility")
    expected = set(
        Entry.objects.published().filter(municipality__slug="oberhausen", terms=mobility).values_list("pk", flat=True)
    )
    graph = client.get("/netzwerk/?municipality=oberhausen&term=giffinger:mobility").context["graph"]
    assert {entry["pk"] for entry in graph.entries} == expected


@pytest.mark.django_db
def test_network_leaves_out_unpublished_entries(client_as, personas):
    lead = personas.organisation_a
    EntryFactory(municipality=personas.municipality_a, lead_organisation=lead, title="Sichtbar")
    EntryFactory(
        municipality=personas.municipality_a,
        lead_organisation=lead,
        title="Nur Entwurf",
        publication_state=PublicationState.DRAFT,
    )
    for who in ["anonymous", "team_a"]:
        body = client_as(who).get("/netzwerk/?municipality=stadt-a").content.decode()
        assert "Sichtbar" in body
        assert "Nur Entwurf" not in body


@pytest.mark.django_db
def test_network_is_bounded(client, demo_region):
    graph = network_graph(filters=EntryFilters(), max_nodes=40)
    assert graph.capped
    assert graph.node_count <= 40
    assert graph.total_nodes > 40
    # Every kept link joins kept nodes.
    organisations = {organisation.pk for organisation in graph.organisations}
    entries = {entry["pk"] for entry in graph.entries}
    assert all(org in organisations and entry in entries for org, entry, _role in graph.links)
    body = client.get("/netzwerk/?municipality=").content.decode()
    assert "kern-alert--info" in body  # all municipalities: more than 300 nodes, the page says it shows a part


@pytest.mark.django_db
def test_network_query_count_does_not_grow_with_the_data(client, demo_region, django_assert_max_num_queries):
    oberhausen = Municipality.objects.get(slug="oberhausen")
    for number in range(30):
        lead = OrganisationFactory(municipality=oberhausen, kind=OrganisationKind.BUSINESS, name=f"Firma {number}")
        entry = EntryFactory(municipality=oberhausen, lead_organisation=lead)
        entry.partners.add(lead)
    with django_assert_max_num_queries(8):
        response = client.get("/netzwerk/")
    assert len(response.context["graph"].entries) >= 30


# --- Entry page -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_entry_page_shows_its_place_on_a_map(client, demo_region):
    entry = Entry.objects.published().filter(municipality__slug="oberhausen").order_by("title").first()
    oberhausen = entry.municipality
    body = client.get(entry.get_absolute_url()).content.decode()
    assert 'class="atlas-map place-map"' in body
    assert 'data-approximate="true"' in body
    assert f'data-lat="{oberhausen.latitude}" data-lon="{oberhausen.longitude}"' in body  # not "51,4696"
    assert 'id="place-map-config"' in body

    Entry.objects.filter(pk=entry.pk).update(latitude=Decimal("51.496000"), longitude=Decimal("6.863000"))
    generations.bump("search")  # what the services do on a change: the kept public page is stale
    body = client.get(entry.get_absolute_url()).content.decode()
    assert 'data-approximate="false"' in body
    assert 'data-lat="51.496000" data-lon="6.863000"' in body

    nowhere = Entry.objects.published().filter(municipality__latitude__isnull=True).first()
    body = client.get(nowhere.get_absolute_url()).content.decode()
    assert "place-map" not in body


@pytest.mark.django_db
def test_capped_map_still_tells_how_many_entries_match(demo_region):
    from smartstadt.inventory.atlas import map_data
    from smartstadt.inventory.models import Entry
    from smartstadt.search.filters import EntryFilters

    data = map_data(filters=EntryFilters(), limit=5)
    assert data.capped
    assert data.entry_count == 5
    assert data.total_count == Entry.objects.published().count()

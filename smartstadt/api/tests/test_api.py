"""The read API: list shape, portal URLs, the portal's filters, visibility, German errors, query budgets."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smartstadt.api.errors import SERVER_ERROR
from smartstadt.api.schemas import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from smartstadt.frameworks.models import Framework
from smartstadt.frameworks.tests.factories import FrameworkFactory, TermFactory
from smartstadt.inventory.models import PublicationState
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.regions.models import OrganisationKind
from smartstadt.regions.tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    OrganisationFactory,
    RegionFactory,
)

LISTS = ["/api/municipalities", "/api/organisations", "/api/entries", "/api/frameworks"]
PERSONAL = {"contact_email", "email", "author", "created_by", "user"}


def get(client: Client, path: str, **params: object) -> dict:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def slugs(page: dict) -> set[str]:
    return {item["slug"] for item in page["items"]}


@pytest.fixture
def tagged(personas):
    """Entries of Stadt A with a term tree, a district, a lead and a research partner."""
    framework = FrameworkFactory(slug="testrahmen", name="Testrahmen")
    mobility = TermFactory(framework=framework, code="mobilitaet", label="Mobilität")
    buses = TermFactory(framework=framework, code="oepnv", label="ÖPNV", parent=mobility)
    energy = TermFactory(framework=framework, code="energie", label="Energie")
    district = DistrictFactory(municipality=personas.municipality_a, slug="altstadt", name="Altstadt")
    institute = OrganisationFactory(
        municipality=personas.municipality_a, slug="institut", name="Institut", kind=OrganisationKind.RESEARCH
    )
    bus = EntryFactory(
        municipality=personas.municipality_a,
        title="Busse mit Echtzeitdaten",
        slug="busse",
        kind="project",
        status="running",
        lead_organisation=personas.organisation_a,
        latitude=Decimal("51.470000"),
        longitude=Decimal("6.850000"),
        budget_eur=Decimal("125000.50"),
        links=[{"label": "Projektseite", "url": "https://example.org/busse"}],
        funding_sources=["Land NRW"],
        contact_email="smartcity@stadt-a.example",
        description="**Echtzeit** für alle Linien.",
    )
    bus.terms.add(buses)
    bus.districts.add(district)
    bus.partners.add(institute)
    heat = EntryFactory(
        municipality=personas.municipality_a, title="Wärmeplan", slug="waermeplan", kind="knowledge", status="planned"
    )
    heat.knowledge_type = "study"
    heat.save()
    heat.terms.add(energy)
    EntryFactory(municipality=personas.municipality_b, title="Busse in B", slug="busse-b")
    return {"bus": bus, "heat": heat}


# --- Shape ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
def test_lists_answer_count_and_items_with_portal_urls(client, demo_region, path):
    page = get(client, path)
    assert set(page) == {"count", "items"}
    assert page["count"] >= len(page["items"]) > 0
    assert len(page["items"]) <= 50
    for item in page["items"]:
        assert item["url"].startswith("http://testserver/")
        assert item["slug"]
        assert not PERSONAL & set(item), "lists carry no e-mail addresses"
    assert client.get(page["items"][0]["url"]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
def test_limit_and_offset_page_through_a_stable_order(client, demo_region, path):
    everything = get(client, path, limit=500)
    first = get(client, path, limit=2)
    second = get(client, path, limit=2, offset=2)
    assert first["count"] == second["count"] == everything["count"]
    assert [item["url"] for item in first["items"] + second["items"]] == [
        item["url"] for item in everything["items"][:4]
    ]
    assert get(client, path, offset=100_000) == {"count": everything["count"], "items": []}


@pytest.mark.django_db
def test_entry_item_carries_its_fields(client, tagged):
    page = get(client, "/api/entries", municipality="stadt-a")
    assert page["count"] == 2
    bus = next(item for item in page["items"] if item["slug"] == "busse")
    assert bus == {
        "municipality": "stadt-a",
        "slug": "busse",
        "title": "Busse mit Echtzeitdaten",
        "kind": "project",
        "knowledge_type": None,
        "status": "running",
        "publication_state": "published",
        "summary": "Ein Vorhaben für die Stadt.",
        "lead_organisation": {"slug": "stadtwerke-a", "name": "Stadtwerke A"},
        "terms": [{"framework": "testrahmen", "code": "oepnv", "label": "ÖPNV"}],
        "start_year": None,
        "end_year": None,
        "latitude": 51.47,
        "longitude": 6.85,
        "published_at": None,
        "updated_at": bus["updated_at"],
        "url": "http://testserver/kommunen/stadt-a/bestand/busse/",
    }
    heat = next(item for item in page["items"] if item["slug"] == "waermeplan")
    assert heat["knowledge_type"] == "study"
    assert heat["lead_organisation"] is None


@pytest.mark.django_db
def test_entry_detail(client, tagged):
    entry = get(client, "/api/entries/stadt-a/busse")
    assert entry["url"] == "http://testserver/kommunen/stadt-a/bestand/busse/"
    assert entry["description"] == "**Echtzeit** für alle Linien."
    assert entry["partners"] == [{"slug": "institut", "name": "Institut"}]
    assert entry["districts"] == [{"slug": "altstadt", "name": "Altstadt"}]
    assert entry["budget_eur"] == 125000.5
    assert entry["links"] == [{"url": "https://example.org/busse", "label": "Projektseite"}]
    assert entry["funding_sources"] == ["Land NRW"]
    assert entry["contact_email"] == "smartcity@stadt-a.example"  # a role mailbox, as on the portal page
    assert entry["terms"] == [{"framework": "testrahmen", "code": "oepnv", "label": "ÖPNV"}]


@pytest.mark.django_db
def test_municipality_list_and_detail(client, demo_region):
    page = get(client, "/api/municipalities", region="metropole-ruhr", limit=500)
    oberhausen = next(item for item in page["items"] if item["slug"] == "oberhausen")
    assert oberhausen["region"] == {"slug": "metropole-ruhr", "name": "Metropole Ruhr"}
    assert oberhausen["url"] == "http://testserver/kommunen/oberhausen/"
    assert oberhausen["organisation_count"] > 10
    assert all(item["region"]["slug"] == "metropole-ruhr" for item in page["items"])
    assert get(client, "/api/municipalities", state="Bayern")["count"] < get(client, "/api/municipalities")["count"]

    detail = get(client, "/api/municipalities/oberhausen")
    assert detail["name"] == "Oberhausen"
    assert detail["guiding_principles"]
    boroughs = detail["districts"]
    assert boroughs
    assert all({"slug", "name", "kind", "population", "quarters"} <= set(borough) for borough in boroughs)
    assert any(borough["quarters"] for borough in boroughs)


@pytest.mark.django_db
def test_organisation_list_and_detail(client, demo_region):
    page = get(client, "/api/organisations", municipality="oberhausen", kind="municipal_company", limit=500)
    assert page["count"] == len(page["items"]) > 0
    assert {item["municipality"] for item in page["items"]} == {"oberhausen"}
    assert {item["kind"] for item in page["items"]} == {"municipal_company"}
    stoag = next(item for item in page["items"] if item["slug"] == "stoag")
    assert stoag["url"] == "http://testserver/kommunen/oberhausen/akteure/stoag/"
    assert {"framework": "giffinger", "code": "mobility"}.items() <= stoag["competences"][0].items()

    detail = get(client, "/api/organisations/oberhausen/stoag")
    assert detail["name"].startswith("STOAG")
    assert {"description", "parent", "units", "source_url"} <= set(detail)
    assert get(client, "/api/organisations", municipality="gibt-es-nicht") == {"count": 0, "items": []}


@pytest.mark.django_db
def test_framework_list_and_detail_with_the_term_tree(client, demo_region):
    page = get(client, "/api/frameworks", limit=500)
    giffinger = next(item for item in page["items"] if item["slug"] == "giffinger")
    assert giffinger["municipality"] is None
    assert giffinger["term_count"] > 6
    assert giffinger["url"] == "http://testserver/ordnungsrahmen/giffinger/"

    detail = get(client, "/api/frameworks/giffinger")
    assert len(detail["terms"]) == 6
    assert all(term["children"] for term in detail["terms"])
    assert {"code", "label", "label_en", "description"} <= set(detail["terms"][0]["children"][0])


# --- Filters --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"municipality": "stadt-a"}, {"busse", "waermeplan"}),
        ({"region": "testregion"}, {"busse", "waermeplan", "busse-b"}),
        ({"municipality": "stadt-a", "kind": "knowledge"}, {"waermeplan"}),
        ({"municipality": "stadt-a", "status": "running"}, {"busse"}),
        ({"term": "testrahmen:mobilitaet"}, {"busse"}),  # the broader term finds its narrower ones
        ({"term": "testrahmen:oepnv"}, {"busse"}),
        ({"term": "testrahmen:energie"}, {"waermeplan"}),
        ({"term": "testrahmen:gibt-es-nicht"}, set()),
        ({"municipality": "stadt-a", "organisation_kind": "research"}, {"busse"}),  # as partner
        ({"municipality": "stadt-a", "organisation_kind": "municipal_company"}, {"busse"}),  # as lead
        ({"municipality": "stadt-a", "district": "altstadt"}, {"busse"}),
        ({"municipality": "gibt-es-nicht"}, set()),
        ({"municipality": "stadt-a", "kind": "", "status": ""}, {"busse", "waermeplan"}),  # empty = no filter
    ],
)
def test_entry_filters_as_in_the_portal(client, tagged, params, expected):
    page = get(client, "/api/entries", limit=500, **params)
    assert slugs(page) == expected
    assert page["count"] == len(expected)


@pytest.mark.django_db
def test_q_searches_the_full_text(client, tagged):
    from smartstadt.search import index_entries

    index_entries([tagged["bus"], tagged["heat"]])
    page = get(client, "/api/entries", q="Echtzeitdaten", municipality="stadt-a")
    assert slugs(page) == {"busse"}
    assert get(client, "/api/entries", q="Wärmeplan")["items"][0]["slug"] == "waermeplan"
    assert get(client, "/api/entries", q="Qwyxzz") == {"count": 0, "items": []}


# --- Visibility -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unpublished_entries_are_never_shown_to_the_public(client_as, personas):
    EntryFactory(municipality=personas.municipality_a, slug="entwurf", publication_state=PublicationState.DRAFT)
    EntryFactory(municipality=personas.municipality_a, slug="pruefung", publication_state=PublicationState.IN_REVIEW)
    EntryFactory(municipality=personas.municipality_a, slug="oeffentlich")
    for who in ["anonymous", "citizen", "team_b"]:
        client = client_as(who)
        assert slugs(get(client, "/api/entries", municipality="stadt-a", limit=500)) == {"oeffentlich"}
        assert client.get("/api/entries/stadt-a/entwurf").status_code == 404
        assert client.get("/api/entries/stadt-a/pruefung").status_code == 404
    # The Smart City team of A sees its own drafts, as in the portal.
    team = client_as("team_a")
    assert slugs(get(team, "/api/entries", municipality="stadt-a")) == {"entwurf", "pruefung", "oeffentlich"}
    assert get(team, "/api/entries/stadt-a/entwurf")["publication_state"] == "draft"


# --- Errors ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/municipalities/gibt-es-nicht",
        "/api/organisations/oberhausen/gibt-es-nicht",
        "/api/entries/oberhausen/gibt-es-nicht",
        "/api/frameworks/gibt-es-nicht",
    ],
)
def test_unknown_records_answer_404_in_german(client, demo_region, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"limit": 0}, "limit", "mindestens 1"),
        ({"limit": 501}, "limit", "höchstens 500"),
        ({"limit": "viele"}, "limit", "ganze Zahl"),
        ({"offset": -1}, "offset", "mindestens 0"),
        ({"kind": "vorhaben"}, "kind", "erlaubt sind 'project', 'solution' oder 'knowledge'"),
        ({"status": "fertig"}, "status", "erlaubt sind"),
        ({"term": "giffinger"}, "term", "<Ordnungsrahmen>:<Code>"),
        ({"municipality": "Stadt A"}, "municipality", "URL-Name"),
    ],
)
def test_bad_parameters_answer_422_naming_the_parameter_in_german(client, demo_region, params, parameter, words):
    response = client.get("/api/entries", params)
    assert response.status_code == 422
    body = response.json()
    assert [error["parameter"] for error in body["errors"]] == [parameter]
    assert words in body["errors"][0]["message"]
    assert body["detail"].startswith("Ungültige Anfrage.")
    assert f"Parameter „{parameter}“" in body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
def test_every_list_refuses_a_bad_limit(client, demo_region, path):
    response = client.get(path, {"limit": 1000})
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "limit"


ALL_LISTS = [*LISTS, "/api/processes", "/api/processes/{process}/ideas"]


@pytest.fixture
def list_paths(demo_region, personas):
    """Every list of the API, the ideas of a published process among them."""
    from smartstadt.participation.tests.factories import ProcessFactory

    process = ProcessFactory(municipality=personas.municipality_a, slug="api-ideen")
    return [path.format(process=process.slug) for path in ALL_LISTS]


@pytest.mark.django_db
@pytest.mark.parametrize("offset", ["9223372036854775808", "100000000000000000000", str(MAX_OFFSET + 1)])
def test_every_list_refuses_a_huge_offset_in_json_naming_it(client, list_paths, offset):
    # Once a database error (a 500 page in HTML): 2^63 overflows PostgreSQL's bigint, 10^20 already SQLite's.
    for path in list_paths:
        response = client.get(path, {"offset": offset})
        assert response.status_code == 422, path
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert body["errors"] == [
            {"parameter": "offset", "location": "query", "message": "darf höchstens 1.000.000.000 sein"}
        ]
        assert "Parameter „offset“" in body["detail"]


@pytest.mark.django_db
def test_every_list_answers_the_largest_offset_with_an_empty_page(client, list_paths):
    for path in list_paths:
        page = get(client, path, offset=MAX_OFFSET, limit=MAX_LIMIT)
        assert page["items"] == [], path


@pytest.mark.django_db
def test_empty_limit_and_offset_mean_their_defaults(client, list_paths):
    # As the docs say for every parameter: an empty one counts as not set.
    for path in list_paths:
        assert get(client, f"{path}?limit=&offset=") == get(client, path), path
    page = get(client, "/api/entries?limit=&offset=&kind=")
    assert len(page["items"]) == min(DEFAULT_LIMIT, page["count"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/municipalities/a%00b", 404),
        ("/api/organisations/a%00b/c", 404),
        ("/api/entries/a%00b/c", 404),
        ("/api/frameworks/a%00b", 404),
        ("/api/processes/a%00b", 404),
        ("/api/processes/a%00b/ideas", 404),
        ("/api/municipalities/Stadt%20A", 404),
        ("/api/municipalities?state=a%00b", 422),
        ("/api/entries?q=a%00b", 200),
    ],
)
def test_control_characters_never_reach_the_database(demo_region, path, status):
    # PostgreSQL refuses NUL in a query (a 500 once): a path that is no URL name is not found, a filter refuses it.
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_unknown_api_address_answers_json_404(client):
    response = client.get("/api/gibt-es-nicht")
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden"}
    assert "application/json" not in client.get("/gibt-es-nicht/")["Content-Type"]  # the portal's page


@pytest.mark.django_db
def test_unexpected_error_answers_json_500_and_is_logged(demo_region, monkeypatch, caplog):
    from smartstadt.api import frameworks

    def broken() -> None:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(frameworks, "framework_list", broken)
    with caplog.at_level("ERROR", logger="django.request"):
        response = Client(raise_request_exception=False).get("/api/frameworks")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": SERVER_ERROR}
    assert any(record.exc_info and "kaputt" in str(record.exc_info[1]) for record in caplog.records)


def test_project_error_handlers_answer_json_under_api_only(rf):
    from smartstadt.api.errors import page_not_found, server_error

    for handler in (server_error, lambda request: page_not_found(request, Http404())):
        api_answer = handler(rf.get("/api/kommunen"))
        assert api_answer["Content-Type"].startswith("application/json")
        assert "detail" in json.loads(api_answer.content)
    assert not server_error(rf.get("/kommunen/"))["Content-Type"].startswith("application/json")


# --- Query budgets --------------------------------------------------------------------------------------------------


def _grow(numbers: range) -> None:
    """More of everything the lists show: municipalities, organisations with competences, tagged entries."""
    region = RegionFactory(slug="wachstum", name="Wachstum")
    framework = Framework.objects.get_or_create(slug="wachstum", defaults={"name": "Wachstum"})[0]
    for number in numbers:
        municipality = MunicipalityFactory(region=region)
        organisation = OrganisationFactory(municipality=municipality)
        term = TermFactory(framework=framework, code=f"t{number % 2}-{number}", parent=None)
        organisation.competences.add(term)
        entry = EntryFactory(municipality=municipality, lead_organisation=organisation, title=f"AAA {number}")
        entry.terms.add(term)
        entry.partners.add(organisation)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "budget"),
    [
        ("/api/municipalities?limit=500", 3),
        ("/api/organisations?limit=500", 4),
        ("/api/entries?limit=500", 4),
        ("/api/entries?limit=500&organisation_kind=municipal_company&region=wachstum&status=running", 4),
        ("/api/entries?limit=500&term=giffinger:mobility&q=Mobilität", 6),
        ("/api/frameworks?limit=500", 3),
    ],
)
def test_list_queries_do_not_grow_with_the_data(client, demo_region, django_assert_max_num_queries, path, budget):
    _grow(range(2))
    with CaptureQueriesContext(connection) as small:
        client.get(path)
    assert len(small.captured_queries) <= budget
    _grow(range(2, 32))
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(path).json()
    assert page["items"]

"""The DCAT-AP.de catalogue: served and exported alike, and conforming to the official SHACL shapes.

The shapes are not part of the repository. The test looks for them in $DCAT_SHAPES_DIR, then beside the
repository (../shared/standards/dcat-ap-de-3.0), then in /work/shared/standards/dcat-ap-de-3.0, and is
skipped when none exists. As the shapes' README says: data graph = the export, shapes graph = the union of the
files without the controlled-vocabulary file (it needs the EU vocabularies as data), no inference.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS

from smartstadt.core.models import SiteProfile
from smartstadt.inventory.models import PublicationState
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.opendata.catalog import VCARD, catalogue_graph
from smartstadt.regions.models import MunicipalityKind
from smartstadt.regions.tests.factories import MunicipalityFactory

VOCABULARY_FILE = "dcat-ap-de-controlledvocabularies.ttl"
EU = "http://publications.europa.eu/resource/authority/"


def shapes_directory() -> Path | None:
    candidates = [
        os.environ.get("DCAT_SHAPES_DIR", ""),
        str(Path(settings.BASE_DIR).parent / "shared" / "standards" / "dcat-ap-de-3.0"),
        "/work/shared/standards/dcat-ap-de-3.0",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir() and any(Path(candidate).glob("*.ttl")):
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def shapes() -> Graph:
    directory = shapes_directory()
    if directory is None:
        pytest.skip(
            "DCAT-AP.de 3.0 SHACL shapes not found: set DCAT_SHAPES_DIR, or place them in "
            "../shared/standards/dcat-ap-de-3.0 beside the repository"
        )
    graph = Graph()
    for path in sorted(directory.glob("*.ttl")):
        if path.name != VOCABULARY_FILE:
            graph.parse(path, format="turtle")
    return graph


def validate(data: Graph, shapes: Graph) -> tuple[bool, str]:
    from pyshacl import validate as shacl_validate

    conforms, _report, text = shacl_validate(data, shacl_graph=shapes, inference="none")
    return bool(conforms), str(text)


@pytest.fixture
def places(demo_region):
    """Besides the demo: a city with an official key and a role mailbox, and one without published entries."""
    city = MunicipalityFactory(
        name="Musterstadt",
        slug="musterstadt",
        kind=MunicipalityKind.CITY,
        official_key="05119000",
        contact_email="smartcity@musterstadt.example",
        smart_city_unit="Stabsstelle Smart City",
        website="https://www.musterstadt.example/",
    )
    county = MunicipalityFactory(name="Musterkreis", slug="musterkreis", kind=MunicipalityKind.DISTRICT)
    county.official_key = "05158000"
    county.save()
    EntryFactory(municipality=city, title="Sensoren", slug="sensoren")
    EntryFactory(municipality=county, title="Kreisnetz", slug="kreisnetz")
    hidden = MunicipalityFactory(name="Stillstadt", slug="stillstadt")
    EntryFactory(municipality=hidden, slug="entwurf", publication_state=PublicationState.DRAFT)
    return {"city": city, "county": county, "hidden": hidden}


def node(name: str, base: str = "http://testserver") -> URIRef:
    return URIRef(f"{base}/opendata/catalog.ttl#{name}")


def reduced(graph: Graph, slug: str = "musterstadt") -> Graph:
    """The catalogue with one data set: the same checks on a tenth of the triples, ten times faster."""
    kept = Graph()
    for subject, predicate, value in graph:
        name = str(subject).rpartition("#")[2] if "#" in str(subject) else ""
        if name and name not in {"catalog", "operator"} and slug not in name:
            continue
        if predicate == DCAT.dataset and slug not in str(value):
            continue
        kept.add((subject, predicate, value))
    return kept


def served(client) -> Graph:
    response = client.get("/opendata/catalog.ttl")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/turtle; charset=utf-8"
    return Graph().parse(data=response.content.decode(), format="turtle")


@pytest.mark.django_db
def test_catalogue_conforms_to_dcat_ap_de(client, places, shapes):
    SiteProfile.objects.create(operator_name="Stadt Oberhausen", email="smartcity@oberhausen.example")
    conforms, report = validate(served(client), shapes)
    assert conforms, report


@pytest.mark.django_db
def test_without_operator_details_the_catalogue_still_conforms(client, places, shapes):
    conforms, report = validate(reduced(served(client)), shapes)
    assert conforms, report


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("subject", "predicate", "words"),
    [
        ("dataset-musterstadt-csv", DCTERMS.license, "license"),
        ("dataset-musterstadt", DCTERMS.publisher, "publisher"),
        ("catalog", DCTERMS.title, "title"),
        ("dataset-musterstadt-json", DCAT.accessURL, "accessURL"),
        ("contact-musterstadt", VCARD.hasURL, "vcard"),
    ],
)
def test_a_missing_mandatory_property_does_not_conform(client, places, shapes, subject, predicate, words):
    graph = reduced(served(client))
    conforms, report = validate(graph, shapes)
    assert conforms, report
    if subject == "contact-musterstadt":
        graph.remove((node(subject), VCARD.hasEmail, None))
    assert (node(subject), predicate, None) in graph
    graph.remove((node(subject), predicate, None))
    conforms, report = validate(graph, shapes)
    assert not conforms
    assert words in report


@pytest.mark.django_db
def test_a_deprecated_property_does_not_conform(client, places, shapes):
    graph = reduced(served(client))
    geocoding = URIRef("http://dcat-ap.de/def/dcatde/politicalGeocodingURI")
    graph.add((node("dataset-musterstadt"), geocoding, URIRef("http://dcat-ap.de/def/politicalGeocoding/x")))
    conforms, report = validate(graph, shapes)
    assert not conforms
    assert "Deprecated" in report


@pytest.mark.django_db
def test_one_dataset_per_municipality_with_published_entries(client, places):
    graph = served(client)
    catalogue = node("catalog")
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    assert node("dataset-musterstadt") in datasets
    assert node("dataset-oberhausen") in datasets
    assert node("dataset-stillstadt") not in datasets
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == datasets
    dataset = node("dataset-musterstadt")
    assert str(graph.value(dataset, DCTERMS.title)) == "Smart-City-Vorhaben Musterstadt"
    assert str(graph.value(graph.value(dataset, DCTERMS.publisher), URIRef("http://xmlns.com/foaf/0.1/name"))) == (
        "Musterstadt"
    )
    assert graph.value(dataset, DCAT.theme) == URIRef(f"{EU}data-theme/GOVE")


@pytest.mark.django_db
def test_distributions_point_at_the_exports_with_a_licence(client, places, settings):
    settings.OPEN_DATA_LICENSE = "http://dcat-ap.de/def/licenses/cc-by/4.0"
    graph = served(client)
    expected = {
        node("dataset-musterstadt-csv"): (
            "http://testserver/bestand/export.csv?municipality=musterstadt",
            f"{EU}file-type/CSV",
            "https://www.iana.org/assignments/media-types/text/csv",
        ),
        node("dataset-musterstadt-json"): (
            "http://testserver/bestand/export.json?municipality=musterstadt",
            f"{EU}file-type/JSON",
            "https://www.iana.org/assignments/media-types/application/json",
        ),
    }
    assert set(graph.objects(node("dataset-musterstadt"), DCAT.distribution)) == set(expected)
    for distribution, (url, file_type, media_type) in expected.items():
        assert graph.value(distribution, DCAT.downloadURL) == URIRef(url)
        assert graph.value(distribution, DCAT.accessURL) == URIRef(url)
        assert graph.value(distribution, DCTERMS.format) == URIRef(file_type)
        assert graph.value(distribution, DCAT.mediaType) == URIRef(media_type)
        assert graph.value(distribution, DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")
    assert graph.value(node("catalog"), DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")


@pytest.mark.django_db
def test_official_key_and_role_mailbox_are_used(client, places):
    graph = served(client)
    level = URIRef("http://dcat-ap.de/def/dcatde/politicalGeocodingLevelURI")
    city, county = node("dataset-musterstadt"), node("dataset-musterkreis")
    assert graph.value(city, DCTERMS.spatial) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05119000"
    )
    assert graph.value(city, level) == URIRef("http://dcat-ap.de/def/politicalGeocoding/Level/municipality")
    assert graph.value(county, DCTERMS.spatial) == URIRef("http://dcat-ap.de/def/politicalGeocoding/districtKey/05158")
    assert graph.value(node("dataset-oberhausen"), DCTERMS.spatial) is None  # no AGS in the demo data
    contact = graph.value(city, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:smartcity@musterstadt.example")
    assert str(graph.value(contact, VCARD.fn)) == "Stabsstelle Smart City"
    assert graph.value(contact, VCARD.hasURL) == URIRef("http://testserver/kommunen/musterstadt/")


@pytest.mark.django_db
def test_catalogue_queries_do_not_grow_and_it_is_cached_until_the_data_changes(
    client, places, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as first:
        served(client)
    assert len(first.captured_queries) <= 6
    for number in range(20):
        EntryFactory(municipality=MunicipalityFactory(), slug=f"neu-{number}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        graph = served(client)
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) > 20
    with django_assert_max_num_queries(3):  # unchanged data: from the cache
        again = served(client)
    assert isomorphic(graph, again)
    places["hidden"].entries.update(publication_state=PublicationState.PUBLISHED)
    assert node("dataset-stillstadt") in set(served(client).objects(node("catalog"), DCAT.dataset))


@pytest.mark.django_db
def test_export_command_writes_the_same_catalogue(client, places, tmp_path):
    target = tmp_path / "catalog.ttl"
    call_command("export_dcat", "--output", str(target), "--base-url", "http://testserver/")
    exported = Graph().parse(target, format="turtle")
    assert isomorphic(exported, served(client))
    assert isomorphic(exported, catalogue_graph(base_url="http://testserver"))


@pytest.mark.django_db
def test_export_command_refuses_bad_input(tmp_path):
    with pytest.raises(CommandError, match="Verzeichnis"):
        call_command("export_dcat", "--output", str(tmp_path / "fehlt" / "catalog.ttl"))
    with pytest.raises(CommandError, match="http"):
        call_command("export_dcat", "--output", str(tmp_path / "catalog.ttl"), "--base-url", "testserver")

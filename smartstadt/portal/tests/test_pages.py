from __future__ import annotations

import pytest
from django.test import Client

from smartstadt.regions.tests.factories import MunicipalityFactory, OrganisationFactory, RegionFactory

PUBLIC_PAGES = [
    "/",
    "/kommunen/",
    "/kommunen/?region=metropole-ruhr&state=Nordrhein-Westfalen&q=smart",
    "/kommunen/oberhausen/",
    "/kommunen/muelheim-an-der-ruhr/",
    "/kommunen/oberhausen/akteure/stoag/",
    "/kommunen/oberhausen/akteure/smart-city-oberhausen/",
    "/ordnungsrahmen/",
    "/ordnungsrahmen/giffinger/",
    "/ordnungsrahmen/oberhausen-masterplan/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/anmelden/",
    "/passwort-vergessen/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_answer(client, demo_region, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'lang="de"' in response.content.decode()


@pytest.mark.django_db
def test_start_page_shows_oberhausen_and_its_neighbours_with_real_facts(client, demo_region):
    page = client.get("/").content.decode()
    for name in ["Oberhausen", "Mülheim an der Ruhr", "Bottrop", "Essen", "Duisburg", "Gelsenkirchen"]:
        assert name in page
    assert "210.824" in page  # inhabitants of Oberhausen, German number format
    assert "Oberhausen – gemeinsam smart" in page
    assert "Smarte Mobilität" in page


@pytest.mark.django_db
def test_municipality_page_shows_profile(client, demo_region):
    page = client.get("/kommunen/oberhausen/").content.decode()
    assert "Wir verlängern die Stadtentwicklung in den digitalen Raum." in page
    assert "Die Chancenstadt" in page
    assert "Sterkrade" in page
    assert "STOAG Stadtwerke Oberhausen AG" in page
    assert "smartcity@oberhausen.de" in page


@pytest.mark.django_db
def test_unknown_pages_answer_404_in_german(client, demo_region):
    response = client.get("/kommunen/atlantis/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


@pytest.mark.django_db
def test_municipality_filter_returns_only_the_fragment_for_htmx(client, demo_region):
    full = client.get("/kommunen/?region=metropole-ruhr")
    fragment = client.get("/kommunen/?region=metropole-ruhr", HTTP_HX_REQUEST="true")
    assert "<html" in full.content.decode()
    body = fragment.content.decode()
    assert "<html" not in body
    assert 'id="results"' in body
    assert "12 Kommunen gefunden" in body
    assert "Bochum" in body
    assert "Kaiserslautern" not in body


@pytest.mark.django_db
def test_municipality_list_pages_and_keeps_filters(client, demo_region):
    page = client.get("/kommunen/?region=modellprojekte-smart-cities&page=2")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Seite 2 von 4" in body
    assert "region=modellprojekte-smart-cities&amp;page=1" in body
    assert "region=modellprojekte-smart-cities&amp;page=3" in body


@pytest.mark.django_db
def test_sitemap_lists_the_public_pages(client, demo_region):
    import re

    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml[^<]*)</loc>", index)
    assert len(sections) == 4
    xml = "".join(client.get(section).content.decode() for section in sections)
    assert "/kommunen/oberhausen/</loc>" in xml
    assert "/kommunen/oberhausen/akteure/stoag/</loc>" in xml
    assert "/ordnungsrahmen/giffinger/</loc>" in xml
    assert "/impressum/</loc>" in xml
    assert "/bearbeiten/" not in xml


@pytest.mark.django_db
def test_legal_pages_show_what_the_operator_has_not_filled_in(client, demo_region):
    page = client.get("/impressum/").content.decode()
    assert "noch nicht ausgefüllt" in page


@pytest.mark.django_db
def test_legal_pages_show_the_operators_details(client, demo_region):
    from smartstadt.core.models import SiteProfile

    SiteProfile.objects.create(operator_name="Stadt Oberhausen", email="smartcity@oberhausen.de")
    page = client.get("/impressum/").content.decode()
    assert "Stadt Oberhausen" in page
    assert "mailto:smartcity@oberhausen.de" in page


def _grow(n: int) -> None:
    region = RegionFactory(slug="wachstum", name="Wachstum")
    for _ in range(n):
        municipality = MunicipalityFactory(region=region)
        OrganisationFactory(municipality=municipality)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/kommunen/", "/sitemap.xml", "/ordnungsrahmen/"])
def test_list_pages_keep_their_query_count_as_data_grows(django_assert_max_num_queries, demo_region, path):
    client = Client()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(path)
    _grow(40)
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(path)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "budget"), [("/", 12), ("/kommunen/", 6), ("/kommunen/oberhausen/", 10)])
def test_query_budgets(django_assert_max_num_queries, demo_region, path, budget):
    with django_assert_max_num_queries(budget):
        Client().get(path)

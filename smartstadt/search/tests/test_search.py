"""German full-text search of the portal: real measures found, umlauts and compounds, facets, visibility, index.

Runs unchanged on SQLite (FTS5) and PostgreSQL (tsvector); the expectations are the same for both.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smartstadt import search
from smartstadt.core.permissions import System
from smartstadt.frameworks.models import Term
from smartstadt.inventory import services
from smartstadt.inventory.models import EntrySearchDocument
from smartstadt.search.filters import EntryFilters
from smartstadt.search.selectors import entry_search


def titles(query: str, **filters: str) -> list[str]:
    """All published entries the portal finds for the query, best first."""
    result = entry_search(viewer=None, filters=EntryFilters(q=query, **filters))
    return list(result.entries.values_list("title", flat=True))


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- The real measures of the demo data ----------------------------------------------------------------


@pytest.mark.django_db
def test_searching_ladeinfrastruktur_finds_the_charging_measures(demo_region):
    found = titles("Ladeinfrastruktur")
    for title in [
        "MOBI-System mit MOBIpunkten",  # Ladesäulen an Mobilitätspunkten
        "Smart-City-Plattform mit interaktivem Stadtplan",  # zeigt Ladesäulen an
        "Urbane Datenplattform Frankfurt",  # die nächste E-Ladesäule
        "Mobilitätsstation Eselsberg (Pilot)",  # mit Ladepunkten
        "Smart-Places in Ortskernen",  # E-Ladepunkte
    ]:
        assert title in found
    # About charging, not about any infrastructure: the far more frequent part "Infrastruktur" is not enough.
    assert "Glasfaserausbau als Smart-City-Infrastruktur" not in found


@pytest.mark.django_db
def test_searching_beteiligung_finds_participation_in_every_form(demo_region):
    found = titles("Beteiligung")
    for title in [
        "Co-Kreation",  # "aufsuchende Beteiligung"
        "Beteiligungsplattform bochum-mitgestalten.de",  # compound
        "Charrette-Verfahren zur Bürgerbeteiligung",  # compound
        "Bürgerbeteiligungsplattform (CONSUL)",  # compound of three
    ]:
        assert title in found


@pytest.mark.django_db
def test_searching_digitaler_zwilling_finds_the_digital_twins_first(demo_region):
    found = titles("Digitaler Zwilling")
    for title in [
        "Digitaler Zwilling München",
        "3D-Stadtmodell als digitaler Zwilling",
        "DATEN:RAUM:FREIBURG (urbane Datenplattform und digitaler Zwilling)",
        "Umweltmonitoring mit digitalem 3D-Zwilling",
    ]:
        assert title in found
    assert all("zwilling" in title.lower() for title in found[:10])  # title hits rank first


@pytest.mark.django_db
def test_ladesaeule_finds_ladesaeulen_first_then_other_charging_points(demo_region, personas):
    entry = services.entry_create(
        actor=System("Test"),
        municipality=personas.municipality_a,
        data={"title": "Ausbau der Ladeinfrastruktur", "summary": "Mehr Strom für Elektroautos."},
    )
    services.entry_publish(actor=System("Test"), entry=entry)
    found = titles("Ladesäule")
    whole_word = ["MOBI-System mit MOBIpunkten", "Smart-City-Plattform mit interaktivem Stadtplan"]
    whole_word.append("Urbane Datenplattform Frankfurt")  # "Ladesäulen", "E-Ladesäule" in their texts
    assert "Ausbau der Ladeinfrastruktur" in found  # by its part "Lade", in the title
    assert "Mobilitätsstation Eselsberg (Pilot)" in found  # "Ladepunkten", in the text
    last_whole = max(found.index(title) for title in whole_word)
    assert last_whole < found.index("Mobilitätsstation Eselsberg (Pilot)")  # the whole word ranks higher
    assert found == titles("Ladesaeule")


@pytest.mark.django_db
def test_spelled_out_umlauts_find_the_same_entries_in_the_same_order(demo_region):
    assert titles("Bürgerbeteiligung") == titles("Buergerbeteiligung") != []
    assert titles("Straßenbeleuchtung") == titles("Strassenbeleuchtung") != []
    assert titles("Mülheim") == titles("Muelheim") != []


@pytest.mark.django_db
def test_ranking_is_the_same_on_every_database(demo_region):
    """Integer weights from the index's own counts: SQLite and PostgreSQL give these very numbers."""
    result = entry_search(viewer=None, filters=EntryFilters(q="Bürgerbeteiligung"))
    ranked = list(result.entries.values_list("title", "search_rank"))
    assert ranked == sorted(ranked, key=lambda row: -row[1])
    best = {title for title, rank in ranked if rank == ranked[0][1]}
    assert best == {
        "Bürgerbeteiligungsplattform (CONSUL)",
        "Charrette-Verfahren zur Bürgerbeteiligung",
        "Labor Einbeck (Bürgerbeteiligung)",
    }
    assert len(ranked) == len(titles("Beteiligung"))  # the specific part "Beteiligung" widens, "Bürger" does not


@pytest.mark.django_db
def test_every_word_must_match(demo_region):
    found = titles("Digitaler Zwilling München")
    assert found[0] == "Digitaler Zwilling München"
    assert set(found) < set(titles("Digitaler Zwilling"))
    assert titles("Zwilling Ladesäule") == []
    assert titles("und der die") == []  # nothing but stop words: nothing to search for


# --- The search page ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "citizen", "editor_a", "team_a", "platform_admin"])
def test_everybody_may_search_and_nobody_sees_unpublished_entries(client_as, personas, demo_region, who):
    draft = services.entry_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        data={"title": "Geheimes Quantenlabor", "summary": "Noch nicht öffentlich."},
    )
    services.entry_submit(actor=personas.team_a, entry=draft)
    body = page(client_as(who), "/bestand/?q=Quantenlabor")
    assert "Geheimes Quantenlabor" not in body
    assert "0 entries found" in body or "0 Einträge gefunden" in body


@pytest.mark.django_db
def test_the_index_follows_create_update_publish_and_delete(personas, demo_region):
    client = Client()
    entry = services.entry_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        data={"title": "Schwammstadt am Marktplatz", "summary": "Regenwasser versickert vor Ort."},
    )
    assert EntrySearchDocument.objects.filter(pk=entry.pk).exists()
    assert "Schwammstadt am Marktplatz" not in page(client, "/bestand/?q=Schwammstadt")  # a draft
    services.entry_publish(actor=personas.team_a, entry=entry)
    assert "Schwammstadt am Marktplatz" in page(client, "/bestand/?q=Schwammstadt")
    assert "Schwammstadt am Marktplatz" in page(client, "/bestand/?q=Regenwasser")  # from the summary
    assert "Schwammstadt am Marktplatz" in page(client, "/bestand/?q=Schwammstadt+Stadt")  # "Stadt A"

    services.entry_update(actor=personas.team_a, entry=entry, data={"summary": "Bäume kühlen den Platz."})
    assert "Schwammstadt am Marktplatz" not in page(client, "/bestand/?q=Regenwasser")
    assert "Schwammstadt am Marktplatz" in page(client, "/bestand/?q=B%C3%A4ume")

    services.entry_return_to_draft(actor=personas.team_a, entry=entry)
    assert "Schwammstadt am Marktplatz" not in page(client, "/bestand/?q=Schwammstadt")
    services.entry_delete(actor=personas.team_a, entry=entry)
    assert not EntrySearchDocument.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_renaming_an_organisation_reindexes_it_and_its_entries(personas):
    from smartstadt.regions.services import organisation_update

    entry = services.entry_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        data={"title": "Smarte Laternen", "lead_organisation": personas.organisation_a},
    )
    services.entry_publish(actor=personas.team_a, entry=entry)
    organisation_update(actor=System("Test"), organisation=personas.organisation_a, data={"name": "Xylophonwerke Nord"})
    assert titles("Xylophonwerke") == ["Smarte Laternen"]
    assert [o.name for o in search.search_organisations("Xylophonwerke")] == ["Xylophonwerke Nord"]


@pytest.mark.django_db
def test_the_page_lists_matching_organisations_with_links(client, demo_region):
    body = page(client, "/bestand/?q=Stadtwerke")
    assert 'href="/kommunen/oberhausen/akteure/stoag/"' in body
    assert "STOAG Stadtwerke Oberhausen AG" in body


@pytest.mark.django_db
def test_facets_count_what_choosing_them_would_show(demo_region):
    filters = EntryFilters(q="Beteiligung")
    result = entry_search(viewer=None, filters=filters)
    names = {facet.name for facet in result.facets}
    assert {"municipality", "kind", "status", "term", "organisation_kind"} <= names
    assert "district" not in names  # only once a municipality is chosen
    giffinger = next(facet for facet in result.facets if facet.key == "giffinger")
    assert {option.value for option in giffinger.options} <= {
        f"giffinger:{code}" for code in Term.objects.filter(parent=None).values_list("code", flat=True)
    }
    checked = 0
    for facet in result.facets:
        for option in facet.options[:4]:
            narrowed = entry_search(viewer=None, filters=EntryFilters(q="Beteiligung", **{facet.name: option.value}))
            assert narrowed.page_source.count() == option.count, (facet.name, option.value)
            checked += 1
    assert checked >= 10


@pytest.mark.django_db
def test_a_municipality_brings_its_districts_and_own_frameworks(demo_region):
    result = entry_search(viewer=None, filters=EntryFilters(municipality="oberhausen"))
    assert any(facet.name == "district" for facet in result.facets)
    frameworks = {facet.key for facet in result.facets if facet.name == "term"}
    assert "giffinger" in frameworks
    assert any(key.startswith("oberhausen") for key in frameworks)
    municipality = next(facet for facet in result.facets if facet.name == "municipality")
    assert municipality.selected is not None
    assert municipality.selected.count == result.page_source.count()


@pytest.mark.django_db
def test_filters_and_query_make_a_shareable_url_with_paging(client, demo_region):
    body = page(client, "/bestand/?q=digital&kind=project&page=2")
    assert "q=digital&amp;kind=project&amp;page=1" in body
    assert 'value="digital"' in body
    assert 'id="facet-kind-project" name="kind" value="project" checked' in body


@pytest.mark.django_db
def test_htmx_gets_the_results_with_the_count_and_a_clean_url(client, demo_region):
    full = page(client, "/bestand/?q=Beteiligung")
    assert "<html" in full
    response = client.get("/bestand/?q=Beteiligung&kind=&status=", HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert 'hx-swap-oob="innerHTML:#search-count"' in fragment  # the count, announced by its status region
    assert "Beteiligungsplattform bochum-mitgestalten.de" in fragment
    assert response["HX-Push-Url"] == "/bestand/?q=Beteiligung"


@pytest.mark.django_db
def test_list_pages_keep_their_query_count_as_data_grows(django_assert_max_num_queries, personas, demo_region):
    from django.core.cache import cache
    from django.db import connection

    urls = ["/bestand/", "/bestand/?q=Stadt", "/bestand/?q=Smart+City&municipality=oberhausen&kind=project"]
    small = {}
    for url in urls:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            Client().get(url)
        small[url] = len(queries)
    from smartstadt.regions.models import Municipality

    oberhausen = Municipality.objects.get(slug="oberhausen")
    terms = list(Term.objects.filter(framework__slug="giffinger")[:3])
    partners = list(oberhausen.organisations.all()[:3])
    for number in range(30):
        entry = services.entry_create(
            actor=System("Test"),
            municipality=oberhausen,
            data={
                "title": f"Smart City Vorhaben {number} in der Stadt",
                "summary": "Eine smarte Stadt für alle.",
                "terms": terms,
                "partners": partners,
                "lead_organisation": partners[0],
            },
        )
        services.entry_publish(actor=System("Test"), entry=entry)
    for url in urls:
        cache.clear()
        with django_assert_max_num_queries(small[url]):
            Client().get(url)


@pytest.mark.django_db
def test_a_repeated_search_reads_only_its_page(django_assert_max_num_queries, demo_region):
    client = Client()
    client.get("/bestand/?q=Beteiligung")
    with django_assert_max_num_queries(5):  # user roles, the query's statistics, a page of entries, their tags
        client.get("/bestand/?q=Beteiligung")


@pytest.mark.django_db
def test_rebuild_command_restores_a_lost_index(demo_region):
    EntrySearchDocument.objects.all().delete()
    assert titles("Beteiligung") == []
    call_command("rebuild_search_index", "--quiet")
    assert "Co-Kreation" in titles("Beteiligung")


@pytest.mark.django_db
def test_paging_links_keep_query_and_filters(client, demo_region):
    body = page(client, "/bestand/?q=Smart")
    next_link = body.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert parse_qs(urlparse(next_link).query) == {"q": ["Smart"], "page": ["2"]}

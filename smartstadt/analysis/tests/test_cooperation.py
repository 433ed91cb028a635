"""Joint-project candidates: the grouping over any corpus, the region's candidates, the team's page and exports."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils.html import escape

from smartstadt.analysis import cooperation
from smartstadt.analysis.engine import CorpusEngine, Item
from smartstadt.core.models import Membership, Role
from smartstadt.regions.models import Municipality

CHARGING = "Ladesäulen für Elektroautos: öffentliche Ladeinfrastruktur mit Schnellladepunkten an Parkplätzen"
OPEN_DATA = "Open-Data-Portal: die Verwaltung veröffentlicht offene Daten als Datensätze unter freier Lizenz"
PARKING = "Parksensoren melden freie Parkplätze in der Innenstadt an eine App und ein Parkleitsystem"


def corpus() -> list[Item]:
    items = []
    for city in ("Oberhausen", "Essen", "Duisburg"):
        items.append(Item(id=f"{city}-laden", text=f"Ladesäulen in {city}. {CHARGING}", group=city))
        items.append(Item(id=f"{city}-daten", text=f"Offene Daten {city}. {OPEN_DATA}", group=city))
    items.append(Item(id="Bottrop-parken", text=f"Smart Parking. {PARKING}", group="Bottrop"))
    items.append(Item(id="Mülheim-parken", text=f"Parken digital. {PARKING}", group="Mülheim an der Ruhr"))
    items.append(Item(id="Oberhausen-laden-2", text=f"Zweites Ladenetz. {CHARGING}", group="Oberhausen"))
    items.append(Item(id="Herne-kita", text="Kita-Anmeldung online mit Wartelisten für Eltern", group="Herne"))
    return items


def group_keys(engine: CorpusEngine, groups: list[cooperation.Group]) -> list[set[str]]:
    snapshot = engine.snapshot()
    assert snapshot is not None
    return [{str(snapshot.keys[row]) for row in group.rows} for group in groups]


def test_groups_join_similar_entries_of_different_municipalities():
    engine = CorpusEngine.build(corpus(), use_semantic=False)
    snapshot = engine.snapshot()
    assert snapshot is not None
    groups = cooperation.find_groups(snapshot)
    keys = group_keys(engine, groups)
    charging = next(group for group in keys if "Essen-laden" in group)
    assert {"Essen-laden", "Duisburg-laden"} <= charging
    assert len({key for key in charging if key.startswith("Oberhausen")}) == 1  # one entry per municipality
    assert {"Oberhausen-daten", "Essen-daten", "Duisburg-daten"} in keys
    assert {"Bottrop-parken", "Mülheim-parken"} in keys
    assert not any("Herne-kita" in group for group in keys)
    for group in groups:
        assert len(set(group.groups)) == len(group.groups) >= 2
        assert 0 < group.cohesion <= 1
    assert [group.strength for group in groups] == sorted((group.strength for group in groups), reverse=True)
    reasons = next(group.reasons for group, members in zip(groups, keys, strict=True) if "Essen-daten" in members)
    assert "Daten" in reasons


def test_group_size_is_limited_and_no_chains_form():
    items = [Item(id=f"c{n}", text=f"Ladesäulen {CHARGING}", group=f"Stadt {n}") for n in range(7)]
    engine = CorpusEngine.build(items, use_semantic=False)
    snapshot = engine.snapshot()
    assert snapshot is not None
    groups = cooperation.find_groups(snapshot, max_group=3)
    assert groups
    assert all(len(group.rows) <= 3 for group in groups)
    # nothing links the charging points to a lone, unrelated text, however low the bar for a single edge
    lone = [*items, Item(id="kita", text="Kita-Anmeldung online mit Wartelisten", group="Stadt 9")]
    engine = CorpusEngine.build(lone, use_semantic=False)
    snapshot = engine.snapshot()
    assert snapshot is not None
    assert not any("kita" in keys for keys in group_keys(engine, cooperation.find_groups(snapshot, min_score=0.05)))


def test_rows_outside_the_allowed_ones_and_single_municipalities_give_no_group():
    engine = CorpusEngine.build(corpus(), use_semantic=False)
    snapshot = engine.snapshot()
    assert snapshot is not None
    only_oberhausen = snapshot.groups == engine.group_of("Oberhausen")
    assert cooperation.find_groups(snapshot, only_oberhausen) == []
    allowed = snapshot.groups != engine.group_of("Essen")
    keys = group_keys(engine, cooperation.find_groups(snapshot, allowed))
    assert keys
    assert not any(key.startswith("Essen") for group in keys for key in group)


# --- On the demo region -------------------------------------------------------------------------------------


def ruhr() -> Municipality:
    return Municipality.objects.select_related("region").get(slug="oberhausen")


def titles(candidate: cooperation.Candidate) -> set[str]:
    from smartstadt.inventory.models import Entry

    return set(Entry.objects.filter(pk__in=candidate.entries).values_list("title", flat=True))


def test_the_ruhr_cities_have_real_candidates(demo_region):
    region = ruhr().region
    result = cooperation.candidates_for(region_id=region.pk)
    assert result.ready
    assert result.candidates
    members = set(region.municipalities.values_list("pk", flat=True))
    for candidate in result.candidates:
        assert len(set(candidate.municipalities)) == len(candidate.municipalities) >= 2
        assert set(candidate.municipalities) <= members
    assert [c.number for c in result.candidates] == list(range(1, len(result.candidates) + 1))
    fibre = next(c for c in result.candidates if "Glasfaserausbau als Smart-City-Infrastruktur" in titles(c))
    assert "Glasfaser für Schulen und Gewerbegebiete sowie freies WLAN" in titles(fibre)
    assert "Glasfaser" in fibre.reasons
    open_data = next(c for c in result.candidates if "Open-Data-Plattform Gelsenkirchen" in titles(c))
    assert "Open-Data-Portal und Online-Terminvergabe" in titles(open_data)
    assert "governance" in open_data.dimensions


def test_candidates_are_computed_once_per_state_of_the_index(demo_region, monkeypatch):
    from smartstadt.analysis import indexing
    from smartstadt.inventory.models import Entry

    calls = []
    find = cooperation.find_groups
    monkeypatch.setattr(cooperation, "find_groups", lambda *a, **k: calls.append(1) or find(*a, **k))
    region = ruhr().region
    first = cooperation.candidates_for(region_id=region.pk)
    assert cooperation.candidates_for(region_id=region.pk) == first
    assert len(calls) == 1
    entry = Entry.objects.get(title="Open-Data-Plattform Gelsenkirchen")
    Entry.objects.filter(pk=entry.pk).update(title="Offene Daten für alle")
    indexing.update([entry.pk], embed=False)
    cooperation.candidates_for(region_id=region.pk)
    assert len(calls) == 2


# --- The page ----------------------------------------------------------------------------------------------------


def team_oberhausen():
    return Membership.objects.get(role=Role.SMART_CITY_TEAM, municipality__slug="oberhausen").user


URL = "/kooperation/"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("editor_a", 403),
        ("team_a", 200),
        ("team_b", 200),
        ("platform_admin", 200),
    ],
)
def test_who_may_see_the_page_and_the_exports(client_as, who, status):
    assert reverse("analysis:cooperation") == URL
    response = client_as(who).get(URL)
    assert response.status_code == status
    export = client_as(who).get(reverse("analysis:cooperation_export", args=["csv"]))
    assert export.status_code == status


def test_the_team_sees_the_groups_of_its_municipality_first(demo_region, client, django_assert_max_num_queries):
    client.force_login(team_oberhausen())
    client.get(URL)  # computes and caches the candidates
    with django_assert_max_num_queries(15):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="metropole-ruhr" selected' in html
    assert 'value="oberhausen" selected' in html
    groups = response.context["groups"]
    assert groups
    oberhausen = ruhr()
    for group in groups:
        assert oberhausen.pk in group.candidate.municipalities
        assert escape(group.members[0].entry.title) in html
    fibre = next(g for g in groups if any(m.entry.title.startswith("Glasfaserausbau") for m in g.members))
    assert {m.entry.municipality.slug for m in fibre.members} >= {"oberhausen", "herne", "gelsenkirchen"}
    assert "Stadt Herne" in html  # the organisation to bring together


def test_filters_by_municipality_and_dimension(demo_region, client):
    client.force_login(team_oberhausen())
    everything = client.get(URL, {"region": "metropole-ruhr", "municipality": ""}).context["page"].paginator.count
    oberhausen = client.get(URL, {"region": "metropole-ruhr"}).context["page"].paginator.count
    assert everything > oberhausen > 0
    response = client.get(URL, {"region": "metropole-ruhr", "municipality": "", "dimension": "governance"})
    assert 0 < response.context["page"].paginator.count < everything
    assert all("governance" in g.candidate.dimensions for g in response.context["groups"])
    # unknown values fall back: no dimension, all municipalities of the region
    response = client.get(URL, {"region": "metropole-ruhr", "municipality": "nirgendwo", "dimension": "x"})
    assert response.context["page"].paginator.count == everything
    other = client.get(URL, {"region": "modellprojekte-smart-cities", "municipality": ""})
    assert other.context["filters"].region.slug == "modellprojekte-smart-cities"
    assert other.context["page"].paginator.count > 0


def test_htmx_gets_the_fragment_and_the_address_to_show(demo_region, client):
    client.force_login(team_oberhausen())
    response = client.get(URL, {"municipality": "", "page": "2"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="cooperation-form"' in html
    assert response["HX-Push-Url"].startswith("/kooperation/?")
    assert "municipality=&" in response["HX-Push-Url"] or response["HX-Push-Url"].endswith("municipality=")


def test_exports_neutralise_formulas(demo_region, rf):
    region = ruhr().region
    filters = cooperation.CooperationFilters(region=region)
    views = cooperation.hydrate(cooperation.filtered(cooperation.candidates_for(region_id=region.pk), filters))
    assert views
    views[0].members[0].entry.title = '=HYPERLINK("http://example.org","x")'

    def absolute(path: str) -> str:
        return f"https://smartstadt.example{path}"

    data = cooperation.export_csv(views, absolute).decode("utf-8")
    assert data.startswith("\ufeffGruppe;")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == list(cooperation.EXPORT_HEADERS)
    assert rows[1][7] == '\'=HYPERLINK("http://example.org","x")'
    assert rows[1][8].startswith("https://smartstadt.example/kommunen/")
    assert len(rows) - 1 == sum(len(view.members) for view in views)

    workbook = cooperation.export_xlsx(views, absolute)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "'=HYPERLINK" in sheet
    assert "<f>" not in sheet

    document = json.loads(cooperation.export_json(views, absolute, filters))
    assert document["count"] == len(views)
    assert document["groups"][0]["entries"][0]["title"].startswith("=HYPERLINK")  # JSON is data, not a sheet
    assert document["filters"]["region"] == "metropole-ruhr"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_team_downloads_the_groups(demo_region, client, fmt):
    client.force_login(team_oberhausen())
    response = client.get(reverse("analysis:cooperation_export", args=[fmt]), {"municipality": "herne"})
    assert response.status_code == 200
    assert 'filename="kooperationspotenziale-metropole-ruhr-herne-' in response["Content-Disposition"]
    assert len(response.content) > 100
    if fmt == "json":
        groups = json.loads(response.content)["groups"]
        assert groups
        assert all(any(e["municipality"]["slug"] == "herne" for e in g["entries"]) for g in groups)


def test_unknown_export_format_is_not_found(demo_region, client):
    client.force_login(team_oberhausen())
    assert client.get("/kooperation/export.pdf").status_code == 404


@pytest.mark.parametrize(("who", "linked"), [("team_a", True), ("editor_a", False)])
def test_the_workspace_links_the_page_for_the_team(client_as, who, linked):
    response = client_as(who).get(reverse("inventory:workspace"))
    assert response.status_code == 200
    assert (f'href="{URL}"' in response.content.decode()) is linked

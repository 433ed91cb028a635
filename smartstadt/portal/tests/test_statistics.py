"""The statistics page (/statistik/): coverage matrices with white spots, counts by status and kind."""

from __future__ import annotations

import json
import re

import pytest
from django.db.models import Count

from smartstadt.frameworks.models import Framework, Term
from smartstadt.inventory.models import Entry, EntryStatus, PublicationState
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.portal.statistics import MAX_COLUMNS
from smartstadt.regions.models import Municipality, OrganisationKind
from smartstadt.regions.tests.factories import MunicipalityFactory, OrganisationFactory


def cell(body: str, table: str, term: str, column: str) -> str:
    """The <td> of one matrix cell, found by its table, row (term code) and column."""
    section = body.split(f'id="{table}"')[1].split("</table>")[0]
    row = section.split(f'data-term="{term}"')[1].split("</tr>")[0]
    match = re.search(rf'<td [^>]*data-column="{re.escape(column)}"[^>]*>.*?</td>', row, re.S)
    assert match, (table, term, column)
    return match.group(0)


def is_white_spot(td: str) -> bool:
    # Not by colour alone: the cell has a symbol and a text for screen readers.
    marked = "data-white-spot" in td
    if marked:
        assert "○" in td
        assert "sr-only" in td
    return marked


def giffinger_counts(municipality: str) -> dict[str, int]:
    rows = (
        Entry.objects.published()
        .filter(municipality__slug=municipality, terms__framework__slug="giffinger")
        .values("terms__code")
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["terms__code"]: row["n"] for row in rows}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_oberhausens_white_spots_are_the_dimensions_without_published_entries(client_as, personas, demo_region, who):
    response = client_as(who).get("/statistik/")
    assert response.status_code == 200
    body = response.content.decode()
    counts = giffinger_counts("oberhausen")
    dimensions = list(Term.objects.filter(framework__slug="giffinger", parent__isnull=True).order_by("order"))
    assert len(dimensions) == 6
    expected_white_spots = {term.code for term in dimensions if not counts.get(term.code)}
    found_white_spots = set()
    for term in dimensions:
        td = cell(body, "coverage-municipalities", term.code, "oberhausen")
        assert f'data-count="{counts.get(term.code, 0)}"' in td
        if is_white_spot(td):
            found_white_spots.add(term.code)
    assert found_white_spots == expected_white_spots
    # The list of white spots by municipality says the same in words.
    listed = body.split('id="white-spots"')[1].split("</dl>")[0].split('data-column="oberhausen"')[1].split("</div>")[0]
    assert set(re.findall(r'data-term="([^"]+)"', listed)) == expected_white_spots
    # Default columns: the municipalities of the Metropole Ruhr.
    matrix = response.context["by_municipality"]
    assert [column.key for column in matrix.columns] == list(
        Municipality.objects.filter(region__slug="metropole-ruhr").order_by("name").values_list("slug", flat=True)
    )


@pytest.mark.django_db
def test_unpublished_entries_leave_a_white_spot(client, demo_region):
    mobility = Term.objects.get(framework__slug="giffinger", code="mobility")
    Entry.objects.filter(municipality__slug="oberhausen", terms=mobility).update(
        publication_state=PublicationState.IN_REVIEW
    )
    body = client.get("/statistik/").content.decode()
    td = cell(body, "coverage-municipalities", "mobility", "oberhausen")
    assert is_white_spot(td)
    assert 'data-count="0"' in td


@pytest.mark.django_db
def test_narrower_terms_count_for_their_dimension_once(client, demo_region):
    municipality = MunicipalityFactory(region=Municipality.objects.get(slug="oberhausen").region, slug="testhausen")
    mobility = Term.objects.get(framework__slug="giffinger", code="mobility")
    factors = list(mobility.children.order_by("order")[:2])
    entry = EntryFactory(municipality=municipality)
    entry.terms.set([mobility, *factors])
    EntryFactory(municipality=municipality).terms.set(factors[:1])
    body = client.get("/statistik/").content.decode()
    assert 'data-count="2"' in cell(body, "coverage-municipalities", "mobility", "testhausen")
    assert is_white_spot(cell(body, "coverage-municipalities", "people", "testhausen"))


@pytest.mark.django_db
def test_region_municipality_and_framework_switches(client, demo_region):
    everything = client.get("/statistik/?region=")
    assert len(everything.context["by_municipality"].columns) == MAX_COLUMNS
    assert everything.context["columns_capped"]

    one = client.get("/statistik/?municipality=oberhausen")
    assert [column.key for column in one.context["by_municipality"].columns] == ["oberhausen"]
    assert one.context["entry_total"] == Entry.objects.published().filter(municipality__slug="oberhausen").count()

    own = Framework.objects.get(slug="oberhausen-handlungsfelder")
    response = client.get(f"/statistik/?framework={own.slug}")
    matrix = response.context["by_municipality"]
    # A municipality's own framework: its terms as rows, only that municipality as column.
    assert [column.key for column in matrix.columns] == ["oberhausen"]
    top_terms = Term.objects.filter(framework=own, parent__isnull=True).order_by("order", "label")
    assert [row.term.code for row in matrix.rows] == list(top_terms.values_list("code", flat=True))
    for row in matrix.rows:
        expected = Entry.objects.published().filter(terms=row.term).count()
        assert row.cells[0].count == expected

    unknown = client.get("/statistik/?framework=gibt-es-nicht&region=gibt-es-nicht")
    assert unknown.status_code == 200
    assert unknown.context["framework"].slug == "giffinger"


@pytest.mark.django_db
def test_coverage_by_kind_of_lead_and_partner_organisation(client_as, personas):
    a = personas.municipality_a
    mobility = Term.objects.get(framework__slug="giffinger", code="mobility")
    research = OrganisationFactory(municipality=a, kind=OrganisationKind.RESEARCH)
    business = OrganisationFactory(municipality=a, kind=OrganisationKind.BUSINESS)
    first = EntryFactory(municipality=a, lead_organisation=personas.organisation_a)  # a municipal company
    first.terms.set([mobility])
    first.partners.set([research, business])
    second = EntryFactory(municipality=a, lead_organisation=personas.organisation_a)
    second.terms.set([mobility])
    second.partners.set([research])
    hidden = EntryFactory(municipality=a, lead_organisation=research, publication_state=PublicationState.DRAFT)
    hidden.terms.set([mobility])

    response = client_as("team_a").get("/statistik/?region=testregion&municipality=stadt-a")
    body = response.content.decode()
    assert 'data-count="2"' in cell(body, "coverage-lead-kinds", "mobility", "municipal_company")
    assert is_white_spot(cell(body, "coverage-lead-kinds", "mobility", "research"))  # the draft does not count
    assert 'data-count="2"' in cell(body, "coverage-partner-kinds", "mobility", "research")
    assert 'data-count="1"' in cell(body, "coverage-partner-kinds", "mobility", "business")
    assert is_white_spot(cell(body, "coverage-partner-kinds", "mobility", "civil_society"))
    assert is_white_spot(cell(body, "coverage-partner-kinds", "people", "research"))


@pytest.mark.django_db
def test_counts_by_status_and_kind_with_their_data_tables(client, demo_region):
    response = client.get("/statistik/?region=metropole-ruhr")
    body = response.content.decode()
    published = Entry.objects.published().filter(municipality__region__slug="metropole-ruhr")
    expected = dict(published.values_list("status").annotate(n=Count("pk")))
    charts = json.loads(body.split('id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert charts["status"]["values"] == [expected.get(value, 0) for value in EntryStatus.values]
    assert sum(charts["kind"]["values"]) == published.count()
    table = body.split('id="counts-status"')[1].split("</table>")[0]
    for value in EntryStatus.values:
        row = table.split(f'data-value="{value}"')[1].split("</tr>")[0]
        assert f">{expected.get(value, 0)}</td>" in row
    # The chart is decoration for sighted readers; the table is the accessible representation.
    assert '<div class="chart" aria-hidden="true">' in body


@pytest.mark.django_db
def test_statistics_query_count_does_not_grow_with_the_data(client, demo_region, django_assert_max_num_queries):
    ruhr = Municipality.objects.get(slug="oberhausen").region
    dimensions = list(Term.objects.filter(framework__slug="giffinger", parent__isnull=True))
    for number in range(8):
        municipality = MunicipalityFactory(region=ruhr, name=f"Neustadt {number}", slug=f"neustadt-{number}")
        partner = OrganisationFactory(municipality=municipality, kind=OrganisationKind.NETWORK)
        for index in range(6):
            entry = EntryFactory(
                municipality=municipality,
                lead_organisation=OrganisationFactory(municipality=municipality),
                status=EntryStatus.values[index % 5],
            )
            entry.terms.set(dimensions[: index + 1])
            entry.partners.set([partner])
    with django_assert_max_num_queries(12):
        response = client.get("/statistik/")
    assert len(response.context["by_municipality"].columns) >= 20

"""The search's bit index of the published entries (facets.py) gives what the database gives.

Facet counts, totals and orders are compared with the SQL of ``EntryFilters.apply`` and ``EntryFilters.order``;
related entries with the tag overlap counted in SQL; the API's list for visitors with ``entry_list``.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.test import Client

from smartstadt.inventory import services
from smartstadt.inventory.models import Entry, EntryStatus
from smartstadt.inventory.selectors import entry_list, related_entries
from smartstadt.search import facets
from smartstadt.search.filters import EntryFilters
from smartstadt.search.selectors import entry_search, published_entry_keys

FILTER_SETS = [
    {},
    {"q": "Beteiligung"},
    {"q": "Smart City"},
    {"q": "Ladesäule"},
    {"q": "digital", "kind": "project"},
    {"q": "Quartier", "status": "running"},
    {"municipality": "oberhausen"},
    {"municipality": "oberhausen", "status": "running", "q": "Stadt"},
    {"term": "giffinger:mobility"},
    {"term": "giffinger:people", "organisation_kind": "municipal_company"},
    {"organisation_kind": "research"},
    {"region": "metropole-ruhr", "q": "Daten"},
    {"publication_state": "draft"},
    {"q": "Xylophonwerke"},
    {"q": "und"},
]


def sql_keys(filters: EntryFilters) -> list[int]:
    return list(filters.order(filters.apply(Entry.objects.published())).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("values", FILTER_SETS, ids=lambda values: "&".join(f"{k}={v}" for k, v in values.items()))
def test_totals_orders_and_facet_counts_are_those_of_the_database(demo_region, values):
    filters = EntryFilters(**values)
    result = entry_search(viewer=None, filters=filters)
    expected = sql_keys(filters)
    assert result.snapshot.total == len(expected)
    assert result.snapshot.first_keys == expected[: len(result.snapshot.first_keys)]
    for facet in result.facets:
        for option in facet.options:
            narrowed = EntryFilters(**{**values, facet.name: option.value})
            assert option.count == len(sql_keys(narrowed)), (facet.name, option.value)


@pytest.mark.django_db
def test_pages_beyond_the_cached_keys_and_the_api_follow_the_database(demo_region):
    bits = facets.current(max_age=60)
    for values in ({}, {"q": "Stadt"}, {"status": "running"}):
        filters = EntryFilters(**values)
        expected = sql_keys(filters)
        for offset in (0, 7, len(expected) - 3, len(expected) + 5):
            found = published_entry_keys(filters=filters, offset=offset, limit=10)
            assert found == (len(expected), expected[offset : offset + 10])
    assert facets.fresh(max_age=60) is bits

    client = Client()
    client.get("/bestand/")  # the search builds the index; the API for visitors then counts and sorts in it
    for query in ("limit=50", "limit=20&offset=40&status=running", "limit=10&q=Beteiligung", "limit=5&kind=project"):
        page = client.get(f"/api/entries?{query}").json()
        params = dict(part.split("=") for part in query.split("&"))
        filters = EntryFilters(q=params.get("q", ""), status=params.get("status", ""), kind=params.get("kind", ""))
        listed = entry_list(viewer=AnonymousUser(), filters=filters)
        offset, limit = int(params.get("offset", 0)), int(params["limit"])
        assert page["count"] == listed.count()
        assert [item["slug"] for item in page["items"]] == list(
            listed.values_list("slug", flat=True)[offset : offset + limit]
        )


@pytest.mark.django_db
def test_related_entries_share_the_most_tags_other_municipalities_first(demo_region):
    checked = 0
    for entry in Entry.objects.published().filter(terms__isnull=False).distinct().order_by("pk")[:40]:
        term_ids = list(entry.terms.values_list("pk", flat=True))
        candidates = (
            Entry.objects.published()
            .exclude(pk=entry.pk)
            .filter(terms__in=term_ids)
            .annotate(shared=Count("terms", filter=Q(terms__in=term_ids)))
            .order_by("-shared", "title", "pk")[:24]
        )
        expected = sorted(candidates, key=lambda other: (-other.shared, other.municipality_id == entry.municipality_id))
        found = related_entries(entry=entry)
        assert [other.pk for other in found] == [other.pk for other in expected[:6]]
        checked += bool(found)
    assert checked > 10


@pytest.mark.django_db
def test_the_index_follows_publication_and_renamed_titles(demo_region, personas):
    def by_title() -> tuple[int, ...]:
        return tuple(Entry.objects.published().order_by("title", "pk").values_list("pk", flat=True))

    before = facets.current(max_age=60)
    assert before.keys == by_title()
    entry = services.entry_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        data={"title": "Wasserstoffbus am Bahnhof", "summary": "Ein Bus."},
    )
    assert facets.current(max_age=60).keys == before.keys  # a draft is not in it
    services.entry_publish(actor=personas.team_a, entry=entry)
    after = facets.current(max_age=60)
    assert after.keys == by_title()
    assert entry.pk in after.positions
    shown = after.entries([entry.pk])[0]
    assert (shown.title, shown.get_absolute_url(), shown.get_status_display()) == (
        "Wasserstoffbus am Bahnhof",
        entry.get_absolute_url(),
        str(EntryStatus(entry.status).label),
    )
    services.entry_update(actor=personas.team_a, entry=entry, data={"title": "Abwasserbus am Bahnhof"})
    renamed = facets.current(max_age=60)
    assert renamed.keys == by_title()
    assert facets.current(max_age=0) is not renamed  # too old: built anew

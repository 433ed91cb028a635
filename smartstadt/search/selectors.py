"""Reads of the search wing: the portal's search page (facets, counts, pages, matching organisations) and the one
way into this process's bit index of the published entries (:func:`published_index`).

Code outside the search wing reaches the bit index (:mod:`.facets`) through :func:`published_index` only and uses
what :class:`~.facets.EntryBits` offers (``entries``, ``sharing_tags``); how the index is built, kept and filtered
stays inside the wing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from smartstadt.core.permissions import Viewer
from smartstadt.inventory.models import Entry, EntryKind, EntryStatus
from smartstadt.regions.models import Organisation, OrganisationKind

from .facets import EntryBits, Selection, current, fresh
from .filters import EntryFilters
from .index import ORGANISATIONS, compile_query, generation, search_organisations

# --- The portal's search page: facets and matching organisations ------------------------------------------

MUNICIPALITY_FACET_SIZE = 60
ORGANISATIONS_SHOWN = 6
# What a filter set finds (facets, count, the first pages' keys) is kept this long; any change to the index or
# to a publication state renews it at once (in this process, or in all of them with Redis as the cache).
SEARCH_CACHE_SECONDS = 60
SNAPSHOT_KEYS = 500  # 20 pages of 25


def published_index(*, max_age: float = SEARCH_CACHE_SECONDS) -> EntryBits:
    """This process's bit index of the published entries, built first if the search generation changed or it is
    older than ``max_age`` seconds (``max_age=0``: built anew). Its ``entries(keys)`` gives published entries as
    result lists show them, without a database query; ``sharing_tags(...)`` the entries sharing the most tags."""
    return current(max_age=max_age)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    """One filter of the search page with how many entries each choice would leave (other filters applied)."""

    name: str  # the GET parameter
    label: str
    options: list[FacetOption]
    all_label: str = ""
    key: str = ""  # tells apart the facets sharing a parameter (one per framework for ``term``)

    @property
    def selected(self) -> FacetOption | None:
        return next((option for option in self.options if option.selected), None)

    @property
    def html_id(self) -> str:
        return f"facet-{self.name}" + (f"-{self.key}" if self.key else "")


@dataclass
class SearchSnapshot:
    """What a filter set finds, kept in the cache: facets, the number of matches, the keys of the first pages
    in their order, the matching organisations."""

    facets: list[Facet]
    total: int
    first_keys: list[int]
    organisation_keys: list[int]
    key: str = ""  # its cache key: also the key of whatever is rendered from it alone (the facets' HTML)


class EntryPage:
    """The ordered matches for a paginator: pages are cut on primary keys (from the snapshot for the first
    pages, else from the bit index), then the 25 entries of a page are taken from the bit index's copy of the
    columns the result table shows."""

    def __init__(self, search: EntrySearch, snapshot: SearchSnapshot) -> None:
        self.search = search  # its ranked queryset is needed beyond the snapshot's pages only
        self.snapshot = snapshot

    def count(self) -> int:
        return self.snapshot.total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Entry]:
        if not isinstance(key, slice):
            raise TypeError("EntryPage is sliced into pages only.")
        start, stop = key.start or 0, key.stop or self.snapshot.total
        if stop <= len(self.snapshot.first_keys) or len(self.snapshot.first_keys) == self.snapshot.total:
            pks = self.snapshot.first_keys[start:stop]
        else:
            found = published_entry_keys(filters=self.search.filters, offset=start, limit=stop - start)
            pks = found[1] if found is not None else []
        # The columns the result table shows, kept with the search's bit index (facets.py): no query for a page.
        return published_index().entries(pks)


@dataclass
class EntrySearch:
    filters: EntryFilters
    base: QuerySet[Entry]
    snapshot: SearchSnapshot
    organisations: list[Organisation]

    @cached_property
    def entries(self) -> QuerySet[Entry]:
        """All matches, best first for a full-text query, else by title (ranking looks up the query's words)."""
        return self.filters.order(self.filters.apply(self.base))

    @property
    def page_source(self) -> EntryPage:
        return EntryPage(self, self.snapshot)

    @property
    def facets(self) -> list[Facet]:
        return self.snapshot.facets

    @property
    def more_organisations(self) -> bool:
        return len(self.snapshot.organisation_keys) > ORGANISATIONS_SHOWN


def _choice_facet(
    selection: Selection, name: str, label: str, all_label: str, choices: Any, groups: dict[str, int]
) -> Facet:
    counts = selection.counts(name, groups)
    selected = getattr(selection.filters, name)
    options = [
        FacetOption(str(value), str(text).capitalize(), counts.get(value, 0), value == selected)
        for value, text in choices
        if counts.get(value, 0) or value == selected
    ]
    return Facet(name=name, label=label, options=options, all_label=all_label)


def _municipality_facet(selection: Selection) -> Facet:
    """The municipalities with the most matching entries (and the chosen one), by name."""
    filters = selection.filters
    counts = selection.counts("municipality", selection.bits.by_municipality)  # by ascending key: ties alike
    top = set(sorted(counts, key=lambda pk: -counts[pk])[:MUNICIPALITY_FACET_SIZE])
    options = [
        FacetOption(slug, name, counts.get(pk, 0), slug == filters.municipality)
        for pk, slug, name in selection.municipalities()  # by name
        if pk in top or slug == filters.municipality
    ]
    return Facet("municipality", _("Municipality"), options, _("All municipalities"))


def _organisation_kind_facet(selection: Selection) -> Facet:
    """Entries with a lead or partner organisation of each kind, each entry counted once per kind."""
    filters = selection.filters
    counts = selection.counts("organisation_kind", selection.bits.by_organisation_kind)
    options = [
        FacetOption(kind, str(label).capitalize(), counts.get(kind, 0), kind == filters.organisation_kind)
        for kind, label in OrganisationKind.choices
        if counts.get(kind, 0) or kind == filters.organisation_kind
    ]
    return Facet("organisation_kind", _("Kind of organisation"), options, _("All kinds of organisation"))


def _term_facets(selection: Selection) -> list[Facet]:
    """The reference frameworks (Giffinger) and, once a municipality is chosen, its own: entries per top term
    (tagged with it or a term right below it)."""
    filters = selection.filters
    terms = selection.terms(filters.municipality)
    by_top_term = selection.bits.by_top_term
    counts = selection.counts("term", {term.pk: by_top_term.get(term.pk, 0) for term in terms})
    facets: dict[int, Facet] = {}
    for term in terms:
        value = f"{term.framework.slug}:{term.code}"
        if term.parent_id is not None or not (counts.get(term.pk) or value == filters.term):
            continue
        facet = facets.setdefault(
            term.framework_id,
            Facet("term", term.framework.short_name or term.framework.name, [], key=term.framework.slug),
        )
        facet.options.append(FacetOption(value, term.label, counts.get(term.pk, 0), value == filters.term))
    result = list(facets.values())
    if result:  # the tag radios form one group across the frameworks; its "any" choice comes first
        result[0] = replace(result[0], all_label=_("Any tag"))
    return result


def _district_facet(selection: Selection) -> Facet | None:
    """The districts of the chosen municipality (none without one)."""
    filters = selection.filters
    if not filters.municipality:
        return None
    districts = selection.districts(filters.municipality)
    if not districts:
        return None
    by_district = selection.bits.by_district
    counts = selection.counts("district", {pk: by_district.get(pk, 0) for pk, _slug, _name in districts})
    options = [
        FacetOption(slug, name, counts.get(pk, 0), slug == filters.district)
        for pk, slug, name in districts
        if counts.get(pk, 0) or slug == filters.district
    ]
    return Facet("district", _("District"), options, _("All districts"))


def search_cache_key(filters: EntryFilters) -> str:
    """The cache key of what a filter set finds (changes with the language and the search generation)."""
    from django.utils.translation import get_language

    state = json.dumps([filters.as_query(), get_language(), generation()], sort_keys=True)
    return "inventory:search:" + hashlib.sha256(state.encode()).hexdigest()


def _snapshot(filters: EntryFilters) -> SearchSnapshot:
    """What the filters find among the published entries: counted and ordered in this process's bit index of them
    (see facets.py), the matching organisations by the full-text search."""
    from django.core.cache import cache

    key = search_cache_key(filters)
    snapshot: SearchSnapshot | None = cache.get(key)
    if snapshot is not None:
        return snapshot
    bits = current(max_age=SEARCH_CACHE_SECONDS)
    selection = Selection(bits, filters)
    facets = [
        _municipality_facet(selection),
        _choice_facet(selection, "kind", _("Kind"), _("All kinds"), EntryKind.choices, bits.by_kind),
        _choice_facet(selection, "status", _("Status"), _("Any status"), EntryStatus.choices, bits.by_status),
        *_term_facets(selection),
        _organisation_kind_facet(selection),
    ]
    district = _district_facet(selection)
    if district is not None:
        facets.append(district)
    organisation_keys: list[int] = []
    if filters.q:
        matching = Organisation.objects.filter(is_active=True)
        if filters.municipality:
            matching = matching.filter(municipality__slug=filters.municipality)
        found = search_organisations(compile_query(filters.q, ORGANISATIONS), matching)
        organisation_keys = list(found.values_list("pk", flat=True)[: ORGANISATIONS_SHOWN + 1])
    snapshot = SearchSnapshot(
        facets=facets,
        total=selection.total(),
        first_keys=selection.ordered_keys(SNAPSHOT_KEYS),
        organisation_keys=organisation_keys,
        key=key,
    )
    # No older than the index it comes from allows: another process's change shows within SEARCH_CACHE_SECONDS.
    cache.set(key, snapshot, max(1, round(SEARCH_CACHE_SECONDS - bits.age)))
    return snapshot


def published_entry_keys(
    *, filters: EntryFilters, offset: int, limit: int, build: bool = True
) -> tuple[int, list[int]] | None:
    """How many published entries the filters leave, and the keys of ``limit`` of them after the first ``offset``
    in the order of ``entry_list`` (best first for a query, else by title): from the search's bit index of the
    published entries (see facets.py), without reading the entries. ``build=False``: None unless the index is up
    to date already."""
    bits = current(max_age=SEARCH_CACHE_SECONDS) if build else fresh(max_age=SEARCH_CACHE_SECONDS)
    if bits is None:
        return None
    selection = Selection(bits, filters)
    return selection.total(), selection.ordered_keys(limit, offset)


def entry_search(*, viewer: Viewer, filters: EntryFilters) -> EntrySearch:
    """The transparency portal's search: published entries matching the filters (best first for a full-text
    query), the facets with their counts, and the organisations matching the query.

    A fixed number of database queries, whatever the data: one per facet, not per facet value. What a filter set
    finds is cached (see :data:`SEARCH_CACHE_SECONDS`); a request then reads just the entries of its page.
    """
    base: QuerySet[Entry] = Entry.objects.published()
    if filters.district and not filters.municipality:
        filters = filters.without("district")
    snapshot = _snapshot(filters)
    organisations: list[Organisation] = []
    if snapshot.organisation_keys:
        shown = snapshot.organisation_keys[:ORGANISATIONS_SHOWN]
        loaded = Organisation.objects.select_related("municipality").in_bulk(shown)
        organisations = [loaded[pk] for pk in shown if pk in loaded]
    return EntrySearch(filters=filters, base=base, snapshot=snapshot, organisations=organisations)

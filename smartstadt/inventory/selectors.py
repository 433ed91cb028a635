"""Reads of the inventory. Lists select and prefetch what their pages show, so the query count stays flat."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from smartstadt.core.permissions import Viewer
from smartstadt.frameworks.models import Term
from smartstadt.regions.models import Organisation, OrganisationKind

from .models import Entry, EntryKind, EntryQuerySet, EntryStatus, PublicationState

if TYPE_CHECKING:
    from .facets import Selection
    from .search import CompiledQuery


_tagged = Entry.terms.through
_partnered = Entry.partners.through
_located = Entry.districts.through


@dataclass(frozen=True)
class EntryFilters:
    """The filters of the portal, the workspace, the exports and the API – one definition for all of them."""

    municipality: str = ""  # slug
    region: str = ""  # slug
    kind: str = ""
    status: str = ""
    term: str = ""  # "<framework slug>:<term code>"
    organisation_kind: str = ""
    organisation: int | None = None
    district: str = ""  # slug (within the municipality filter)
    publication_state: str = ""
    q: str = ""  # full-text query (German: stems, umlauts, compound words; see search.py)

    @classmethod
    def from_query(cls, params: Any) -> EntryFilters:
        def text(name: str) -> str:
            return str(params.get(name, "") or "").strip()[:120]

        organisation = text("organisation")
        return cls(
            municipality=text("municipality"),
            region=text("region"),
            kind=text("kind"),
            status=text("status"),
            term=text("term"),
            organisation_kind=text("organisation_kind"),
            organisation=int(organisation) if organisation.isdigit() else None,
            district=text("district"),
            publication_state=text("publication_state"),
            q=str(params.get("q", "") or "").strip()[:200],
        )

    @cached_property
    def search(self) -> CompiledQuery:
        """The full-text query checked against the index (one database query, made once per filter set)."""
        from .search import ENTRIES, compile_query

        return compile_query(self.q, ENTRIES)

    def apply(self, entries: QuerySet[Entry], *, without: str = "") -> QuerySet[Entry]:
        """The entries matching every filter, except the one named ``without`` (for counting a facet's options;
        without the municipality, its district goes too)."""
        if without:
            return self.without(without).apply(entries)
        if self.q:
            entries = self.search.filter(entries)
        if self.municipality:
            entries = entries.filter(municipality__slug=self.municipality)
        if self.region:
            entries = entries.filter(municipality__region__slug=self.region)
        if self.kind:
            entries = entries.filter(kind=self.kind)
        if self.status:
            entries = entries.filter(status=self.status)
        if self.publication_state:
            entries = entries.filter(publication_state=self.publication_state)
        # Many-to-many filters as subqueries of entry ids: no join that repeats entries, so no DISTINCT, which
        # would sort every matching row with all its columns before a page is cut (ten times slower at 20,000).
        if self.term and ":" in self.term:
            framework, code = self.term.split(":", 1)
            term_ids = Term.objects.filter(framework__slug=framework).filter(Q(code=code) | Q(parent__code=code))
            entries = entries.filter(pk__in=_tagged.objects.filter(term__in=term_ids.values("pk")).values("entry_id"))
        if self.organisation_kind:
            partnered = _partnered.objects.filter(organisation__kind=self.organisation_kind).values("entry_id")
            leading = Organisation.objects.filter(kind=self.organisation_kind).values("pk")
            entries = entries.filter(Q(lead_organisation__in=leading) | Q(pk__in=partnered))
        if self.organisation:
            partnered = _partnered.objects.filter(organisation_id=self.organisation).values("entry_id")
            entries = entries.filter(Q(lead_organisation_id=self.organisation) | Q(pk__in=partnered))
        if self.district:
            entries = entries.filter(pk__in=_located.objects.filter(district__slug=self.district).values("entry_id"))
        return entries

    def without(self, name: str) -> EntryFilters:
        """The same filters without one (the compiled full-text query is kept, not looked up again)."""
        changes: dict[str, Any] = {name: None if name == "organisation" else ""}
        if name == "municipality":
            changes["district"] = ""
        other = replace(self, **changes)
        if self.q and name != "q":
            other.__dict__["search"] = self.search
        return other

    def order(self, entries: QuerySet[Entry]) -> QuerySet[Entry]:
        """Best matches first for a full-text query, else by title."""
        if self.q:
            return self.search.rank(entries)
        return entries.order_by("title", "pk")

    def as_query(self) -> dict[str, str]:
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        return {name: str(value) for name, value in values.items() if value not in ("", None)}


def entry_queryset_for_lists() -> EntryQuerySet:
    return Entry.objects.select_related("municipality", "lead_organisation").prefetch_related(
        Prefetch("terms", queryset=Term.objects.select_related("framework").order_by("framework__order", "order"))
    )


def entry_list(*, viewer: Viewer, filters: EntryFilters | None = None) -> QuerySet[Entry]:
    entries: QuerySet[Entry] = entry_queryset_for_lists().visible_to(viewer)
    if filters is None:
        return entries.order_by("title", "pk")
    return filters.order(filters.apply(entries))


def get_entry_for(*, viewer: Viewer, municipality_slug: str, slug: str) -> Entry:
    """The entry, or 404 when it does not exist or is not visible (an unpublished entry is nobody's business)."""
    entry = (
        Entry.objects.select_related("municipality", "municipality__region", "lead_organisation__municipality")
        .prefetch_related(
            Prefetch("partners", queryset=Organisation.objects.select_related("municipality")),  # for their links
            "districts",
            Prefetch(
                "terms",
                queryset=Term.objects.select_related("framework", "parent").order_by("framework__order", "order"),
            ),
        )
        .filter(municipality__slug=municipality_slug, slug=slug)
        .order_by("pk")  # one at most (unique per municipality); no ordering joins
        .first()
    )
    if entry is None or not viewer.has_perm("inventory.view_entry", entry):
        raise Http404
    return entry


def get_entry_for_edit(*, user: Viewer, municipality_slug: str, slug: str) -> Entry:
    entry = get_entry_for(viewer=user, municipality_slug=municipality_slug, slug=slug)
    if not user.has_perm("inventory.change_entry", entry):
        raise PermissionDenied
    return entry


def related_entries(*, entry: Entry, limit: int = 6) -> list[Entry]:
    """Published entries sharing the most tags with this one, other municipalities first.

    A plain tag overlap, counted in the search's bit index of the published entries (see facets.py): of the
    ``4 × limit`` entries sharing the most tags (then by title), those of other municipalities first. The analysis
    engine replaces it with text similarity where it is installed.
    """
    from .facets import current, sharing_tags

    term_ids = [term.pk for term in entry.terms.all()]
    if not term_ids:
        return []
    bits = current(max_age=SEARCH_CACHE_SECONDS)
    candidates = sharing_tags(bits, entry=entry.pk, terms=term_ids, limit=limit * 4)
    ranked = sorted(candidates, key=lambda item: (-item[1], item[2] == entry.municipality_id))[:limit]
    return bits.entries(key for key, _shared, _municipality in ranked)


def entries_of_organisation(*, viewer: Viewer, organisation: Organisation) -> dict[str, list[Entry]]:
    entries = entry_queryset_for_lists().visible_to(viewer)
    return {
        "lead": list(entries.filter(lead_organisation=organisation).order_by("title")),
        "partner": list(entries.filter(partners=organisation).order_by("title")),
    }


def review_queue(*, user: Viewer) -> QuerySet[Entry]:
    """Entries waiting for the team's decision in the municipalities the user is on the team of."""
    from smartstadt.core.permissions import roles_of

    queue = entry_queryset_for_lists().filter(publication_state=PublicationState.IN_REVIEW)
    if not user.is_superuser:
        queue = queue.filter(municipality_id__in=roles_of(user).team_municipalities)
    return queue.order_by("updated_at")


def my_entries(*, user: Viewer) -> QuerySet[Entry]:
    """Entries the user is responsible for (team or editor), all states."""
    from smartstadt.core.permissions import roles_of

    roles = roles_of(user)
    return (
        entry_queryset_for_lists()
        .filter(
            Q(municipality_id__in=roles.team_municipalities) | Q(lead_organisation_id__in=roles.editor_organisations)
        )
        .order_by("-updated_at")
    )


def entries_for_export(*, viewer: Viewer, params: Any, municipality: Any = None) -> QuerySet[Entry]:
    """The entries of an export, with the filters of the list it comes from (``params``: the query string).

    Without a municipality: the public list, published entries only. With one: the team's workspace export, every
    entry of the municipality in every state (the view checks ``inventory.export_entries``).
    """
    filters = EntryFilters.from_query(params)
    if municipality is None:
        entries: QuerySet[Entry] = entry_list(viewer=viewer, filters=filters).filter(
            publication_state=PublicationState.PUBLISHED
        )
    else:
        entries = filters.apply(entry_queryset_for_lists().filter(municipality=municipality)).order_by("title", "pk")
    return entries.prefetch_related("partners", "districts")


# --- The portal's search page: facets and matching organisations ------------------------------------------

MUNICIPALITY_FACET_SIZE = 60
ORGANISATIONS_SHOWN = 6
# What a filter set finds (facets, count, the first pages' keys) is kept this long; any change to the index or
# to a publication state renews it at once (in this process, or in all of them with Redis as the cache).
SEARCH_CACHE_SECONDS = 60
SNAPSHOT_KEYS = 500  # 20 pages of 25


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
        from .facets import current

        start, stop = key.start or 0, key.stop or self.snapshot.total
        if stop <= len(self.snapshot.first_keys) or len(self.snapshot.first_keys) == self.snapshot.total:
            pks = self.snapshot.first_keys[start:stop]
        else:
            found = published_entry_keys(filters=self.search.filters, offset=start, limit=stop - start)
            pks = found[1] if found is not None else []
        # The columns the result table shows, kept with the search's bit index (facets.py): no query for a page.
        return current(max_age=SEARCH_CACHE_SECONDS).entries(pks)


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

    from .search import generation

    state = json.dumps([filters.as_query(), get_language(), generation()], sort_keys=True)
    return "inventory:search:" + hashlib.sha256(state.encode()).hexdigest()


def _snapshot(filters: EntryFilters) -> SearchSnapshot:
    """What the filters find among the published entries: counted and ordered in this process's bit index of them
    (see facets.py), the matching organisations by the full-text search."""
    from django.core.cache import cache

    from .facets import Selection, current
    from .search import ORGANISATIONS, compile_query, search_organisations

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
    from .facets import Selection, current, fresh

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

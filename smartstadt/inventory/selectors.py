"""Reads of the inventory. Lists select and prefetch what their pages show, so the query count stays flat."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from smartstadt.frameworks.models import Term
from smartstadt.regions.models import District, Municipality, Organisation, OrganisationKind

from .models import Entry, EntryKind, EntryQuerySet, EntryStatus, PublicationState

if TYPE_CHECKING:
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


def entry_list(*, viewer: Any, filters: EntryFilters | None = None) -> QuerySet[Entry]:
    entries: QuerySet[Entry] = entry_queryset_for_lists().visible_to(viewer)
    if filters is None:
        return entries.order_by("title", "pk")
    return filters.order(filters.apply(entries))


def get_entry_for(*, viewer: Any, municipality_slug: str, slug: str) -> Entry:
    """The entry, or 404 when it does not exist or is not visible (an unpublished entry is nobody's business)."""
    entry = (
        Entry.objects.select_related("municipality", "municipality__region", "lead_organisation")
        .prefetch_related(
            "partners",
            "districts",
            Prefetch(
                "terms",
                queryset=Term.objects.select_related("framework", "parent").order_by("framework__order", "order"),
            ),
        )
        .filter(municipality__slug=municipality_slug, slug=slug)
        .first()
    )
    if entry is None or not viewer.has_perm("inventory.view_entry", entry):
        raise Http404
    return entry


def get_entry_for_edit(*, user: Any, municipality_slug: str, slug: str) -> Entry:
    entry = get_entry_for(viewer=user, municipality_slug=municipality_slug, slug=slug)
    if not user.has_perm("inventory.change_entry", entry):
        raise PermissionDenied
    return entry


def related_entries(*, entry: Entry, limit: int = 6) -> list[Entry]:
    """Published entries sharing the most tags with this one, other municipalities first.

    A plain tag overlap; the analysis engine replaces it with text similarity where it is installed.
    """
    term_ids = [term.pk for term in entry.terms.all()]
    if not term_ids:
        return []
    candidates = (
        Entry.objects.published()
        .exclude(pk=entry.pk)
        .filter(terms__in=term_ids)
        .annotate(shared=Count("terms", filter=Q(terms__in=term_ids)))
        .select_related("municipality")
        .order_by("-shared", "title")[: limit * 4]
    )
    ranked: list[Entry] = sorted(
        candidates, key=lambda other: (-getattr(other, "shared", 0), other.municipality_id == entry.municipality_id)
    )
    return ranked[:limit]


def entries_of_organisation(*, viewer: Any, organisation: Organisation) -> dict[str, list[Entry]]:
    entries = entry_queryset_for_lists().visible_to(viewer)
    return {
        "lead": list(entries.filter(lead_organisation=organisation).order_by("title")),
        "partner": list(entries.filter(partners=organisation).order_by("title")),
    }


def review_queue(*, user: Any) -> QuerySet[Entry]:
    """Entries waiting for the team's decision in the municipalities the user is on the team of."""
    from smartstadt.core.permissions import roles_of

    queue = entry_queryset_for_lists().filter(publication_state=PublicationState.IN_REVIEW)
    if not user.is_superuser:
        queue = queue.filter(municipality_id__in=roles_of(user).team_municipalities)
    return queue.order_by("updated_at")


def my_entries(*, user: Any) -> QuerySet[Entry]:
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


def entries_for_export(*, viewer: Any, params: Any, municipality: Any = None) -> QuerySet[Entry]:
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
    pages), then the 25 entries of a page are loaded with their relations."""

    # What the result table shows, and no more (no texts, no JSON, no tags): a page is read on every request.
    COLUMNS = ("title", "slug", "kind", "status", "municipality__slug", "municipality__name", "lead_organisation__name")

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
            pks = list(self.search.entries.values_list("pk", flat=True)[start:stop])
        entries = Entry.objects.select_related("municipality", "lead_organisation").only(*self.COLUMNS)
        loaded = {entry.pk: entry for entry in entries.filter(pk__in=pks)}
        return [loaded[pk] for pk in pks if pk in loaded]


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


def _others(filters: EntryFilters, base: QuerySet[Entry], name: str) -> QuerySet[Entry]:
    """The entries all filters but ``name`` leave. The filters join only along foreign keys (many-to-many
    filters are subqueries), so every entry is one row, ready for GROUP BY."""
    return filters.apply(base, without=name).order_by()


def _choice_facet(
    filters: EntryFilters, base: QuerySet[Entry], name: str, label: str, all_label: str, choices: Any
) -> Facet:
    counts = dict(_others(filters, base, name).values_list(name).annotate(n=Count("pk")))
    selected = getattr(filters, name)
    options = [
        FacetOption(str(value), str(text).capitalize(), counts.get(value, 0), value == selected)
        for value, text in choices
        if counts.get(value, 0) or value == selected
    ]
    return Facet(name=name, label=label, options=options, all_label=all_label)


def _municipality_facet(filters: EntryFilters, base: QuerySet[Entry]) -> Facet:
    """The municipalities with the most matching entries (and the chosen one), by name."""
    counts = dict(_others(filters, base, "municipality").values_list("municipality_id").annotate(n=Count("pk")))
    top = sorted(counts, key=lambda pk: -counts[pk])[:MUNICIPALITY_FACET_SIZE]
    municipalities = Municipality.objects.filter(Q(pk__in=top) | Q(slug=filters.municipality or None))
    options = [
        FacetOption(slug, name, counts.get(pk, 0), slug == filters.municipality)
        for pk, slug, name in municipalities.order_by("name").values_list("pk", "slug", "name")
    ]
    return Facet("municipality", _("Municipality"), options, _("All municipalities"))


def _organisation_kind_facet(filters: EntryFilters, base: QuerySet[Entry]) -> Facet:
    """Entries with a lead or partner organisation of each kind, each entry counted once per kind."""
    entries = _others(filters, base, "organisation_kind")
    leads = (
        entries.filter(lead_organisation__isnull=False)
        .annotate(linked_entry=F("pk"), linked_kind=F("lead_organisation__kind"))
        .values_list("linked_entry", "linked_kind")
    )
    partners = (
        _partnered.objects.filter(entry_id__in=entries.values("pk"))
        .annotate(linked_entry=F("entry_id"), linked_kind=F("organisation__kind"))
        .values_list("linked_entry", "linked_kind")  # type: ignore[misc]  # (annotations the stubs cannot see)
    )
    counts: dict[str, int] = {}
    try:
        union_sql, params = leads.order_by().union(partners.order_by(), all=True).order_by().query.sql_with_params()
    except EmptyResultSet:  # a query that finds nothing
        union_sql = ""
    if union_sql:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT linked_kind, COUNT(DISTINCT linked_entry) "  # noqa: S608 (SQL made by the ORM, parameters apart)
                f"FROM ({union_sql}) AS linked GROUP BY linked_kind",
                params,
            )
            counts = dict(cursor.fetchall())
    options = [
        FacetOption(kind, str(label).capitalize(), counts.get(kind, 0), kind == filters.organisation_kind)
        for kind, label in OrganisationKind.choices
        if counts.get(kind, 0) or kind == filters.organisation_kind
    ]
    return Facet("organisation_kind", _("Kind of organisation"), options, _("All kinds of organisation"))


def _term_facets(filters: EntryFilters, base: QuerySet[Entry]) -> list[Facet]:
    """The reference frameworks (Giffinger) and, once a municipality is chosen, its own: entries per top term."""
    frameworks = Q(framework__municipality__isnull=True)
    if filters.municipality:
        frameworks |= Q(framework__municipality__slug=filters.municipality)
    terms = list(
        Term.objects.filter(frameworks)
        .select_related("framework")
        .order_by("framework__municipality_id", "framework__order", "framework__name", "order", "label")
    )
    # Joined from the entries (not "tag rows whose entry is in …", which SQLite plans as one probe per tag
    # and entry): each entry's tags by its key, each tag's parent by its key.
    counts = dict(
        _others(filters, base, "term")
        .filter(terms__framework_id__in={term.framework_id for term in terms})
        .annotate(top=Coalesce("terms__parent_id", "terms__id"))
        .values_list("top")
        .annotate(n=Count("pk", distinct=True))
    )
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


def _district_facet(filters: EntryFilters, base: QuerySet[Entry]) -> Facet | None:
    """The districts of the chosen municipality (none without one)."""
    if not filters.municipality:
        return None
    districts = list(
        District.objects.filter(municipality__slug=filters.municipality)
        .order_by("kind", "name")
        .values_list("pk", "slug", "name")
    )
    if not districts:
        return None
    counts = dict(
        _located.objects.filter(
            district_id__in=[pk for pk, _slug, _name in districts],
            entry_id__in=_others(filters, base, "district").values("pk"),
        )
        .values_list("district_id")
        .annotate(n=Count("entry_id"))
    )
    options = [
        FacetOption(slug, name, counts.get(pk, 0), slug == filters.district)
        for pk, slug, name in districts
        if counts.get(pk, 0) or slug == filters.district
    ]
    return Facet("district", _("District"), options, _("All districts"))


def _snapshot(filters: EntryFilters, base: QuerySet[Entry]) -> SearchSnapshot:
    from django.core.cache import cache
    from django.utils.translation import get_language

    from .search import ORGANISATIONS, compile_query, generation, search_organisations

    state = json.dumps([filters.as_query(), get_language(), generation()], sort_keys=True)
    key = "inventory:search:" + hashlib.sha256(state.encode()).hexdigest()
    snapshot: SearchSnapshot | None = cache.get(key)
    if snapshot is not None:
        return snapshot
    facets = [
        _municipality_facet(filters, base),
        _choice_facet(filters, base, "kind", _("Kind"), _("All kinds"), EntryKind.choices),
        _choice_facet(filters, base, "status", _("Status"), _("Any status"), EntryStatus.choices),
        *_term_facets(filters, base),
        _organisation_kind_facet(filters, base),
    ]
    district = _district_facet(filters, base)
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
        total=filters.apply(base).order_by().count(),
        first_keys=list(filters.order(filters.apply(base)).values_list("pk", flat=True)[:SNAPSHOT_KEYS]),
        organisation_keys=organisation_keys,
        key=key,
    )
    cache.set(key, snapshot, SEARCH_CACHE_SECONDS)
    return snapshot


def entry_search(*, viewer: Any, filters: EntryFilters) -> EntrySearch:
    """The transparency portal's search: published entries matching the filters (best first for a full-text
    query), the facets with their counts, and the organisations matching the query.

    A fixed number of database queries, whatever the data: one per facet, not per facet value. What a filter set
    finds is cached (see :data:`SEARCH_CACHE_SECONDS`); a request then reads just the entries of its page.
    """
    base: QuerySet[Entry] = Entry.objects.published()
    if filters.district and not filters.municipality:
        filters = filters.without("district")
    snapshot = _snapshot(filters, base)
    organisations: list[Organisation] = []
    if snapshot.organisation_keys:
        shown = snapshot.organisation_keys[:ORGANISATIONS_SHOWN]
        loaded = Organisation.objects.select_related("municipality").in_bulk(shown)
        organisations = [loaded[pk] for pk in shown if pk in loaded]
    return EntrySearch(filters=filters, base=base, snapshot=snapshot, organisations=organisations)

"""The filters of the inventory's lists: one definition for the portal, the workspace, the exports and the API.

:meth:`EntryFilters.apply` and :meth:`EntryFilters.order` filter and sort in SQL; the search page counts and
orders the published entries in the bit index instead (:mod:`.facets`), with the same result.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet

from smartstadt.frameworks.models import Term
from smartstadt.inventory.models import Entry
from smartstadt.regions.models import Organisation

from .index import ENTRIES, CompiledQuery, compile_query

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
    q: str = ""  # full-text query (German: stems, umlauts, compound words; see index.py)

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

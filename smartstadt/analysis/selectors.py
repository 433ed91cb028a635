"""Reads for the pages: "Ähnliche Vorhaben" on an entry's page and the "Wer macht das schon?" search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from smartstadt.inventory.models import Entry
from smartstadt.regions.models import Organisation

from .engine import Match, Scope, get_engine
from .indexing import entry_text

# A similar entry must score at least this (0..1) to be shown: below it, what two entries share is a word or two
# that says little (checked by eye on the demo entries, with and without the semantic layer).
MIN_SCORE = 0.1
SIMILAR_OTHERS = 6
SIMILAR_SAME = 3
WHO_ENTRIES = 30
WHO_ORGANISATIONS = 20
MAX_QUERY_LENGTH = 2000


@dataclass(frozen=True)
class SimilarEntry:
    entry: Entry
    match: Match | None  # None for the tag overlap (no index)

    @property
    def reasons(self) -> tuple[str, ...]:
        return () if self.match is None else self.match.reasons


@dataclass(frozen=True)
class SimilarEntries:
    """An entry's similar published entries: from other municipalities, and from its own."""

    others: list[SimilarEntry] = field(default_factory=list)
    same: list[SimilarEntry] = field(default_factory=list)
    source: str = ""  # "engine", "tags" (the index is empty) or "" (nothing found)
    semantic: bool = False  # whether the semantic layer took part

    def __bool__(self) -> bool:
        return bool(self.others or self.same)


def _published(matches: list[Match]) -> list[SimilarEntry]:
    """The matches as lists show them (title, municipality, link), from the search's index of the published
    entries: no database query once it is built (see smartstadt/search/facets.py)."""
    from smartstadt.search.selectors import published_index

    if not matches:
        return []
    entries = {entry.pk: entry for entry in published_index().entries(m.id for m in matches)}
    return [SimilarEntry(entries[match.id], match) for match in matches if match.id in entries]


def similar_entries_for(entry: Entry, *, others: int = SIMILAR_OTHERS, same: int = SIMILAR_SAME) -> SimilarEntries:
    """Published entries like this one across the platform: other municipalities first, then its own.

    An entry not indexed yet (just written, the task has not run) is compared by its text, with the lexical layer
    alone. Without any index: the entries sharing the most tags (the inventory's old "related projects").
    """
    engine = get_engine()
    if not engine.size:
        from smartstadt.inventory.selectors import related_entries

        related = [SimilarEntry(other, None) for other in related_entries(entry=entry, limit=others)]
        return SimilarEntries(others=related, source="tags" if related else "")
    options: dict[str, Any] = {"scope": Scope.PUBLISHED, "min_score": MIN_SCORE}
    if engine.contains(entry.pk):
        found_others = engine.similar_to_entry(
            entry.pk, k=others, exclude_municipality=entry.municipality_id, **options
        )
        found_same = engine.similar_to_entry(entry.pk, k=same, municipality=entry.municipality_id, **options)
    else:
        value = entry_text(entry.title, entry.summary, entry.description)
        options.update(exclude_ids=[entry.pk], use_semantic=False)
        found_others = engine.similar_to_text(value, k=others, exclude_municipality=entry.municipality_id, **options)
        found_same = engine.similar_to_text(value, k=same, municipality=entry.municipality_id, **options)
    result = SimilarEntries(
        others=_published(found_others),
        same=_published(found_same),
        source="engine",
        semantic=any(match.semantic is not None for match in found_others + found_same),
    )
    return result if result else SimilarEntries()


@dataclass
class OrganisationResult:
    """An organisation with the matching entries it leads or takes part in."""

    organisation: Organisation
    entries: list[tuple[Entry, Match, str]] = field(default_factory=list)  # (entry, match, "lead" | "partner")

    @property
    def best(self) -> float:
        return max((match.score for _entry, match, _role in self.entries), default=0.0)


@dataclass
class WhoResult:
    query: str
    entries: list[tuple[Entry, Match]] = field(default_factory=list)
    organisations: list[OrganisationResult] = field(default_factory=list)
    more_organisations: int = 0
    semantic: bool = False
    ready: bool = True  # False: the index is empty

    @property
    def is_empty(self) -> bool:
        return not self.entries


def who_does_this(*, query: str) -> WhoResult:
    """Published entries that fit a free-text description of a problem, best first, and the organisations behind
    them (lead and partners), the organisation with the best-fitting entry first. Three database queries."""
    query = query.strip()[:MAX_QUERY_LENGTH]
    engine = get_engine()
    if not engine.size:
        return WhoResult(query=query, ready=False)
    if not query:
        return WhoResult(query=query)
    matches = engine.similar_to_text(query, k=WHO_ENTRIES, scope=Scope.PUBLISHED, min_score=MIN_SCORE / 2)
    loaded = (
        Entry.objects.published()
        .filter(pk__in=[match.id for match in matches])
        .select_related("municipality", "lead_organisation__municipality")
        .prefetch_related(Prefetch("partners", queryset=Organisation.objects.select_related("municipality")))
        .in_bulk()
    )
    result = WhoResult(query=query, semantic=any(match.semantic is not None for match in matches))
    by_organisation: dict[int, OrganisationResult] = {}
    for match in matches:
        entry = loaded.get(match.id)
        if entry is None:
            continue
        result.entries.append((entry, match))
        roles = [(entry.lead_organisation, "lead")] if entry.lead_organisation else []
        roles += [(partner, "partner") for partner in entry.partners.all() if partner != entry.lead_organisation]
        for organisation, role in roles:
            group = by_organisation.setdefault(organisation.pk, OrganisationResult(organisation))
            group.entries.append((entry, match, role))
    ranked = sorted(
        by_organisation.values(), key=lambda group: (-group.best, -len(group.entries), group.organisation.name)
    )
    result.organisations = ranked[:WHO_ORGANISATIONS]
    result.more_organisations = max(0, len(ranked) - WHO_ORGANISATIONS)
    return result

"""The search page's numbers from a bit index of the published entries, kept in each process.

Counting the facets in SQL took one aggregate over all matching entries per facet (the kinds of organisation
and the tags through their link tables): 70–210 ms of CPU at 20,000 entries for every new combination of query
and filters. Instead each process keeps a small index of the published entries (:class:`EntryBits`):

* their keys in the database's order of ``title, pk``: position *i* is the *i*-th entry by title;
* for every facet value (municipality, kind, status, tag, top tag, kind of organisation, district) the entries
  that have it, as a bit set: a Python ``int`` with bit *i* set for the entry at position *i*.

A filter is then an AND of bit sets, a facet count the ``bit_count()`` of an AND, the first entries by title the
lowest set bits, and the ranking of a full-text query one bit set per score (:meth:`Selection.ordered_keys`).
The full-text index still decides which entries match each token of a query (one database query for all of
them, :func:`.index.matching_keys`); the filters on municipality, region, tag, district and organisation still
resolve their slugs and ids in the database. Results are the same as the SQL of :meth:`EntryFilters.apply` and
:meth:`EntryFilters.order` gives (see tests/test_search.py), in microseconds instead of milliseconds.

The index costs seven queries and about 0.1 s at 20,000 entries (a few MB). It is rebuilt when
:func:`.index.generation` changes (any index change, any change of a publication state) and at the latest after
``max_age`` seconds. The generation number is shared by all processes (smartstadt/core/generations.py: in Redis,
or without it in a file under the var folder), so a change made in one process shows in the next request of any.

Outside the search wing the index is reached through :func:`smartstadt.search.selectors.published_index` only
(a test checks the imports): :meth:`EntryBits.entries` and :meth:`EntryBits.sharing_tags` are what it offers.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, cast

from django.db.models import F, Q

from smartstadt.frameworks.models import Term
from smartstadt.inventory.models import Entry, EntrySearchDocument, PublicationState
from smartstadt.regions.models import District, Municipality, Organisation

from .index import ENTRIES, generation, matching_keys

if TYPE_CHECKING:
    from .filters import EntryFilters

# Bit sets of full-text matches kept per process (the most recently used, about 2,000 expressions at 20,000
# entries), and values remembered per index.
POSTINGS_BYTES = 4 * 1024 * 1024
MEMO_SIZE = 5_000
LISTED_ENTRIES = 5_000

_tagged = Entry.terms.through
_partnered = Entry.partners.through
_located = Entry.districts.through


def bits_of(positions: Iterable[int], size: int) -> int:
    """A bit set with the given positions set."""
    buffer = bytearray((size + 7) // 8)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def positions_of(bits: int) -> Iterator[int]:
    """The set positions of a bit set, lowest first."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        while byte:
            low = byte & -byte
            yield (index << 3) + low.bit_length() - 1
            byte ^= low


def position_after(bits: int, count: int) -> int:
    """The smallest n such that the positions below n hold ``count`` set bits (binary search)."""
    low, high = 0, bits.bit_length()
    while low < high:
        middle = (low + high) // 2
        if (bits & ((1 << middle) - 1)).bit_count() >= count:
            high = middle
        else:
            low = middle + 1
    return low


@dataclass(frozen=True, repr=False)
class EntryBits:
    """The published entries by title, and per facet value the bit set of the entries that have it."""

    generation: int
    built_at: float  # time.monotonic()
    keys: tuple[int, ...]  # position → entry pk, in the database's order of title, pk
    positions: dict[int, int]  # entry pk → position
    municipality_of: tuple[int, ...]  # position → municipality id
    # position → what a list of results shows: title, slug, kind, status, name of the lead organisation
    shown: tuple[tuple[str, str, str, str, str | None], ...]
    by_municipality: dict[int, int]  # municipality id → entries (ascending ids)
    by_kind: dict[str, int]
    by_status: dict[str, int]
    by_term: dict[int, int]  # tag → entries tagged with it
    by_top_term: dict[int, int]  # tag → entries tagged with it or with a tag right below it
    by_organisation_kind: dict[str, int]  # kind → entries whose lead or a partner organisation is of that kind
    by_district: dict[int, int]
    title_tokens: dict[str, array[int]]  # search token → positions of the entries with it in the title
    # Looked up once per index: slugs to keys, the lists of tags and districts the facets show.
    memo: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)
    # The entries containing a search token, most recently used last (see :meth:`matching`).
    postings: OrderedDict[str, int] = field(default_factory=OrderedDict, compare=False, repr=False)
    # Entries as lists show them (see :meth:`entries`), most recently used last.
    listed: OrderedDict[int, Entry] = field(default_factory=OrderedDict, compare=False, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def __repr__(self) -> str:
        return f"<EntryBits of {len(self.keys)} published entries, generation {self.generation}>"

    @cached_property
    def everything(self) -> int:
        return (1 << len(self.keys)) - 1

    @property
    def age(self) -> float:
        return time.monotonic() - self.built_at

    def bits(self, keys: Iterable[int]) -> int:
        """The bit set of the given entry keys (keys of unpublished entries are left out)."""
        positions = self.positions
        return bits_of((positions[key] for key in keys if key in positions), len(self.keys))

    def keys_of(self, bits: int, limit: int | None = None, offset: int = 0) -> list[int]:
        """The keys of a bit set's entries by title: ``limit`` of them after the first ``offset``."""
        if offset:
            bits &= ~((1 << position_after(bits, offset)) - 1)
        return [self.keys[position] for position in islice(positions_of(bits), limit)]

    def entries(self, keys: Iterable[int]) -> list[Entry]:
        """The published entries with these keys, as result lists and "related projects" show them: title, slug,
        kind, status, municipality (slug, name) and the lead organisation's name, and no more (their other fields
        are not loaded; the instances are shared by the process's threads, so nothing may change them). Keys of
        entries that are not published are left out."""
        found: list[Entry] = []
        with self.lock:
            for key in keys:
                entry = self.listed.get(key)
                if entry is None:
                    position = self.positions.get(key)
                    if position is None:
                        continue
                    entry = self.listed[key] = self._listed_entry(position)
                    while len(self.listed) > LISTED_ENTRIES:
                        self.listed.popitem(last=False)
                else:
                    self.listed.move_to_end(key)
                found.append(entry)
        return found

    def _listed_entry(self, position: int) -> Entry:
        title, slug, kind, status, lead = self.shown[position]
        municipalities = self.remember(
            "municipality objects",
            lambda: {
                pk: Municipality(pk=pk, slug=slug, name=name)
                for pk, slug, name in Municipality.objects.values_list("pk", "slug", "name")
            },
        )
        entry = Entry(pk=self.keys[position], title=title, slug=slug, kind=kind, status=status)
        municipality = municipalities.get(self.municipality_of[position])
        if municipality is None:  # a municipality newer than the index: read it
            municipality = Municipality.objects.only("slug", "name").get(pk=self.municipality_of[position])
        entry.municipality = municipality
        entry.lead_organisation = Organisation(name=lead) if lead is not None else None
        return entry

    def remember[T](self, key: Hashable, compute: Callable[[], T]) -> T:
        """A value read from the database once per index (so at most as old as the index)."""
        if key in self.memo:
            return cast(T, self.memo[key])
        value = compute()
        if len(self.memo) < MEMO_SIZE:  # random slugs in URLs must not grow it without end
            self.memo[key] = value
        return value

    def matching(self, tokens: Iterable[str]) -> dict[str, int]:
        """The published entries containing each token (anywhere); the full-text index is asked (one query) only
        for the tokens not among the recently used ones."""
        wanted = list(dict.fromkeys(tokens))
        found: dict[str, int] = {}
        with self.lock:
            for token in wanted:
                if token in self.postings:
                    self.postings.move_to_end(token)
                    found[token] = self.postings[token]
        missing = [token for token in wanted if token not in found]
        if not missing:
            return found
        looked_up = {token: self.bits(keys) for token, keys in matching_keys(ENTRIES, missing).items()}
        found.update(looked_up)
        capacity = max(16, POSTINGS_BYTES * 8 // max(1, len(self.keys)))
        with self.lock:
            self.postings.update(looked_up)
            while len(self.postings) > capacity:
                self.postings.popitem(last=False)
        return found

    def in_titles(self, token: str) -> int:
        """The published entries whose title contains the token (as the full-text index's title column)."""
        positions = self.title_tokens.get(token)
        return bits_of(positions, len(self.keys)) if positions is not None else 0

    def sharing_tags(self, *, entry: int, terms: Iterable[int], limit: int) -> list[tuple[int, int, int]]:
        """(key, number of shared tags, municipality id) of the published entries other than ``entry`` that share
        the most of the tags ``terms``: most shared first, then by title; at most ``limit``."""
        at_least = [self.everything]  # at_least[n]: the entries with at least n of the tags counted so far
        for term in set(terms):
            tagged = self.by_term.get(term, 0)
            at_least.append(at_least[-1] & tagged)
            for shared in range(len(at_least) - 2, 0, -1):
                at_least[shared] |= at_least[shared - 1] & tagged
        own = self.positions.get(entry)
        if own is not None:
            at_least = [members & ~(1 << own) for members in at_least]
        found: list[tuple[int, int, int]] = []
        for shared in range(len(at_least) - 1, 0, -1):
            exactly = at_least[shared] & ~(at_least[shared + 1] if shared + 1 < len(at_least) else 0)
            for position in islice(positions_of(exactly), limit - len(found)):
                found.append((self.keys[position], shared, self.municipality_of[position]))
            if len(found) >= limit:
                break
        return found


def _grouped(pairs: Iterable[tuple[Hashable, int]], size: int) -> dict[Any, int]:
    positions: dict[Any, list[int]] = defaultdict(list)
    for value, position in pairs:
        positions[value].append(position)
    return {value: bits_of(positions[value], size) for value in sorted(positions)}


def build(generation: int) -> EntryBits:
    """Read the published entries, their facet values and the tokens of their titles (eight queries)."""
    rows = list(
        Entry.objects.published()
        .order_by("title", "pk")
        .values_list("pk", "municipality_id", "kind", "status", "lead_organisation__kind", "title", "slug")
        .annotate(lead=F("lead_organisation__name"))
    )
    keys = tuple(row[0] for row in rows)
    positions = {key: position for position, key in enumerate(keys)}
    size = len(keys)

    def linked(pairs: Iterable[tuple[int, Any]]) -> Iterator[tuple[Any, int]]:
        """(value, position) for the published entries among (entry key, value) pairs."""
        for key, value in pairs:
            position = positions.get(key)
            if position is not None and value is not None:
                yield value, position

    tags = list(_tagged.objects.values_list("entry_id", "term_id", "term__parent_id"))
    organisation_kinds = [(row[0], row[4]) for row in rows]
    organisation_kinds += _partnered.objects.values_list("entry_id", "organisation__kind")
    return EntryBits(
        generation=generation,
        built_at=time.monotonic(),
        keys=keys,
        positions=positions,
        municipality_of=tuple(row[1] for row in rows),
        shown=tuple((row[5], row[6], row[2], row[3], row[7]) for row in rows),
        by_municipality=_grouped(((row[1], position) for position, row in enumerate(rows)), size),
        by_kind=_grouped(((row[2], position) for position, row in enumerate(rows)), size),
        by_status=_grouped(((row[3], position) for position, row in enumerate(rows)), size),
        by_term=_grouped(linked((entry, term) for entry, term, _parent in tags), size),
        # The tag's parent, or the tag itself at the top (as COALESCE(parent_id, id) in SQL).
        by_top_term=_grouped(linked((entry, parent or term) for entry, term, parent in tags), size),
        by_organisation_kind=_grouped(linked(organisation_kinds), size),
        by_district=_grouped(linked(_located.objects.values_list("entry_id", "district_id")), size),
        title_tokens=_title_tokens(positions),
    )


def _title_tokens(positions: dict[int, int]) -> dict[str, array[int]]:
    """Search token → positions of the published entries with it in the title (from their search documents)."""
    found: dict[str, array[int]] = {}
    for key, title in EntrySearchDocument.objects.values_list("entry_id", "title"):
        position = positions.get(key)
        if position is not None:
            for token in set(title.split()):
                found.setdefault(token, array("I")).append(position)
    return found


_lock = threading.Lock()
_current: EntryBits | None = None


def current(max_age: float) -> EntryBits:
    """This process's index, rebuilt first if the search generation changed or it is older than max_age."""
    global _current
    bits = fresh(max_age)
    if bits is not None:
        return bits
    with _lock:  # one thread builds, the others of the process wait for its result
        bits = fresh(max_age)
        if bits is None:
            bits = _current = build(generation())
        return bits


def fresh(max_age: float) -> EntryBits | None:
    """This process's index if it is up to date (None if it must be built first)."""
    bits = _current
    if bits is not None and bits.generation == generation() and bits.age < max_age:
        return bits
    return None


def forget() -> None:
    """Drop this process's index (the next search builds it again)."""
    global _current
    _current = None


# --- A set of filters -----------------------------------------------------------------------------------------


def _union(groups: dict[Any, int], values: Iterable[Any]) -> int:
    result = 0
    for value in values:
        result |= groups.get(value, 0)
    return result


class Selection:
    """What a set of filters leaves of the published entries, and what it leaves without one of them (for the
    counts of that filter's facet); the same entries as :meth:`EntryFilters.apply` on the published entries."""

    def __init__(self, bits: EntryBits, filters: EntryFilters) -> None:
        self.bits = bits
        self.filters = filters
        self._alone: dict[str, int] = {}
        self._matches: dict[str, int] | None = None

    # Each active filter on its own, as EntryFilters.apply applies it.
    def _active(self) -> list[str]:
        filters, names = self.filters, []
        for name in ("q", "municipality", "region", "kind", "status", "publication_state", "organisation_kind"):
            if getattr(filters, name):
                names.append(name)
        if filters.term and ":" in filters.term:
            names.append("term")
        if filters.organisation:
            names.append("organisation")
        if filters.district:
            names.append("district")
        return names

    def _filter_alone(self, name: str) -> int:
        if name not in self._alone:
            self._alone[name] = self._compute(name)
        return self._alone[name]

    def _compute(self, name: str) -> int:
        bits, filters = self.bits, self.filters
        everything = bits.everything
        municipalities = Municipality.objects.values_list("pk", flat=True)
        resolvers: dict[str, Callable[[], int]] = {
            "q": self._query_bits,
            "municipality": lambda: _union(bits.by_municipality, self.municipality_keys(filters.municipality)),
            "region": lambda: _union(
                bits.by_municipality,
                bits.remember(
                    ("region", filters.region), lambda: list(municipalities.filter(region__slug=filters.region))
                ),
            ),
            "kind": lambda: bits.by_kind.get(filters.kind, 0),
            "status": lambda: bits.by_status.get(filters.status, 0),
            "publication_state": lambda: everything if filters.publication_state == PublicationState.PUBLISHED else 0,
            "term": self._term_bits,
            "organisation_kind": lambda: bits.by_organisation_kind.get(filters.organisation_kind, 0),
            "organisation": self._organisation_bits,
            "district": lambda: _union(bits.by_district, self.district_keys(filters.district)),
        }
        return resolvers[name]()

    def _term_bits(self) -> int:
        framework, code = self.filters.term.split(":", 1)
        terms = Term.objects.filter(framework__slug=framework).filter(Q(code=code) | Q(parent__code=code))
        keys = self.bits.remember(("term", framework, code), lambda: list(terms.values_list("pk", flat=True)))
        return _union(self.bits.by_term, keys)

    # Slugs to keys, and the lists the facets show (once per index).
    def municipalities(self) -> list[tuple[int, str, str]]:
        """(pk, slug, name) of every municipality, by name as the database sorts."""
        return self.bits.remember(
            "municipalities", lambda: list(Municipality.objects.order_by("name").values_list("pk", "slug", "name"))
        )

    def municipality_keys(self, slug: str) -> list[int]:
        by_slug = self.bits.remember("municipality slugs", lambda: {slug: pk for pk, slug, _ in self.municipalities()})
        return [by_slug[slug]] if slug in by_slug else []

    def district_keys(self, slug: str) -> list[int]:
        def lookup() -> dict[str, list[int]]:
            keys: dict[str, list[int]] = defaultdict(list)
            for pk, district_slug in District.objects.values_list("pk", "slug"):
                keys[district_slug].append(pk)
            return dict(keys)

        return self.bits.remember("district slugs", lookup).get(slug, [])

    def districts(self, municipality: str) -> list[tuple[int, str, str]]:
        """(pk, slug, name) of the municipality's districts by kind and name."""
        districts = District.objects.filter(municipality__slug=municipality).order_by("kind", "name")
        return self.bits.remember(
            ("districts", municipality), lambda: list(districts.values_list("pk", "slug", "name"))
        )

    def terms(self, municipality: str) -> list[Term]:
        """The tags of the reference frameworks and, with a municipality, of its own, in the facets' order."""
        frameworks = Q(framework__municipality__isnull=True)
        if municipality:
            frameworks |= Q(framework__municipality__slug=municipality)
        terms = (
            Term.objects.filter(frameworks)
            .select_related("framework")
            .order_by("framework__municipality_id", "framework__order", "framework__name", "order", "label")
        )
        return self.bits.remember(("terms", municipality), lambda: list(terms))

    def _organisation_bits(self) -> int:
        organisation = self.filters.organisation
        assert organisation is not None
        partnered = _partnered.objects.filter(organisation_id=organisation).values("entry_id")
        entries = Entry.objects.published().filter(Q(lead_organisation_id=organisation) | Q(pk__in=partnered))
        return self.bits.bits(entries.values_list("pk", flat=True))

    def _token_bits(self, token: str, in_title: bool = False) -> int:
        """The entries containing a token of the query (anywhere, or in the title); all the query's tokens are
        looked up at once."""
        if self._matches is None:
            alternatives = chain.from_iterable(self.filters.search.alternatives)
            self._matches = self.bits.matching([token for token, _weight in alternatives])
        found = self._matches.get(token, 0)
        return found & self.bits.in_titles(token) if in_title else found

    def _query_bits(self) -> int:
        compiled = self.filters.search
        if compiled.is_empty:
            return self.bits.everything
        if compiled.finds_nothing:
            return 0
        result = self.bits.everything
        for alternatives in compiled.alternatives:  # every word, by any of its alternatives
            word = 0
            for token, _weight in alternatives:
                word |= self._token_bits(token)
            result &= word
        return result

    # What the page needs.
    def leaves(self, *, without: str = "") -> int:
        """The entries all filters leave, or all but ``without`` (without the municipality, its district goes
        too, as in :meth:`EntryFilters.without`)."""
        skipped = {without, "district"} if without == "municipality" else {without}
        result = self.bits.everything
        for name in self._active():
            if name not in skipped:
                result &= self._filter_alone(name)
        return result

    def counts[V](self, name: str, groups: dict[V, int]) -> dict[V, int]:
        """For a facet: how many entries each value would leave (all other filters applied), non-zero only, in
        the order of ``groups``."""
        others = self.leaves(without=name)
        counts = {value: (members & others).bit_count() for value, members in groups.items()}
        return {value: count for value, count in counts.items() if count}

    def total(self) -> int:
        return self.leaves().bit_count()

    def ordered_keys(self, limit: int, offset: int = 0) -> list[int]:
        """``limit`` matches after the first ``offset`` as :meth:`EntryFilters.order` sorts them: by title without a
        query, else by rank (per word the points of its best match, see :meth:`CompiledQuery.ranked_tokens`), then
        by title."""
        matches = self.leaves()
        if not self.filters.q:
            return self.bits.keys_of(matches, limit, offset)
        scores: dict[int, int] = {0: matches}
        for options in self.filters.search.ranked_tokens():
            levels: list[tuple[int, int]] = []
            remaining = matches
            for token, in_title, points in options:  # the first option a record matches is its score
                hit = self._token_bits(token, in_title) & remaining
                if hit:
                    levels.append((points, hit))
                    remaining &= ~hit
            if remaining:
                levels.append((0, remaining))
            combined: dict[int, int] = defaultdict(int)
            for score, members in scores.items():
                for points, hit in levels:
                    both = members & hit
                    if both:
                        combined[score + points] |= both
            scores = combined
        keys: list[int] = []
        for score in sorted(scores, reverse=True):
            members = scores[score]
            if offset:  # skip whole scores before the page
                size = members.bit_count()
                if offset >= size:
                    offset -= size
                    continue
            keys += self.bits.keys_of(members, limit - len(keys), offset)
            offset = 0
            if len(keys) >= limit:
                break
        return keys

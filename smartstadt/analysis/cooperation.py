"""Joint-project candidates (Kooperationspotenziale): groups of similar entries from two or more municipalities.

:func:`find_groups` works on any :class:`~.index.Snapshot` (the platform's entries or a corpus in memory):

1. **Neighbours.** For every row, its nearest rows of *other* municipalities: the best :data:`CANDIDATES` by the
   term block (a sparse product per chunk of rows; from :data:`MIN_TERM_ROWS` rows on, the terms in more than
   :data:`MAX_TERM_SHARE` of the rows are left out of this first pass, and each row asks with its
   :data:`QUERY_TERMS` heaviest terms only: the common terms link everything, and the sum over them is what
   makes a sparse product slow) and, with the semantic layer, the best by meaning; then the exact combined score of
   these pairs (terms, character n-grams, meaning, as in ``rank``).
   The best :data:`NEIGHBOURS` of each row scoring at least :data:`MIN_SCORE` are the edges of a graph.
2. **Groups.** The edges, strongest first, join groups (single linkage with three limits): a group has at most
   one entry per municipality and at most :data:`MAX_GROUP` entries, and two groups join only when the mean score
   of all pairs across them is at least :data:`MIN_LINK` (a pair that is not among each other's nearest counts 0).
   So a group does not grow into a chain of "each like the next", and a municipality brings one project.
3. **Rank.** ``cohesion`` is the mean score of all pairs within the group; ``strength`` = cohesion × (1 +
   :data:`MUNICIPALITY_BONUS` per municipality beyond two). The reasons are the terms most of the members share.

The platform's candidates (:func:`candidates_for`) are computed per region over the published entries, and kept in
the cache under the state of the index, so the page costs the computation once per change of the index.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.core.cache import cache

from smartstadt.core.permissions import Viewer

from .index import Snapshot, combine, semantic_score

NEIGHBOURS = 5
CANDIDATES = 10
QUERY_TERMS = 12
MIN_SCORE = 0.2
MIN_LINK = 0.25
MAX_GROUP = 6
MAX_TERM_SHARE = 0.05
MIN_TERM_ROWS = 500  # below this many rows every term of every row takes part in the first pass
MUNICIPALITY_BONUS = 0.15
MAX_REASONS = 5
MIN_REASON_LENGTH = 3
CHUNK = 512
CACHE_SECONDS = 24 * 60 * 60
CACHE_VERSION = 1


@dataclass(frozen=True)
class Group:
    """A joint-project candidate: ``rows`` of the snapshot (best connected first), their municipalities (group
    codes), mean pair score within the group, ranking score, and the shared terms as words."""

    rows: tuple[int, ...]
    groups: tuple[int, ...]
    cohesion: float
    strength: float
    reasons: tuple[str, ...]


def _term_blocks(snapshot: Snapshot, rows: np.ndarray) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The term rows for the first pass: the index side without the terms in more than MAX_TERM_SHARE of the rows,
    the query side with only each row's QUERY_TERMS heaviest of those (they decide which rows are near)."""
    terms: sp.csr_matrix = snapshot.vectors.terms[rows]
    if len(rows) < MIN_TERM_ROWS:
        return terms, terms
    frequency = np.bincount(terms.indices, minlength=terms.shape[1])
    common = frequency > MAX_TERM_SHARE * len(rows)
    if common.any():
        terms = terms.copy()
        terms.data[common[terms.indices]] = 0
        terms.eliminate_zeros()
    query = terms.copy()
    indptr, data = query.indptr, query.data
    for row in np.flatnonzero(np.diff(indptr) > QUERY_TERMS).tolist():
        segment = data[indptr[row] : indptr[row + 1]]
        segment[np.argpartition(-segment, QUERY_TERMS)[QUERY_TERMS:]] = 0
    query.eliminate_zeros()
    return query, terms


def _best_of_rows(matrix: sp.csr_matrix, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of the ``count`` highest positive values of each row of a sparse matrix."""
    indptr, data, indices = matrix.indptr, matrix.data, matrix.indices
    lengths = np.diff(indptr)
    keep = np.ones(len(data), dtype=bool)
    for row in np.flatnonzero(lengths > count).tolist():
        start, end = int(indptr[row]), int(indptr[row + 1])
        segment = np.zeros(end - start, dtype=bool)
        segment[np.argpartition(-data[start:end], count - 1)[:count]] = True
        keep[start:end] = segment
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    keep &= data > 0
    return rows[keep], indices[keep]


def _candidate_pairs(snapshot: Snapshot, rows: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (local row numbers) worth scoring exactly: each row's best by terms and by meaning among the rows of
    other municipalities."""
    n = len(rows)
    query, terms = _term_blocks(snapshot, rows)
    terms_t = terms.T.tocsr()
    embeddings = None
    if snapshot.vectors.semantic is not None and snapshot.vectors.has_semantic is not None:
        has = snapshot.vectors.has_semantic[rows]
        if has.any():
            embeddings = snapshot.vectors.semantic[rows] * has[:, None]
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        product = (query[start:stop] @ terms_t).tocsr()
        product.data[codes[np.repeat(np.arange(start, stop), np.diff(product.indptr))] == codes[product.indices]] = 0
        local, best = _best_of_rows(product, CANDIDATES)
        left.append(local + start)
        right.append(best)
        if embeddings is not None:
            cosines = embeddings[start:stop] @ embeddings.T
            cosines[codes[start:stop, None] == codes[None, :]] = -1.0
            count = min(CANDIDATES, n - 1)
            best = np.argpartition(-cosines, count - 1, axis=1)[:, :count]
            keep = np.take_along_axis(cosines, best, axis=1) > 0
            left.append(np.broadcast_to(np.arange(start, stop)[:, None], best.shape)[keep])
            right.append(best[keep])
    a = np.concatenate(left).astype(np.int64)
    b = np.concatenate(right).astype(np.int64)
    low, high = np.minimum(a, b), np.maximum(a, b)
    unique = np.unique(low * n + high)
    return unique // n, unique % n


def _row_dots(block: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    result = np.zeros(len(left), dtype=np.float32)
    for start in range(0, len(left), 50_000):
        stop = start + 50_000
        product = block[left[start:stop]].multiply(block[right[start:stop]])
        result[start : start + product.shape[0]] = np.asarray(product.sum(axis=1)).ravel()
    return result


def _pair_scores(snapshot: Snapshot, rows: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The combined score of local pairs, as :func:`~.index.pair_scores` computes it."""
    vectors, share = snapshot.vectors, snapshot.model.word_share
    a, b = rows[left], rows[right]
    lexical = share * _row_dots(vectors.terms, a, b) + (1 - share) * _row_dots(vectors.grams, a, b)
    if vectors.semantic is None or vectors.has_semantic is None:
        return lexical
    both = vectors.has_semantic[a] & vectors.has_semantic[b]
    cosine = np.einsum("ij,ij->i", vectors.semantic[a], vectors.semantic[b])
    return np.asarray(combine(lexical, semantic_score(cosine), both), dtype=np.float32)


class _Groups:
    """Union-find over rows that keeps each group's members and municipalities."""

    def __init__(self, codes: np.ndarray) -> None:
        self.parent = list(range(len(codes)))
        self.members: dict[int, list[int]] = {}
        self.codes = codes

    def find(self, row: int) -> int:
        while self.parent[row] != row:
            self.parent[row] = self.parent[self.parent[row]]
            row = self.parent[row]
        return row

    def of(self, root: int) -> list[int]:
        return self.members.get(root) or [root]

    def join(self, a: int, b: int) -> None:
        members = self.of(a) + self.of(b)
        self.parent[b] = a
        self.members.pop(b, None)
        self.members[a] = members


def _reasons(snapshot: Snapshot, rows: Sequence[int]) -> tuple[str, ...]:
    """The terms at least two members share, nouns first (they say what a project is about), then by their summed
    weight in the members; of a compound and its part only the first of them is named."""
    terms = snapshot.vectors.terms
    present: Counter[int] = Counter()
    weight: dict[int, float] = defaultdict(float)
    for row in rows:
        start, end = terms.indptr[row], terms.indptr[row + 1]
        columns = terms.indices[start:end].tolist()
        present.update(columns)
        for column, value in zip(columns, terms.data[start:end].tolist(), strict=True):
            weight[column] += value
    labels = snapshot.model.labels
    shared = [
        column
        for column, count in present.items()
        if count >= 2 and len(snapshot.model.terms[column]) >= MIN_REASON_LENGTH
    ]
    shared.sort(key=lambda column: (not labels[column][:1].isupper(), -weight[column], column))
    chosen: list[int] = []
    for column in shared:
        key = snapshot.model.terms[column]
        if any(key in snapshot.model.terms[other] or snapshot.model.terms[other] in key for other in chosen):
            continue
        chosen.append(column)
        if len(chosen) == MAX_REASONS:
            break
    return tuple(labels[column] for column in chosen)


def find_groups(
    snapshot: Snapshot,
    allowed: np.ndarray | None = None,
    *,
    neighbours: int = NEIGHBOURS,
    min_score: float = MIN_SCORE,
    min_link: float = MIN_LINK,
    max_group: int = MAX_GROUP,
) -> list[Group]:
    """The joint-project candidates among the ``allowed`` rows (all by default), strongest first (see the
    module). Rows of the same group code (municipality) never share a group."""
    rows = np.flatnonzero(np.ones(len(snapshot), dtype=bool) if allowed is None else allowed).astype(np.int64)
    if len(rows) < 2:
        return []
    codes = snapshot.groups[rows]
    left, right = _candidate_pairs(snapshot, rows, codes)
    if not len(left):
        return []
    scores = _pair_scores(snapshot, rows, left, right)
    known: dict[tuple[int, int], float] = {
        (int(a), int(b)): float(s) for a, b, s in zip(left.tolist(), right.tolist(), scores.tolist(), strict=True)
    }
    # the edges: each row's best ``neighbours`` pairs above ``min_score``
    both_left = np.concatenate([left, right])
    both_right = np.concatenate([right, left])
    both_scores = np.concatenate([scores, scores])
    strong = both_scores >= min_score
    both_left, both_right, both_scores = both_left[strong], both_right[strong], both_scores[strong]
    order = np.lexsort((-both_scores, both_left))
    both_left, both_right, both_scores = both_left[order], both_right[order], both_scores[order]
    first = np.searchsorted(both_left, both_left, side="left")
    rank = np.arange(len(both_left)) - first
    chosen = rank < neighbours
    edges = sorted(
        {
            (min(a, b), max(a, b), s)
            for a, b, s in zip(
                both_left[chosen].tolist(), both_right[chosen].tolist(), both_scores[chosen].tolist(), strict=True
            )
        },
        key=lambda edge: (-edge[2], edge[0], edge[1]),
    )

    def score(a: int, b: int) -> float:
        return known.get((a, b) if a < b else (b, a), 0.0)

    groups = _Groups(codes)
    for a, b, _s in edges:
        root_a, root_b = groups.find(a), groups.find(b)
        if root_a == root_b:
            continue
        members_a, members_b = groups.of(root_a), groups.of(root_b)
        if len(members_a) + len(members_b) > max_group:
            continue
        if {int(codes[m]) for m in members_a} & {int(codes[m]) for m in members_b}:
            continue
        if len(members_a) > 1 or len(members_b) > 1:
            cross = [score(x, y) for x in members_a for y in members_b]
            if sum(cross) / len(cross) < min_link:
                continue
        groups.join(root_a, root_b)

    result: list[Group] = []
    for members in groups.members.values():
        pair_count = len(members) * (len(members) - 1) // 2
        cohesion = sum(score(x, y) for i, x in enumerate(members) for y in members[i + 1 :]) / pair_count
        # best connected first; equal ones by row, so that the order does not depend on the merge order
        ordered = sorted(members, key=lambda m: (-sum(score(m, other) for other in members if other != m), m))
        municipalities = len(members)
        strength = cohesion * (1 + MUNICIPALITY_BONUS * (municipalities - 2))
        global_rows = tuple(int(rows[m]) for m in ordered)
        result.append(
            Group(
                rows=global_rows,
                groups=tuple(int(codes[m]) for m in ordered),
                cohesion=round(cohesion, 4),
                strength=round(strength, 4),
                reasons=_reasons(snapshot, global_rows),
            )
        )
    result.sort(key=lambda group: (-group.strength, group.rows))
    return result


# --- The platform's candidates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A joint-project candidate of the platform, as plain data (cached): entry and municipality ids in the order
    of the members, the scores, the shared terms and the Giffinger dimensions at least two members share."""

    number: int  # rank within its region, from 1
    entries: tuple[int, ...]
    municipalities: tuple[int, ...]
    cohesion: float
    strength: float
    reasons: tuple[str, ...]
    dimensions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidates:
    candidates: list[Candidate] = field(default_factory=list)
    ready: bool = True  # False: the index is empty
    semantic: bool = False
    entries: int = 0  # published entries compared


def giffinger_dimensions(entry_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each entry's Giffinger dimensions (codes of the top-level terms; a factor counts for its dimension)."""
    from smartstadt.frameworks.models import Framework
    from smartstadt.inventory.models import Entry

    through = Entry.terms.through
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        through.objects.filter(entry_id__in=list(entry_ids), term__framework__slug=Framework.GIFFINGER)
        .order_by("entry_id", "term__order", "term_id")
        .values_list("entry_id", "term__code", "term__parent__code", "term__parent__parent__code")
    )
    for entry_id, code, parent, grandparent in rows:
        dimension = grandparent or parent or code
        if dimension not in found[entry_id]:
            found[entry_id].append(dimension)
    return dict(found)


def _shared_dimensions(entry_ids: Sequence[int], dimensions: dict[int, list[str]]) -> tuple[str, ...]:
    counts = Counter(code for entry_id in entry_ids for code in dimensions.get(entry_id, []))
    order = {code: position for entry_id in entry_ids for position, code in enumerate(dimensions.get(entry_id, []))}
    shared = [code for code, count in counts.items() if count >= 2]
    shared.sort(key=lambda code: (-counts[code], order.get(code, 0), code))
    return tuple(shared)


def _cache_key(region_id: int | None, state: Any) -> str:
    digest = hashlib.sha256(repr((region_id, state)).encode()).hexdigest()[:32]
    return f"analysis:cooperation:v{CACHE_VERSION}:{digest}"


def candidates_for(*, region_id: int | None) -> Candidates:
    """The joint-project candidates among the published entries of a region's municipalities (all regions with
    None), computed once per state of the index (see the module)."""
    from smartstadt.regions.models import Municipality

    from .engine import get_engine

    engine = get_engine()
    snapshot = engine.snapshot()
    if snapshot is None or not len(snapshot):
        return Candidates(ready=False)
    key = _cache_key(region_id, snapshot.state)
    cached = cache.get(key)
    if isinstance(cached, Candidates):
        return cached
    allowed = snapshot.public.copy()
    if region_id is not None:
        members = np.asarray(
            list(Municipality.objects.filter(region_id=region_id).values_list("pk", flat=True)), dtype=np.int64
        )
        allowed &= np.isin(snapshot.groups, members)
    groups = find_groups(snapshot, allowed)
    entry_ids = [int(snapshot.keys[row]) for group in groups for row in group.rows]  # type: ignore[call-overload]
    dimensions = giffinger_dimensions(entry_ids)
    candidates = []
    for number, group in enumerate(groups, start=1):
        ids = tuple(int(snapshot.keys[row]) for row in group.rows)  # type: ignore[call-overload]
        candidates.append(
            Candidate(
                number=number,
                entries=ids,
                municipalities=group.groups,
                cohesion=group.cohesion,
                strength=group.strength,
                reasons=group.reasons,
                dimensions=_shared_dimensions(ids, dimensions),
            )
        )
    result = Candidates(candidates=candidates, semantic=snapshot.has_semantic, entries=int(allowed.sum()))
    cache.set(key, result, CACHE_SECONDS)
    return result


# --- The page and the exports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CooperationFilters:
    """The page's filters: a region (whose candidates are computed), a municipality in it ("" = all of them) and a
    Giffinger dimension ("" = all). Without parameters: the region and municipality of the person's team."""

    region: Any  # Region
    municipality: Any = None  # Municipality or None
    dimension: str = ""

    @classmethod
    def from_query(cls, params: Any, *, viewer: Viewer) -> CooperationFilters | None:
        """The filters of a query string; None when the platform has no region."""
        from smartstadt.core.permissions import roles_of
        from smartstadt.regions.models import Municipality, Region

        def text(name: str) -> str:
            return str(params.get(name, "") or "").strip()[:120]

        regions = {region.slug: region for region in Region.objects.order_by("name")}
        if not regions:
            return None
        own = (
            Municipality.objects.filter(pk__in=roles_of(viewer).team_municipalities)
            .select_related("region")
            .order_by("name")
            .first()
        )
        region = regions.get(text("region"))
        if region is None and own is not None:
            region = own.region
        if region is None:
            region = next(iter(regions.values()))
        municipality = None
        if "municipality" in params:
            slug = text("municipality")
            municipality = Municipality.objects.filter(region=region, slug=slug).first() if slug else None
        elif own is not None and own.region_id == region.pk:
            municipality = own
        dimension = text("dimension")
        return cls(region=region, municipality=municipality, dimension=dimension if dimension in dimensions() else "")

    def querystring(self) -> dict[str, str]:
        return {
            "region": self.region.slug,
            "municipality": "" if self.municipality is None else self.municipality.slug,
            "dimension": self.dimension,
        }


def dimensions() -> dict[str, str]:
    """The Giffinger dimensions (code → label in the current language), in their order."""
    from django.utils.translation import get_language

    from smartstadt.frameworks.models import Framework, Term

    english = (get_language() or "de").startswith("en")
    terms = Term.objects.filter(framework__slug=Framework.GIFFINGER, parent__isnull=True).order_by("order", "label")
    return {
        code: (label_en if english and label_en else label)
        for code, label, label_en in terms.values_list("code", "label", "label_en")
    }


def filtered(candidates: Candidates, filters: CooperationFilters) -> list[Candidate]:
    """The candidates with the filters' municipality among their members and its dimension shared."""
    result = candidates.candidates
    if filters.municipality is not None:
        result = [c for c in result if filters.municipality.pk in c.municipalities]
    if filters.dimension:
        result = [c for c in result if filters.dimension in c.dimensions]
    return result


@dataclass(frozen=True)
class MemberView:
    entry: Any  # Entry
    organisations: list[Any]  # lead first, then the partners (Organisation)


@dataclass(frozen=True)
class CandidateView:
    """A candidate as the page and the exports show it: its entries (one per municipality) with the organisations
    to bring together."""

    candidate: Candidate
    members: list[MemberView]
    dimensions: list[tuple[str, str]]  # (code, label)

    @property
    def municipality_count(self) -> int:
        return len(self.members)

    @property
    def strength(self) -> str:
        """The ranking score in words: "high", "medium" or "low" (see docs/analysis.md)."""
        if self.candidate.cohesion >= STRONG:
            return "high"
        if self.candidate.cohesion >= MEDIUM:
            return "medium"
        return "low"


STRONG = 0.35
MEDIUM = 0.27


def hydrate(candidates: Sequence[Candidate]) -> list[CandidateView]:
    """The candidates with their entries, municipalities and organisations: three queries, however many."""
    from django.db.models import Prefetch

    from smartstadt.inventory.models import Entry
    from smartstadt.regions.models import Organisation

    ids = [entry_id for candidate in candidates for entry_id in candidate.entries]
    entries = (
        Entry.objects.filter(pk__in=ids)
        .select_related("municipality", "lead_organisation__municipality")
        .prefetch_related(Prefetch("partners", queryset=Organisation.objects.select_related("municipality")))
        .in_bulk()
    )
    labels = dimensions() if any(candidate.dimensions for candidate in candidates) else {}
    views = []
    for candidate in candidates:
        members = []
        for entry_id in candidate.entries:
            entry = entries.get(entry_id)
            if entry is None:  # deleted since the candidates were computed
                continue
            organisations = [entry.lead_organisation] if entry.lead_organisation else []
            organisations += sorted(
                (partner for partner in entry.partners.all() if partner != entry.lead_organisation),
                key=lambda organisation: organisation.name,
            )
            members.append(MemberView(entry=entry, organisations=organisations))
        if len(members) < 2:
            continue
        views.append(
            CandidateView(
                candidate=candidate,
                members=members,
                dimensions=[(code, labels.get(code, code)) for code in candidate.dimensions],
            )
        )
    return views


# --- Exports (CSV and XLSX neutralise formulas as the inventory's exports do) -----------------------------------

EXPORT_FORMATS = ("csv", "xlsx", "json")
EXPORT_HEADERS = (
    "Gruppe",
    "Rangwert",
    "Zusammenhalt",
    "Kommunen in der Gruppe",
    "Gemeinsame Begriffe",
    "Giffinger-Dimensionen",
    "Kommune",
    "Eintrag",
    "Adresse",
    "Federführung",
    "Partner",
)


def export_rows(views: Sequence[CandidateView], absolute: Any) -> list[list[Any]]:
    """One row per entry of every group (``absolute`` turns a path into an address)."""
    rows: list[list[Any]] = []
    for view in views:
        candidate = view.candidate
        for member in view.members:
            entry = member.entry
            rows.append(
                [
                    candidate.number,
                    f"{candidate.strength:.3f}",
                    f"{candidate.cohesion:.3f}",
                    view.municipality_count,
                    ", ".join(candidate.reasons),
                    ", ".join(label for _code, label in view.dimensions),
                    entry.municipality.name,
                    entry.title,
                    absolute(entry.get_absolute_url()),
                    entry.lead_organisation.name if entry.lead_organisation else "",
                    "; ".join(o.name for o in member.organisations if o != entry.lead_organisation),
                ]
            )
    return rows


def export_csv(views: Sequence[CandidateView], absolute: Any) -> bytes:
    """UTF-8 with byte order mark, ";" as German Excel opens it; text cells neutralised against formulas."""
    from smartstadt.core import tabular

    return tabular.csv_bytes(EXPORT_HEADERS, export_rows(views, absolute))


def export_xlsx(views: Sequence[CandidateView], absolute: Any) -> bytes:
    from smartstadt.core import tabular

    return tabular.xlsx_bytes(EXPORT_HEADERS, export_rows(views, absolute), sheet="Kooperationspotenziale")


def export_json(views: Sequence[CandidateView], absolute: Any, filters: CooperationFilters) -> bytes:
    import json

    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils import timezone

    groups = [
        {
            "number": view.candidate.number,
            "strength": view.candidate.strength,
            "cohesion": view.candidate.cohesion,
            "reasons": list(view.candidate.reasons),
            "dimensions": [code for code, _label in view.dimensions],
            "entries": [
                {
                    "title": member.entry.title,
                    "url": absolute(member.entry.get_absolute_url()),
                    "municipality": {"slug": member.entry.municipality.slug, "name": member.entry.municipality.name},
                    "lead_organisation": member.entry.lead_organisation.name
                    if member.entry.lead_organisation
                    else None,
                    "partners": [o.name for o in member.organisations if o != member.entry.lead_organisation],
                }
                for member in view.members
            ],
        }
        for view in views
    ]
    document = {
        "generated_at": timezone.now(),
        "filters": filters.querystring(),
        "count": len(groups),
        "groups": groups,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")

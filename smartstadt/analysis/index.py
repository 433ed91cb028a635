"""The vectors of a corpus in memory and the ranking over them (numpy and scipy only, no database).

A :class:`Snapshot` holds, for N documents, the rows of the two lexical blocks (terms, character n-grams), the
semantic embeddings where there are any, and per row the document's key, its group (the municipality) and
whether it is public. :func:`rank` finds the documents most similar to a :class:`Query`:

1. term scores for all rows from the inverted index (the term block by column: a query's 20–40 terms touch only
   the rows that share one of them);
2. semantic cosines for all rows (one matrix-vector product over float32) up to :data:`EXACT_LIMIT` rows; above,
   approximate ones on the embeddings' first :data:`REDUCED_DIMENSIONS` principal axes (a quarter of the 150 MB that
   100,000 × 384 floats take, which each query would read), exact ones for the candidates only;
3. candidates: every permitted row up to :data:`EXACT_LIMIT` rows, else the best :data:`CANDIDATES` by
   terms, by meaning and by both;
4. n-gram scores for the candidates only (the n-gram block is the largest; scoring all of it would take 35 ms
   at 100,000 rows);
5. the combined score (see :func:`combine`), the best ``k``, and for each the shared terms that contribute most
   to its score, as the reason a person reads.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from .lexical import LexicalModel

# The combined score: LEXICAL_WEIGHT · lexical + (1 − LEXICAL_WEIGHT) · semantic, both in 0..1 (docs/analysis.md).
LEXICAL_WEIGHT = 0.5
# e5's cosines of unrelated German texts lie around 0.8 (median 0.83 among the demo entries), related ones reach
# 0.9 and more: the semantic score maps 0.8..1 onto 0..1, so that both layers speak on the same scale.
SEMANTIC_FLOOR = 0.8
EXACT_LIMIT = 20_000
CANDIDATES = 1_000
# Above EXACT_LIMIT rows, candidates by meaning come from the embeddings' first principal axes (see
# Snapshot.reduced_semantic); the scores of the candidates are exact.
REDUCED_DIMENSIONS = 96
REDUCED_SAMPLE = 20_000
MAX_REASONS = 3


def semantic_score(cosine: np.ndarray) -> np.ndarray:
    """The semantic cosine on the scale of the lexical one (see :data:`SEMANTIC_FLOOR`)."""
    result: np.ndarray = np.clip((cosine - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR), 0, 1)
    return result


def combine(lexical: np.ndarray, semantic: np.ndarray | None, has_semantic: np.ndarray | None = None) -> np.ndarray:
    """The combined score; lexical alone where there is no semantic score (no layer, or a row without vector)."""
    if semantic is None:
        return lexical
    combined = LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * semantic
    if has_semantic is not None:
        combined = np.where(has_semantic, combined, lexical)
    return combined


@dataclass(frozen=True)
class Vectors:
    """Rows of the analysis space: both lexical blocks (rows of length 1 or empty) and the embeddings."""

    terms: sp.csr_matrix
    grams: sp.csr_matrix
    semantic: np.ndarray | None = None  # (n, 384) float32, zero rows where ``has_semantic`` is False
    has_semantic: np.ndarray | None = None  # (n,) bool

    def __len__(self) -> int:
        return int(self.terms.shape[0])

    def lexical(self, word_share: float) -> sp.csr_matrix:
        """One sparse row per document, of length 1, whose dot products are the lexical scores (for classifiers
        and clustering: ``LogisticRegression``, ``NearestNeighbors(metric="cosine")`` …)."""
        joined = sp.hstack(
            [self.terms * np.sqrt(word_share), self.grams * np.sqrt(1 - word_share)], format="csr"
        ).astype(np.float32)
        result: sp.csr_matrix = normalize(joined, norm="l2", copy=False)
        return result

    def rows(self, rows: np.ndarray | Sequence[int]) -> Vectors:
        index = np.asarray(rows, dtype=np.int64)
        return Vectors(
            terms=self.terms[index],
            grams=self.grams[index],
            semantic=None if self.semantic is None else self.semantic[index],
            has_semantic=None if self.has_semantic is None else self.has_semantic[index],
        )


@dataclass(frozen=True)
class Query:
    """What a search compares with: one row of each block, the embedding, and the labels of the query's own terms
    (a text query's reasons use its own words)."""

    terms: sp.csr_matrix  # 1 × terms
    grams: sp.csr_matrix  # 1 × n-grams
    semantic: np.ndarray | None = None
    labels: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Scored:
    row: int
    score: float
    lexical: float
    semantic: float | None
    reasons: tuple[str, ...]


@dataclass
class Snapshot:
    """The vectors of a corpus, with per row its key, its group (municipality; -1 for none) and visibility."""

    model: LexicalModel
    keys: list[Hashable]
    vectors: Vectors
    groups: np.ndarray  # (n,) int64
    public: np.ndarray  # (n,) bool
    state: Any = None  # what the rows were loaded from (see engine.py)
    row_of: dict[Hashable, int] = field(init=False)
    terms_by_column: sp.csc_matrix = field(init=False, repr=False)
    _reduced: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        self.row_of = {key: row for row, key in enumerate(self.keys)}
        self.terms_by_column = self.vectors.terms.tocsc()

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def has_semantic(self) -> bool:
        return self.vectors.semantic is not None and bool(np.any(self.vectors.has_semantic))

    def reduced_semantic(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The embeddings in a smaller space for choosing candidates in a large index: the mean, the first
        :data:`REDUCED_DIMENSIONS` principal axes (fitted on a sample) and every row's coordinates on them. Computed on
        first use (a second at 100,000 rows); a query's approximate dot products then read a quarter of the memory."""
        if self._reduced is None:
            assert self.vectors.semantic is not None
            embeddings = self.vectors.semantic
            sample = embeddings[:: max(1, len(embeddings) // REDUCED_SAMPLE)]
            mean = sample.mean(axis=0)
            _u, _s, axes = np.linalg.svd(sample - mean, full_matrices=False)
            projection = np.ascontiguousarray(axes[:REDUCED_DIMENSIONS].T, dtype=np.float32)
            coordinates = np.ascontiguousarray((embeddings - mean) @ projection, dtype=np.float32)
            self._reduced = (mean.astype(np.float32), projection, coordinates)
        return self._reduced

    def query_for_row(self, row: int) -> Query:
        semantic = None
        if self.vectors.semantic is not None and self.vectors.has_semantic is not None:
            semantic = self.vectors.semantic[row] if self.vectors.has_semantic[row] else None
        return Query(terms=self.vectors.terms[row], grams=self.vectors.grams[row], semantic=semantic)


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    """Rows of the ``count`` highest scores (not sorted)."""
    if count >= len(scores):
        return np.arange(len(scores))
    return np.argpartition(-scores, count)[:count]


def _reasons(snapshot: Snapshot, query: Query, row: int) -> tuple[str, ...]:
    """The shared terms that contribute most to a row's term score, as words ("Quartier", "Beteiligung"). Of a
    compound and its part only the compound is named ("Energieeinsparung", not also "Energie")."""
    terms = snapshot.vectors.terms
    start, end = terms.indptr[row], terms.indptr[row + 1]
    weights = dict(zip(terms.indices[start:end].tolist(), terms.data[start:end].tolist(), strict=True))
    shared = [
        (float(value) * weights[column], column)
        for column, value in zip(query.terms.indices.tolist(), query.terms.data.tolist(), strict=True)
        if column in weights
    ]
    shared.sort(key=lambda item: (-item[0], item[1]))
    chosen: list[int] = []
    for _contribution, column in shared:
        key = snapshot.model.terms[column]
        keys = [snapshot.model.terms[other] for other in chosen]
        if any(key in other for other in keys):
            continue  # a part of a compound already named
        parts = [position for position, other in enumerate(keys) if other in key]
        if parts:
            chosen[parts[0]] = column  # the compound instead of its part, in the part's place
            chosen = [other for position, other in enumerate(chosen) if position not in parts[1:]]
        elif len(chosen) < MAX_REASONS:
            chosen.append(column)
        if len(chosen) == MAX_REASONS and not parts:
            break
    return tuple(query.labels.get(column) or snapshot.model.labels[column] for column in chosen)


def rank(
    snapshot: Snapshot, query: Query, *, k: int, allowed: np.ndarray | None = None, min_score: float = 0.0
) -> list[Scored]:
    """The ``k`` rows most similar to the query among the ``allowed`` ones (a boolean mask; all by default), best
    first (equal scores by row), with a score above ``min_score``."""
    n = len(snapshot)
    if n == 0 or k <= 0:
        return []
    vectors = snapshot.vectors
    mask = np.ones(n, dtype=bool) if allowed is None else allowed
    if not mask.any():
        return []
    columns, values = query.terms.indices, query.terms.data.astype(np.float32)
    term_scores = (
        np.asarray(snapshot.terms_by_column[:, columns] @ values, dtype=np.float32).ravel()
        if len(columns)
        else np.zeros(n, dtype=np.float32)
    )
    semantic = None
    embeddings, embedding = vectors.semantic, query.semantic
    if n <= EXACT_LIMIT:
        if embeddings is not None and embedding is not None:
            semantic = semantic_score(embeddings @ embedding)
        candidates = np.flatnonzero(mask)
    else:
        share = snapshot.model.word_share
        approximate = None
        if embeddings is not None and embedding is not None:
            # candidates by approximate meaning (principal axes), the exact cosines for the candidates only
            mean, projection, coordinates = snapshot.reduced_semantic()
            approximate = semantic_score(coordinates @ (embedding @ projection) + float(mean @ embedding))
        preliminary = combine(share * term_scores, approximate, vectors.has_semantic)
        pools = [preliminary, term_scores] + ([approximate] if approximate is not None else [])
        chosen = [_top(np.where(mask, pool, -1.0), CANDIDATES) for pool in pools]
        candidates = np.unique(np.concatenate(chosen))
        candidates = candidates[mask[candidates]]
        if embeddings is not None and embedding is not None:
            semantic = np.zeros(n, dtype=np.float32)
            semantic[candidates] = semantic_score(embeddings[candidates] @ embedding)
    query_grams = np.zeros(vectors.grams.shape[1], dtype=np.float32)
    query_grams[query.grams.indices] = query.grams.data
    gram_block = vectors.grams if len(candidates) == n else vectors.grams[candidates]
    gram_scores = np.asarray(gram_block @ query_grams, dtype=np.float32).ravel()
    share = snapshot.model.word_share
    lexical = share * term_scores[candidates] + (1 - share) * gram_scores
    semantic_part = None if semantic is None else semantic[candidates]
    has_semantic = None if vectors.has_semantic is None else vectors.has_semantic[candidates]
    scores = combine(lexical, semantic_part, has_semantic)
    keep = scores > min_score
    candidates, scores, lexical = candidates[keep], scores[keep], lexical[keep]
    if semantic_part is not None:
        semantic_part = semantic_part[keep]
        has_semantic = None if has_semantic is None else has_semantic[keep]
    best = _top(scores, k)
    best = best[np.lexsort((candidates[best], -scores[best]))]
    return [
        Scored(
            row=int(candidates[i]),
            score=round(float(scores[i]), 4),
            lexical=round(float(lexical[i]), 4),
            semantic=None
            if semantic_part is None or (has_semantic is not None and not has_semantic[i])
            else round(float(semantic_part[i]), 4),
            reasons=_reasons(snapshot, query, int(candidates[i])),
        )
        for i in best
    ]


def pair_scores(snapshot: Snapshot, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combined, lexical and semantic (NaN where missing) scores of the row pairs ``left[i]``, ``right[i]``."""
    vectors, share = snapshot.vectors, snapshot.model.word_share
    terms = np.asarray(vectors.terms[left].multiply(vectors.terms[right]).sum(axis=1)).ravel()
    grams = np.asarray(vectors.grams[left].multiply(vectors.grams[right]).sum(axis=1)).ravel()
    lexical = (share * terms + (1 - share) * grams).astype(np.float32)
    if vectors.semantic is None or vectors.has_semantic is None:
        return lexical, lexical, np.full(len(left), np.nan, dtype=np.float32)
    both = vectors.has_semantic[left] & vectors.has_semantic[right]
    semantic = semantic_score(np.einsum("ij,ij->i", vectors.semantic[left], vectors.semantic[right]))
    combined = combine(lexical, semantic, both)
    return combined, lexical, np.where(both, semantic, np.nan).astype(np.float32)

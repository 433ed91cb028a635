"""The analysis engine: the one interface for similar entries, search by problem description, and vectors.

``get_engine()`` gives the engine over the platform's entries (one per process, loaded lazily from the database,
reloaded in part when the index changed). :meth:`CorpusEngine.build` gives one over any list of texts, kept in
memory only (the ``similar_entries`` command, evaluations). Both answer the same questions::

    engine = get_engine()
    engine.similar_to_entry(entry.pk, k=6, exclude_municipality=entry.municipality_id)
    engine.similar_to_text("Wir suchen Sensoren für die Luftqualität an Schulen", k=20)
    engine.score_pairs([(a, b), (a, c)])             # duplicates: how alike are these?
    keys, vectors = engine.matrix()                  # classifiers, clustering
    vectors = engine.vectors_for(["Text …"])         # rows of the same space for new texts

Every result is a :class:`Match`: the key, the combined score in 0..1, its lexical and semantic parts and the
reasons (the shared terms that weigh most, as words). See docs/analysis.md for the layers, weights and storage.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db.models import Count, Max

from smartstadt import text

from . import indexing, semantic
from .index import Query, Scored, Snapshot, Vectors, pair_scores, rank
from .lexical import LexicalModel

# How often a process asks the database whether the index changed, when no change notice reached it.
CHECK_SECONDS = 2.0
# Rows written this long before the newest row a process loaded are read again (clocks of several writers).
OVERLAP = timedelta(seconds=2)


class Scope(StrEnum):
    PUBLISHED = "published"  # what everybody may see
    ALL = "all"  # also drafts and entries in review (for the team, e.g. to find duplicates before publishing)


@dataclass(frozen=True)
class Match:
    """One similar entry (or item): ``score`` = combined score in 0..1, ``lexical`` and ``semantic`` its parts
    (``semantic`` None without the semantic layer), ``reasons`` the shared terms as words, most telling first."""

    id: Any
    score: float
    lexical: float
    semantic: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PairScore:
    left: Any
    right: Any
    score: float
    lexical: float
    semantic: float | None
    reasons: tuple[str, ...]


class BaseEngine(ABC):
    """The questions every engine answers, over a :class:`~.index.Snapshot`."""

    @abstractmethod
    def snapshot(self) -> Snapshot | None:
        """The vectors to answer from (``None``: nothing is indexed)."""

    def stop_keys(self) -> frozenset[str]:
        return frozenset()

    def group_of(self, value: Any) -> int:
        """The group (municipality) code of a value the caller passes (engine-specific)."""
        return int(value.pk if hasattr(value, "pk") else value)

    # --- State ------------------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """How many entries are indexed (0: nothing is, callers fall back to something else)."""
        snapshot = self.snapshot()
        return 0 if snapshot is None else len(snapshot)

    @property
    def semantic_enabled(self) -> bool:
        """Whether results include the semantic layer."""
        snapshot = self.snapshot()
        return snapshot is not None and snapshot.has_semantic

    @property
    def model(self) -> LexicalModel | None:
        snapshot = self.snapshot()
        return None if snapshot is None else snapshot.model

    def contains(self, key: Hashable) -> bool:
        snapshot = self.snapshot()
        return snapshot is not None and key in snapshot.row_of

    # --- Questions ---------------------------------------------------------------------------------------

    def _allowed(
        self,
        snapshot: Snapshot,
        *,
        scope: Scope | str,
        municipality: Any = None,
        exclude_municipality: Any = None,
        exclude_ids: Iterable[Hashable] = (),
    ) -> np.ndarray:
        allowed = snapshot.public.copy() if Scope(scope) == Scope.PUBLISHED else np.ones(len(snapshot), dtype=bool)
        if municipality is not None:
            allowed &= snapshot.groups == self.group_of(municipality)
        if exclude_municipality is not None:
            allowed &= snapshot.groups != self.group_of(exclude_municipality)
        for key in exclude_ids:
            row = snapshot.row_of.get(key)
            if row is not None:
                allowed[row] = False
        return allowed

    def _matches(self, snapshot: Snapshot, found: list[Scored]) -> list[Match]:
        return [
            Match(
                id=snapshot.keys[item.row],
                score=item.score,
                lexical=item.lexical,
                semantic=item.semantic,
                reasons=item.reasons,
            )
            for item in found
        ]

    def similar_to_entry(
        self,
        entry_id: Hashable,
        *,
        k: int = 6,
        scope: Scope | str = Scope.PUBLISHED,
        municipality: Any = None,
        exclude_municipality: Any = None,
        exclude_ids: Iterable[Hashable] = (),
        min_score: float = 0.0,
    ) -> list[Match]:
        """The ``k`` entries most similar to an indexed entry (never itself), best first. ``scope``: published
        entries only, or all; ``municipality``: only those of one; ``exclude_municipality``: not those of one.
        An entry that is not indexed (yet) has no similar entries: ``[]`` (see :meth:`contains`)."""
        snapshot = self.snapshot()
        if snapshot is None or entry_id not in snapshot.row_of:
            return []
        row = snapshot.row_of[entry_id]
        allowed = self._allowed(
            snapshot,
            scope=scope,
            municipality=municipality,
            exclude_municipality=exclude_municipality,
            exclude_ids=[entry_id, *exclude_ids],
        )
        return self._matches(
            snapshot, rank(snapshot, snapshot.query_for_row(row), k=k, allowed=allowed, min_score=min_score)
        )

    def query_for_text(self, value: str, *, use_semantic: bool | None = None, split_all: bool = True) -> Query | None:
        """A text as a query: its terms (every long word split), n-grams and – where the layer is on and
        ``use_semantic`` is not False – its embedding (20–90 ms)."""
        snapshot = self.snapshot()
        if snapshot is None:
            return None
        found = text.terms(value, split_all=split_all, stop_keys=self.stop_keys())
        terms, grams = snapshot.model.transform_blocks([found])
        embedding = None
        if use_semantic is not False and snapshot.has_semantic and semantic.available():
            embedding = semantic.embed_query(value)
        labels: dict[int, str] = {}
        for term in found:
            column = snapshot.model.term_index.get(term.key)
            if column is not None:
                labels.setdefault(column, term.label)
        return Query(terms=terms, grams=grams, semantic=embedding, labels=labels)

    def similar_to_text(
        self,
        value: str,
        *,
        k: int = 10,
        scope: Scope | str = Scope.PUBLISHED,
        municipality: Any = None,
        exclude_municipality: Any = None,
        exclude_ids: Iterable[Hashable] = (),
        min_score: float = 0.0,
        use_semantic: bool | None = None,
    ) -> list[Match]:
        """The ``k`` entries that fit a free text best (a problem description, a new entry's draft), best first;
        the reasons use the text's own words. ``use_semantic=False`` skips embedding the text (the lexical layer
        alone; costs a millisecond instead of 20–90)."""
        snapshot = self.snapshot()
        query = self.query_for_text(value, use_semantic=use_semantic)
        if snapshot is None or query is None:
            return []
        allowed = self._allowed(
            snapshot,
            scope=scope,
            municipality=municipality,
            exclude_municipality=exclude_municipality,
            exclude_ids=exclude_ids,
        )
        return self._matches(snapshot, rank(snapshot, query, k=k, allowed=allowed, min_score=min_score))

    def score_pairs(self, pairs: Iterable[tuple[Hashable, Hashable]]) -> list[PairScore]:
        """How alike pairs of indexed entries are (for duplicates and merges); pairs with an entry that is not
        indexed are left out. Reasons as in :meth:`similar_to_entry`."""
        snapshot = self.snapshot()
        if snapshot is None:
            return []
        known = [(a, b) for a, b in pairs if a in snapshot.row_of and b in snapshot.row_of]
        if not known:
            return []
        left = np.asarray([snapshot.row_of[a] for a, _b in known], dtype=np.int64)
        right = np.asarray([snapshot.row_of[b] for _a, b in known], dtype=np.int64)
        combined, lexical, semantic_part = pair_scores(snapshot, left, right)
        from .index import _reasons

        return [
            PairScore(
                left=a,
                right=b,
                score=round(float(combined[i]), 4),
                lexical=round(float(lexical[i]), 4),
                semantic=None if np.isnan(semantic_part[i]) else round(float(semantic_part[i]), 4),
                reasons=_reasons(snapshot, snapshot.query_for_row(int(left[i])), int(right[i])),
            )
            for i, (a, b) in enumerate(known)
        ]

    def pairwise(self, ids: Sequence[Hashable]) -> np.ndarray:
        """The combined scores among indexed entries as a matrix (``len(ids)`` × ``len(ids)``, NaN for entries
        that are not indexed): for clustering a few hundred candidates, e.g. duplicates within a municipality."""
        snapshot = self.snapshot()
        result = np.full((len(ids), len(ids)), np.nan, dtype=np.float32)
        if snapshot is None:
            return result
        positions = [i for i, key in enumerate(ids) if key in snapshot.row_of]
        rows = np.asarray([snapshot.row_of[ids[i]] for i in positions], dtype=np.int64)
        if not len(rows):
            return result
        vectors = snapshot.vectors.rows(rows)
        share = snapshot.model.word_share
        lexical = (
            share * (vectors.terms @ vectors.terms.T).toarray()
            + (1 - share) * (vectors.grams @ vectors.grams.T).toarray()
        )
        scores = lexical
        if vectors.semantic is not None and vectors.has_semantic is not None:
            from .index import combine, semantic_score

            both = np.outer(vectors.has_semantic, vectors.has_semantic)
            scores = combine(lexical, semantic_score(vectors.semantic @ vectors.semantic.T), both)
        result[np.ix_(positions, positions)] = scores
        return result

    def vectors_for(self, texts: Sequence[str], *, use_semantic: bool = False) -> Vectors:
        """Rows of the index's space for texts that are not indexed (their n-grams count, new words do not):
        ``.lexical(model.word_share)`` for one sparse matrix; embeddings only with ``use_semantic`` (slow)."""
        snapshot = self.snapshot()
        if snapshot is None:
            raise LookupError("The analysis index is empty: run manage.py rebuild_analysis_index.")
        stop = self.stop_keys()
        terms, grams = snapshot.model.transform_blocks([text.terms(value, stop_keys=stop) for value in texts])
        embeddings = None
        if use_semantic and snapshot.has_semantic and semantic.available():
            embeddings = semantic.embed_passages(list(texts))
        return Vectors(
            terms=terms,
            grams=grams,
            semantic=embeddings,
            has_semantic=None if embeddings is None else np.ones(len(texts), dtype=bool),
        )

    def matrix(self, *, scope: Scope | str = Scope.ALL) -> tuple[list[Hashable], Vectors]:
        """The keys and vectors of all indexed entries (or of the published ones), for classifiers (tag
        suggestions) and clustering (joint-project candidates)."""
        snapshot = self.snapshot()
        if snapshot is None:
            empty = sp.csr_matrix((0, 0), dtype=np.float32)
            return [], Vectors(terms=empty, grams=empty)
        if Scope(scope) == Scope.ALL:
            return list(snapshot.keys), snapshot.vectors
        rows = np.flatnonzero(snapshot.public)
        return [snapshot.keys[row] for row in rows], snapshot.vectors.rows(rows)


class Engine(BaseEngine):
    """The engine over the platform's entries, its vectors stored in the database (models.py).

    Loaded on first use, then kept: every :data:`CHECK_SECONDS` (at once after a change notice of this process, or
    of any with Redis as the cache) it asks the database whether anything changed, and loads the changed rows
    only; a new vocabulary (a full rebuild) is loaded whole.
    """

    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._checked = 0.0
        self._generation: int | None = None
        self._stop_keys: frozenset[str] | None = None

    def reset(self) -> None:
        """Forget what was loaded (tests)."""
        with self._lock:
            self._snapshot = None
            self._checked = 0.0
            self._generation = None
            self._stop_keys = None

    def stop_keys(self) -> frozenset[str]:
        if self._stop_keys is None:
            self._stop_keys = indexing.stop_keys()
        return self._stop_keys

    # --- Loading ----------------------------------------------------------------------------------------

    @staticmethod
    def _state() -> tuple[Any, ...]:
        from .models import EntryVector, LexicalIndex

        latest = LexicalIndex.objects.order_by("-pk").values_list("pk", "created_at").first()
        rows = EntryVector.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
        return (latest, rows["count"], rows["last"], semantic.available())

    def snapshot(self) -> Snapshot | None:
        now = time.monotonic()
        current_generation = indexing.generation()
        if current_generation is None:
            current_generation = indexing.start_generation()
        if (
            self._checked
            and current_generation is not None
            and current_generation == self._generation
            and now - self._checked < CHECK_SECONDS
        ):
            return self._snapshot
        with self._lock:
            state = self._state()
            self._checked, self._generation = now, current_generation
            current = self._snapshot
            if current is not None and current.state == state:
                return current
            if state[0] is None:
                self._snapshot = None
            elif (
                current is None
                or current.state is None
                or current.state[0] != state[0]  # a new vocabulary
                or current.state[3] != state[3]  # the semantic layer switched on or off
                or (current.state[2] and (state[2] is None or state[2] < current.state[2]))  # rolled back (tests)
            ):
                self._snapshot = self._load(state)
                self._stop_keys = None
            else:
                self._snapshot = self._load_changes(current, state)
            return self._snapshot

    def _rows(self, index_id: int, since: Any = None) -> list[tuple[Any, ...]]:
        from .models import EntryVector

        rows = EntryVector.objects.filter(lexical_index_id=index_id)
        if since is not None:
            rows = rows.filter(updated_at__gte=since - OVERLAP)
        return list(
            rows.order_by("entry_id").values_list(
                "entry_id",
                "lexical",
                "semantic",
                "semantic_model",
                "entry__municipality_id",
                "entry__publication_state",
            )
        )

    def _snapshot_of(self, model: LexicalModel, rows: list[tuple[Any, ...]], state: Any) -> Snapshot:
        from smartstadt.inventory.models import PublicationState

        terms, grams = indexing.decode_rows([row[1] for row in rows], model.n_terms, len(model.grams))
        embeddings: np.ndarray | None = None
        has_semantic: np.ndarray | None = None
        if state[3]:
            model_id = semantic.model_id()
            embeddings = np.zeros((len(rows), semantic.DIMENSIONS), dtype=np.float32)
            has_semantic = np.zeros(len(rows), dtype=bool)
            for position, row in enumerate(rows):
                if row[2] is not None and row[3] == model_id:
                    embeddings[position] = semantic.from_bytes(row[2])
                    has_semantic[position] = True
        return Snapshot(
            model=model,
            keys=[row[0] for row in rows],
            vectors=Vectors(terms=terms, grams=grams, semantic=embeddings, has_semantic=has_semantic),
            groups=np.asarray([row[4] for row in rows], dtype=np.int64),
            public=np.asarray([row[5] == PublicationState.PUBLISHED for row in rows], dtype=bool),
            state=state,
        )

    def _load(self, state: Any) -> Snapshot:
        from .models import LexicalIndex

        index = LexicalIndex.objects.defer("model").get(pk=state[0][0])
        model = indexing.model_of(index)
        return self._snapshot_of(model, self._rows(index.pk), state)

    def _load_changes(self, current: Snapshot, state: Any) -> Snapshot:
        """The current snapshot with the rows written since it was loaded, without the rows that are gone."""
        from .models import EntryVector

        changed = self._snapshot_of(current.model, self._rows(state[0][0], since=current.state[2]), state)
        keep = np.asarray([key not in changed.row_of for key in current.keys], dtype=bool)
        if len(current) - int(keep.sum()) + len(changed) != state[1]:
            existing = set(EntryVector.objects.filter(lexical_index_id=state[0][0]).values_list("entry_id", flat=True))
            keep &= np.asarray([key in existing for key in current.keys], dtype=bool)
        rows = np.flatnonzero(keep)
        old = current.vectors.rows(rows)
        semantic_rows = None
        has_semantic = None
        if old.semantic is not None and changed.vectors.semantic is not None:
            semantic_rows = np.vstack([old.semantic, changed.vectors.semantic])
            has_semantic = np.concatenate([old.has_semantic, changed.vectors.has_semantic])
        return Snapshot(
            model=current.model,
            keys=[current.keys[row] for row in rows] + changed.keys,
            vectors=Vectors(
                terms=sp.vstack([old.terms, changed.vectors.terms], format="csr"),
                grams=sp.vstack([old.grams, changed.vectors.grams], format="csr"),
                semantic=semantic_rows,
                has_semantic=has_semantic,
            ),
            groups=np.concatenate([current.groups[rows], changed.groups]),
            public=np.concatenate([current.public[rows], changed.public]),
            state=state,
        )

    # --- Writing (the task and the command call these) ------------------------------------------------------

    def index_entries(self, entry_ids: Iterable[int] | None = None, *, embed: bool = True) -> indexing.IndexReport:
        """Bring entries (all with None) up to date now, in this process; services enqueue
        :func:`~.tasks.update_entry_vectors` instead (see :func:`~.services.entries_changed`)."""
        return indexing.update(entry_ids, embed=embed)

    def remove_entries(self, entry_ids: Iterable[int]) -> int:
        return indexing.remove(entry_ids)

    def rebuild(
        self, *, progress: Callable[[str, int, int], None] | None = None, embed: bool = True
    ) -> indexing.IndexReport:
        """Fit the vocabulary anew and write every entry's vectors; embeddings only where missing."""
        return indexing.rebuild(progress=progress, embed=embed)


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The engine over the platform's entries, one per process."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine


# --- An engine over any texts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A text of a corpus: its key, the text, and its group (a municipality's name; may be empty)."""

    id: Hashable
    text: str
    group: str = ""


class CorpusEngine(BaseEngine):
    """An engine over texts given in memory, nothing stored: evaluations and the ``similar_entries`` command.
    Groups (municipalities) are passed by name; every item counts as published."""

    def __init__(self, snapshot: Snapshot, groups: dict[str, int], stop: frozenset[str]) -> None:
        self._snapshot = snapshot
        self._groups = groups
        self._stop = stop

    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    def stop_keys(self) -> frozenset[str]:
        return self._stop

    def group_of(self, value: Any) -> int:
        return self._groups.get(str(value), -2)

    @classmethod
    def build(
        cls,
        items: Sequence[Item],
        *,
        use_semantic: bool | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> CorpusEngine:
        """Fit and transform the items; embed them where the semantic layer is on (and ``use_semantic`` is not
        False)."""
        groups: dict[str, int] = {}
        for item in items:
            groups.setdefault(item.group, len(groups))
        stop = text.name_keys(name for name in groups if name)
        documents = []
        with text.collector_paused():
            for number, item in enumerate(items, start=1):
                documents.append(text.terms(item.text, stop_keys=stop))
                if progress is not None and (number % 500 == 0 or number == len(items)):
                    progress(indexing.STAGE_TEXTS, number, len(items))
            model = LexicalModel.fit(documents)
            terms, grams = model.transform_blocks(documents)
        embeddings = None
        has_semantic = None
        if use_semantic is not False and semantic.available() and items:
            embeddings = semantic.embed_passages(
                [item.text for item in items],
                progress=None
                if progress is None
                else lambda done, total: progress(indexing.STAGE_EMBEDDINGS, done, total),
            )
            has_semantic = np.ones(len(items), dtype=bool)
        snapshot = Snapshot(
            model=model,
            keys=[item.id for item in items],
            vectors=Vectors(terms=terms, grams=grams, semantic=embeddings, has_semantic=has_semantic),
            groups=np.asarray([groups[item.group] for item in items], dtype=np.int64),
            public=np.ones(len(items), dtype=bool),
        )
        return cls(snapshot, groups, stop)

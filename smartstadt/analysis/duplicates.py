"""Likely duplicates within one municipality: of an entry, of a draft not saved yet, of the rows of a spreadsheet.

A duplicate is a near-copy: the same title with small changes, or the same summary reworded a little. Two
entries about the same topic are *related*, not duplicates, and are not flagged. The decision uses the lexical
score of the engine (words, lemmas, compound parts and character n-grams, 0..1) against :data:`THRESHOLD`; the
semantic layer is left out on purpose: it rates merely related projects of one topic close to each other (that is
what it is for), costs 20–90 ms per draft, and duplicates must be found the same way where it is not installed.
See docs/analysis.md, section "Dubletten", for how the threshold was chosen.

An entry's indexed text includes the beginning of its description, a draft often has only a title and a summary:
where either side has a description, the pair is also compared by title and summary alone, and the higher score
counts.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.urls import reverse

from smartstadt.inventory.models import Entry
from smartstadt.regions.models import Municipality

from .engine import BaseEngine, Scope, get_engine
from .indexing import entry_text

# Near-copies score at least this (lexical, 0..1); see docs/analysis.md "Dubletten" for the measurements.
THRESHOLD = 0.5
# Candidates are taken from the engine down to this score and then judged by both texts (full, short).
PRESELECT = 0.15
CANDIDATES = 10
SHOWN = 5
# A spreadsheet is checked for duplicates in its first rows only: a larger file is a migration from another
# system, where nobody reviews rows one by one; the team's duplicates page finds the rest afterwards.
IMPORT_ROWS_LIMIT = 2000
PER_ROW = 3
PAIRS_LIMIT = 200
_CHUNK = 500


@dataclass(frozen=True)
class Duplicate:
    """An existing entry that looks like a copy of the entry or draft at hand."""

    entry: Entry
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class DuplicatePair:
    """Two entries of one municipality that look like copies of each other (the older one first)."""

    left: Entry
    right: Entry
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowText:
    """A spreadsheet row to check: its number, its texts, and the entry it updates (by external id), if any."""

    row: int
    title: str
    summary: str = ""
    description: str = ""
    entry_id: int | None = None


def _best(line: np.ndarray, floor: float, count: int) -> list[int]:
    """Positions of the ``count`` highest values of ``line`` that reach ``floor``."""
    found = np.flatnonzero(line >= floor)
    if len(found) > count:
        found = found[np.argpartition(-line[found], count)[:count]]
    return [int(position) for position in found]


def short_text(title: str, summary: str) -> str:
    return entry_text(title, summary)


def _short_scores(engine: BaseEngine, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """The lexical scores of pairs of short texts (title and summary), in the index's space."""
    if not pairs:
        return np.zeros(0, dtype=np.float32)
    model = engine.model
    if model is None:
        return np.zeros(len(pairs), dtype=np.float32)
    unique: dict[str, int] = {}
    for a, b in pairs:
        unique.setdefault(a, len(unique))
        unique.setdefault(b, len(unique))
    vectors = engine.vectors_for(list(unique)).lexical(model.word_share)
    left = vectors[[unique[a] for a, _b in pairs]]
    right = vectors[[unique[b] for _a, b in pairs]]
    return np.asarray(left.multiply(right).sum(axis=1), dtype=np.float32).ravel()


def _judge(
    engine: BaseEngine,
    scored: dict[int, tuple[float, tuple[str, ...]]],
    entries: dict[int, Entry],
    *,
    short: str,
    has_description: bool,
    limit: int,
) -> list[Duplicate]:
    """The candidates (entry id → full lexical score, reasons) that are duplicates, best first."""
    ids = [pk for pk in scored if pk in entries]
    recheck = [pk for pk in ids if has_description or entries[pk].description.strip()]
    shorts = _short_scores(engine, [(short, short_text(entries[pk].title, entries[pk].summary)) for pk in recheck])
    best = {pk: scored[pk][0] for pk in ids}
    for pk, value in zip(recheck, shorts.tolist(), strict=True):
        best[pk] = max(best[pk], float(value))
    found = [Duplicate(entries[pk], round(best[pk], 4), scored[pk][1]) for pk in ids if best[pk] >= THRESHOLD]
    found.sort(key=lambda item: (-item.score, item.entry.pk))
    return found[:limit]


def _load(ids: Iterable[int], visible: QuerySet[Entry] | None) -> dict[int, Entry]:
    queryset = Entry.objects.all() if visible is None else visible
    return queryset.select_related("municipality").in_bulk(list(ids))


def duplicates_of_text(
    *,
    municipality: Any,
    title: str,
    summary: str = "",
    description: str = "",
    exclude_ids: Iterable[int] = (),
    visible: QuerySet[Entry] | None = None,
    limit: int = SHOWN,
) -> list[Duplicate]:
    """Entries of the municipality (every state; ``visible`` narrows them to what the person may see) that look
    like copies of a draft. Lexical layer only: a millisecond or two, fit for a form's check button."""
    engine = get_engine()
    if not engine.size or not (title.strip() or summary.strip()):
        return []
    matches = engine.similar_to_text(
        entry_text(title, summary, description),
        k=CANDIDATES,
        scope=Scope.ALL,
        municipality=municipality,
        exclude_ids=list(exclude_ids),
        min_score=PRESELECT,
        use_semantic=False,
    )
    scored = {int(match.id): (match.lexical, match.reasons) for match in matches}
    return _judge(
        engine,
        scored,
        _load(scored, visible),
        short=short_text(title, summary),
        has_description=bool(description.strip()),
        limit=limit,
    )


def _candidates_of_entry(engine: BaseEngine, entry: Entry) -> dict[int, tuple[float, tuple[str, ...]]]:
    """The entries of the municipality nearest to an entry (by its stored vectors, or by its text while it is
    not indexed yet): id → (full lexical score, reasons). No database query."""
    if engine.contains(entry.pk):
        matches = engine.similar_to_entry(
            entry.pk, k=CANDIDATES, scope=Scope.ALL, municipality=entry.municipality_id, min_score=0.0
        )
    else:
        matches = engine.similar_to_text(
            entry_text(entry.title, entry.summary, entry.description),
            k=CANDIDATES,
            scope=Scope.ALL,
            municipality=entry.municipality_id,
            exclude_ids=[entry.pk],
            min_score=PRESELECT,
            use_semantic=False,
        )
    return {int(match.id): (match.lexical, match.reasons) for match in matches if match.lexical >= PRESELECT}


def duplicates_of_entry(entry: Entry, *, visible: QuerySet[Entry] | None = None, limit: int = SHOWN) -> list[Duplicate]:
    """Other entries of the entry's municipality that look like copies of it (by its stored text)."""
    return duplicates_of_entries([entry], visible=visible, limit=limit).get(entry.pk, [])


def duplicates_of_entries(
    entries: Sequence[Entry], *, visible: QuerySet[Entry] | None = None, limit: int = PER_ROW
) -> dict[int, list[Duplicate]]:
    """Duplicates of several entries at once (a campaign's answers): entry id → its duplicates; one database
    query for all of them."""
    engine = get_engine()
    if not engine.size or not entries:
        return {}
    candidates = {entry.pk: _candidates_of_entry(engine, entry) for entry in entries}
    loaded = _load({pk for found in candidates.values() for pk in found}, visible)
    result = {}
    for entry in entries:
        found = _judge(
            engine,
            candidates[entry.pk],
            loaded,
            short=short_text(entry.title, entry.summary),
            has_description=bool(entry.description.strip()),
            limit=limit,
        )
        if found:
            result[entry.pk] = found
    return result


def duplicate_pairs(*, municipality: Any, limit: int = PAIRS_LIMIT) -> list[DuplicatePair]:
    """Candidate duplicate pairs among all entries of a municipality (every state), most alike first: for the
    team's "Dubletten" page. Each entry is asked for its nearest entries of the municipality; the pairs found
    are scored with :meth:`~.engine.BaseEngine.score_pairs`."""
    engine = get_engine()
    if not engine.size:
        return []
    municipality_id = int(getattr(municipality, "pk", municipality))
    ids = list(Entry.objects.filter(municipality_id=municipality_id).values_list("pk", flat=True))
    candidates: set[tuple[int, int]] = set()
    for pk in ids:
        if not engine.contains(pk):
            continue
        for match in engine.similar_to_entry(
            pk, k=PER_ROW, scope=Scope.ALL, municipality=municipality_id, min_score=0.0
        ):
            if match.lexical >= PRESELECT:
                other = int(match.id)
                candidates.add((min(pk, other), max(pk, other)))
    if not candidates:
        return []
    pair_list: list[tuple[Hashable, Hashable]] = sorted(candidates)
    scores = engine.score_pairs(pair_list)
    entries = Entry.objects.select_related("municipality").in_bulk({pk for pair in candidates for pk in pair})
    recheck = [
        score
        for score in scores
        if score.left in entries
        and score.right in entries
        and (entries[score.left].description.strip() or entries[score.right].description.strip())
    ]
    shorts = _short_scores(
        engine,
        [
            (
                short_text(entries[s.left].title, entries[s.left].summary),
                short_text(entries[s.right].title, entries[s.right].summary),
            )
            for s in recheck
        ],
    )
    short_of = {(s.left, s.right): float(value) for s, value in zip(recheck, shorts.tolist(), strict=True)}
    pairs = []
    for score in scores:
        if score.left not in entries or score.right not in entries:
            continue
        value = max(score.lexical, short_of.get((score.left, score.right), 0.0))
        if value >= THRESHOLD:
            pairs.append(DuplicatePair(entries[score.left], entries[score.right], round(value, 4), score.reasons))
    pairs.sort(key=lambda pair: (-pair.score, pair.left.pk, pair.right.pk))
    return pairs[:limit]


# --- Spreadsheet rows -----------------------------------------------------------------------------------------


def duplicates_in_rows(*, municipality: Municipality, rows: Sequence[RowText]) -> dict[int, list[dict[str, Any]]]:
    """The rows of a spreadsheet that look like copies of an existing entry of the municipality (other than the
    one the row updates) or of an earlier row of the same file: row number → up to :data:`PER_ROW` flags, each
    ``{"entry": id, "title", "url", "score"}`` or ``{"row": number, "title", "score"}``. Only the first
    :data:`IMPORT_ROWS_LIMIT` rows are checked. Matrix products over the index's vectors: no query per row."""
    engine = get_engine()
    model = engine.model
    rows = list(rows[:IMPORT_ROWS_LIMIT])
    if model is None or not engine.size or not rows:
        return {}
    share = model.word_share
    vectors = engine.vectors_for([entry_text(r.title, r.summary, r.description) for r in rows]).lexical(share)
    flags: dict[int, list[tuple[float, dict[str, Any]]]] = {}

    # against the municipality's entries
    existing = {
        pk: (title, slug, summary, description)
        for pk, title, slug, summary, description in Entry.objects.filter(municipality=municipality).values_list(
            "pk", "title", "slug", "summary", "description"
        )
    }
    keys, stored = engine.matrix(scope=Scope.ALL)
    positions = [position for position, key in enumerate(keys) if key in existing]
    if positions:
        entry_ids = [int(keys[position]) for position in positions]  # type: ignore[call-overload]
        others = stored.rows(positions).lexical(share)
        candidates: list[tuple[int, int, float]] = []  # (row index, entry index, full score)
        for start in range(0, len(rows), _CHUNK):
            block = (vectors[start : start + _CHUNK] @ others.T).toarray()
            for offset, row in enumerate(rows[start : start + _CHUNK]):
                line = block[offset]
                for column in _best(line, PRESELECT, CANDIDATES):
                    if entry_ids[column] != row.entry_id:
                        candidates.append((start + offset, column, float(line[column])))
        rechecks = [
            (index, column)
            for index, column, score in candidates
            if score < THRESHOLD and (rows[index].description.strip() or existing[entry_ids[column]][3].strip())
        ]
        shorts = _short_scores(
            engine,
            [
                (
                    short_text(rows[index].title, rows[index].summary),
                    short_text(existing[entry_ids[column]][0], existing[entry_ids[column]][2]),
                )
                for index, column in rechecks
            ],
        )
        short_of = dict(zip(rechecks, shorts.tolist(), strict=True))
        urls: dict[int, str] = {}
        for index, column, score in candidates:
            value = max(score, float(short_of.get((index, column), 0.0)))
            if value < THRESHOLD:
                continue
            pk = entry_ids[column]
            title, slug = existing[pk][0], existing[pk][1]
            url = urls.get(pk) or urls.setdefault(
                pk, reverse("inventory:entry", kwargs={"municipality": municipality.slug, "slug": slug})
            )
            flags.setdefault(rows[index].row, []).append(
                (value, {"entry": pk, "title": title, "url": url, "score": round(value, 4)})
            )

    # against earlier rows of the same file
    for start in range(0, len(rows), _CHUNK):
        end = min(start + _CHUNK, len(rows))
        block = (vectors[start:end] @ vectors[:end].T).toarray()
        for offset in range(end - start):
            index = start + offset
            line = block[offset, :index]
            for other in _best(line, THRESHOLD, PER_ROW):
                flags.setdefault(rows[index].row, []).append(
                    (
                        float(line[other]),
                        {"row": rows[other].row, "title": rows[other].title, "score": round(float(line[other]), 4)},
                    )
                )
    return {
        row: [flag for _score, flag in sorted(found, key=lambda item: -item[0])[:PER_ROW]]
        for row, found in sorted(flags.items())
    }

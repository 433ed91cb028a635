"""Writing the analysis index of the entries: the full rebuild and the incremental update (see docs/analysis.md).

* :func:`rebuild` reads every entry, fits the vocabulary anew (:class:`~.models.LexicalIndex`), writes every
  entry's lexical row and then embeds the texts that have no embedding yet (by content hash: a text embedded once
  is never embedded again, whichever entry it belongs to).
* :func:`update` brings given entries (or all) up to date with the current vocabulary: only entries whose text
  changed are analysed again, new words count through their character n-grams until the next rebuild. When the
  index has grown by more than :data:`REFIT_SHARE` since its vocabulary was fitted, it rebuilds instead.

Both tell the web processes with :func:`changed`; the processes load what changed (engine.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
import struct
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from smartstadt import text
from smartstadt.core import generations
from smartstadt.inventory.models import Entry
from smartstadt.regions.models import Municipality

from . import semantic
from .lexical import LexicalModel
from .models import EntryVector, LexicalIndex

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
STAGE_TEXTS = "texts"
STAGE_VOCABULARY = "vocabulary"
STAGE_VECTORS = "vectors"
STAGE_EMBEDDINGS = "embeddings"

BATCH_SIZE = 2000
EMBED_BATCH = 32
MAX_DESCRIPTION = 4000
# Refit the vocabulary when the number of entries has changed by this share since the last fit (and by at least
# REFIT_MIN entries).
REFIT_SHARE = 0.25
REFIT_MIN = 50
GENERATION = "analysis"  # see smartstadt/core/generations.py


# --- The text of an entry ----------------------------------------------------------------------------------

_MARKDOWN = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|https?://\S+|[#*_>`|~]+")


def plain(markdown: str) -> str:
    """Markdown as plain words: link texts kept, addresses and markup dropped."""
    return _MARKDOWN.sub(lambda match: match.group(1) or " ", markdown or "")


def entry_text(title: str, summary: str = "", description: str = "") -> str:
    """What the analysis reads of an entry: title, summary and the beginning of the description."""
    parts = [title or "", summary or "", plain(description)[:MAX_DESCRIPTION]]
    return "\n".join(part.strip() for part in parts if part and part.strip())


def content_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def stop_keys() -> frozenset[str]:
    """The words of the municipalities' names: they say where a project is, not what it is about."""
    return text.name_keys(Municipality.objects.values_list("name", flat=True))


# --- Rows as bytes -------------------------------------------------------------------------------------------

_HEADER = struct.Struct("<II")


def encode_row(terms: sp.csr_matrix, grams: sp.csr_matrix, row: int) -> bytes:
    """One row of both blocks: the numbers of entries, then column numbers (int32), then weights (float16)."""
    t0, t1 = terms.indptr[row], terms.indptr[row + 1]
    g0, g1 = grams.indptr[row], grams.indptr[row + 1]
    columns = np.concatenate([terms.indices[t0:t1], grams.indices[g0:g1]]).astype("<i4")
    weights = np.concatenate([terms.data[t0:t1], grams.data[g0:g1]]).astype("<f2")
    return _HEADER.pack(t1 - t0, g1 - g0) + columns.tobytes() + weights.tobytes()


def decode_rows(blobs: Sequence[bytes | memoryview], n_terms: int, n_grams: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The blocks of many rows written by :func:`encode_row`."""
    parts: dict[str, tuple[list[np.ndarray], list[np.ndarray], list[int]]] = {
        "terms": ([], [], [0]),
        "grams": ([], [], [0]),
    }
    for blob in blobs:
        data = bytes(blob)
        a, b = _HEADER.unpack_from(data)
        columns = np.frombuffer(data, dtype="<i4", count=a + b, offset=_HEADER.size)
        weights = np.frombuffer(data, dtype="<f2", count=a + b, offset=_HEADER.size + 4 * (a + b))
        for name, start, end in (("terms", 0, a), ("grams", a, a + b)):
            indices, values, indptr = parts[name]
            indices.append(columns[start:end])
            values.append(weights[start:end])
            indptr.append(indptr[-1] + end - start)

    def block(name: str, width: int) -> sp.csr_matrix:
        indices, values, indptr = parts[name]
        return sp.csr_matrix(
            (
                np.concatenate(values).astype(np.float32) if values else np.zeros(0, np.float32),
                np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(indptr) - 1, width),
        )

    return block("terms", n_terms), block("grams", n_grams)


# --- Change notices ---------------------------------------------------------------------------------------------


def generation() -> int | None:
    return generations.read(GENERATION)


def start_generation() -> int:
    """The generation number, set now if the cache has none (a new process, a cleared cache)."""
    return generations.ensure(GENERATION)


def changed() -> None:
    """Tell this process's engine (and, with Redis as the cache, every process's) that the index changed: now and
    again after the commit."""
    generations.bump(GENERATION)
    transaction.on_commit(lambda: generations.bump(GENERATION))


# --- Loading the fitted vocabulary ---------------------------------------------------------------------------

_models: dict[tuple[int, datetime], LexicalModel] = {}


def latest_index() -> LexicalIndex | None:
    return LexicalIndex.objects.order_by("-pk").defer("model").first()


def model_of(index: LexicalIndex) -> LexicalModel:
    """The fitted model of an index, read once per process."""
    key = (index.pk, index.created_at)
    model = _models.get(key)
    if model is None:
        data = LexicalIndex.objects.filter(pk=index.pk).values_list("model", flat=True).get()
        model = LexicalModel.from_bytes(bytes(data))
        _models.clear()
        _models[key] = model
    return model


# --- Writing ---------------------------------------------------------------------------------------------------


@dataclass
class IndexReport:
    entries: int = 0  # entries looked at
    written: int = 0  # lexical rows written
    embedded: int = 0  # texts embedded
    reused: int = 0  # embeddings copied from another entry with the same text
    removed: int = 0
    rebuilt: bool = False
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)


def _texts(ids: Iterable[int] | None = None) -> Iterator[tuple[int, str]]:
    entries = Entry.objects.order_by("pk")
    if ids is not None:
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), BATCH_SIZE):
            batch = entries.filter(pk__in=wanted[start : start + BATCH_SIZE])
            for pk, title, summary, description in batch.values_list("pk", "title", "summary", "description"):
                yield pk, entry_text(title, summary, description)
        return
    for pk, title, summary, description in entries.values_list("pk", "title", "summary", "description").iterator(
        chunk_size=BATCH_SIZE
    ):
        yield pk, entry_text(title, summary, description)


def _write_rows(
    index: LexicalIndex,
    model: LexicalModel,
    items: Sequence[tuple[int, str, list[text.Term]]],
    existing: dict[int, str],
    progress: Progress | None = None,
) -> int:
    """Write the lexical rows of ``(pk, text, terms)``; a changed text loses its embedding."""
    table = EntryVector._meta.db_table
    quote = connection.ops.quote_name
    update_same = (
        f"UPDATE {quote(table)} SET {quote('lexical_index_id')} = %s, {quote('lexical')} = %s, "  # noqa: S608
        f"{quote('updated_at')} = %s WHERE {quote('entry_id')} = %s"
    )
    update_changed = (
        f"UPDATE {quote(table)} SET {quote('lexical_index_id')} = %s, {quote('lexical')} = %s, "  # noqa: S608
        f"{quote('updated_at')} = %s, {quote('content_hash')} = %s, {quote('semantic')} = NULL, "
        f"{quote('semantic_model')} = '' WHERE {quote('entry_id')} = %s"
    )
    written = 0
    for start in range(0, len(items), BATCH_SIZE):
        batch = items[start : start + BATCH_SIZE]
        terms, grams = model.transform_blocks([terms for _pk, _text, terms in batch])
        now = timezone.now()
        same: list[tuple[Any, ...]] = []
        changed_text: list[tuple[Any, ...]] = []
        new: list[EntryVector] = []
        for row, (pk, value, _terms) in enumerate(batch):
            blob = encode_row(terms, grams, row)
            digest = content_hash(value)
            if pk not in existing:
                new.append(
                    EntryVector(entry_id=pk, content_hash=digest, lexical_index=index, lexical=blob, updated_at=now)
                )
            elif existing[pk] == digest:
                same.append((index.pk, blob, now, pk))
            else:
                changed_text.append((index.pk, blob, now, digest, pk))
        with connection.cursor() as cursor:
            if same:
                cursor.executemany(update_same, same)
            if changed_text:
                cursor.executemany(update_changed, changed_text)
        EntryVector.objects.bulk_create(new, batch_size=500)
        written += len(batch)
        if progress is not None:
            progress(STAGE_VECTORS, written, len(items))
    return written


def _analyse(entries: Sequence[tuple[int, str]], progress: Progress | None) -> list[tuple[int, str, list[text.Term]]]:
    stop = stop_keys()
    analysed: list[tuple[int, str, list[text.Term]]] = []
    with text.collector_paused():
        for number, (pk, value) in enumerate(entries, start=1):
            analysed.append((pk, value, text.terms(value, stop_keys=stop)))
            if progress is not None and (number % 1000 == 0 or number == len(entries)):
                progress(STAGE_TEXTS, number, len(entries))
    return analysed


def rebuild(*, progress: Progress | None = None, embed: bool = True) -> IndexReport:
    """Fit the vocabulary anew on every entry and write every entry's vectors (embeddings only where missing)."""
    report = IndexReport(rebuilt=True)
    started = time.perf_counter()
    entries = list(_texts())
    report.entries = len(entries)
    analysed = _analyse(entries, progress)
    report.stages["texts"] = time.perf_counter() - started
    mark = time.perf_counter()
    if progress is not None:
        progress(STAGE_VOCABULARY, 0, 1)
    with text.collector_paused():
        model = LexicalModel.fit([terms for _pk, _text, terms in analysed])
    if progress is not None:
        progress(STAGE_VOCABULARY, 1, 1)
    report.stages["vocabulary"] = time.perf_counter() - mark
    mark = time.perf_counter()
    with transaction.atomic():
        index = LexicalIndex.objects.create(documents=len(analysed), model=model.to_bytes())
        existing = dict(EntryVector.objects.values_list("entry_id", "content_hash"))
        report.written = _write_rows(index, model, analysed, existing, progress)
        # (rows of deleted entries do not exist: the key cascades)
        LexicalIndex.objects.exclude(pk=index.pk).delete()
        changed()
    report.stages["vectors"] = time.perf_counter() - mark
    if embed:
        mark = time.perf_counter()
        report.embedded, report.reused = embed_missing(progress=progress)
        report.stages["embeddings"] = time.perf_counter() - mark
    report.seconds = time.perf_counter() - started
    return report


def update(entry_ids: Iterable[int] | None = None, *, embed: bool = True) -> IndexReport:
    """Bring entries (all with ``None``) up to date; see the module. Entries that no longer exist are forgotten;
    every given entry counts as changed for the web processes (its publication state may have changed)."""
    index = latest_index()
    if index is None:
        return rebuild(embed=embed)
    ids = None if entry_ids is None else sorted(set(entry_ids))
    total = Entry.objects.count()
    if abs(total - index.documents) >= max(REFIT_MIN, REFIT_SHARE * index.documents):
        return rebuild(embed=embed)
    report = IndexReport()
    started = time.perf_counter()
    entries = list(_texts(ids))
    report.entries = len(entries)
    found = {pk for pk, _text in entries}
    vectors = EntryVector.objects.all() if ids is None else EntryVector.objects.filter(entry_id__in=ids)
    existing = {
        pk: (digest, index_id)
        for pk, digest, index_id in vectors.values_list("entry_id", "content_hash", "lexical_index_id")
    }
    stale = [
        (pk, value)
        for pk, value in entries
        if pk not in existing or existing[pk][0] != content_hash(value) or existing[pk][1] != index.pk
    ]
    with transaction.atomic():
        if stale:
            model = model_of(index)
            report.written = _write_rows(
                index, model, _analyse(stale, None), {pk: digest for pk, (digest, _index) in existing.items()}
            )
        gone = [pk for pk in existing if pk not in found] if ids is None else [pk for pk in ids if pk not in found]
        if gone:
            report.removed = EntryVector.objects.filter(entry_id__in=gone).delete()[0]
        if ids is not None:
            fresh = {pk for pk, _value in stale}
            EntryVector.objects.filter(entry_id__in=[pk for pk in found if pk not in fresh]).update(
                updated_at=timezone.now()
            )
        changed()
    if embed:
        report.embedded, report.reused = embed_missing(ids=[pk for pk, _value in stale] if ids is not None else None)
    report.seconds = time.perf_counter() - started
    return report


def remove(entry_ids: Iterable[int]) -> int:
    """Forget entries (deleting an entry deletes its vectors anyway: the key cascades)."""
    removed = EntryVector.objects.filter(entry_id__in=list(entry_ids)).delete()[0]
    changed()
    return removed


def embed_missing(*, ids: Iterable[int] | None = None, progress: Progress | None = None) -> tuple[int, int]:
    """Embed the texts of entries without an embedding of the current model; a text embedded before (another entry
    with the same text) is copied, not embedded again. Returns (texts embedded, rows filled by copying)."""
    if not semantic.available():
        return 0, 0
    model_id = semantic.model_id()
    missing = EntryVector.objects.filter(Q(semantic__isnull=True) | ~Q(semantic_model=model_id))
    if ids is not None:
        missing = missing.filter(entry_id__in=list(ids))
    by_hash: dict[str, int] = {}  # text → one entry with it
    rows_by_hash: dict[str, int] = {}  # text → how many entries without embedding have it
    for pk, digest in missing.values_list("entry_id", "content_hash").iterator(chunk_size=BATCH_SIZE):
        by_hash.setdefault(digest, pk)
        rows_by_hash[digest] = rows_by_hash.get(digest, 0) + 1
    if not by_hash:
        return 0, 0
    quote = connection.ops.quote_name
    fill = (
        f"UPDATE {quote(EntryVector._meta.db_table)} SET {quote('semantic')} = %s, "  # noqa: S608
        f"{quote('semantic_model')} = %s, {quote('updated_at')} = %s WHERE {quote('content_hash')} = %s AND "
        f"({quote('semantic')} IS NULL OR {quote('semantic_model')} <> %s)"
    )
    # texts embedded before, kept by another entry
    known: dict[str, bytes] = {}
    hashes = list(by_hash)
    for start in range(0, len(hashes), 500):
        done = EntryVector.objects.filter(
            content_hash__in=hashes[start : start + 500], semantic_model=model_id, semantic__isnull=False
        )
        for digest, vector in done.values_list("content_hash", "semantic"):
            if vector is not None:
                known.setdefault(digest, bytes(vector))
    if known:
        with transaction.atomic(), connection.cursor() as cursor:
            now = timezone.now()
            cursor.executemany(fill, [(vector, model_id, now, digest, model_id) for digest, vector in known.items()])
    todo = [digest for digest in hashes if digest not in known]
    texts = dict(_texts([by_hash[digest] for digest in todo]))
    todo = [digest for digest in todo if by_hash[digest] in texts]
    embedded = 0
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        vectors = semantic.embed_passages([texts[by_hash[digest]] for digest in batch])
        with transaction.atomic(), connection.cursor() as cursor:
            now = timezone.now()
            cursor.executemany(
                fill,
                [
                    (semantic.to_bytes(vector), model_id, now, digest, model_id)
                    for digest, vector in zip(batch, vectors, strict=True)
                ],
            )
            changed()
        embedded += len(batch)
        if progress is not None:
            progress(STAGE_EMBEDDINGS, embedded, len(todo))
    changed()
    reused = sum(count for digest, count in rows_by_hash.items() if digest in known)
    reused += sum(rows_by_hash[digest] - 1 for digest in todo)
    return embedded, reused

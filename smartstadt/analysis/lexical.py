"""The lexical layer: TF-IDF over the terms of a text (lemmas, compound parts) and over their character n-grams.

Two blocks of features, each weighted with sublinear term frequency × inverse document frequency and normalised
to length 1, then joined so that the cosine of two texts is

    WORD_SHARE · cosine(terms) + (1 − WORD_SHARE) · cosine(character n-grams)

* **Terms** (:mod:`.text`): "Ladesäulen" and "Ladesäule" are one term, "Quartiersbüro" shares "Quartier" with
  "Quartiersmanagement". They make the reasons a person reads ("Gemeinsam: Quartier, Beteiligung").
* **Character 4-grams** of each term's key, padded with a space at both ends (scikit-learn's ``char_wb`` over the
  lemmatised text): they catch what the lemmatiser and the splitter miss, such as "Mobilitätsstation" and
  "Mobilstation", or "E-Scooter" and "Scooter-Sharing". N-grams in a single document or in more than half of them
  are left out: they cannot link two documents, or they link all of them. 4-grams alone rank the demo entries as
  well as 3- to 5-grams together (docs/analysis.md) with a third of the entries in the matrix.

The n-grams of a document are the sum of its terms' n-grams, so they are computed once per distinct term and added
up with a sparse matrix product instead of being cut out of every text again: fitting 100,000 entries takes seconds,
not minutes. A fitted :class:`LexicalModel` turns any text into a row of the same space (terms it has not seen count
through their n-grams only) until the next full rebuild fits the vocabulary anew.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from smartstadt.text import Term

WORD_SHARE = 0.6
NGRAM_RANGE = (4, 4)
MIN_GRAM_DOCUMENTS = 2
MAX_GRAM_SHARE = 0.5
MAX_GRAMS = 300_000
FORMAT_VERSION = 1


def grams_of(key: str) -> list[str]:
    """The character n-grams of one term's key, as ``char_wb`` cuts them (" lad", "lade", "ladesa" …)."""
    padded = f" {key} "
    low, high = NGRAM_RANGE
    found: list[str] = []
    for size in range(low, high + 1):
        if len(padded) < size:
            break
        found.extend(padded[start : start + size] for start in range(len(padded) - size + 1))
    return found


def _counts(
    documents: Sequence[Sequence[Term]], *, count_labels: bool = False
) -> tuple[sp.csr_matrix, list[str], dict[str, str]]:
    """The documents' term counts over the terms they use (documents × local terms), those terms' keys, and the
    label of each key: the first one seen, or with ``count_labels`` the most frequent ("Bürgerbeteiligung" over
    "Buergerbeteiligung")."""
    local: dict[str, int] = {}
    labels: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    indptr = [0]
    indices: list[int] = []
    for document in documents:
        for term in document:
            position = local.get(term.key)
            if position is None:
                position = local[term.key] = len(local)
                labels[term.key] = term.label
            indices.append(position)
            if count_labels:
                seen[term] = seen.get(term, 0) + 1
        indptr.append(len(indices))
    if count_labels:
        best: dict[str, int] = {}
        for (key, label), count in seen.items():
            if count > best.get(key, 0):
                best[key] = count
                labels[key] = label
    data = np.ones(len(indices), dtype=np.float32)
    matrix = sp.csr_matrix(
        (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(documents), len(local)),
    )
    matrix.sum_duplicates()
    return matrix, list(local), labels


def _weighted(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear term frequency × idf, each row normalised to length 1."""
    if counts.shape[1] == 0:  # e.g. every n-gram is in more than half of a tiny corpus
        return sp.csr_matrix(counts.shape, dtype=np.float32)
    weighted = counts.astype(np.float32, copy=True)
    np.log(weighted.data, out=weighted.data)
    weighted.data += 1
    weighted = weighted.multiply(idf.reshape(1, -1)).tocsr()
    return normalize(weighted, norm="l2", copy=False).astype(np.float32)


def _idf(document_frequency: np.ndarray, documents: int) -> np.ndarray:
    """Smoothed idf as scikit-learn's TfidfTransformer computes it: ln((1 + n) / (1 + df)) + 1."""
    return (np.log((1 + documents) / (1 + document_frequency.astype(np.float64))) + 1).astype(np.float32)


def _selector(columns: np.ndarray, size: int) -> sp.csr_matrix:
    """A 0/1 matrix mapping local columns to global ones (``columns[i]`` = global column of local i, or -1)."""
    known = np.flatnonzero(columns >= 0)
    return sp.csr_matrix(
        (np.ones(len(known), dtype=np.float32), (known, columns[known])), shape=(len(columns), size), dtype=np.float32
    )


@dataclass
class LexicalModel:
    """A fitted vocabulary of terms and n-grams with their idf; transforms term lists into rows."""

    terms: list[str]  # word column → key
    labels: list[str]  # word column → label, as it was first seen
    term_idf: np.ndarray
    grams: list[str]  # n-gram column → n-gram
    gram_idf: np.ndarray
    documents: int
    word_share: float = WORD_SHARE
    term_index: dict[str, int] = field(init=False, repr=False)
    gram_index: dict[str, int] = field(init=False, repr=False)
    _gram_columns: dict[str, np.ndarray] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.term_index = {key: column for column, key in enumerate(self.terms)}
        self.gram_index = {gram: column for column, gram in enumerate(self.grams)}

    @property
    def n_terms(self) -> int:
        return len(self.terms)

    @property
    def n_features(self) -> int:
        return len(self.terms) + len(self.grams)

    # --- Fitting and transforming ------------------------------------------------------------------

    @classmethod
    def fit(cls, documents: Sequence[Sequence[Term]], *, word_share: float = WORD_SHARE) -> LexicalModel:
        """Learn the vocabulary and idf of a corpus (term lists from :func:`.text.terms`)."""
        counts, keys, labels = _counts(documents, count_labels=True)
        n = len(documents)
        term_df = np.bincount(counts.indices, minlength=len(keys))
        # every n-gram of every term, then only those that can link documents without linking all of them
        all_grams: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for row, key in enumerate(keys):
            for gram in grams_of(key):
                rows.append(row)
                cols.append(all_grams.setdefault(gram, len(all_grams)))
        key_grams = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(keys), len(all_grams)), dtype=np.float32
        )
        gram_counts = (counts @ key_grams).tocsr()
        gram_df = np.bincount(gram_counts.indices, minlength=len(all_grams))
        keep = (gram_df >= MIN_GRAM_DOCUMENTS) & (gram_df <= max(MIN_GRAM_DOCUMENTS, MAX_GRAM_SHARE * n))
        kept = np.flatnonzero(keep)
        if len(kept) > MAX_GRAMS:
            kept = np.sort(kept[np.argsort(-gram_df[kept], kind="stable")[:MAX_GRAMS]])
        gram_names = list(all_grams)
        return cls(
            terms=keys,
            labels=[labels[key] for key in keys],
            term_idf=_idf(term_df, n),
            grams=[gram_names[column] for column in kept],
            gram_idf=_idf(gram_df[kept], n),
            documents=n,
            word_share=word_share,
        )

    def _gram_columns_of(self, key: str) -> np.ndarray:
        columns = self._gram_columns.get(key)
        if columns is None:
            found = [self.gram_index.get(gram, -1) for gram in grams_of(key)]
            columns = np.asarray([column for column in found if column >= 0], dtype=np.int32)
            if len(self._gram_columns) < 500_000:
                self._gram_columns[key] = columns
        return columns

    def transform_blocks(self, documents: Sequence[Sequence[Term]]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The two blocks of rows for documents: terms (documents × terms) and n-grams (documents × n-grams),
        each row of each block of length 1 (or empty)."""
        counts, keys, _labels = _counts(documents)
        to_term = np.asarray([self.term_index.get(key, -1) for key in keys], dtype=np.int64)
        term_counts = (counts @ _selector(to_term, self.n_terms)).tocsr()
        rows: list[int] = []
        cols: list[np.ndarray] = []
        for row, key in enumerate(keys):
            columns = self._gram_columns_of(key)
            rows.extend([row] * len(columns))
            cols.append(columns)
        gram_columns = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32)
        key_grams = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (np.asarray(rows, dtype=np.int64), gram_columns)),
            shape=(len(keys), len(self.grams)),
            dtype=np.float32,
        )
        gram_counts = (counts @ key_grams).tocsr()
        return _weighted(term_counts, self.term_idf), _weighted(gram_counts, self.gram_idf)

    def transform(self, documents: Sequence[Sequence[Term]]) -> sp.csr_matrix:
        """Rows of length 1 whose dot product is the weighted cosine of the two blocks (see the module)."""
        terms, grams = self.transform_blocks(documents)
        joined = sp.hstack(
            [terms * math.sqrt(self.word_share), grams * math.sqrt(1 - self.word_share)], format="csr"
        ).astype(np.float32)
        return normalize(joined, norm="l2", copy=False)

    def term_weights(self, row: Any) -> dict[int, float]:
        """The term columns of a (joined) row with their weights."""
        row = row.tocsr() if sp.issparse(row) else sp.csr_matrix(row)
        start, end = row.indptr[0], row.indptr[1]
        columns, values = row.indices[start:end], row.data[start:end]
        mask = columns < self.n_terms
        return dict(zip(columns[mask].tolist(), values[mask].tolist(), strict=True))

    # --- Storage ---------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        header = {
            "format": FORMAT_VERSION,
            "documents": self.documents,
            "word_share": self.word_share,
            "terms": self.terms,
            "labels": self.labels,
            "grams": self.grams,
        }
        np.savez_compressed(
            buffer,
            header=np.frombuffer(json.dumps(header, ensure_ascii=False).encode(), dtype=np.uint8),
            term_idf=self.term_idf,
            gram_idf=self.gram_idf,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LexicalModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            header = json.loads(arrays["header"].tobytes().decode())
            if header.get("format") != FORMAT_VERSION:
                raise ValueError(f"unknown lexical model format {header.get('format')!r}")
            return cls(
                terms=header["terms"],
                labels=header["labels"],
                term_idf=arrays["term_idf"].astype(np.float32),
                grams=header["grams"],
                gram_idf=arrays["gram_idf"].astype(np.float32),
                documents=int(header["documents"]),
                word_share=float(header["word_share"]),
            )

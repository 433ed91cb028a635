"""The search's tokens: Snowball stems in plain ASCII, for documents and for queries.

A text becomes a list of tokens: words are lowercased, stop words dropped, each word stemmed with the Snowball
German stemmer (which folds ä/ae → a, ö/oe → o, ü/ue → u and ß → ss, so "Bürger" and "Buerger" meet), and
compound words are split (:mod:`.compounds`), so "Ladesäulen" also yields "lad" and "saul". Tokens are plain
ASCII ``[a-z0-9]+``: safe in FTS5 and tsquery syntax without escaping, and the same on SQLite and PostgreSQL.

In documents only capitalised words are split (nouns, where German compounds live; verbs such as "angedacht"
would give nonsense parts). In queries every word is split: people type in lower case.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from dataclasses import dataclass, field

import snowballstemmer

from .compounds import MAX_SPLIT_DEPTH, MIN_HEAD_LENGTH, compound_parts
from .words import words

_per_thread = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    """A stemmer of this thread's own: a Snowball stemmer keeps the word it works on in itself, so one shared by
    the server's threads mixes their words up (wrong stems, IndexError)."""
    stemmer: snowballstemmer.stemmer | None = getattr(_per_thread, "stemmer", None)
    if stemmer is None:
        stemmer = _per_thread.stemmer = snowballstemmer.stemmer("german")
    return stemmer


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char) and char.isascii())


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lowercased word, as plain ASCII ("Ladesäulen" → "ladesaul", "Buerger" → "burg")."""
    return _ascii(_stemmer().stemWord(word))


def part_stems(word: str, *, nested: bool = True) -> list[str]:
    """Stems of a word's compound parts (without the stem of the whole word); ``nested=False``: first split only."""
    whole = stem(word.lower())
    result: list[str] = []
    for part in compound_parts(word.lower(), 0 if nested else MAX_SPLIT_DEPTH - 1):
        part_stem = stem(part)
        if len(part_stem) >= MIN_HEAD_LENGTH and part_stem != whole and part_stem not in result:
            result.append(part_stem)
    return result


def document_tokens(*texts: str) -> list[str]:
    """The tokens a document is found by: stems of its words and of the parts of its capitalised compounds."""
    tokens: dict[str, None] = {}
    for text in texts:
        for word in words(text or ""):
            token = stem(word.lower())
            if len(token) > 1:
                tokens[token] = None
            if word[0].isupper():
                for part in part_stems(word):
                    tokens[part] = None
    return list(tokens)


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: it matches its whole stem or, ranked lower, one of its compound parts."""

    text: str
    stem: str
    parts: tuple[str, ...] = field(default=())

    @property
    def tokens(self) -> tuple[str, ...]:
        return (self.stem, *self.parts)


def query_words(query: str) -> list[QueryWord]:
    """The words of a search query; every one of them must match (AND).

    Only a word's first split counts here ("Ladeinfrastruktur" → "Lade", "Infrastruktur", not also "Infra"):
    the nested parts would find too much. Documents keep their nested parts, so "Wasser" finds
    "Regenwassermanagement".
    """
    result: list[QueryWord] = []
    seen: set[str] = set()
    for word in words(query):
        token = stem(word.lower())
        if len(token) < 2 or token in seen:
            continue
        seen.add(token)
        result.append(QueryWord(text=word, stem=token, parts=tuple(part_stems(word, nested=False))))
    return result

"""The analysis's terms: lemmas, compound parts, no stop words and no generic words.

A text becomes a list of :class:`Term` (with repetitions, so term frequencies count):

* every word (:data:`.words.WORD`) that is not a stop word becomes its lemma (simplemma: "Ladesäulen" →
  "Ladesäule", "digitalen" → "digital");
* the parts of a compound noun are added as terms of their own, lemmatised too ("Quartiersbüros" → "Quartier",
  "Büro"): the splitter of :mod:`.compounds`, the same the full-text search uses. In documents only capitalised
  words (nouns) are split; a free-text query splits every word (people type in lower case);
* a term's key is its lemma folded (:func:`.words.fold`: "Bürger" and "Buerger" → "buerger"), its label the
  lemma as written ("Bürger"): keys are what vectors are made of, labels what a person reads ("Gemeinsam:
  Beteiligung, Quartier").

Everything here is a pure function of the text, cached per word: the same word costs one dictionary look-up the
second time, which makes indexing 100,000 entries a matter of seconds.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import simplemma

from .compounds import MIN_COMPOUND_LENGTH, lemma_parts
from .words import STOP_WORDS, WORD, fold, is_stop_key

MIN_WORD_LENGTH = 2
MIN_PART_LENGTH = 4

# simplemma's lemma is wrong for some words common in this domain ("Daten" is data, not the plural of "Datum").
LEMMA_OVERRIDES = {"daten": "Daten", "medien": "Medien"}


class Term(NamedTuple):
    """A term of a text: ``key`` for vectors, ``label`` for people."""

    key: str
    label: str


@functools.lru_cache(maxsize=400_000)
def lemma(word: str) -> str:
    """The lemma of a word as simplemma gives it, in its usual case ("Ladesäulen" → "Ladesäule")."""
    lower = word.lower()
    override = LEMMA_OVERRIDES.get(lower)
    if override is not None:
        return override
    if lower.endswith("daten"):  # "Verkehrsdaten", not "Verkehrsdatum"
        return word
    found = simplemma.lemmatize(word, lang="de")
    return str(found) if found else word


def _part_lemma(part: str) -> str:
    """The lemma of a compound's part, a noun: "Säulen" → "Säule", "Quartiers" → "Quartier" (without the linking
    s of "Quartiersbüro")."""
    noun = part[:1].upper() + part[1:]
    found = lemma(noun)
    if found == noun and noun.endswith("s") and simplemma.is_known(noun[:-1], lang="de"):
        return noun[:-1]
    return found


@functools.lru_cache(maxsize=400_000)
def word_terms(word: str, split: bool) -> tuple[Term, ...]:
    """The terms of one word: its lemma and, where ``split`` and it is a compound noun, the lemmas of its parts.

    ``split`` is set for capitalised words of documents and for every word of a query; a capitalised word is
    split only when its lemma is a noun too ("Interaktives" at the start of a sentence is an adjective).
    """
    if len(word) < MIN_WORD_LENGTH or word.isdigit() or word.lower() in STOP_WORDS:
        return ()
    label = lemma(word)
    key = fold(label)
    if is_stop_key(key) or is_stop_key(fold(word)):
        return ()
    found = [Term(key, label)]
    noun = label[:1].isupper()
    if split and word.islower():
        # typed in lower case: also the noun's lemma ("quartier" → "Quartier", not the verb "quartieren")
        capitalised = word[:1].upper() + word[1:]
        if simplemma.is_known(capitalised, lang="de"):
            noun_label = lemma(capitalised)
            if fold(noun_label) != key and not is_stop_key(fold(noun_label)):
                found.append(Term(fold(noun_label), noun_label))
            noun = True
    if split and noun and len(word) >= MIN_COMPOUND_LENGTH and word.isalpha():
        for part in lemma_parts(word):
            part_label = _part_lemma(part)
            part_key = fold(part_label)
            if len(part_key) >= MIN_PART_LENGTH and part_key != key and not is_stop_key(part_key):
                found.append(Term(part_key, part_label))
    return tuple(dict.fromkeys(found))


# The terms of a word without the caller's stop keys, per set of stop keys: a text's words are mostly known ones,
# and one dictionary look-up per word is what makes analysing 100,000 texts take seconds.
_FILTERED: dict[frozenset[str], dict[tuple[str, bool], tuple[Term, ...]]] = {}
MAX_FILTERED_WORDS = 400_000


def terms(text: str, *, split_all: bool = False, stop_keys: Iterable[str] = ()) -> list[Term]:
    """The terms of a text in order, repeated as often as they occur.

    ``split_all``: split every long word into its parts, not only capitalised ones (for queries typed in lower
    case). ``stop_keys``: keys to leave out besides the stop words (e.g. the names of the municipalities, which
    say where a project is, not what it is about).
    """
    stop = frozenset(stop_keys)
    known = _FILTERED.get(stop)
    if known is None:
        if len(_FILTERED) >= 8:
            _FILTERED.clear()
        known = _FILTERED[stop] = {}
    elif len(known) >= MAX_FILTERED_WORDS:
        known.clear()
    found: list[Term] = []
    for word in WORD.findall(text or ""):
        split = split_all or word[:1].isupper()
        word_found = known.get((word, split))
        if word_found is None:
            word_found = known[(word, split)] = tuple(term for term in word_terms(word, split) if term.key not in stop)
        found.extend(word_found)
    return found


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of small tuples (terms) are made: none of them forms
    a cycle, but each generation-2 collection walks all of them again (a quarter of the time at 100,000 texts)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def name_keys(names: Iterable[str]) -> frozenset[str]:
    """The keys of the words of names (of municipalities), to leave out of the terms of texts."""
    keys: set[str] = set()
    for name in names:
        for word in WORD.findall(name or ""):
            if len(word) >= 3 and word.lower() not in STOP_WORDS:
                keys.add(fold(word))
                keys.add(fold(lemma(word)))
    return frozenset(keys)

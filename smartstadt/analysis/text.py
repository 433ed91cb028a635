"""German text as terms for the lexical layer: lemmas, compound parts, no stop words.

A text becomes a list of :class:`Term` (with repetitions, so term frequencies count):

* every word (letters and digits, hyphens split: "Smart-City-Strategie" → Smart, City, Strategie) that is not a
  stop word becomes its lemma (simplemma: "Ladesäulen" → "Ladesäule", "digitalen" → "digital");
* the parts of a compound noun are added as terms of their own, lemmatised too ("Quartiersbüros" → "Quartier",
  "Büro"): CharSplit from :mod:`smartstadt.inventory.german`, the same splitter the full-text search uses. In
  documents only capitalised words (nouns) are split; a free-text query splits every word (people type in lower
  case);
* a term's key is its lemma folded to lower case with umlauts spelled out ("Bürger" and "Buerger" → "buerger"),
  its label the lemma as written ("Bürger"): keys are what vectors are made of, labels what a person reads
  ("Gemeinsam: Beteiligung, Quartier").

Everything here is a pure function of the text, cached per word: the same word costs one dictionary look-up the
second time, which makes indexing 100,000 entries a matter of seconds.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import simplemma
from charsplit_fst import Splitter

from smartstadt.inventory import german

WORD = re.compile(r"[^\W_]+")
MIN_WORD_LENGTH = 2
MIN_PART_LENGTH = 4
# A compound's parts are split again only when they are long ("Regenwasser" → "Regen", "Wasser"); shorter ones
# give nonsense ("Plattform" → "Platt", "Form").
NESTED_SPLIT_LENGTH = 10

# Words that say nothing about what a project is about: they are in every other entry of a smart-city inventory
# ("Projekt", "Stadt", "smart"), or they are the grammar of project descriptions ("sollen", "ermöglichen").
DOMAIN_STOP_WORDS = frozenset(
    [
        "projekt",
        "projekte",
        "vorhaben",
        "maßnahme",
        "massnahme",
        "stadt",
        "städte",
        "staedte",
        "kommune",
        "kommunen",
        "gemeinde",
        "kommunal",
        "kommunale",
        "smart",
        "smarte",
        "smarten",
        "city",
        "cities",
        "sowie",
        "dabei",
        "dafür",
        "dafuer",
        "zudem",
        "u.a",
        "ua",
        "bzw",
        "z.b",
        "zb",
        "etc",
        "sollen",
        "soll",
        "werden",
        "wurde",
        "wurden",
        "worden",
        "ermöglichen",
        "ermoeglichen",
        "ermöglicht",
        "ermoeglicht",
        "bieten",
        "bietet",
        "neue",
        "neuer",
        "neuen",
        "neues",
        "neu",
        "ziel",
        "ziele",
        "rahmen",
        "bereich",
        "bereiche",
        "beispiel",
        "ebenso",
        "sodass",
        "damit",
        "mehr",
        "weitere",
        "weiteren",
        "erste",
        "ersten",
        "gibt",
        "geben",
        "künftig",
        "kuenftig",
        "teil",
        "teile",
        "sein",
        "ups",
        "co",
    ]
)

# simplemma's lemma is wrong for some words common in this domain ("Daten" is data, not the plural of "Datum").
LEMMA_OVERRIDES = {"daten": "Daten", "medien": "Medien"}
# Latin and Greek prefixes that CharSplit takes for the first part of a compound ("Inter|aktiv", "Multi|funktional").
PREFIXES = frozenset(
    [
        "inter",
        "multi",
        "mega",
        "super",
        "anti",
        "hyper",
        "mikro",
        "micro",
        "makro",
        "macro",
        "mono",
        "poly",
        "auto",
        "tele",
    ]
)

_SPELLED = re.compile(r"ae|oe|ue|ss", re.IGNORECASE)
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


class Term(NamedTuple):
    """A term of a text: ``key`` for vectors, ``label`` for people."""

    key: str
    label: str


def fold(word: str) -> str:
    """The key of a word: lower case, umlauts spelled out, other accents dropped ("Bürger" → "buerger",
    "Café" → "cafe")."""
    spelled = word.lower().translate(_SPELLED_OUT)
    if spelled.isascii():
        return spelled
    decomposed = unicodedata.normalize("NFKD", spelled)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_STOP_KEYS = frozenset(fold(word) for word in german.STOP_WORDS | DOMAIN_STOP_WORDS)


def is_stop_key(key: str) -> bool:
    return key in _STOP_KEYS


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


@functools.cache
def _splitter() -> Splitter:
    return Splitter()


def _split(word: str) -> tuple[str, str] | None:
    """The two parts of a compound, or None: CharSplit's best split, when it is fairly sure and both parts are
    words of their own ("Chan|cen" and "Inter|aktiv" are not compounds)."""
    splits = _splitter().split_compound(word)
    if not splits:
        return None
    score, head, tail = splits[0]
    if score < german.SPLIT_THRESHOLD or min(len(head), len(tail)) < MIN_PART_LENGTH:
        return None
    if head.lower() in PREFIXES:
        return None
    return head.lower(), tail.lower()


def _parts(word: str) -> list[str]:
    """A compound's parts (the long ones split once more), lower case, as they are written in the word."""
    split = _split(word.lower())
    if split is None:
        # "Buergerbeteiligung": the search's splitter also tries the word with umlauts
        return list(german.compound_parts(word.lower(), german.MAX_SPLIT_DEPTH - 1)) if _SPELLED.search(word) else []
    parts: list[str] = []
    for part in split:
        parts.append(part)
        if len(part) >= NESTED_SPLIT_LENGTH:
            parts.extend(_split(part) or ())
    return parts


@functools.lru_cache(maxsize=400_000)
def word_terms(word: str, split: bool) -> tuple[Term, ...]:
    """The terms of one word: its lemma and, where ``split`` and it is a compound noun, the lemmas of its parts.

    ``split`` is set for capitalised words of documents and for every word of a query; a capitalised word is
    split only when its lemma is a noun too ("Interaktives" at the start of a sentence is an adjective).
    """
    if len(word) < MIN_WORD_LENGTH or word.isdigit() or word.lower() in german.STOP_WORDS:
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
    if split and noun and len(word) >= german.MIN_COMPOUND_LENGTH and word.isalpha():
        for part in _parts(word):
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
            if len(word) >= 3 and word.lower() not in german.STOP_WORDS:
                keys.add(fold(word))
                keys.add(fold(lemma(word)))
    return frozenset(keys)

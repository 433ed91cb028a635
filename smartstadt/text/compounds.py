"""German compound words split into their parts with CharSplit (``charsplit-fst``: character n-gram
probabilities learned from German text), with the thresholds that keep its splits sensible.

The search and the analysis split the same way and share one splitter: :func:`compound_parts` for the search's
tokens (nested parts included, the word also tried with its umlauts spelled out and back), :func:`lemma_parts`
for the analysis's terms (which then lemmatises each part).
"""

from __future__ import annotations

import functools
import re

from charsplit_fst import Splitter

from .words import SPELLED_OUT, STOP_WORDS

# Split only when CharSplit is fairly sure (e.g. "Lade|säule" 0.66, "Digi|taler" 0.39, "Ober|hausen" 0.41).
SPLIT_THRESHOLD = 0.5
MIN_COMPOUND_LENGTH = 7  # shorter words are not split
MIN_PART_LENGTH = 4  # parts of fewer letters ("Amt", "Bau") are too ambiguous to search by
MIN_HEAD_LENGTH = 3  # a split whose other side is shorter is a prefix, not a compound ("Ab|bau")
MAX_SPLIT_DEPTH = 2  # "Regenwassermanagement" → "Regenwasser", "Management" → "Regen", "Wasser"
# For the analysis, a compound's parts are split again only when they are long ("Regenwasser" → "Regen",
# "Wasser"); shorter ones give nonsense ("Plattform" → "Platt", "Form").
NESTED_SPLIT_LENGTH = 10

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


@functools.cache
def _splitter() -> Splitter:
    return Splitter()


_UMLAUT_SPELLING = re.compile(r"(?<![aeq])(ae|oe|ue)")
_UMLAUTS = {"ae": "ä", "oe": "ö", "ue": "ü"}
_SPELLED = re.compile(r"ae|oe|ue|ss", re.IGNORECASE)


def _with_umlauts(word: str) -> str:
    """ "buergerbeteiligung" → "bürgerbeteiligung" (not after a, e or q: "bauer", "steuer", "quelle")."""
    return _UMLAUT_SPELLING.sub(lambda match: _UMLAUTS[match.group(1)], word)


def _best_split(word: str) -> tuple[float, str, str] | None:
    """The best split of the word spelled out ("muelheim") or with umlauts ("mülheim"): "Mülheim" and "Muelheim"
    get the same candidates, so the same parts."""
    spelled = word.translate(SPELLED_OUT)
    candidates = list(dict.fromkeys([spelled, _with_umlauts(spelled)]))
    best: tuple[float, str, str] | None = None
    for candidate in candidates:
        splits = _splitter().split_compound(candidate)
        if splits and (best is None or splits[0][0] > best[0]):
            score, head, tail = splits[0]
            best = (float(score), head.lower(), tail.lower())
    return best


@functools.lru_cache(maxsize=200_000)
def compound_parts(word: str, depth: int = 0) -> tuple[str, ...]:
    """The parts of a lowercased compound word, nested parts included ("ladesäulen" → ("lade", "säulen"))."""
    if len(word) < MIN_COMPOUND_LENGTH or depth >= MAX_SPLIT_DEPTH or not word.isalpha():
        return ()
    split = _best_split(word)
    if split is None or split[0] < SPLIT_THRESHOLD:
        return ()
    _score, first, second = split
    if min(len(first), len(second)) < MIN_HEAD_LENGTH:
        return ()
    parts: list[str] = []
    for part in (first, second):
        if len(part) >= MIN_PART_LENGTH and part not in STOP_WORDS:
            parts.append(part)
            parts.extend(compound_parts(part, depth + 1))
    return tuple(parts)


def _split(word: str) -> tuple[str, str] | None:
    """The two parts of a compound, or None: CharSplit's best split, when it is fairly sure and both parts are
    words of their own ("Chan|cen" and "Inter|aktiv" are not compounds)."""
    splits = _splitter().split_compound(word)
    if not splits:
        return None
    score, head, tail = splits[0]
    if score < SPLIT_THRESHOLD or min(len(head), len(tail)) < MIN_PART_LENGTH:
        return None
    if head.lower() in PREFIXES:
        return None
    return head.lower(), tail.lower()


def lemma_parts(word: str) -> list[str]:
    """A compound's parts for lemmatising (the long ones split once more), lower case, as they are written in the
    word ("Quartiersbüros" → "quartiers", "büros")."""
    split = _split(word.lower())
    if split is None:
        # "Buergerbeteiligung": also try the word with umlauts, as the search's splitting does
        return list(compound_parts(word.lower(), MAX_SPLIT_DEPTH - 1)) if _SPELLED.search(word) else []
    parts: list[str] = []
    for part in split:
        parts.append(part)
        if len(part) >= NESTED_SPLIT_LENGTH:
            parts.extend(_split(part) or ())
    return parts

"""German text analysis for the search index, done in Python so SQLite and PostgreSQL index the same tokens.

A text becomes a list of tokens: words are lowercased, stop words dropped, each word stemmed with the Snowball
German stemmer (which folds ä/ae → a, ö/oe → o, ü/ue → u and ß → ss, so "Bürger" and "Buerger" meet), and
compound words are split with CharSplit (``charsplit-fst``: character n-gram probabilities learned from German
text), so "Ladesäulen" also yields "lad" and "saul". Tokens are plain ASCII ``[a-z0-9]+``: safe in FTS5 and
tsquery syntax without escaping.

In documents only capitalised words are split (nouns, where German compounds live; verbs such as "angedacht"
would give nonsense parts). In queries every word is split: people type in lower case.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass, field

import snowballstemmer
from charsplit_fst import Splitter

WORD = re.compile(r"[^\W_]+")
# Split only when CharSplit is fairly sure (e.g. "Lade|säule" 0.66, "Digi|taler" 0.39, "Ober|hausen" 0.41).
SPLIT_THRESHOLD = 0.5
MIN_COMPOUND_LENGTH = 7  # shorter words are not split
MIN_PART_LENGTH = 4  # parts of fewer letters ("Amt", "Bau") are too ambiguous to search by
MIN_HEAD_LENGTH = 3  # a split whose other side is shorter is a prefix, not a compound ("Ab|bau")
MAX_SPLIT_DEPTH = 2  # "Regenwassermanagement" → "Regenwasser", "Management" → "Regen", "Wasser"

_STOP_WORD_TEXT = """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf aus bei
    beim bin bis bist da damit dann das dass dem den denn der des dessen die dies diese diesem diesen dieser dieses
    doch dort du durch ein eine einem einen einer eines einige einigem einigen einiger einiges er es etwa etwas
    euch euer für gegen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren
    ihrer ihres im in ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes kann kein keine keinem
    keinen keiner keines können könnte man manche manchem manchen mancher manches mein meine mit muss musste nach
    nicht nichts noch nun nur ob oder ohne per seid sein seine seinem seinen seiner seines selbst sich sie sind so
    solche solchem solchen solcher solches sollen soll sollte sondern sowie über um und uns unser unsere unter
    viel vom von vor während war waren warst was weg weil weiter welche welchem welchen welcher welches wenn wer
    werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen
    a an and as at by for from in of on or the to with
    innen
"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())


_per_thread = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    """A stemmer of this thread's own: a Snowball stemmer keeps the word it works on in itself, so one shared by
    the server's threads mixes their words up (wrong stems, IndexError)."""
    stemmer: snowballstemmer.stemmer | None = getattr(_per_thread, "stemmer", None)
    if stemmer is None:
        stemmer = _per_thread.stemmer = snowballstemmer.stemmer("german")
    return stemmer


@functools.cache
def _splitter() -> Splitter:
    return Splitter()


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char) and char.isascii())


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lowercased word, as plain ASCII ("Ladesäulen" → "ladesaul", "Buerger" → "burg")."""
    return _ascii(_stemmer().stemWord(word))


_UMLAUT_SPELLING = re.compile(r"(?<![aeq])(ae|oe|ue)")
_UMLAUTS = {"ae": "ä", "oe": "ö", "ue": "ü"}


def _with_umlauts(word: str) -> str:
    """ "buergerbeteiligung" → "bürgerbeteiligung" (not after a, e or q: "bauer", "steuer", "quelle")."""
    return _UMLAUT_SPELLING.sub(lambda match: _UMLAUTS[match.group(1)], word)


_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _best_split(word: str) -> tuple[float, str, str] | None:
    """The best split of the word spelled out ("muelheim") or with umlauts ("mülheim"): "Mülheim" and "Muelheim"
    get the same candidates, so the same parts."""
    spelled = word.translate(_SPELLED_OUT)
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


def words(text: str) -> list[str]:
    """The words of a text in their original case, without stop words and single characters."""
    return [word for word in WORD.findall(text) if len(word) > 1 and word.lower() not in STOP_WORDS]


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

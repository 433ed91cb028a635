"""German text for search and analysis, in one place and without Django.

Both the full-text search (:mod:`smartstadt.search`) and the analysis engine (:mod:`smartstadt.analysis`) turn
German text into words; they do it with the same tokeniser, stop words, generic words and compound splitter, so
a word the search finds by its parts is split the same way for similar entries and tag suggestions:

* :mod:`.words`: the tokeniser, stop words (grammar) and generic words (in every other entry of a smart-city
  inventory: "Projekt", "Stadt", "smart"), and the folding of umlauts ("Bürger" and "Buerger" → "buerger");
* :mod:`.compounds`: CharSplit (``charsplit-fst``) with the thresholds that keep its splits sensible;
* :mod:`.stems`: the search's tokens, Snowball stems in plain ASCII (``document_tokens``, ``query_words``);
* :mod:`.lemmas`: the analysis's terms, simplemma lemmas with a key and a label (``terms``, ``name_keys``).

Everything is a pure function of the text, cached per word. Nothing here imports Django (a test checks it), so
the package can be used and tested on its own.
"""

from __future__ import annotations

from .lemmas import Term, collector_paused, lemma, name_keys, terms, word_terms
from .stems import QueryWord, document_tokens, part_stems, query_words, stem
from .words import GENERIC_WORDS, STOP_WORDS, fold, is_stop_key, words

__all__ = [
    "GENERIC_WORDS",
    "STOP_WORDS",
    "QueryWord",
    "Term",
    "collector_paused",
    "document_tokens",
    "fold",
    "is_stop_key",
    "lemma",
    "name_keys",
    "part_stems",
    "query_words",
    "stem",
    "terms",
    "word_terms",
    "words",
]

"""Measuring the quality of similar entries (docs/analysis.md, "What is measured").

The measure of the issue: for each entry of a corpus, how many of its ``k`` most similar entries *from other
municipalities* share its topic. In the demo corpus (``smartstadt/demo/data/projects.jsonl``) the topics are the
Giffinger dimensions of each measure (``smart_dimension``: governance, people, living, …; one to three each).
:func:`topic_agreement` counts "shares a dimension" and, stricter, "has the entry's first dimension"; a random
choice reaches about 0.49 and 0.33. The plain baseline is scikit-learn's ``TfidfVectorizer`` with its defaults
over title and summary (:func:`baseline_similar`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .engine import CorpusEngine, Item, Scope
from .indexing import entry_text


@dataclass(frozen=True)
class Agreement:
    any_topic: float  # share of results with at least one topic of the query entry
    first_topic: float  # share of results that have the query entry's first topic
    results: int  # results counted


def demo_items() -> tuple[list[Item], dict[Hashable, list[str]]]:
    """The demo measures as items (text: title and German summary; group: the municipality) and their topics."""
    from smartstadt.demo.loader import read_jsonl

    projects = read_jsonl("projects.jsonl")
    items = [
        Item(id=project["id"], text=entry_text(project["title"], project.get("summary_de", "")), group=project["city"])
        for project in projects
    ]
    return items, {project["id"]: list(project.get("smart_dimension", [])) for project in projects}


def baseline_similar(items: Sequence[Item], *, k: int) -> dict[Hashable, list[tuple[Hashable, float]]]:
    """The plain TF-IDF baseline: cosine of scikit-learn's default ``TfidfVectorizer`` rows (words, no stems)."""
    matrix = TfidfVectorizer().fit_transform([item.text for item in items])
    scores = (matrix @ matrix.T).toarray()
    np.fill_diagonal(scores, -1)
    result: dict[Hashable, list[tuple[Hashable, float]]] = {}
    for row, item in enumerate(items):
        order = np.lexsort((np.arange(len(items)), -scores[row]))[:k]
        result[item.id] = [(items[other].id, float(scores[row, other])) for other in order if scores[row, other] > 0]
    return result


def topic_agreement(
    items: Sequence[Item],
    topics: Mapping[Hashable, Sequence[str]],
    similar: Callable[[Item], Sequence[Hashable]],
    *,
    k: int = 5,
) -> Agreement:
    """How often the ``k`` first results from other groups (``similar(item)`` gives them best first, any group)
    share the item's topic."""
    group = {item.id: item.group for item in items}
    any_topic = first_topic = counted = 0
    for item in items:
        own = list(topics.get(item.id, ()))
        if not own:
            continue
        others = [key for key in similar(item) if key != item.id and group.get(key) != item.group][:k]
        for key in others:
            theirs = set(topics.get(key, ()))
            any_topic += bool(theirs & set(own))
            first_topic += own[0] in theirs
            counted += 1
    if not counted:
        return Agreement(0.0, 0.0, 0)
    return Agreement(round(any_topic / counted, 3), round(first_topic / counted, 3), counted)


def engine_agreement(
    engine: CorpusEngine, items: Sequence[Item], topics: Mapping[Hashable, Sequence[str]], *, k: int = 5
) -> Agreement:
    """:func:`topic_agreement` of an engine's results among other municipalities."""
    return topic_agreement(
        items,
        topics,
        lambda item: [
            match.id
            for match in engine.similar_to_entry(item.id, k=k, scope=Scope.ALL, exclude_municipality=item.group)
        ],
        k=k,
    )


def baseline_agreement(items: Sequence[Item], topics: Mapping[Hashable, Sequence[str]], *, k: int = 5) -> Agreement:
    ranked = baseline_similar(items, k=len(items))
    return topic_agreement(items, topics, lambda item: [key for key, _score in ranked[item.id]], k=k)

"""Measuring the quality of similar entries (docs/analysis.md, "What is measured").

The measure of the issue: for each entry of a corpus, how many of its ``k`` most similar entries *from other
municipalities* share its topic. In the demo corpus (``smartstadt/demo/data/projects.jsonl``) the topics are the
Giffinger dimensions of each measure (``smart_dimension``: governance, people, living, …; one to three each).
:func:`topic_agreement` counts "shares a dimension" and, stricter, "has the entry's first dimension"; a random
choice reaches about 0.49 and 0.33. The plain baseline is scikit-learn's ``TfidfVectorizer`` with its defaults
over title and summary (:func:`baseline_similar`).

Tag suggestions (:func:`tag_cross_validation`): macro-F1 over the six dimensions on held-out folds, beside
scikit-learn's TF-IDF + logistic regression on the same folds.
"""

from __future__ import annotations

import time
from collections import Counter
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


# --- Tag suggestions (tagging.py): cross-validated macro-F1 beside a plain baseline --------------------------------


@dataclass(frozen=True)
class TagScores:
    macro_f1: float  # the mean of the labels' F1
    per_label: dict[str, float]


@dataclass(frozen=True)
class TagEvaluation:
    """Cross-validated scores of the tag classifier and of the baselines, on the same folds."""

    labels: list[str]
    items: int
    folds: int
    engine: TagScores  # lexical and, with embeddings, semantic
    lexical: TagScores  # the engine's lexical part alone
    baseline: TagScores  # TfidfVectorizer + one-vs-rest LogisticRegression(class_weight="balanced")
    baseline_unweighted: TagScores  # the same with LogisticRegression's defaults
    semantic: bool  # whether the engine's figure includes the semantic part
    train_seconds: float  # mean time to train the engine's classifier on one fold


def demo_tag_items() -> tuple[list[str], list[tuple[str, ...]], frozenset[str]]:
    """The demo measures for the tag evaluation: texts (title and German summary), their Giffinger dimensions
    (``smart_dimension``) and the words of the municipalities' names (left out of the terms, as on the platform)."""
    from smartstadt import text

    items, topics = demo_items()
    return (
        [item.text for item in items],
        [tuple(topics.get(item.id, ())) for item in items],
        text.name_keys({item.group for item in items if item.group}),
    )


def tag_folds(
    label_sets: Sequence[Sequence[str]], labels: Sequence[str], *, folds: int = 5, seed: int = 42
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Held-out folds, stratified by each item's rarest label (so every fold has examples of the small classes);
    plain shuffled folds when a label is too rare for that."""
    from sklearn.model_selection import KFold, StratifiedKFold

    frequency = {label: sum(label in own for own in label_sets) for label in labels}
    keys = [min(own, key=lambda label: (frequency.get(label, 0), label)) if own else "" for own in label_sets]
    positions = np.arange(len(label_sets))
    counts = Counter(keys)
    if min(counts.values()) >= folds:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        return [(train, test) for train, test in splitter.split(positions, keys)]
    return [(train, test) for train, test in KFold(n_splits=folds, shuffle=True, random_state=seed).split(positions)]


def _tag_scores(truth: np.ndarray, predicted: np.ndarray, labels: Sequence[str]) -> TagScores:
    from sklearn.metrics import f1_score

    per_label = f1_score(truth, predicted, average=None, zero_division=0)
    return TagScores(
        macro_f1=round(float(np.mean(per_label)), 4),
        per_label={label: round(float(value), 4) for label, value in zip(labels, per_label, strict=True)},
    )


def baseline_tag_probabilities(
    train_texts: Sequence[str], train_targets: np.ndarray, test_texts: Sequence[str], *, balanced: bool = True
) -> np.ndarray:
    """The plain baseline: scikit-learn's default ``TfidfVectorizer`` (fitted on the training texts only) and a
    one-vs-rest ``LogisticRegression``, weighted by class frequency unless ``balanced`` is False."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    vectorizer = TfidfVectorizer()
    train_matrix = vectorizer.fit_transform(train_texts)
    regression = LogisticRegression(max_iter=1000, class_weight="balanced" if balanced else None)
    model = OneVsRestClassifier(regression).fit(train_matrix, train_targets)
    return np.asarray(model.predict_proba(vectorizer.transform(test_texts)), dtype=np.float64)


def tag_cross_validation(
    texts: Sequence[str],
    label_sets: Sequence[Sequence[str]],
    labels: Sequence[str],
    *,
    embeddings: np.ndarray | None = None,
    stop: frozenset[str] = frozenset(),
    folds: int = 5,
    seed: int = 42,
    progress: Callable[[int, int], None] | None = None,
) -> TagEvaluation:
    """k-fold cross-validation of the tag classifier (``tagging.TagClassifier``) and the baselines on the same
    folds. Everything that is learnt – vocabulary, idf, weights – is learnt on the training folds only; every
    item gets at least one label (its most probable one) from every model. ``embeddings`` (items × 384) add the
    semantic part to the engine's figure; its lexical part is reported on its own as well."""
    from .tagging import Example, TagClassifier, decide

    truth = np.asarray([[label in own for label in labels] for own in label_sets], dtype=np.int8)
    predicted = {name: np.zeros_like(truth) for name in ("engine", "lexical", "baseline", "baseline_unweighted")}
    seconds: list[float] = []
    splits = tag_folds(label_sets, labels, folds=folds, seed=seed)
    for number, (train, test) in enumerate(splits, start=1):
        examples = [
            Example(texts[row], tuple(label_sets[row]), None if embeddings is None else embeddings[row])
            for row in train
        ]
        started = time.perf_counter()
        classifier = TagClassifier.train(
            examples, labels, stop=stop, use_semantic=embeddings is not None, semantic_model="evaluation"
        )
        seconds.append(time.perf_counter() - started)
        test_texts = [texts[row] for row in test]
        predicted["lexical"][test] = decide(classifier.probabilities(test_texts))
        test_embeddings = None if embeddings is None else embeddings[test]
        predicted["engine"][test] = decide(classifier.probabilities(test_texts, test_embeddings))
        train_texts = [texts[row] for row in train]
        for name, balanced in (("baseline", True), ("baseline_unweighted", False)):
            # the baselines decide as sklearn's predict does (0.5), and like the engine always name one label
            probabilities = baseline_tag_probabilities(train_texts, truth[train], test_texts, balanced=balanced)
            predicted[name][test] = decide(probabilities, 0.5)
        if progress is not None:
            progress(number, len(splits))
    return TagEvaluation(
        labels=list(labels),
        items=len(texts),
        folds=len(splits),
        engine=_tag_scores(truth, predicted["engine"], labels),
        lexical=_tag_scores(truth, predicted["lexical"], labels),
        baseline=_tag_scores(truth, predicted["baseline"], labels),
        baseline_unweighted=_tag_scores(truth, predicted["baseline_unweighted"], labels),
        semantic=embeddings is not None,
        train_seconds=round(float(np.mean(seconds)) if seconds else 0.0, 3),
    )

"""Tag suggestions: which top-level terms of a framework (Giffinger's six dimensions, a city's topic fields) fit a
text, each with a probability (see docs/analysis.md, "Schlagwort-Vorschläge").

The classifier is one logistic regression per term (one-vs-rest, multi-label) over the engine's features:

* **lexical**, always: TF-IDF of the text's terms (lemmas, compound parts) and of their character 4-grams, from a
  :class:`~.lexical.LexicalModel` fitted on the training texts and kept with the classifier (so a rebuild of the
  search index never shifts its columns);
* **semantic**, where the layer is on and the training entries have embeddings: a second regression over the
  e5 embeddings; the two probabilities are averaged (:data:`SEMANTIC_WEIGHT`).

The classes are weighted inversely to their frequency ("balanced"): a dimension with 50 examples counts as much
as one with 150, which the measure (macro-F1) asks for. A term is suggested when its probability reaches
:data:`THRESHOLD`; the best term always is, so every text gets at least one label.

Training data are the platform's *confirmed* tags: every entry with at least one term of the framework, a factor
counting for its top-level term. The trained model is stored as bytes (:class:`~.models.TagModel`, no pickle),
with a fingerprint of the tags it learnt from; :func:`retrain_stale` (the ``train_tag_models`` task, after every
index update, and the ``train_tag_models`` command) trains anew when the tags changed. Predicting costs a
millisecond or two with the lexical layer, plus one embedding (20–90 ms) with the semantic one.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db import transaction
from sklearn.linear_model import LogisticRegression

from smartstadt import text

from . import semantic
from .lexical import LexicalModel

logger = logging.getLogger(__name__)

# The best point of a small grid, by 5-fold cross-validation repeated with three seeds on the demo entries
# (docs/analysis.md, "Schlagwort-Vorschläge": how the figures were tuned).
C = 30.0
THRESHOLD = 0.4
SEMANTIC_WEIGHT = 0.5
MAX_ITER = 2000
# A framework needs this many tagged entries, and two terms with this many examples each, to be learnt.
MIN_ENTRIES = 20
MIN_POSITIVES = 3
# At most this many tagged entries are learnt from (an even sample of them beyond).
MAX_TRAINING_ENTRIES = 20_000
# The semantic part is trained only when this share of the training entries has an embedding.
MIN_EMBEDDED_SHARE = 0.8
FORMAT_VERSION = 1
DEFAULT_FRAMEWORK = "giffinger"
TRAINING_REQUESTED_KEY = "analysis:tag-training-requested"
TRAINING_REQUEST_SECONDS = 300


class TaggingUnavailableError(Exception):
    """The framework has too few tagged entries to learn from (or does not exist)."""


@dataclass(frozen=True)
class Example:
    """A training text and its labels (term codes); ``embedding`` where the semantic layer has one."""

    text: str
    labels: tuple[str, ...]
    embedding: np.ndarray | None = None


@dataclass(frozen=True)
class Prediction:
    """The terms suggested for a text, most probable first (at least one), and every term's probability."""

    labels: tuple[str, ...]
    scores: dict[str, float]


def _sigmoid(values: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(values, -30, 30)))
    return result


def _fit_heads(features: Any, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One balanced logistic regression per column of ``targets``; a column without positives (or without
    negatives) gets a constant: the share of positives, as a log-odds intercept."""
    width = features.shape[1]
    coef = np.zeros((targets.shape[1], width), dtype=np.float32)
    intercept = np.zeros(targets.shape[1], dtype=np.float32)
    for column in range(targets.shape[1]):
        target = targets[:, column]
        positives = int(target.sum())
        if positives == 0 or positives == len(target):
            share = min(max(positives / max(len(target), 1), 1e-4), 1 - 1e-4)
            intercept[column] = np.log(share / (1 - share))
            continue
        regression = LogisticRegression(C=C, class_weight="balanced", max_iter=MAX_ITER)
        regression.fit(features, target)
        coef[column] = regression.coef_[0]
        intercept[column] = regression.intercept_[0]
    return coef, intercept


def decide(probabilities: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """Labels (0/1) from probabilities (rows × terms): every term at the threshold, and always the best one."""
    chosen = (probabilities >= threshold).astype(np.int8)
    if len(probabilities):
        chosen[np.arange(len(probabilities)), probabilities.argmax(axis=1)] = 1
    return chosen


@dataclass
class TagClassifier:
    """The trained classifier: the labels (term codes), the fitted lexical vocabulary and the regression weights."""

    labels: list[str]
    lexical: LexicalModel
    stop: frozenset[str]
    lexical_coef: np.ndarray  # labels × lexical features
    lexical_intercept: np.ndarray
    semantic_coef: np.ndarray | None = None  # labels × 384
    semantic_intercept: np.ndarray | None = None
    semantic_model: str = ""
    threshold: float = THRESHOLD
    semantic_weight: float = SEMANTIC_WEIGHT

    @property
    def has_semantic(self) -> bool:
        return self.semantic_coef is not None and bool(self.semantic_model)

    # --- Training ------------------------------------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        examples: Sequence[Example],
        labels: Sequence[str],
        *,
        stop: Iterable[str] = (),
        use_semantic: bool = True,
        semantic_model: str = "",
    ) -> TagClassifier:
        """Learn ``labels`` from the examples. The semantic part is trained only with ``use_semantic`` and when
        nearly every example has an embedding (of ``semantic_model``)."""
        stop_keys = frozenset(stop)
        documents = [text.terms(example.text, stop_keys=stop_keys) for example in examples]
        lexical = LexicalModel.fit(documents)
        targets = np.asarray([[label in example.labels for label in labels] for example in examples], dtype=np.int8)
        coef, intercept = _fit_heads(lexical.transform(documents), targets)
        classifier = cls(
            labels=list(labels), lexical=lexical, stop=stop_keys, lexical_coef=coef, lexical_intercept=intercept
        )
        embedded = [row for row, example in enumerate(examples) if example.embedding is not None]
        if use_semantic and semantic_model and examples and len(embedded) >= MIN_EMBEDDED_SHARE * len(examples):
            vectors = np.vstack([examples[row].embedding for row in embedded]).astype(np.float32)  # type: ignore[misc]
            classifier.semantic_coef, classifier.semantic_intercept = _fit_heads(vectors, targets[embedded])
            classifier.semantic_model = semantic_model
        return classifier

    # --- Predicting --------------------------------------------------------------------------------------------

    def lexical_features(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.lexical.transform([text.terms(value, stop_keys=self.stop) for value in texts])

    def probabilities(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Probabilities (texts × labels). ``embeddings`` (texts × 384, of :attr:`semantic_model`) add the semantic
        part; without them the lexical part alone answers."""
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        features = self.lexical_features(texts)
        result = _sigmoid(np.asarray(features @ self.lexical_coef.T) + self.lexical_intercept)
        if embeddings is not None and self.semantic_coef is not None and self.semantic_intercept is not None:
            meaning = _sigmoid(
                np.asarray(embeddings, dtype=np.float32) @ self.semantic_coef.T + self.semantic_intercept
            )
            result = (1 - self.semantic_weight) * result + self.semantic_weight * meaning
        return np.asarray(result, dtype=np.float64)

    def embeddings_for(self, texts: Sequence[str], use_semantic: bool | None) -> np.ndarray | None:
        """The embeddings the semantic part needs, when it is trained, wanted and the same model is installed."""
        if use_semantic is False or not self.has_semantic or not semantic.available():
            return None
        if semantic.model_id() != self.semantic_model:
            return None
        return semantic.embed_passages(list(texts))

    def predict(
        self,
        texts: Sequence[str],
        *,
        use_semantic: bool | None = None,
        embeddings: np.ndarray | None = None,
    ) -> list[Prediction]:
        """Suggestions for texts: ``use_semantic=False`` answers with the lexical part alone (a millisecond per
        text instead of 20–90)."""
        if embeddings is None:
            embeddings = self.embeddings_for(texts, use_semantic)
        probabilities = self.probabilities(texts, embeddings)
        chosen = decide(probabilities, self.threshold)
        predictions = []
        for row in range(len(texts)):
            order = np.argsort(-probabilities[row], kind="stable")
            predictions.append(
                Prediction(
                    labels=tuple(self.labels[column] for column in order if chosen[row, column]),
                    scores={
                        label: round(float(probabilities[row, column]), 4) for column, label in enumerate(self.labels)
                    },
                )
            )
        return predictions

    # --- Storage ------------------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        header = {
            "format": FORMAT_VERSION,
            "labels": self.labels,
            "stop": sorted(self.stop),
            "semantic_model": self.semantic_model,
            "threshold": self.threshold,
            "semantic_weight": self.semantic_weight,
        }
        arrays: dict[str, np.ndarray] = {
            "header": np.frombuffer(json.dumps(header, ensure_ascii=False).encode(), dtype=np.uint8),
            "lexical": np.frombuffer(self.lexical.to_bytes(), dtype=np.uint8),
            "lexical_coef": self.lexical_coef.astype(np.float32),
            "lexical_intercept": self.lexical_intercept.astype(np.float32),
        }
        if self.semantic_coef is not None and self.semantic_intercept is not None:
            arrays["semantic_coef"] = self.semantic_coef.astype(np.float32)
            arrays["semantic_intercept"] = self.semantic_intercept.astype(np.float32)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TagClassifier:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            header = json.loads(arrays["header"].tobytes().decode())
            if header.get("format") != FORMAT_VERSION:
                raise ValueError(f"unknown tag model format {header.get('format')!r}")
            has_semantic = "semantic_coef" in arrays.files
            return cls(
                labels=list(header["labels"]),
                lexical=LexicalModel.from_bytes(arrays["lexical"].tobytes()),
                stop=frozenset(header["stop"]),
                lexical_coef=arrays["lexical_coef"],
                lexical_intercept=arrays["lexical_intercept"],
                semantic_coef=arrays["semantic_coef"] if has_semantic else None,
                semantic_intercept=arrays["semantic_intercept"] if has_semantic else None,
                semantic_model=str(header["semantic_model"]) if has_semantic else "",
                threshold=float(header["threshold"]),
                semantic_weight=float(header["semantic_weight"]),
            )


# --- The platform's frameworks ---------------------------------------------------------------------------------


def get_framework(slug: str) -> Any:
    """The framework of a URL name; TaggingUnavailableError when there is none."""
    from smartstadt.frameworks.models import Framework

    framework = Framework.objects.filter(slug=slug).first()
    if framework is None:
        raise TaggingUnavailableError(slug)
    return framework


def top_terms(framework: Any) -> tuple[list[Any], dict[int, Any]]:
    """The framework's top-level terms in their order, and every term's top-level term by id."""
    from smartstadt.frameworks.models import Term

    terms = list(Term.objects.filter(framework=framework).order_by("order", "label"))
    by_id = {term.pk: term for term in terms}
    top: dict[int, Any] = {}
    for term in terms:
        ancestor, seen = term, set()
        while ancestor.parent_id is not None and ancestor.parent_id in by_id and ancestor.pk not in seen:
            seen.add(ancestor.pk)
            ancestor = by_id[ancestor.parent_id]
        top[term.pk] = ancestor
    return [term for term in terms if term.parent_id is None], top


def confirmed_labels(framework: Any) -> tuple[list[str], dict[int, tuple[str, ...]]]:
    """The framework's label codes and, per entry with at least one of its terms, the top-level codes it carries
    (the entries' confirmed tags; a factor counts for its dimension)."""
    from smartstadt.inventory.models import Entry

    roots, top = top_terms(framework)
    codes = [term.code for term in roots]
    order = {code: position for position, code in enumerate(codes)}
    found: dict[int, set[str]] = {}
    through = Entry.terms.through
    for entry_id, term_id in (
        through.objects.filter(term__framework=framework).order_by("entry_id").values_list("entry_id", "term_id")
    ):
        root = top.get(term_id)
        if root is not None:
            found.setdefault(entry_id, set()).add(root.code)
    return codes, {pk: tuple(sorted(labels, key=order.__getitem__)) for pk, labels in found.items()}


def _tagged(framework: Any) -> Any:
    """The ids of the entries with a term of the framework, as a subquery (no list of ids: SQLite limits them)."""
    from smartstadt.inventory.models import Entry

    return Entry.terms.through.objects.filter(term__framework=framework).values("entry_id")


def _embedded(framework: Any) -> int:
    """How many of the framework's tagged entries have an embedding of the installed model."""
    from .models import EntryVector

    if not semantic.available():
        return 0
    found = EntryVector.objects.filter(
        entry_id__in=_tagged(framework), semantic__isnull=False, semantic_model=semantic.model_id()
    )
    return int(found.count())


def fingerprint(framework: Any) -> str:
    """What a model of the framework was trained on: the confirmed tags, and whether the semantic layer could
    take part (so the model is trained again once the worker has embedded the entries)."""
    codes, labelled = confirmed_labels(framework)
    digest = hashlib.sha256(json.dumps(codes).encode())
    for pk in sorted(labelled):
        digest.update(f"{pk}:{','.join(labelled[pk])};".encode())
    embedded = _embedded(framework) if labelled else 0
    digest.update(f"semantic={bool(labelled) and embedded >= MIN_EMBEDDED_SHARE * len(labelled)}".encode())
    return digest.hexdigest()


def training_examples(framework: Any) -> tuple[list[str], list[Example]]:
    """The framework's labels and the examples of the platform: text and top-level codes of every tagged entry,
    with its stored embedding where there is one. TaggingUnavailableError when there are too few."""
    from smartstadt.inventory.models import Entry

    from .indexing import entry_text
    from .models import EntryVector

    codes, labelled = confirmed_labels(framework)
    counts = {code: sum(code in labels for labels in labelled.values()) for code in codes}
    if len(labelled) < MIN_ENTRIES or sum(count >= MIN_POSITIVES for count in counts.values()) < 2:
        raise TaggingUnavailableError(framework.slug)
    if len(labelled) > MAX_TRAINING_ENTRIES:
        # evenly spread over the keys: the worker's training stays within a minute on an atlas of any size
        keys = sorted(labelled)
        chosen = np.linspace(0, len(keys) - 1, MAX_TRAINING_ENTRIES).astype(np.int64)
        labelled = {keys[position]: labelled[keys[position]] for position in chosen}
    vectors: dict[int, np.ndarray] = {}
    if semantic.available():
        model_id = semantic.model_id()
        rows = EntryVector.objects.filter(
            entry_id__in=_tagged(framework), semantic__isnull=False, semantic_model=model_id
        ).values_list("entry_id", "semantic")
        vectors = {
            pk: semantic.from_bytes(vector)
            for pk, vector in rows.iterator(chunk_size=2000)
            if vector and pk in labelled
        }
    examples = []
    texts = (
        Entry.objects.filter(pk__in=_tagged(framework))
        .order_by("pk")
        .values_list("pk", "title", "summary", "description")
    )
    for pk, title, summary, description in texts.iterator(chunk_size=2000):
        if pk in labelled:  # (not an entry tagged a moment ago, between the two queries)
            examples.append(Example(entry_text(title, summary, description), labelled[pk], vectors.get(pk)))
    return codes, examples


_cache: dict[int, tuple[int, TagClassifier]] = {}
_lock = threading.Lock()


def train(framework: Any, *, use_semantic: bool | None = None) -> Any:
    """Train the framework's classifier on the platform's confirmed tags and store it (the older ones go)."""
    from .indexing import stop_keys
    from .models import TagModel

    started = time.perf_counter()
    trained_on = fingerprint(framework)
    codes, examples = training_examples(framework)
    model_id = semantic.model_id() if semantic.available() else ""
    classifier = TagClassifier.train(
        examples, codes, stop=stop_keys(), use_semantic=use_semantic is not False, semantic_model=model_id
    )
    with transaction.atomic():
        row = TagModel.objects.create(
            framework=framework,
            entries=len(examples),
            fingerprint=trained_on,
            semantic_model=classifier.semantic_model,
            seconds=round(time.perf_counter() - started, 3),
            model=classifier.to_bytes(),
        )
        TagModel.objects.filter(framework=framework).exclude(pk=row.pk).delete()
    with _lock:
        _cache[framework.pk] = (row.pk, classifier)
    logger.info("Tag model for %s trained on %s entries", framework.slug, len(examples))
    return row


def classifier_for(framework: Any, *, train_if_missing: bool = True) -> TagClassifier:
    """The framework's stored classifier (read once per process and row); trained now when there is none yet
    (a second or two for a few hundred entries). TaggingUnavailableError when there is nothing to learn from."""
    from .models import TagModel

    latest = TagModel.objects.filter(framework=framework).order_by("-pk").values_list("pk", flat=True).first()
    if latest is None:
        if not train_if_missing:
            raise TaggingUnavailableError(framework.slug)
        row = train(framework)
        latest = row.pk
    with _lock:
        cached = _cache.get(framework.pk)
    if cached is not None and cached[0] == latest:
        return cached[1]
    data = TagModel.objects.filter(pk=latest).values_list("model", flat=True).first()
    if data is None:  # deleted by a retraining in the meantime
        return classifier_for(framework, train_if_missing=train_if_missing)
    classifier = TagClassifier.from_bytes(bytes(data))
    with _lock:
        _cache[framework.pk] = (latest, classifier)
    return classifier


def retrain_stale(*, force: bool = False, slugs: Iterable[str] | None = None) -> dict[str, int]:
    """Train every framework whose confirmed tags changed since its model was trained (those with a model, and
    Giffinger's), or all of them with ``force``. Returns the training entries per retrained framework."""
    from smartstadt.frameworks.models import Framework

    from .models import TagModel

    if slugs is not None:
        frameworks = list(Framework.objects.filter(slug__in=list(slugs)))
    else:
        wanted = set(TagModel.objects.values_list("framework_id", flat=True))
        frameworks = list(Framework.objects.filter(pk__in=wanted) | Framework.objects.filter(slug=DEFAULT_FRAMEWORK))
    trained: dict[str, int] = {}
    for framework in frameworks:
        current = TagModel.objects.filter(framework=framework).order_by("-pk").values_list("fingerprint", flat=True)
        stored = current.first()
        if not force and stored is not None and stored == fingerprint(framework):
            continue
        try:
            row = train(framework)
        except TaggingUnavailableError:
            TagModel.objects.filter(framework=framework).delete()  # its tags were removed: nothing to suggest
            continue
        trained[framework.slug] = row.entries
    return trained


# --- Suggestions for the pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermSuggestion:
    """A top-level term with its probability; ``suggested``: among the labels; ``selected``: ticked already."""

    term: Any
    score: float
    suggested: bool
    selected: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.score)


@dataclass(frozen=True)
class Suggestions:
    framework: Any
    terms: list[TermSuggestion]  # the suggested terms, most probable first

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def first(self) -> TermSuggestion | None:
        return self.terms[0] if self.terms else None


MAX_TEXT = 5000


def classifier_or_training(framework: Any) -> TagClassifier:
    """The framework's stored classifier for the pages: when there is none yet, the task worker trains it (a page
    never waits for a training) and this raises TaggingUnavailableError until it has."""
    try:
        return classifier_for(framework, train_if_missing=False)
    except TaggingUnavailableError:
        from django.core.cache import cache

        from .tasks import train_tag_models

        # once in a while, not on every page (a framework may have too few tagged entries for a long time)
        if cache.add(TRAINING_REQUESTED_KEY, 1, TRAINING_REQUEST_SECONDS):
            train_tag_models.enqueue()
    return classifier_for(framework, train_if_missing=False)  # trained already by an immediate backend


def suggest_for_texts(
    texts: Sequence[str], *, framework_slug: str = DEFAULT_FRAMEWORK, use_semantic: bool | None = None
) -> tuple[Any, list[Prediction]]:
    """The framework and a prediction per text (TaggingUnavailableError when there is no classifier yet)."""
    framework = get_framework(framework_slug)
    classifier = classifier_or_training(framework)
    return framework, classifier.predict([value[:MAX_TEXT] for value in texts], use_semantic=use_semantic)


def suggest_terms(
    *,
    title: str,
    summary: str = "",
    description: str = "",
    selected: Iterable[Any] = (),
    framework_slug: str = DEFAULT_FRAMEWORK,
    use_semantic: bool | None = None,
) -> Suggestions | None:
    """The terms suggested for an entry's text (its title at least), for the entry forms; None without a title
    or when the framework cannot be learnt (too few tagged entries)."""
    from .indexing import entry_text

    if not (title or "").strip():
        return None
    try:
        framework, (prediction,) = suggest_for_texts(
            [entry_text(title, summary, description)], framework_slug=framework_slug, use_semantic=use_semantic
        )
    except TaggingUnavailableError:
        return None
    roots, _top = top_terms(framework)
    by_code = {term.code: term for term in roots}
    chosen = {str(pk) for pk in selected}
    return Suggestions(
        framework=framework,
        terms=[
            TermSuggestion(
                term=by_code[code],
                score=prediction.scores[code],
                suggested=True,
                selected=str(by_code[code].pk) in chosen,
            )
            for code in prediction.labels
            if code in by_code
        ],
    )


@dataclass(frozen=True)
class RowText:
    """A spreadsheet row to suggest tags for: its number, text, and the term ids it carries."""

    row: int
    title: str
    summary: str
    description: str
    term_ids: tuple[int, ...]


def suggest_for_rows(
    rows: Sequence[RowText], *, framework_slug: str = DEFAULT_FRAMEWORK
) -> dict[int, list[dict[str, Any]]]:
    """For rows without a term of the framework, the suggested terms (code, label, probability), by row number;
    the lexical part alone (a spreadsheet may have thousands of rows)."""
    try:
        framework = get_framework(framework_slug)
    except TaggingUnavailableError:
        return {}
    roots, top = top_terms(framework)
    untagged = [row for row in rows if not any(pk in top for pk in row.term_ids)]
    if not untagged:
        return {}
    from .indexing import entry_text

    try:
        classifier = classifier_or_training(framework)
    except TaggingUnavailableError:
        return {}
    predictions = classifier.predict(
        [entry_text(row.title, row.summary, row.description)[:MAX_TEXT] for row in untagged], use_semantic=False
    )
    labels = {term.code: term.label for term in roots}
    return {
        row.row: [
            {"code": code, "label": labels.get(code, code), "score": prediction.scores[code]}
            for code in prediction.labels
        ]
        for row, prediction in zip(untagged, predictions, strict=True)
    }


# --- Reading items (the command) ------------------------------------------------------------------------------------


def predictions_of(
    classifier: TagClassifier,
    texts: Sequence[str],
    *,
    use_semantic: bool | None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 256,
) -> list[Prediction]:
    """Predictions for many texts in batches (embeddings batch by batch), reporting progress."""
    result: list[Prediction] = []
    for start in range(0, len(texts), batch_size):
        result.extend(classifier.predict(texts[start : start + batch_size], use_semantic=use_semantic))
        if progress is not None:
            progress(len(result), len(texts))
    return result


def label_counts(examples: Iterable[Example], labels: Sequence[str]) -> Mapping[str, int]:
    found = dict.fromkeys(labels, 0)
    for example in examples:
        for label in example.labels:
            if label in found:
                found[label] += 1
    return found

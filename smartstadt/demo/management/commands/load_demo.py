from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from smartstadt.demo.loader import LoadReport, demo_steps


class Command(BaseCommand):
    help = (
        "Lädt die Demo-Region (Oberhausen, Nachbarstädte, Modellprojekte, Ordnungsrahmen, Akteure, "
        "Demo-Konten) aus den realen Daten. Mehrfaches Ausführen ändert nichts Bestehendes doppelt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige und Zusammenfassung")

    def handle(self, *args: Any, **options: Any) -> None:
        report = LoadReport()
        steps = list(demo_steps())
        console = Console(file=cast(IO[str], self.stdout))
        with (
            transaction.atomic(),
            Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=console,
                disable=options["quiet"],
            ) as progress,
        ):
            task = progress.add_task("Demo-Daten", total=len(steps))
            for step in steps:
                progress.update(task, description=step.name)
                step.run(report)
                progress.advance(task)
        if options["quiet"]:
            return
        for line in sorted(report.counts):
            self.stdout.write(f"  {line}: {report.counts[line]}")
        for message in report.messages:
            self.stdout.write(self.style.WARNING(f"  {message}"))
        self.stdout.write(self.style.SUCCESS("Demo-Region geladen."))

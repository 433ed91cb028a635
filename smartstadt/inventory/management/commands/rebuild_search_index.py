from __future__ import annotations

import time
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from smartstadt.search import rebuild_index


class Command(BaseCommand):
    help = (
        "Baut den Volltext-Suchindex (Bestand und Akteure) neu auf: Stammformen, Umlaute und Wortbestandteile "
        "jedes Eintrags und jedes Akteurs. Nur geänderte Zeilen werden geschrieben; der Index der Datenbank "
        "(SQLite FTS5 oder PostgreSQL tsvector) wird dabei geprüft und angelegt, falls er fehlt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige und Zusammenfassung")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), force_terminal=None)
        started = time.perf_counter()
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["quiet"],
        ) as progress:
            task = progress.add_task("Suchindex", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            written = rebuild_index(progress=advance)
        if not options["quiet"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Suchindex aufgebaut in {time.perf_counter() - started:.1f} s: "
                    f"{written['entries']} Einträge und {written['organisations']} Akteure neu geschrieben."
                )
            )

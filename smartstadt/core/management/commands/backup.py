from __future__ import annotations

import time
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from smartstadt.core.backup import BackupError, backup


def progress_bar(command: BaseCommand, quiet: bool) -> Progress:
    console = Console(file=cast(IO[str], command.stdout), force_terminal=None)
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
    )


def reporter(progress: Progress) -> Any:
    tasks: dict[str, Any] = {}

    def report(step: str, done: int, total: int | None) -> None:
        if step not in tasks:
            tasks[step] = progress.add_task(step, total=total)
        progress.update(tasks[step], completed=done, total=total)

    return report


class Command(BaseCommand):
    help = (
        "Sichert Datenbank und Mediendateien in einen neuen Ordner: SQLite über die Backup-Schnittstelle von "
        "SQLite, andere Datenbanken (PostgreSQL) als JSON-Zeilen mit allen Primärschlüsseln. Zurückspielen mit "
        "manage.py restore."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder",
            nargs="?",
            help="Zielordner (neu oder leer); Standard: var/backups/smartstadt-JJJJMMTT-HHMMSS",
        )
        parser.add_argument(
            "--format",
            choices=["auto", "sqlite", "json"],
            default="auto",
            help="auto: SQLite-Datei bei SQLite, sonst JSON-Zeilen",
        )
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        folder = Path(options["folder"] or Path(settings.VAR_DIR) / "backups" / f"smartstadt-{stamp}")
        started = time.perf_counter()
        try:
            with progress_bar(self, options["quiet"]) as progress:
                summary = backup(folder, fmt=options["format"], progress=reporter(progress))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Sicherung in {summary.folder} ({summary.database}, {summary.rows} Zeilen, {summary.files} Dateien "
                f"mit {summary.bytes / 1_000_000:.1f} MB) in {time.perf_counter() - started:.1f} s."
            )
        )

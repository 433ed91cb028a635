from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from smartstadt.core.backup import BackupError, read_manifest, restore

from .backup import progress_bar, reporter


class Command(BaseCommand):
    help = (
        "Spielt eine Sicherung von manage.py backup zurück: ersetzt den Inhalt der Datenbank und den Ordner der "
        "Mediendateien. Vorher die Plattform (Server und Worker) anhalten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="Ordner der Sicherung (mit manifest.json)")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Nicht nachfragen")
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        try:
            manifest = read_manifest(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["interactive"]:
            answer = input(
                f"Die Sicherung vom {manifest['created_at']} ersetzt ALLE Daten der Datenbank "
                f"{connection.settings_dict['NAME']} und den Ordner {settings.MEDIA_ROOT}. Fortfahren? [ja/nein] "
            )
            if answer.strip().lower() not in ("ja", "j", "yes", "y"):
                raise CommandError("Abgebrochen; nichts wurde verändert.")
        started = time.perf_counter()
        try:
            with progress_bar(self, options["quiet"]) as progress:
                summary = restore(folder, progress=reporter(progress))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Sicherung aus {summary.folder} zurückgespielt ({summary.rows} Zeilen, {summary.files} Dateien) in "
                f"{time.perf_counter() - started:.1f} s. Starten Sie jetzt App-Server und Worker neu."
            )
        )

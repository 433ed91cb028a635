from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartstadt.analysis import tagging


class Command(BaseCommand):
    help = (
        "Trainiert die Modelle der Schlagwort-Vorschläge neu aus den bestätigten Schlagworten der Einträge: alle, "
        "deren Schlagworte sich seit dem letzten Training geändert haben (und Giffinger), mit --force alle. "
        "Das geschieht sonst im Hintergrund nach jeder Änderung an Einträgen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--framework", action="append", dest="frameworks", help="Nur diesen Ordnungsrahmen (URL-Name; mehrfach)"
        )
        parser.add_argument("--force", action="store_true", help="Auch ohne geänderte Schlagworte neu trainieren")

    def handle(self, *args: Any, **options: Any) -> None:
        slugs = options["frameworks"]
        if slugs:
            for slug in slugs:
                try:
                    tagging.get_framework(slug)
                except tagging.TaggingUnavailableError:
                    raise CommandError(f"Einen Ordnungsrahmen „{slug}“ gibt es nicht.") from None
        trained = tagging.retrain_stale(force=options["force"], slugs=slugs)
        if not trained:
            self.stdout.write("Alle Modelle sind aktuell; nichts neu trainiert.")
        for slug, entries in trained.items():
            self.stdout.write(self.style.SUCCESS(f"{slug}: neu trainiert mit {entries} Einträgen."))

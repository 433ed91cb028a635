from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartstadt.inventory import spreadsheets
from smartstadt.inventory.selectors import entries_for_export
from smartstadt.regions.models import Municipality


class Command(BaseCommand):
    help = (
        "Exportiert alle Bestandseinträge einer Kommune (in jedem Zustand) als CSV, XLSX oder JSON. CSV und XLSX "
        "haben die Spalten der Importvorlage und lassen sich bearbeitet wieder importieren."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", metavar="SLUG", required=True, help="URL-Name der Kommune")
        parser.add_argument("--format", choices=spreadsheets.FORMATS, required=True, help="Dateiformat")
        parser.add_argument("--output", metavar="FILE", required=True, help="Zieldatei")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"Es gibt keine Kommune mit dem URL-Namen „{options['municipality']}“.")
        entries = list(entries_for_export(viewer=AnonymousUser(), params={}, municipality=municipality))
        try:
            Path(options["output"]).write_bytes(spreadsheets.export(entries, options["format"]))
        except OSError as error:
            raise CommandError(f"{options['output']} kann nicht geschrieben werden: {error.strerror}.") from None
        self.stdout.write(
            self.style.SUCCESS(f"{len(entries)} Einträge von {municipality.name} nach {options['output']} geschrieben.")
        )

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from smartstadt.core.permissions import System
from smartstadt.documents.services import measure_import_sheet, sheet_plan
from smartstadt.documents.sheets import SheetError, read_sheet
from smartstadt.regions.models import Municipality
from smartstadt.strategy.models import Strategy


class Command(BaseCommand):
    help = (
        "Liest ein Projektblatt (Text im Format des Masterplan-Projektblatts „4) Oberhausen ist ... smart“ oder "
        "einen DOCX-Maßnahmensteckbrief der Plattform), zeigt als JSON, was gelesen wurde und was nicht, und legt "
        "es als Maßnahme in der Strategie der Kommune an (mit --dry-run nur lesen)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Das Projektblatt (.txt oder .docx)")
        parser.add_argument(
            "--municipality", metavar="SLUG", required=True, help="URL-Name der Kommune, z. B. oberhausen"
        )
        parser.add_argument("--dry-run", action="store_true", help="Nur lesen und zeigen, nichts anlegen")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("de"):
            self.run(options)

    def run(self, options: dict[str, Any]) -> None:
        slug = options["municipality"]
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(f"Es gibt keine Kommune mit dem URL-Namen „{slug}“.")
        strategy = Strategy.objects.filter(municipality=municipality, region__isnull=True).first()
        if strategy is None:
            raise CommandError(f"{municipality.name} hat noch keine Smart-City-Strategie, in die die Maßnahme käme.")
        try:
            reading = read_sheet(Path(options["file"]))
        except SheetError as error:
            raise CommandError(str(error)) from error
        plan = sheet_plan(strategy=strategy, reading=reading)
        result = reading.as_dict()
        result["topic_fields_matched"] = [term.label for term in plan.data["topic_terms"]]
        result["unread"] = [item.as_dict() for item in plan.unread]
        result["notes"] = plan.notes
        if options["dry_run"]:
            result["created"] = None
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            self.stderr.write("Probelauf: nichts angelegt.")
            return
        try:
            measure = measure_import_sheet(actor=System("Import"), strategy=strategy, reading=reading)
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(f"Die Maßnahme konnte nicht angelegt werden: {error}") from error
        result["created"] = {"id": measure.pk, "number": measure.number, "title": measure.title}
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        unread = ", ".join(sorted({item["label"] for item in result["unread"]}))
        self.stderr.write(
            self.style.SUCCESS(f"Maßnahme {measure.number} „{measure.title}“ in „{strategy.title}“ angelegt.")
            + (f" Nicht gelesen, bitte von Hand ergänzen: {unread}." if unread else "")
        )

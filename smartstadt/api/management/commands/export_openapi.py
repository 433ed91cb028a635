from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartstadt.api.openapi import COMMITTED, REGENERATE, openapi_document, render


class Command(BaseCommand):
    help = (
        "Schreibt das OpenAPI-Dokument der Schnittstelle (wie /api/openapi.json), Standard: docs/openapi.json. "
        "Mit --check nur prüfen, ob die Datei aktuell ist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", default=str(COMMITTED), help="Zieldatei; „-“ schreibt auf stdout.")
        parser.add_argument(
            "--check", action="store_true", help="Nichts schreiben; Fehler, wenn die Zieldatei veraltet ist."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = render(openapi_document())
        if options["output"] == "-":
            sys.stdout.write(text)
            return
        target = Path(options["output"])
        if options["check"]:
            current = target.read_text(encoding="utf-8") if target.is_file() else ""
            if current != text:
                raise CommandError(f"{target} ist veraltet. Neu erzeugen mit: {REGENERATE}")
            self.stdout.write(f"{target} ist aktuell.")
            return
        if not target.parent.is_dir():
            raise CommandError(f"Das Verzeichnis „{target.parent}“ gibt es nicht.")
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"„{target}“ lässt sich nicht schreiben: {error.strerror}.") from None
        self.stdout.write(self.style.SUCCESS(f"OpenAPI-Dokument nach {target} geschrieben."))

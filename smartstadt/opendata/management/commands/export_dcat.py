from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartstadt.opendata.catalog import catalogue_turtle


class Command(BaseCommand):
    help = (
        "Schreibt den offenen Datenkatalog (DCAT-AP.de 3.0, Turtle) des veröffentlichten Bestands: je Kommune "
        "ein Datensatz mit CSV- und JSON-Verteilung. Dasselbe liefert /opendata/catalog.ttl."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", default="-", help="Zieldatei; „-“ (Standard) schreibt auf stdout.")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="Öffentliche Adresse der Plattform für die Links im Katalog (Standard: SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = str(options["base_url"]).rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url muss mit http:// oder https:// beginnen, nicht „{base_url}“.")
        turtle = catalogue_turtle(base_url=base_url)
        if options["output"] == "-":
            sys.stdout.write(turtle)
            return
        target = Path(options["output"])
        if not target.parent.is_dir():
            raise CommandError(f"Das Verzeichnis „{target.parent}“ gibt es nicht.")
        try:
            target.write_text(turtle, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"„{target}“ lässt sich nicht schreiben: {error.strerror}.") from None
        self.stdout.write(self.style.SUCCESS(f"Datenkatalog nach {target} geschrieben."))

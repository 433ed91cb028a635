from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from smartstadt.participation.models import Process
from smartstadt.participation.report import FORMATS, ReportError, render_report


class Command(BaseCommand):
    help = (
        "Erzeugt den Beteiligungsbericht eines Verfahrens (Zahlen, Repräsentativität, Themen, Werkstätten, "
        "Antworten) als PDF, DOCX oder HTML, z. B. "
        "„render_participation_report --process oberhausen-smart-city-strategie --format pdf --output bericht.pdf“."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--process", required=True, help="URL-Name (Slug) des Beteiligungsverfahrens")
        parser.add_argument("--format", required=True, help=f"Dateiformat: {', '.join(FORMATS)}")
        parser.add_argument("--output", required=True, help="Zieldatei")
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige")

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["process"]
        format: str = options["format"].lower().lstrip(".")
        if format not in FORMATS:
            raise CommandError(
                f"Unbekanntes Format „{options['format']}“ (--format): möglich sind {', '.join(FORMATS)}."
            )
        process = Process.objects.filter(slug=slug).first()
        if process is None:
            known = ", ".join(Process.objects.order_by("slug").values_list("slug", flat=True)[:10]) or "keine"
            raise CommandError(f"Es gibt kein Beteiligungsverfahren „{slug}“ (--process). Vorhanden: {known}.")
        output = Path(options["output"])
        if not output.parent.exists():
            raise CommandError(f"Der Ordner „{output.parent}“ für --output existiert nicht.")
        console = Console(file=cast(IO[str], self.stdout), force_terminal=None)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["quiet"],
        ) as progress:
            task = progress.add_task("Beteiligungsbericht", total=100)

            def report_progress(percent: int, step: str) -> None:
                progress.update(task, completed=percent, description=step)

            try:
                rendered = render_report(process, format=format, progress=report_progress)
            except ReportError as error:
                raise CommandError(str(error)) from error
        try:
            output.write_bytes(rendered.content)
        except OSError as error:
            raise CommandError(f"Die Datei „{output}“ (--output) lässt sich nicht schreiben: {error}") from error
        if not options["quiet"]:
            self.stdout.write(f"Beteiligungsbericht gespeichert: {output} ({len(rendered.content) // 1024} KiB)")

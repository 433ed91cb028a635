from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from smartstadt.documents.models import FORMATS, DocumentKind
from smartstadt.documents.rendering import RenderError, render
from smartstadt.documents.wording import number
from smartstadt.regions.models import Municipality
from smartstadt.strategy.models import Strategy, StrategyVersion

KINDS = {"strategy": "Strategiedokument", "council": "Beschlussvorlage", "measure": "Maßnahmensteckbrief"}


class Command(BaseCommand):
    help = (
        "Erzeugt ein Dokument der Smart-City-Strategie einer Kommune: das Strategiedokument (pdf, docx, html), "
        "die Beschlussvorlage (pdf, docx) oder den Steckbrief einer Maßnahme (pdf, docx) – aus dem Arbeitsstand "
        "oder mit --version N aus einer eingefrorenen Fassung."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # --version names the strategy's frozen version here, not Django's version: ours replaces it.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipality", metavar="SLUG", required=True, help="URL-Name der Kommune, z. B. oberhausen"
        )
        parser.add_argument("--version", metavar="N", help="Nummer der eingefrorenen Fassung (sonst der Arbeitsstand)")
        parser.add_argument("--format", metavar="pdf|docx|html", required=True, help="Dateiformat")
        parser.add_argument("--output", metavar="FILE", required=True, help="Zieldatei")
        parser.add_argument(
            "--document",
            metavar="strategy|council|measure",
            default="strategy",
            help="Strategiedokument (Voreinstellung), Beschlussvorlage oder Maßnahmensteckbrief",
        )
        parser.add_argument(
            "--measure", metavar="NUMBER", default="", help="Nummer der Maßnahme (für --document measure)"
        )

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
            raise CommandError(f"{municipality.name} hat noch keine Smart-City-Strategie.")
        kind = options["document"]
        if kind not in KINDS:
            raise CommandError(f"Unbekanntes Dokument „{kind}“ (--document): möglich sind strategy, council, measure.")
        fmt = str(options["format"]).lower()
        allowed = [f.value for f in FORMATS[DocumentKind(kind)]]
        if fmt not in allowed:
            raise CommandError(
                f"Unbekanntes Format „{fmt}“ (--format) für {KINDS[kind]}: möglich sind {', '.join(allowed)}."
            )
        if kind == "measure" and not options["measure"]:
            raise CommandError("Für einen Steckbrief bitte die Nummer der Maßnahme mit --measure NUMMER angeben.")
        version = self.version(strategy, options["version"])
        output = Path(options["output"])
        if not output.parent.exists():
            raise CommandError(f"Das Verzeichnis „{output.parent}“ (--output) gibt es nicht.")

        console = Console(file=cast(IO[str], self.stderr), stderr=True)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f} %"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(KINDS[kind], total=100)

            def progress(percent: int, step: str) -> None:
                bar.update(task, completed=percent, description=f"{KINDS[kind]}: {step}")

            try:
                result = render(
                    strategy=strategy,
                    kind=kind,
                    format=fmt,
                    version=version,
                    measure_number=str(options["measure"]),
                    progress=progress,
                )
            except RenderError as error:
                raise CommandError(str(error)) from error
            bar.update(task, completed=100)
        output.write_bytes(result.content)
        pages = f", {result.pages} Seiten" if result.pages else ""
        self.stdout.write(
            self.style.SUCCESS(f"{KINDS[kind]} nach {output} geschrieben ({number(len(result.content))} Bytes{pages}).")
        )

    def version(self, strategy: Strategy, number: str | None) -> StrategyVersion | None:
        if not number:
            return None
        if not str(number).isdigit():
            raise CommandError(f"Die Fassung (--version) muss eine Nummer sein, nicht „{number}“.")
        version = strategy.versions.filter(number=int(number)).first()
        if version is None:
            numbers = ", ".join(str(n) for n in strategy.versions.values_list("number", flat=True)) or "keine"
            raise CommandError(f"Die Strategie hat keine Fassung {number} (vorhanden: {numbers}).")
        return version

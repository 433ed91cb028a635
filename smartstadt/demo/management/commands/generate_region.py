from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from smartstadt.demo.generator import (
    DEFAULT_SEED,
    MAX_ENTRY_COPIES,
    MAX_SCALE,
    SYNTHETIC_COUNT_LABELS,
    DemoDataMissingError,
    generate,
    remove_synthetic,
)


class RichProgress:
    """One progress bar per generator step."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def step(self, name: str) -> None:
        self._finish()
        self.task = self.progress.add_task(name, total=0)

    def expect(self, n: int) -> None:
        if self.task is not None:
            total = self.progress.tasks[self._index()].total or 0
            self.progress.update(self.task, total=total + n)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, n)

    def close(self) -> None:
        self._finish()

    def _index(self) -> int:
        return next(i for i, task in enumerate(self.progress.tasks) if task.id == self.task)

    def _finish(self) -> None:
        if self.task is not None:
            total = self.progress.tasks[self._index()].total or 1
            self.progress.update(self.task, total=total, completed=total)


class Command(BaseCommand):
    help = (
        "Vervielfacht die Demo-Region für Last- und Skalierungstests: legt zu jeder Kommune der "
        "Metropole Ruhr N-1 synthetische Kopien (mit Stadtteilen und Akteuren) in einer eigenen Region an. "
        "Erneutes Ausführen ersetzt die synthetischen Daten, statt sie zu verdoppeln. "
        "Setzt „load_demo“ voraus."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            help=f"Skalierungsfaktor N (1 bis {MAX_SCALE}): N-1 Kopien je Kommune; 1 entfernt alle Kopien",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Startwert des Zufallsgenerators")
        parser.add_argument(
            "--all-municipalities",
            action="store_true",
            help="Alle realen Kommunen kopieren, nicht nur die der Metropole Ruhr",
        )
        parser.add_argument(
            "--entry-copies",
            type=int,
            default=1,
            help=(
                f"Kopien je Eintrag des Bestands in jeder synthetischen Kommune (1 bis {MAX_ENTRY_COPIES}): "
                "mehr Einträge ohne mehr Kommunen und Akteure"
            ),
        )
        parser.add_argument("--remove", action="store_true", help="Alle synthetischen Daten löschen")
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige und Zusammenfassung")

    def handle(self, *args: Any, **options: Any) -> None:
        scale: int | None = options["scale"]
        if options["remove"] == (scale is not None):
            raise CommandError("Bitte entweder „--scale N“ oder „--remove“ angeben.")
        if scale is not None and not 1 <= scale <= MAX_SCALE:
            raise CommandError(f"Die Skalierung muss zwischen 1 und {MAX_SCALE} liegen (angegeben: {scale}).")
        if not 1 <= options["entry_copies"] <= MAX_ENTRY_COPIES:
            raise CommandError(
                f"--entry-copies muss zwischen 1 und {MAX_ENTRY_COPIES} liegen (angegeben: {options['entry_copies']})."
            )
        console = Console(file=cast(IO[str], self.stdout), force_terminal=None)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["quiet"],
        ) as progress:
            sink = RichProgress(progress)
            try:
                if scale is None:
                    removed = remove_synthetic(sink)
                    report = None
                else:
                    report = generate(
                        scale=scale,
                        seed=options["seed"],
                        include_all=options["all_municipalities"],
                        entry_copies=options["entry_copies"],
                        progress=sink,
                    )
                    removed = report.removed
            except DemoDataMissingError as error:
                raise CommandError(str(error)) from error
            sink.close()
        if options["quiet"]:
            return
        if removed:
            summary = ", ".join(f"{SYNTHETIC_COUNT_LABELS.get(key, key)}: {value}" for key, value in removed.items())
            self.stdout.write(f"  Entfernt (synthetisch): {summary}")
        if report is None:
            self.stdout.write(self.style.SUCCESS("Synthetische Daten entfernt."))
            return
        for key, value in sorted(report.created.items()):
            self.stdout.write(f"  {key}: {value} neu")
        if report.region is None:
            self.stdout.write(self.style.SUCCESS("Skalierung x1: nur die realen Demo-Daten, keine Kopien."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{report.region.name} angelegt: {report.total} Datensätze (Seed {report.seed}).")
            )

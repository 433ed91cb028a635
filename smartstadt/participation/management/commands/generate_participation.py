from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from smartstadt.demo.management.commands.generate_region import RichProgress
from smartstadt.participation.synthetic import (
    DEFAULT_SEED,
    MAX_CONTRIBUTIONS,
    MAX_SUPPORTS,
    generate_load_process,
    remove_load_process,
)


class Command(BaseCommand):
    help = (
        "Legt für Lasttests ein großes synthetisches Beteiligungsverfahren an: Ideen und Kommentare "
        "(--contributions), Unterstützungen (--supports) und synthetische Bürgerinnen und Bürger. Erneutes "
        "Ausführen ersetzt es; --remove löscht es. Setzt „load_demo“ voraus."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--contributions",
            type=int,
            help=f"Zahl der Beiträge (Ideen und Kommentare, 1 bis {MAX_CONTRIBUTIONS}); zwei von fünf sind Ideen",
        )
        parser.add_argument("--supports", type=int, default=0, help=f"Zahl der Unterstützungen (0 bis {MAX_SUPPORTS})")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Startwert des Zufallsgenerators")
        parser.add_argument("--remove", action="store_true", help="Das synthetische Verfahren löschen")
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige und Zusammenfassung")

    def handle(self, *args: Any, **options: Any) -> None:
        contributions: int | None = options["contributions"]
        if options["remove"] == (contributions is not None):
            raise CommandError("Bitte entweder „--contributions N“ (mit „--supports M“) oder „--remove“ angeben.")
        if contributions is not None and not 1 <= contributions <= MAX_CONTRIBUTIONS:
            raise CommandError(
                f"--contributions muss zwischen 1 und {MAX_CONTRIBUTIONS} liegen (angegeben: {contributions})."
            )
        if not 0 <= options["supports"] <= MAX_SUPPORTS:
            raise CommandError(
                f"--supports muss zwischen 0 und {MAX_SUPPORTS} liegen (angegeben: {options['supports']})."
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
                if contributions is None:
                    removed = remove_load_process(sink)
                    created: dict[str, int] = {}
                else:
                    report = generate_load_process(
                        contributions=contributions,
                        supports=options["supports"],
                        seed=options["seed"],
                        progress=sink,
                    )
                    removed, created = report.removed, report.created
            except LookupError as error:
                raise CommandError(str(error)) from error
            sink.close()
        if options["quiet"]:
            return
        if removed:
            self.stdout.write("Entfernt: " + ", ".join(f"{n} {label}" for label, n in removed.items()))
        if created:
            self.stdout.write("Angelegt: " + ", ".join(f"{n} {label}" for label, n in created.items()))
        elif not removed:
            self.stdout.write("Es gab kein synthetisches Beteiligungsverfahren.")

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from smartstadt.core.permissions import System
from smartstadt.inventory import spreadsheets
from smartstadt.inventory.services import entries_import
from smartstadt.regions.models import Municipality

LARGE = 1000  # rows from which a progress bar is shown
PHASES = {"check": "Prüfen", "write": "Speichern"}


class Command(BaseCommand):
    help = (
        "Importiert Bestandseinträge aus einer Tabelle (.xlsx oder .csv, Spalten wie in der Vorlage) in eine Kommune: "
        "alle Zeilen oder – bei einem einzigen Fehler – keine. Zeilen mit bekannter externer ID werden aktualisiert. "
        "Mit --template FILE.xlsx|FILE.csv wird die leere Vorlage geschrieben."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Die Tabelle (.xlsx oder .csv)")
        parser.add_argument("--municipality", metavar="SLUG", help="URL-Name der Kommune, z. B. oberhausen")
        parser.add_argument(
            "--dry-run", action="store_true", help="Nur prüfen und zeigen, was geschähe; nichts speichern"
        )
        parser.add_argument("--template", metavar="FILE", help="Die leere Vorlage (.xlsx oder .csv) schreiben")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("de"):
            if options["template"]:
                self.write_template(options["template"], options["municipality"])
                return
            self.run_import(options)

    def municipality(self, slug: str | None) -> Municipality:
        if not slug:
            raise CommandError("Bitte die Kommune mit --municipality SLUG angeben.")
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(f"Es gibt keine Kommune mit dem URL-Namen „{slug}“.")
        return municipality

    def write_template(self, target: str, slug: str | None) -> None:
        fmt = Path(target).suffix.lower().lstrip(".")
        if fmt not in spreadsheets.IMPORT_FORMATS:
            raise CommandError("Die Vorlage muss auf .xlsx oder .csv enden.")
        municipality = self.municipality(slug) if slug else None
        Path(target).write_bytes(spreadsheets.template(fmt, municipality))
        self.stdout.write(self.style.SUCCESS(f"Vorlage nach {target} geschrieben."))

    def run_import(self, options: dict[str, Any]) -> None:
        if not options["file"]:
            raise CommandError("Bitte die Tabelle angeben (oder --template FILE für die leere Vorlage).")
        path = Path(options["file"])
        municipality = self.municipality(options["municipality"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Die Datei {path} kann nicht gelesen werden: {error.strerror}.") from None
        console = Console(file=cast(IO[str], self.stderr), stderr=True)
        progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} Zeilen"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        tasks: dict[str, TaskID] = {}

        def report(phase: str, done: int, total: int) -> None:
            if total < LARGE:
                return
            if not tasks:
                progress.start()
            if phase not in tasks:
                tasks[phase] = progress.add_task(PHASES.get(phase, phase), total=total)
            progress.update(tasks[phase], completed=done)

        try:
            result = entries_import(
                actor=System("Import"),
                municipality=municipality,
                data=data,
                filename=path.name,
                dry_run=options["dry_run"],
                progress=report,
            )
        finally:
            progress.stop()
        if result.errors:
            for problem in result.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(result.errors)} Fehler in {path.name} – nichts gespeichert.")
        if options["verbosity"] >= 2:
            for row in result.rows:
                if row.action != "unchanged":
                    changed = f" ({', '.join(row.changed)})" if row.changed else ""
                    self.stdout.write(f"  Zeile {row.row}: {ACTIONS[row.action]} – {row.title}{changed}")
        self.stdout.write(
            f"{municipality.name}: {len(result.rows)} Zeilen geprüft – neu: {result.created}, geändert: "
            f"{result.updated}, unverändert: {result.unchanged}."
        )
        for row in result.rows:  # warnings, not errors (smartstadt/analysis/duplicates.py)
            if row.duplicates:
                like = ", ".join(
                    f"„{flag['title']}“ (#{flag['entry']})" if "entry" in flag else f"Zeile {flag['row']}"
                    for flag in row.duplicates
                )
                self.stdout.write(self.style.WARNING(f"  Zeile {row.row}: mögliche Dublette von {like} – {row.title}"))
        if result.duplicates:
            self.stdout.write(f"Mögliche Dubletten: {result.duplicates} Zeilen (Hinweis, kein Fehler).")
        if options["dry_run"]:
            self.stdout.write("Probelauf: nichts gespeichert.")
        else:
            self.stdout.write(self.style.SUCCESS("Import gespeichert."))


ACTIONS = {"created": "neu", "updated": "geändert", "unchanged": "unverändert"}

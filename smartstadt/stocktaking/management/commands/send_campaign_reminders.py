from __future__ import annotations

from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from smartstadt.stocktaking.selectors import invitations_due_for_reminder
from smartstadt.stocktaking.services import REMINDER, invitation_remind


class Command(BaseCommand):
    help = (
        "Erinnert Organisationen, die in offenen Bestandsaufnahmen noch nicht geantwortet haben, wenn die Frist "
        "naht (für cron, z. B. täglich). Jede Erinnerung bringt einen neuen persönlichen Link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days-before-deadline",
            type=int,
            default=7,
            help="Erinnern, sobald die Frist höchstens so viele Tage entfernt ist (Standard: 7)",
        )
        parser.add_argument(
            "--min-days-between",
            type=int,
            default=3,
            help="Frühestens so viele Tage nach der Einladung oder der letzten Erinnerung (Standard: 3)",
        )
        parser.add_argument(
            "--max-reminders", type=int, default=3, help="Höchstens so viele Erinnerungen je Einladung (Standard: 3)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Nur anzeigen, wer erinnert würde")
        parser.add_argument("--quiet", action="store_true", help="Keine Fortschrittsanzeige")

    def handle(self, *args: Any, **options: Any) -> None:
        due = list(
            invitations_due_for_reminder(
                days_before_deadline=options["days_before_deadline"],
                min_days_between=options["min_days_between"],
                max_reminders=options["max_reminders"],
            )
        )
        console = Console(file=cast(IO[str], self.stdout))
        reminded: list[str] = []
        failed: list[str] = []
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=options["quiet"],
        ) as progress:
            task = progress.add_task("Erinnerungen", total=len(due))
            for invitation in due:
                label = f"{invitation.campaign.municipality.name}: {invitation.organisation.name}"
                progress.update(task, description=label[:60])
                if options["dry_run"]:
                    reminded.append(label)
                else:
                    try:
                        invitation_remind(actor=REMINDER, invitation=invitation)
                    except ValidationError as error:
                        failed.append(f"{label} ({' '.join(error.messages)})")
                    else:
                        reminded.append(label)
                progress.advance(task)
        verb = "würden erinnert" if options["dry_run"] else "erinnert"
        for label in reminded:
            self.stdout.write(f"  {label}")
        for label in failed:
            self.stdout.write(self.style.WARNING(f"  nicht erinnert: {label}"))
        self.stdout.write(self.style.SUCCESS(f"{len(reminded)} von {len(due)} fälligen Einladungen {verb}."))

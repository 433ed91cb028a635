from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count
from django.utils import timezone

from smartstadt.core import jobs
from smartstadt.core.models import WorkerHeartbeat


class Command(BaseCommand):
    help = (
        "Reiht laufende Hintergrundaufgaben, deren Worker ausgefallen ist, erneut ein (oder markiert sie als "
        "fehlgeschlagen) und zeigt die Worker mit ihrem letzten Herzschlag. Die Worker tun das ohnehin laufend; "
        "der Befehl ist für den Fall, dass gerade keiner läuft."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dead-worker",
            action="append",
            default=[],
            dest="dead",
            help="Worker-ID, die sicher nicht mehr läuft (ihre Aufgaben sofort zurückgeben, ohne den Lease abzuwarten)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for worker_id in options["dead"]:
            jobs.forget(worker_id)
        recovered = jobs.recover_lost_tasks(dead=options["dead"])
        for item in recovered:
            what = "erneut eingereiht" if item.retried else "als fehlgeschlagen markiert"
            self.stdout.write(f"Aufgabe {item.result_id} ({item.task_path}): {what}.")
        running = jobs.DBTaskResult.objects.running().aggregate(n=Count("pk"))["n"]
        self.stdout.write(f"{len(recovered)} verlorene Aufgabe(n) zurückgegeben; {running} laufen gerade.")
        for beat in WorkerHeartbeat.objects.order_by("-beat_at"):
            last = timezone.localtime(beat.beat_at)
            where = f"auf {beat.host} (PID {beat.pid})"
            self.stdout.write(f"Worker {beat.worker_id} {where}: zuletzt {last:%d.%m.%Y %H:%M:%S}")

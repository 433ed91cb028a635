from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from smartstadt.core.jobs import Heartbeat


class Command(DbWorkerCommand):
    help = (
        "Führt Hintergrundaufgaben aus der Datenbank-Warteschlange aus (django-tasks-db) und schreibt dabei einen "
        "Herzschlag, damit Aufgaben eines ausgefallenen Workers erneut eingereiht werden."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # With --reload the outer process only watches files; the inner one runs tasks and beats.
        beats = not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        heartbeat = Heartbeat(options["worker_id"]) if beats else None
        if heartbeat is not None:
            heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            if heartbeat is not None:
                heartbeat.stop()

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.tasks import task_backends
from django.utils.crypto import get_random_string

from smartstadt.core.redis_tasks import RedisBackend


class Command(BaseCommand):
    help = "Führt Hintergrundaufgaben aus der Redis-Warteschlange aus (TASKS_BACKEND=redis)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", action="append", dest="queues", help="Warteschlange (mehrfach möglich)")
        parser.add_argument("--backend", default="default", help="Alias des Task-Backends")
        parser.add_argument("--batch", action="store_true", help="Nur vorhandene Aufgaben ausführen, dann enden")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = task_backends[options["backend"]]
        if not isinstance(backend, RedisBackend):
            raise CommandError(
                f"Das Task-Backend '{options['backend']}' ist kein Redis-Backend; nutzen Sie manage.py db_worker."
            )
        queues = options["queues"] or list(backend.queues) or ["default"]
        worker_id = get_random_string(16)
        self.running = True

        def stop(*_args: Any) -> None:
            self.running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Redis-Worker {worker_id} wartet auf Aufgaben in: {', '.join(queues)}")
        while self.running:
            result = backend.run_next(queues, worker_id, timeout=1)
            if result is not None:
                self.stdout.write(f"{result.task.name} {result.id}: {result.status}")
            elif options["batch"]:
                break

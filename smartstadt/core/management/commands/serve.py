from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from smartstadt.core import filecache
from smartstadt.core.supervisor import WorkerSupervisor


def worker_command(worker_id: str, *, reload: bool = False) -> list[str]:
    """The database worker (with heartbeat) under the given id."""
    return [
        sys.executable,
        os.path.join(settings.BASE_DIR, "manage.py"),
        "worker",
        "--reload" if reload else "--no-reload",
        "--worker-id",
        worker_id,
    ]


class Command(BaseCommand):
    help = (
        "Startet die Plattform wie im eingebetteten Profil: Webserver und Hintergrund-Worker in einer "
        "Prozessgruppe. Stirbt der Worker, wird er neu gestartet; endet der Server, endet auch der Worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="Ohne Hintergrund-Worker starten")
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Django-Entwicklungsserver mit automatischem Neuladen statt gunicorn (für die Entwicklung)",
        )
        parser.add_argument("--workers", type=int, default=2, help="Anzahl der gunicorn-Prozesse")
        parser.add_argument("--threads", type=int, default=4, help="Threads je gunicorn-Prozess")

    def handle(self, *args: Any, **options: Any) -> None:
        # A SIGTERM (systemd, timeout, docker stop) ends the server like Ctrl+C, so the worker is stopped too.
        signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
        if filecache.configured():
            # The embedded profile's cache outlives the processes: drop pages an earlier run rendered with
            # templates or code that may have changed since. (Redis in production also holds the sessions.)
            cache.clear()
        worker = None
        # With --dev, runserver runs this command again in a child process that it restarts on every change;
        # the worker belongs to the outer process only, else every reload would start one more.
        reloaded_child = os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if not options["no_worker"] and not reloaded_child:
            dev = bool(options["dev"])
            worker = WorkerSupervisor(lambda worker_id: worker_command(worker_id, reload=dev), write=self._say)
            worker.start()
        try:
            if options["dev"]:
                call_command("runserver", f"{options['host']}:{options['port']}")
            else:
                address = f"{options['host']}:{options['port']}"
                self.stdout.write(f"Smartstadt antwortet auf http://{address}/ (gunicorn; Beenden mit Strg+C).")
                subprocess.run(  # noqa: S603  (our own interpreter and a fixed argument list)
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "config.wsgi",
                        "--bind",
                        address,
                        "--workers",
                        str(options["workers"]),
                        "--threads",
                        str(options["threads"]),
                        "--access-logfile",
                        "-",
                        "--graceful-timeout",
                        "5",
                    ],
                    check=False,
                    cwd=settings.BASE_DIR,
                )
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.stop()

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

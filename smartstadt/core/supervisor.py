"""The background worker beside the web server in ``manage.py serve``: started with it, restarted when it dies.

A worker that dies (killed, out of memory) is started again at once, and the tasks it was running are handed
back to the queue straight away (``jobs.recover_lost_tasks`` with its id) instead of after the lease. A worker that
keeps dying right after its start is restarted with a growing pause (up to a minute), so a broken configuration
does not spin.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)

# A worker that ran at least this long before dying is restarted at once; one that died sooner waits.
STABLE_SECONDS = 10.0
MAX_PAUSE_SECONDS = 60.0


def _how(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"Signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"Signal {-returncode}"
    return f"Exit-Code {returncode}"


class WorkerSupervisor:
    """Runs ``command(worker_id)`` as a child process and keeps it running until :meth:`stop`."""

    def __init__(
        self,
        command: Callable[[str], list[str]],
        *,
        write: Callable[[str], None],
        poll_seconds: float = 0.5,
        recover: bool = True,
    ) -> None:
        self.command = command
        self.write = write
        self.poll_seconds = poll_seconds
        self.recover = recover
        self.process: subprocess.Popen[bytes] | None = None
        self.worker_id = ""
        self.restarts = 0
        self._started_at = 0.0
        self._quick_deaths = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._prefix = f"serve-{socket.gethostname()[:30]}-{os.getpid()}"

    def _spawn(self) -> None:
        self.worker_id = f"{self._prefix}-{self.restarts}"[:64]
        self.process = subprocess.Popen(self.command(self.worker_id))  # noqa: S603  (our own manage.py)
        self._started_at = time.monotonic()

    def start(self) -> None:
        self._spawn()
        assert self.process is not None
        self.write(f"Hintergrund-Worker gestartet (PID {self.process.pid}).")
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)
        self._thread.start()

    def _hand_back(self, worker_id: str) -> None:
        if not self.recover:
            return
        from django.db import connection

        from . import jobs

        try:
            jobs.forget(worker_id)
            recovered = jobs.recover_lost_tasks(dead={worker_id})
        except Exception:
            logger.exception("Tasks of worker %s could not be handed back", worker_id)
            return
        finally:
            connection.close()
        if recovered:
            again = sum(1 for item in recovered if item.retried)
            self.write(
                f"{len(recovered)} unterbrochene Aufgabe(n) des Workers: {again} erneut eingereiht, "
                f"{len(recovered) - again} als fehlgeschlagen markiert."
            )

    def _watch(self) -> None:
        while not self._stopping.wait(self.poll_seconds):
            process = self.process
            if process is None or process.poll() is None:
                continue
            ran = time.monotonic() - self._started_at
            self._quick_deaths = self._quick_deaths + 1 if ran < STABLE_SECONDS else 0
            pause = min(2.0 ** (self._quick_deaths - 1), MAX_PAUSE_SECONDS) if self._quick_deaths else 0.0
            old_pid, old_id = process.pid, self.worker_id
            self.write(
                f"Hintergrund-Worker (PID {old_pid}) ist unerwartet beendet ({_how(process.returncode)}); "
                + (f"Neustart in {pause:.0f} s." if pause else "er wird neu gestartet.")
            )
            self._hand_back(old_id)
            if pause and self._stopping.wait(pause):
                return
            self.restarts += 1
            self._spawn()
            assert self.process is not None
            self.write(f"Hintergrund-Worker neu gestartet (PID {self.process.pid}, Neustart Nr. {self.restarts}).")

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

"""Leases for background tasks, so that a task whose worker died is not left "running" forever.

django-tasks-db claims a task by marking it RUNNING with the worker's id, and has no lease of its own. Workers
started with ``manage.py worker`` write a heartbeat (``WorkerHeartbeat``) every ``TASK_HEARTBEAT_SECONDS`` and, in
the same breath, look for RUNNING tasks whose worker has not beaten for ``TASK_LEASE_SECONDS``. Such a task is
queued again while it has had fewer than ``TASK_MAX_ATTEMPTS`` attempts, else marked FAILED with
``WorkerLost``; then ``task_finished`` is sent as for any failed task, so the records that follow the task (a
rendered document, an import) can show the failure and offer to start again.

Tasks must therefore be safe to run twice: each one starts from what is stored, not from where it stopped.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A task claimed by a worker that writes no heartbeat (a plain ``db_worker``) is taken as lost only after this.
UNTRACKED_LEASE = datetime.timedelta(hours=1)


class WorkerLost(Exception):  # noqa: N818  (the name is what an operator reads in the task's error)
    """The worker running the task stopped (killed, crashed, machine gone) before the task finished."""


@dataclass(frozen=True)
class Recovered:
    result_id: str
    task_path: str
    retried: bool


def beat(worker_id: str) -> None:
    """Record that the worker is alive."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"beat_at": now, "started_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()},
        )


def forget(worker_id: str) -> None:
    """The worker ended (gracefully, or its supervisor saw it die): its heartbeat goes."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _lost(task: DBTaskResult, *, alive: set[str], known: set[str], dead: set[str], now: datetime.datetime) -> bool:
    worker = task.worker_ids[-1] if task.worker_ids else ""
    if worker in dead:
        return True
    if worker in alive:
        return False
    if worker in known:  # it beat once, but not within the lease
        return True
    return task.started_at is None or task.started_at < now - UNTRACKED_LEASE


def recover_lost_tasks(*, dead: Iterable[str] = ()) -> list[Recovered]:
    """Queue again (or fail) the running tasks whose worker is gone; ``dead`` names workers known to be gone."""
    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    dead_ids = set(dead)
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "beat_at"))
    alive = {worker for worker, beat_at in beats.items() if beat_at >= now - lease} - dead_ids
    recovered: list[Recovered] = []
    failed: list[DBTaskResult] = []
    with exclusive_transaction(DBTaskResult.objects.db):
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for task in running:
            if not _lost(task, alive=alive, known=set(beats), dead=dead_ids, now=now):
                continue
            retried = len(task.worker_ids) < settings.TASK_MAX_ATTEMPTS
            if retried:
                task.status = "READY"
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                logger.warning("Task %s (%s) lost its worker; queued again", task.id, task.task_path)
            else:
                task.set_failed(
                    WorkerLost(
                        f"Der Hintergrund-Worker ist nach {len(task.worker_ids)} Versuch(en) ausgefallen, "
                        "bevor die Aufgabe fertig war."
                    )
                )
                failed.append(task)
                logger.error("Task %s (%s) lost its worker too often; marked failed", task.id, task.task_path)
            recovered.append(Recovered(str(task.id), task.task_path, retried))
    WorkerHeartbeat.objects.filter(beat_at__lt=now - 10 * lease).delete()
    for task in failed:
        try:
            result = task.task_result
        except Exception:  # a task whose function is gone: nothing to tell
            logger.exception("Task %s cannot be reported as failed", task.id)
            continue
        task_finished.send(sender=DatabaseBackend, task_result=result)
    return recovered


class Heartbeat(threading.Thread):
    """Beats for one worker and recovers lost tasks, in a daemon thread beside the worker's loop."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                beat(self.worker_id)
                recover_lost_tasks()
            except Exception:  # a busy database must not end the heartbeat; the next round tries again
                logger.exception("Heartbeat of worker %s failed", self.worker_id)
            self.stopped.wait(settings.TASK_HEARTBEAT_SECONDS)
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)
        with transaction.atomic():
            forget(self.worker_id)


def task_status(result_id: str | None) -> str | None:
    """The status of a queued task (``READY``, ``RUNNING``, ``SUCCESSFUL``, ``FAILED``), or None if there is no
    such task (never queued, or its result pruned). A record that follows a task (an import) is stuck when its
    task is finished or gone while the record itself is not."""
    if not result_id:
        return None
    return DBTaskResult.objects.filter(pk=result_id).values_list("status", flat=True).first()


def cancel(result_id: str) -> bool:
    """Take a task that has not finished off the queue (a discarded import): waiting, it will not start; running,
    it is marked failed, and a worker that is still on it finds its record gone. True if there was one to cancel."""
    return bool(
        DBTaskResult.objects.filter(pk=result_id, status__in=["READY", "RUNNING"]).update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path="smartstadt.core.jobs.Cancelled",
            traceback="Abgebrochen.",
        )
    )

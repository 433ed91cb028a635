"""Leases of background tasks: a task whose worker died is queued again or failed, never left running; and
``manage.py serve`` restarts a worker that died. The worker tests run real worker processes against a migrated
SQLite file and (when reachable) a PostgreSQL database, and kill them with SIGKILL in the middle of a task."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from smartstadt.core import jobs
from smartstadt.core.models import WorkerHeartbeat
from smartstadt.core.supervisor import WorkerSupervisor

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
_MAIN_URL = os.environ.get("DATABASE_URL", "")
# A database of its own for the worker processes (they cannot see the test run's transactions), beside the test
# run's PostgreSQL if it has one, else on the local server; the test is skipped where there is none.
POSTGRES_URL = os.environ.get("JOBS_TEST_POSTGRES_URL") or (
    f"{_MAIN_URL}_worker_test"
    if _MAIN_URL.startswith("postgres")
    else "postgres://postgres@127.0.0.1:5432/smartstadt_worker_test"
)


@task()
def noop() -> int:
    return 1


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.TASK_LEASE_SECONDS = 60
    settings.TASK_MAX_ATTEMPTS = 2


def _claimed(worker_ids: list[str]) -> DBTaskResult:
    result = noop.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now()
    row.worker_ids = worker_ids
    row.save()
    return row


@pytest.mark.django_db
def test_a_task_of_a_worker_that_stopped_beating_is_queued_again(database_tasks):
    stale = timezone.now() - datetime.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="gone", beat_at=stale)
    WorkerHeartbeat.objects.create(worker_id="alive")
    lost, busy = _claimed(["gone"]), _claimed(["alive"])
    recovered = jobs.recover_lost_tasks()
    assert [(item.result_id, item.retried) for item in recovered] == [(str(lost.pk), True)]
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert lost.status == TaskResultStatus.READY
    assert busy.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_that_lost_its_worker_too_often_fails_and_says_so(database_tasks):
    seen = []

    def receiver(sender, task_result, **kwargs):
        seen.append(task_result)

    task_finished.connect(receiver)
    try:
        row = _claimed(["one", "two"])
        jobs.recover_lost_tasks(dead={"two"})
    finally:
        task_finished.disconnect(receiver)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "smartstadt.core.jobs.WorkerLost"
    assert "ausgefallen" in row.traceback
    assert [result.status for result in seen] == [TaskResultStatus.FAILED]


@pytest.mark.django_db
def test_a_task_of_a_plain_db_worker_is_only_taken_as_lost_after_an_hour(database_tasks):
    row = _claimed(["plain"])
    assert jobs.recover_lost_tasks() == []
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - datetime.timedelta(hours=2))
    assert [item.retried for item in jobs.recover_lost_tasks()] == [True]


@pytest.mark.django_db
def test_a_cancelled_task_does_not_start_and_says_why(database_tasks):
    waiting = noop.enqueue()
    assert jobs.task_status(waiting.id) == "READY"
    assert jobs.cancel(waiting.id)
    assert jobs.task_status(waiting.id) == "FAILED"
    assert not jobs.cancel(waiting.id)
    assert jobs.task_status(None) is None
    assert not DBTaskResult.objects.ready().filter(pk=waiting.id).exists()


@pytest.mark.django_db
def test_recover_tasks_hands_back_the_tasks_of_a_worker_named_dead(database_tasks):
    from io import StringIO

    from django.core.management import call_command

    WorkerHeartbeat.objects.create(worker_id="abgestuerzt")
    row = _claimed(["abgestuerzt"])
    out = StringIO()
    call_command("recover_tasks", "--dead-worker", "abgestuerzt", stdout=out)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    assert f"Aufgabe {row.pk} (smartstadt.core.tests.test_jobs.noop): erneut eingereiht." in out.getvalue()
    assert not WorkerHeartbeat.objects.filter(worker_id="abgestuerzt").exists()


# --- Real worker processes ------------------------------------------------------------------------------------


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "TASKS_BACKEND": "database",
        "TASK_HEARTBEAT_SECONDS": "0.5",
        "TASK_LEASE_SECONDS": "3",
        "TASK_MAX_ATTEMPTS": "2",
    }


def _postgres_ready(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    base, name = url.rsplit("/", 1)
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return False
    return True


def _drop_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def worker_database(request, tmp_path_factory) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'jobs.sqlite3'}"
    else:
        url = POSTGRES_URL
        if not _postgres_ready(url):
            pytest.skip(f"PostgreSQL unter {url} nicht erreichbar")
    env = _env(url)
    subprocess.run([sys.executable, MANAGE, "migrate", "-v0"], env=env, check=True, timeout=300)  # noqa: S603
    yield env
    if request.param == "postgresql":
        _drop_postgres(url)


def _django(env: dict[str, str], code: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, MANAGE, "shell", "-c", code], env=env, check=True, timeout=120, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def _enqueue(env: dict[str, str], marker: Path) -> str:
    return _django(
        env,
        f"from smartstadt.core.tests.job_tasks import slow_job;print(slow_job.enqueue(marker={str(marker)!r}).id)",
    )


def _status(env: dict[str, str], result_id: str) -> dict[str, object]:
    return json.loads(
        _django(
            env,
            "import json; from django_tasks_db.models import DBTaskResult;"
            f"r = DBTaskResult.objects.get(pk={result_id!r});"
            "print(json.dumps({'status': r.status, 'value': r.return_value, 'workers': r.worker_ids}))",
        )
    )


def _worker(env: dict[str, str], worker_id: str) -> list[str]:
    return [
        sys.executable,
        MANAGE,
        "worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        "--worker-id",
        worker_id,
    ]


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_job_whose_worker_was_killed_is_run_again_by_another_worker(worker_database, tmp_path):
    env = worker_database
    marker = tmp_path / "attempts"
    result_id = _enqueue(env, marker)
    first = subprocess.Popen(_worker(env, "first"), env=env)  # noqa: S603
    try:
        _wait(marker.exists, 60, "the first attempt")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        _stop(first)
    assert _status(env, result_id)["status"] == "RUNNING"  # what the killed worker leaves behind
    second = subprocess.Popen(_worker(env, "second"), env=env)  # noqa: S603
    try:
        _wait(lambda: marker.read_text() == "xx", 60, "the second attempt")
        _wait(lambda: _status(env, result_id)["status"] == "SUCCESSFUL", 60, "the job to finish")
    finally:
        _stop(second)
    status = _status(env, result_id)
    assert status["value"] == "attempt 2"
    assert status["workers"] == ["first", "second"]


def test_serve_restarts_a_killed_worker_and_hands_its_job_back(worker_database, tmp_path, monkeypatch):
    env = worker_database
    for name, value in _env(env["DATABASE_URL"]).items():
        monkeypatch.setenv(name, value)
    marker = tmp_path / "attempts"
    result_id = _enqueue(env, marker)
    said: list[str] = []
    # The supervisor in this process hands tasks back itself; it must speak to the worker's database.
    supervisor = WorkerSupervisor(lambda worker_id: _worker(env, worker_id), write=said.append, recover=False)
    supervisor.start()
    try:
        _wait(marker.exists, 60, "the first attempt")
        first = supervisor.process
        assert first is not None
        os.kill(first.pid, signal.SIGKILL)
        _wait(lambda: supervisor.restarts == 1, 30, "the restart")
        second = supervisor.process
        assert second is not None
        assert second.pid != first.pid
        assert second.poll() is None
        _wait(lambda: marker.read_text() == "xx", 60, "the second attempt")
        _wait(lambda: _status(env, result_id)["status"] == "SUCCESSFUL", 60, "the job to finish")
    finally:
        supervisor.stop()
    assert said[0].startswith("Hintergrund-Worker gestartet (PID")
    assert f"Hintergrund-Worker (PID {first.pid}) ist unerwartet beendet (Signal SIGKILL)" in said[1]
    assert said[-1].startswith(f"Hintergrund-Worker neu gestartet (PID {second.pid}")

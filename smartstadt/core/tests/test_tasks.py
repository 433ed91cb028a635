from __future__ import annotations

import os
import uuid

import pytest
from django.core import mail
from django.tasks import TaskResultStatus, task

from smartstadt.core.redis_tasks import RedisBackend
from smartstadt.core.tasks import send_email

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def explode() -> None:
    raise ValueError("kaputt")


@pytest.mark.django_db
def test_password_reset_mail_goes_through_the_task_queue(client, personas):
    response = client.post("/passwort-vergessen/", {"email": personas.citizen.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert personas.citizen.username in mail.outbox[0].body
    assert "/passwort-neu/" in mail.outbox[0].body


@pytest.mark.django_db
def test_unknown_address_gets_the_same_answer_and_no_mail(client, personas):
    response = client.post("/passwort-vergessen/", {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_send_email_task_sends(settings):
    result = send_email.enqueue(subject="Hallo", body="Text", to=["a@example.org"])
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert mail.outbox[0].subject == "Hallo"


@pytest.fixture
def redis_backend(settings):
    import redis
    from django.tasks import task_backends

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis unter {REDIS_URL} nicht erreichbar")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.TASKS = {
        "default": {
            "BACKEND": "smartstadt.core.redis_tasks.RedisBackend",
            "QUEUES": [queue],
            "OPTIONS": {"url": REDIS_URL},
        }
    }
    backend = task_backends["default"]
    assert isinstance(backend, RedisBackend)
    yield backend, queue
    for key in backend.client.scan_iter("smartstadt:tasks:*"):
        backend.client.delete(key)


def test_redis_backend_runs_a_task_and_keeps_its_result(redis_backend):
    backend, queue = redis_backend
    result = backend.enqueue(add.using(queue_name=queue), [2, 3], {})
    assert backend.get_result(result.id).status == TaskResultStatus.READY
    finished = backend.run_next([queue], worker_id="w1", timeout=1)
    assert finished is not None
    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert backend.get_result(result.id).return_value == 5
    assert backend.get_result(result.id).worker_ids == ["w1"]


def test_redis_backend_records_a_failure_and_the_worker_goes_on(redis_backend):
    backend, queue = redis_backend
    failing = backend.enqueue(explode.using(queue_name=queue), [], {})
    succeeding = backend.enqueue(add.using(queue_name=queue), [1, 1], {})
    backend.run_next([queue], worker_id="w1", timeout=1)
    backend.run_next([queue], worker_id="w1", timeout=1)
    failed = backend.get_result(failing.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.errors[0].exception_class is ValueError
    assert backend.get_result(succeeding.id).return_value == 2


def test_redis_backend_defers_until_due(redis_backend):
    from datetime import timedelta

    from django.utils import timezone

    backend, queue = redis_backend
    later = backend.enqueue(add.using(queue_name=queue, run_after=timezone.now() + timedelta(hours=1)), [1, 2], {})
    assert backend.run_next([queue], worker_id="w1", timeout=1) is None
    backend.client.zadd(backend.scheduled_key(queue), {later.id: 0})
    assert backend.run_next([queue], worker_id="w1", timeout=1).return_value == 3

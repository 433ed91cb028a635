"""A task backend for Django's tasks framework that queues in Redis.

Production uses it when REDIS_URL is set (``TASKS_BACKEND=redis``); the embedded profile queues in the database
with django-tasks-db. Each task result is a Redis hash; ready ids wait in one list per queue, deferred ones in a
sorted set until they are due. ``manage.py redis_worker`` runs them.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from traceback import format_exception
from typing import Any

import redis
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskContext, TaskError, TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
PREFIX = "smartstadt:tasks"
RESULT_TTL_SECONDS = 7 * 24 * 3600


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class RedisBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True
    supports_priority = False

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.url: str = self.options.get("url") or "redis://127.0.0.1:6379/0"
        self._client: Any = None

    @property
    def client(self) -> Any:
        # Typed loosely: redis-py annotates every call as "value or awaitable", which says nothing here.
        if self._client is None:
            self._client = redis.Redis.from_url(self.url, decode_responses=True)
        return self._client

    def _key(self, result_id: str) -> str:
        return f"{PREFIX}:result:{result_id}"

    def queue_key(self, queue_name: str) -> str:
        return f"{PREFIX}:queue:{queue_name}"

    def scheduled_key(self, queue_name: str) -> str:
        return f"{PREFIX}:scheduled:{queue_name}"

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        now = timezone.now()
        result: TaskResult = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=now,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        record = {
            "task_path": task.module_path,
            "queue_name": task.queue_name,
            "priority": str(task.priority),
            "run_after": _iso(task.run_after) or "",
            "status": TaskResultStatus.READY,
            "enqueued_at": _iso(now) or "",
            "args": json.dumps(result.args),
            "kwargs": json.dumps(result.kwargs),
            "errors": "[]",
            "worker_ids": "[]",
        }
        pipe = self.client.pipeline()
        pipe.hset(self._key(result.id), mapping=record)
        if task.run_after is not None and task.run_after > now:
            pipe.zadd(self.scheduled_key(task.queue_name), {result.id: task.run_after.timestamp()})
        else:
            pipe.lpush(self.queue_key(task.queue_name), result.id)
        pipe.execute()
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        data = self.client.hgetall(self._key(result_id))
        if not data:
            raise TaskResultDoesNotExist(result_id)
        return self._result_from(result_id, data)

    def _result_from(self, result_id: str, data: dict[str, str]) -> TaskResult:
        task_obj = import_string(data["task_path"])
        task = task_obj.using(queue_name=data["queue_name"], run_after=_parse(data.get("run_after")))
        result: TaskResult = TaskResult(
            task=task,
            id=result_id,
            status=TaskResultStatus(data["status"]),
            enqueued_at=_parse(data.get("enqueued_at")),
            started_at=_parse(data.get("started_at")),
            last_attempted_at=_parse(data.get("started_at")),
            finished_at=_parse(data.get("finished_at")),
            args=json.loads(data["args"]),
            kwargs=json.loads(data["kwargs"]),
            backend=self.alias,
            errors=[TaskError(**error) for error in json.loads(data.get("errors", "[]"))],
            worker_ids=json.loads(data.get("worker_ids", "[]")),
        )
        if "return_value" in data:
            object.__setattr__(result, "_return_value", json.loads(data["return_value"]))
        return result

    # --- worker side ---------------------------------------------------------------------------
    def promote_due(self, queue_name: str) -> int:
        """Move deferred tasks whose time has come onto the ready list."""
        due = self.client.zrangebyscore(self.scheduled_key(queue_name), 0, time.time())
        moved = 0
        for result_id in due:
            if self.client.zrem(self.scheduled_key(queue_name), result_id):
                self.client.lpush(self.queue_key(queue_name), result_id)
                moved += 1
        return moved

    def run_next(self, queue_names: list[str], worker_id: str, timeout: int = 1) -> TaskResult | None:
        for queue_name in queue_names:
            self.promote_due(queue_name)
        popped = self.client.brpop([self.queue_key(name) for name in queue_names], timeout=timeout)
        if popped is None:
            return None
        result_id = popped[1]
        return self.run(result_id, worker_id)

    def run(self, result_id: str, worker_id: str) -> TaskResult:
        key = self._key(result_id)
        started = timezone.now()
        worker_ids = [*json.loads(self.client.hget(key, "worker_ids") or "[]"), worker_id]
        self.client.hset(
            key,
            mapping={
                "status": TaskResultStatus.RUNNING,
                "started_at": _iso(started) or "",
                "worker_ids": json.dumps(worker_ids),
            },
        )
        result = self.get_result(result_id)
        task_started.send(type(self), task_result=result)
        try:
            if result.task.takes_context:
                value = result.task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = result.task.call(*result.args, **result.kwargs)
            update = {
                "status": TaskResultStatus.SUCCESSFUL,
                "return_value": json.dumps(normalize_json(value)),
            }
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # a failing task must not stop the worker
            logger.exception("Task %s failed", result_id)
            errors = [
                *({"exception_class_path": e.exception_class_path, "traceback": e.traceback} for e in result.errors)
            ]
            errors.append(
                {
                    "exception_class_path": f"{type(error).__module__}.{type(error).__qualname__}",
                    "traceback": "".join(format_exception(error)),
                }
            )
            update = {"status": TaskResultStatus.FAILED, "errors": json.dumps(errors)}
        update["finished_at"] = _iso(timezone.now()) or ""
        self.client.hset(key, mapping=update)
        self.client.expire(key, RESULT_TTL_SECONDS)
        finished = self.get_result(result_id)
        task_finished.send(type(self), task_result=finished)
        return finished

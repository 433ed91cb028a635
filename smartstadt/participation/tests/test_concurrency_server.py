"""200 citizens support and withdraw on the same ideas at the same time, over HTTP against a running server.

The server is Django's threaded WSGI server in this process (as the live server of the browser tests), with the
full middleware stack: sessions of signed-in citizens, CSRF checks, rate limits, the support view and service.
Unlike pytest-django's ``live_server`` it gives every request thread its own database connection (the live
server shares one connection among all threads for an in-memory SQLite database, which would serialise the very
thing this test is about), and it handles at most :data:`SERVER_THREADS` requests at once, like a real server with
a bounded pool (and within PostgreSQL's connection limit); the other citizens wait in the listen queue.

Every citizen follows a fixed script per idea ("+" support, "-" withdraw); supporting and withdrawing are
idempotent, so the right end state is known: an idea's counter must equal the number of citizens whose script ends
with "+", and equal its support rows. On SQLite's in-memory test database (shared cache) a conflicting writer gets
"database table is locked" at once instead of waiting (see test_concurrency.py); the server then answers 500
after rolling back, and the citizen sends the same request again, as a person would. On PostgreSQL (and SQLite
files) no error at all is allowed.
"""

from __future__ import annotations

import http.client
import threading
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret  # type: ignore[attr-defined]
from django.test import Client
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from smartstadt.core.tests.factories import UserFactory
from smartstadt.participation.models import Support
from smartstadt.regions.tests.factories import MunicipalityFactory

from .factories import IdeaFactory, PhaseFactory, ProcessFactory

CITIZENS = 200
IDEAS = 2
SERVER_THREADS = 16
# Citizen n uses SCRIPTS[(n + idea) % len(SCRIPTS)] on each idea.
SCRIPTS = ["+", "+-", "+-+", "-+", "++", "+--", "-"]


class BoundedServer(ThreadedWSGIServer):
    request_queue_size = CITIZENS + 56

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = threading.BoundedSemaphore(SERVER_THREADS)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class ServerThread(LiveServerThread):
    server_class = BoundedServer


def _shared_cache_sqlite() -> bool:
    return connection.vendor == "sqlite" and bool(getattr(connection, "is_in_memory_db", lambda: False)())


def _ends_supported(script: str) -> bool:
    return script[-1] == "+"


class Citizen:
    """A signed-in browser: its session cookie, a CSRF cookie and the token its forms carry."""

    def __init__(self, base: str, session: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        secret = _get_new_csrf_string()
        self.cookie = f"sessionid={session}; csrftoken={secret}"
        self.token = _mask_cipher_secret(secret)

    def post(self, path: str, action: str) -> int:
        body = urlencode({"csrfmiddlewaretoken": self.token, **({"action": action} if action else {})})
        headers = {
            "Cookie": self.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Connection": "close",
        }
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.request("POST", path, body=body, headers=headers)
            answer = conn.getresponse()
            answer.read()
            return answer.status
        finally:
            conn.close()


@pytest.mark.django_db(transaction=True)
def test_200_citizens_over_http_end_with_exact_counts(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    municipality = MunicipalityFactory(slug="http-stadt", name="HTTP-Stadt")
    process = ProcessFactory(municipality=municipality, slug="http-parallel")
    PhaseFactory(process=process)
    ideas: list[Any] = sorted(
        (IdeaFactory(process=process, author=None, title=f"Idee {n}") for n in range(IDEAS)), key=_pk
    )
    paths = [f"/beteiligung/{process.slug}/ideen/{idea.pk}/unterstuetzen/" for idea in ideas]
    sessions = []
    for number in range(CITIZENS):
        client = Client()
        user: Any = UserFactory(username=f"http-{number}")
        client.force_login(user)
        sessions.append(client.cookies["sessionid"].value)

    server = ServerThread("127.0.0.1", _StaticFilesHandler, connections_override={})
    server.daemon = True
    server.start()
    server.is_ready.wait(timeout=30)
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    barrier = threading.Barrier(CITIZENS)
    errors: list[str] = []
    retries: list[int] = []

    def citizen(number: int) -> None:
        browser = Citizen(base, sessions[number])
        try:
            barrier.wait(timeout=60)
            longest = max(len(script) for script in SCRIPTS)
            for step in range(longest):  # step 1 on every idea, then step 2 ...: threads collide on each idea
                for index, path in enumerate(paths):
                    script = SCRIPTS[(number + index) % len(SCRIPTS)]
                    if step >= len(script):
                        continue
                    action = "" if script[step] == "+" else "withdraw"
                    for attempt in range(100):
                        status = browser.post(path, action)
                        if status == 302:
                            break
                        if status != 500 or not _shared_cache_sqlite():
                            errors.append(f"citizen {number}, {path}, {action or 'support'}: HTTP {status}")
                            return
                        retries.append(1)
                        time.sleep(0.002 * (attempt + 1))
                    else:
                        errors.append(f"citizen {number}: gave up after 100 attempts")
                        return
        except Exception as error:
            errors.append(f"citizen {number}: {error!r}")

    threads = [threading.Thread(target=citizen, args=(number,)) for number in range(CITIZENS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        server.terminate()
    assert not errors, errors[:10]
    if not _shared_cache_sqlite():
        assert not retries
    for index, idea in enumerate(ideas):
        expected = sum(_ends_supported(SCRIPTS[(number + index) % len(SCRIPTS)]) for number in range(CITIZENS))
        idea.refresh_from_db()
        rows = Support.objects.filter(idea=idea).count()
        assert rows == expected, (idea.title, rows, expected)
        assert idea.support_count == expected, (idea.title, idea.support_count, expected)


def _pk(idea: Any) -> int:
    return int(idea.pk)

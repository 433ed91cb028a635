"""The production profile as one system: two app servers and a task worker against PostgreSQL and Redis.

A change made through one app server is seen at once through the other: the session (signing in on one, working
on the other), the kept public pages and the search's facet counts (both keyed by generation numbers in Redis),
and the rate limits, which count across servers. Runs where the tests run on PostgreSQL and Redis answers (the
PostgreSQL half of ``.ci/run``); elsewhere it says why it is skipped.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from smartstadt.inventory import services
from smartstadt.inventory.models import Entry

REDIS_TEST_URL = "redis://127.0.0.1:6379/14"
WORD = "Zwiebeltürme"  # a word no demo entry holds
PASSWORD = "korrekt-pferd-batterie"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "1",  # the local host names and no HTTPS redirect; everything else as in production
        "DEMO_USERS": "0",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_TEST_URL,
        "TASKS_BACKEND": "database",
        "DB_CONN_MAX_AGE": "0",
    }


@pytest.fixture
def app_servers(transactional_db: Any) -> Iterator[list[str]]:
    if connection.vendor != "postgresql":
        pytest.skip("braucht PostgreSQL (DATABASE_URL=postgres://…), wie der zweite Lauf von .ci/run")
    if not _redis_answers():
        pytest.skip("braucht Redis auf 127.0.0.1:6379")
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=False, capture_output=True)  # noqa: S607
    environment, root = _environment(), Path(settings.BASE_DIR)
    processes, urls = [], []
    log = open(Path(settings.VAR_DIR) / "two-app-servers.log", "w")  # noqa: SIM115  (closed below)
    for _ in range(2):
        port = _free_port()
        processes.append(
            subprocess.Popen(  # noqa: S603  (our own interpreter and a fixed argument list)
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                cwd=root,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    processes.append(
        subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=root,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    try:
        for url in urls:
            for _ in range(300):
                try:
                    if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):
                    pass
                time.sleep(0.1)
            else:
                pytest.fail(f"{url} antwortet nicht")
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def _sign_in(url: str, user: Any) -> requests.Session:
    # The tests hash with MD5 for speed; the servers know only the production hashers.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "zweiserver", iterations=1000)
    user.save(update_fields=["password"])
    session = requests.Session()
    page = session.get(f"{url}/anmelden/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    response = session.post(
        f"{url}/anmelden/",
        data={"csrfmiddlewaretoken": token.group(1), "username": user.username, "password": PASSWORD},
        headers={"Referer": f"{url}/anmelden/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def _csrf(session: requests.Session, page_url: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(page_url, timeout=10).text)
    assert token is not None
    return token.group(1)


@pytest.mark.django_db(transaction=True)
def test_a_change_through_one_app_server_is_seen_at_once_through_the_other(app_servers, personas):
    first, second = app_servers
    entry = services.entry_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        data={"title": f"{WORD} im Stadtpark", "kind": "project", "lead_organisation": personas.organisation_a},
    )
    search = f"/bestand/?q={WORD}"
    # both servers keep the search page (and its facet counts) for anonymous visitors, in Redis
    for url in (first, second):
        assert "im Stadtpark" not in requests.get(url + search, timeout=10).text
    team = _sign_in(first, personas.team_a)
    # the session lives in Redis: the other server knows the signed-in person
    workspace = team.get(f"{second}/arbeitsbereich/bestand/", timeout=10, allow_redirects=False)
    assert workspace.status_code == 200
    # publishing through the second server renews the kept pages of both
    detail = f"{second}{entry.get_absolute_url()}"
    published = team.post(
        f"{detail}veroeffentlichen/",
        data={"csrfmiddlewaretoken": _csrf(team, detail)},
        headers={"Referer": detail},
        timeout=10,
        allow_redirects=False,
    )
    assert published.status_code == 302, published.text[:500]
    assert Entry.objects.get(pk=entry.pk).is_published
    for url in (first, second):
        page = requests.get(url + search, timeout=10).text
        assert "im Stadtpark" in page, f"{url} zeigt noch die alte Seite"


@pytest.mark.django_db(transaction=True)
def test_rate_limits_count_across_app_servers(app_servers, personas):
    first, second = app_servers
    from smartstadt.core.views import RESET_REQUESTS_PER_CLIENT

    session = requests.Session()
    answers = []
    for number in range(RESET_REQUESTS_PER_CLIENT.limit + 1):
        url = (first, second)[number % 2]
        page = f"{url}/passwort-vergessen/"
        response = session.post(
            page,
            data={"csrfmiddlewaretoken": _csrf(session, page), "email": f"niemand{number}@example.org"},
            headers={"Referer": page},
            timeout=10,
            allow_redirects=False,
        )
        answers.append(response.status_code)
    # the limit is per client address for the whole platform, not per server: the last request is refused
    assert answers[-1] == 429, answers
    assert 429 not in answers[:-1], answers

"""Many citizens support and withdraw on the same ideas at the same time; the counts end exactly right.

Each citizen runs in its own thread with its own database connection, all released together by a barrier.
Every citizen follows a fixed script per idea (support, double support, withdraw, support again, ...), so the
right end state is known: the ideas' counters must equal the number of citizens whose script ends supported,
and equal the support rows – no lost update, no double support. Runs on SQLite (serialised writers, busy
timeout) and on PostgreSQL (row locks, unique index) alike.

One allowance: SQLite's *in-memory* test database is shared between threads through SQLite's shared cache, which
answers a conflicting writer at once with "database table is locked" instead of waiting for the busy timeout
(that applies to database files, as in production, and with SQLITE_TEST_NAME=/path/file.sqlite3). The service
then rolled back completely, so the citizen tries again – as a person would after an error page. Against a file
or PostgreSQL no error at all is allowed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection

from smartstadt.core.tests.factories import UserFactory
from smartstadt.participation import services
from smartstadt.participation.models import Idea, Support
from smartstadt.regions.tests.factories import MunicipalityFactory

from .factories import IdeaFactory, PhaseFactory, ProcessFactory

CITIZENS = 40
IDEAS = 3
# The scripts: "+" supports, "-" withdraws. Citizen n uses SCRIPTS[(n + idea) % len(SCRIPTS)] on each idea.
SCRIPTS = ["+", "++", "+-", "+-+", "-", "+--+", "-+-", "++-+-"]


def _shared_cache_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def _call(action: Callable[..., Any], retries: list[int], **kwargs: Any) -> None:
    for attempt in range(200):
        try:
            action(**kwargs)
        except OperationalError as error:
            if not (_shared_cache_sqlite() and "locked" in str(error)):
                raise
            retries.append(1)
            time.sleep(0.001 * (attempt + 1))
        else:
            return
    raise AssertionError("gave up after 200 attempts")


def _ends_supported(script: str) -> bool:
    supported = False
    for step in script:
        supported = step == "+"
    return supported


@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_and_withdrawals_end_with_exact_counts() -> None:
    municipality = MunicipalityFactory(slug="parallelstadt", name="Parallelstadt")
    process = ProcessFactory(municipality=municipality, slug="parallel")
    PhaseFactory(process=process)
    ideas = [IdeaFactory(process=process, author=None, title=f"Idee {n}") for n in range(IDEAS)]
    citizens = [UserFactory(username=f"parallel-{n}") for n in range(CITIZENS)]
    barrier = threading.Barrier(CITIZENS)
    errors: list[BaseException] = []
    retries: list[int] = []

    def citizen(number: int, user_pk: int) -> None:
        try:
            from smartstadt.core.models import User

            user = User.objects.get(pk=user_pk)
            own_ideas = list(Idea.objects.select_related("process").filter(pk__in=[idea.pk for idea in ideas]))
            own_ideas.sort(key=lambda idea: idea.pk)
            barrier.wait(timeout=60)
            longest = max(len(script) for script in SCRIPTS)
            # Interleave: step 1 on every idea, then step 2 on every idea, ... so threads collide on each idea.
            for step in range(longest):
                for index, idea in enumerate(own_ideas):
                    script = SCRIPTS[(number + index) % len(SCRIPTS)]
                    if step >= len(script):
                        continue
                    action = services.idea_support if script[step] == "+" else services.idea_withdraw_support
                    _call(action, retries, actor=user, idea=idea)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=citizen, args=(number, user.pk), name=f"citizen-{number}")
        for number, user in enumerate(citizens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    if not _shared_cache_sqlite():
        assert not retries
    for index, idea in enumerate(sorted(ideas, key=lambda idea: idea.pk)):
        expected = sum(_ends_supported(SCRIPTS[(number + index) % len(SCRIPTS)]) for number in range(CITIZENS))
        idea.refresh_from_db()
        rows = Support.objects.filter(idea=idea).count()
        assert rows == expected, (idea.title, rows, expected)
        assert idea.support_count == expected, (idea.title, idea.support_count, expected)

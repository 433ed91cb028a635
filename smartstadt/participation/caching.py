"""Cached counts of participation, kept under the "participation" generation number (smartstadt/core/generations.py).

The process page and the idea list show counts over all ideas of a process (20,000 in the load test: some
milliseconds each on every request). They change only when an idea is created, hidden, shown again, answered or
merged, a comment or a comment on the draft is written, a workshop or a survey answer is saved: the services call
:func:`changed` for each of these, and every cached count is then computed anew. Supports do not call it: they are
the busiest write, and what they change (an idea's ``support_count``) is read from the idea rows, which hold the
exact counter. Changes that bypass the services (the admin, a shell) are seen after :data:`TIMEOUT` at the latest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

from smartstadt.core import generations

GENERATION = "participation"
TIMEOUT = 600


def changed() -> None:
    """Invalidate the cached counts: now (for this transaction's own reads) and again after commit (a request that
    cached the old state in between would otherwise keep it)."""
    generations.bump(GENERATION)
    transaction.on_commit(lambda: generations.bump(GENERATION))


def cached[T](name: str, compute: Callable[[], T]) -> T:
    """The value of ``compute()`` as of the current generation; ``name`` says what it is (process, filters, ...)."""
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    key = f"participation:counts:{generations.ensure(GENERATION)}:{digest}"
    value: T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value

"""Generation numbers: a number per name that changes whenever what it stands for changed, seen by every process.

Caches of derived data (search facet counts, the analysis engine's loaded vectors, rendered public pages) are
keyed by such a number, so one write invalidates them everywhere. The number lives in the default cache, which
every process shares: Redis in production, files under ``VAR_DIR/cache`` in the embedded profile (see
``CACHES`` in config/settings.py). A number the cache lost (flushed, culled) is set anew by :func:`ensure`,
which only costs the caches keyed by it.
"""

from __future__ import annotations

import re
import time

from django.core.cache import cache

_NAME = re.compile(r"^[a-z0-9_.-]+$")


def _cache_key(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"Unusable generation name: {name!r}")
    return f"generation:{name}"


def read(name: str) -> int | None:
    """The current number, or ``None`` when nothing was ever set."""
    value = cache.get(_cache_key(name))
    return None if value is None else int(value)


def bump(name: str) -> int:
    """Set a new number (never the same as before) and return it."""
    value = time.time_ns()
    previous = read(name)
    if previous is not None and value <= previous:
        value = previous + 1
    cache.set(_cache_key(name), value, None)
    return value


def ensure(name: str) -> int:
    """The current number, set first if there is none (a new installation, a flushed cache)."""
    value = read(name)
    return bump(name) if value is None else value


def restore(name: str, value: int | None) -> None:
    """Put back a number read before the cache was cleared (benchmarks that empty the cache but not the data)."""
    if value is not None:
        cache.set(_cache_key(name), value, None)


def bump_all() -> None:
    """Every number anew (after a restore, when all derived data is stale): the shared cache (Redis, or the files
    of the embedded profile) is emptied, so each number is set again when next asked for."""
    cache.clear()

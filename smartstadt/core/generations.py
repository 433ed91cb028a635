"""Generation numbers: a number per name that changes whenever what it stands for changed, seen by every process.

Caches of derived data (search facet counts, the analysis engine's loaded vectors, rendered public pages) are
keyed by such a number, so one write invalidates them everywhere. Where the cache is shared (Redis), the number
lives in the cache. The embedded profile has a cache per process (``LocMemCache``) but runs all its processes
(gunicorn workers, the task worker) on one machine: there the number lives in a small file under ``VAR_DIR``,
read on every request (an ``open`` and a ``read``, some microseconds), so a change made in one worker is seen
by the next request in any other.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

_NAME = re.compile(r"^[a-z0-9_.-]+$")


def _shared_cache() -> bool:
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return "locmem" not in backend.lower() and "dummy" not in backend.lower()


def _path(name: str) -> Path:
    if not _NAME.match(name):
        raise ValueError(f"Unusable generation name: {name!r}")
    folder = getattr(settings, "GENERATIONS_DIR", None) or Path(settings.VAR_DIR) / "generations"
    return Path(folder) / name


def _cache_key(name: str) -> str:
    return f"generation:{name}"


def read(name: str) -> int | None:
    """The current number, or ``None`` when nothing was ever set."""
    if _shared_cache():
        value = cache.get(_cache_key(name))
        return None if value is None else int(value)
    try:
        return int(_path(name).read_text(encoding="ascii") or 0)
    except (FileNotFoundError, ValueError):
        return None


def bump(name: str) -> int:
    """Set a new number (never the same as before) and return it."""
    value = time.time_ns()
    if _shared_cache():
        cache.set(_cache_key(name), value, None)
        return value
    path = _path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    previous = read(name)
    if previous is not None and value <= previous:
        value = previous + 1
    # Written beside and renamed: a reader sees the old number or the new one, never half of one.
    temporary = path.with_name(f".{name}.{os.getpid()}.{time.monotonic_ns()}")
    temporary.write_text(str(value), encoding="ascii")
    os.replace(temporary, path)
    return value


def ensure(name: str) -> int:
    """The current number, set first if there is none (a new installation, a flushed cache)."""
    value = read(name)
    return bump(name) if value is None else value


def restore(name: str, value: int | None) -> None:
    """Put back a number read before the cache was cleared (benchmarks that empty the cache but not the data)."""
    if value is not None and _shared_cache():
        cache.set(_cache_key(name), value, None)


def bump_all() -> None:
    """Every number anew (after a restore, when all derived data is stale): a shared cache is emptied, so each
    number is set again when next asked for; the files of the embedded profile are each given a new number."""
    if _shared_cache():
        cache.clear()
        return
    folder = Path(getattr(settings, "GENERATIONS_DIR", None) or Path(settings.VAR_DIR) / "generations")
    if folder.is_dir():
        for path in folder.iterdir():
            if _NAME.match(path.name):
                bump(path.name)
    cache.clear()

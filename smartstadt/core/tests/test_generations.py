"""Generation numbers and counters live in the cache that every process shares, also without Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from smartstadt.core import filecache, generations

ROOT = Path(__file__).resolve().parents[3]


def test_a_bump_gives_a_new_number_and_ensure_keeps_it() -> None:
    assert generations.read("test-gen") is None
    first = generations.ensure("test-gen")
    assert generations.ensure("test-gen") == first
    assert generations.bump("test-gen") > first


def test_a_lost_number_is_set_anew() -> None:
    first = generations.ensure("test-gen")
    cache.clear()
    assert generations.ensure("test-gen") != first


def test_unusable_names_are_refused() -> None:
    with pytest.raises(ValueError, match="Unusable generation name"):
        generations.bump("no spaces")


def test_another_process_sees_the_numbers_and_counts_of_this_one(settings: Any) -> None:
    """The embedded profile: a second process (a gunicorn worker, the task worker) on the same files."""
    if not filecache.configured():
        pytest.skip("only the embedded profile's cache in files (with Redis the cache is shared anyway)")
    before = generations.ensure("search")
    cache.set("participation:rate:idea:test", 1, 60)
    script = (
        "from django.core.cache import cache\n"
        "from smartstadt.core import generations\n"
        "print(generations.read('search'))\n"
        "cache.incr('participation:rate:idea:test')\n"
        "generations.bump('search')\n"
    )
    environment = {**os.environ, "SMARTSTADT_CACHE_DIR": settings.CACHES["default"]["LOCATION"]}
    # Our own interpreter and manage.py, no shell.
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.split()[-1] == str(before)
    assert cache.get("participation:rate:idea:test") == 2
    assert generations.read("search") != before


def test_the_file_cache_looks_whether_it_is_full_every_hundred_writes(tmp_path: Path) -> None:
    from smartstadt.core.filecache import FileCache

    small = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50, "CULL_FREQUENCY": 2}})
    looks = 0
    listing = small._list_cache_files

    def counting() -> list[str]:
        nonlocal looks
        looks += 1
        return listing()

    small._list_cache_files = counting  # type: ignore[method-assign]
    for number in range(250):
        small.set(f"entry-{number}", number)
    assert looks == 3  # before the 1st, 101st and 201st write
    # The 101st write found 100 entries (over 50) and dropped half; the 201st found 150 and kept 75, then 50 more.
    assert len(listing()) == 75 + 50

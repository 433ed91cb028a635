"""Generation numbers and counters live in the cache that every process shares, also without Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from smartstadt.core import generations

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
    if not settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
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

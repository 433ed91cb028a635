"""Running one capability benchmark on its own: ``python bench/<name>.py`` sets Django up, runs the module's
``run(recorder)`` against the developer's database and prints the figures (``make bench`` writes them to
bench/results.json instead)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.cases import Recorder


def main(run: Callable[[Recorder], None]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from bench.cases import Recorder

    recorder = Recorder()
    run(recorder)
    for result in recorder.results:
        scale = "" if result.scale is None else f" @{result.scale}"
        notes = f"  – {result.notes}" if result.notes else ""
        print(f"{result.name}{scale}: {result.value:g} {result.unit}{notes}")
    return 0

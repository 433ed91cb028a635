"""Tasks the worker tests run in a real worker process."""

from __future__ import annotations

import time
from pathlib import Path

from django.tasks import task


@task()
def slow_job(*, marker: str) -> str:
    """Counts its attempts in the marker file; the first one takes long enough to be killed in the middle."""
    path = Path(marker)
    attempts = len(path.read_text()) if path.exists() else 0
    path.write_text("x" * (attempts + 1))
    if attempts == 0:
        time.sleep(120)
    return f"attempt {attempts + 1}"

"""How a long rendering tells its caller how far it got."""

from __future__ import annotations

from collections.abc import Callable

type Progress = Callable[[int, str], None]
"""``progress(percent, step)``: called with 0–100 and a short German description of the current step."""


def no_progress(percent: int, step: str) -> None:
    """The progress callback of a caller that does not show progress (a test, a synchronous command)."""
    return

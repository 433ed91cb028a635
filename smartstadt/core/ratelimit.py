"""A counter per key and time window in the shared cache: the project's one rate-limit helper.

The cache is Redis in production, so every app server counts the same attempts; locally it is the process's
memory, which is enough for one server.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import ngettext


@dataclass(frozen=True)
class RateLimit:
    limit: int
    window_seconds: int

    def message(self) -> str:
        """The German refusal, naming the window in whole minutes."""
        minutes = max(1, self.window_seconds // 60)
        return ngettext(
            "Too many attempts in a short time. Please wait %(minutes)s minute and try again.",
            "Too many attempts in a short time. Please wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}


def hit(key: str, rule: RateLimit) -> bool:
    """Count one attempt under ``key``; True while the window's limit is not exceeded."""
    key = f"ratelimit:{key}"
    cache.add(key, 0, rule.window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, rule.window_seconds)
        count = 1
    return count <= rule.limit

"""The embedded profile's cache: Django's FileBasedCache, which looks whether it is full every so many writes.

Django's ``FileBasedCache`` lists its whole folder before every write to see whether it holds more than
``MAX_ENTRIES`` (``_cull``): 3 ms at 5,000 entries, more than the cache saves on many a page. Here each process
looks once every :attr:`FileCache.cull_every` writes; in between the folder may hold that many entries more per
process. Everything else is Django's (docs/decisions/0007-file-cache-embedded.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.utils.module_loading import import_string


class FileCache(FileBasedCache):
    cull_every = 100

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._writes = 0

    def _cull(self) -> None:
        # Counted per process and without a lock: a lost count among threads only moves the next look a little.
        self._writes += 1
        if self._writes % self.cull_every == 1:
            super()._cull()  # type: ignore[misc]  # private in django-stubs


def configured() -> bool:
    """Whether the default cache keeps its entries in files (the embedded profile), not in Redis."""
    backend = import_string(str(settings.CACHES["default"]["BACKEND"]))
    return isinstance(backend, type) and issubclass(backend, FileBasedCache)

"""The static files of the npm packages: only those the pages use, not whole ``dist`` folders.

``collectstatic`` copied, hashed and compressed every file of every package's ``dist`` folder (2,094 files,
65 MB, most of them source maps and module builds no page loads). ``settings.VENDOR_FILES`` names, per URL prefix,
the package folder and the files (glob patterns) the templates and style sheets refer to; this finder offers only
those, to ``collectstatic`` and to the development server alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage


def _files(root: Path, patterns: tuple[str, ...]) -> list[str]:
    found = {path.relative_to(root).as_posix() for pattern in patterns for path in root.glob(pattern)}
    return sorted(name for name in found if (root / name).is_file())


class VendorFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locations: list[tuple[str, Path, list[str]]] = [
            (prefix, Path(root), _files(Path(root), tuple(patterns)))
            for prefix, (root, patterns) in getattr(settings, "VENDOR_FILES", {}).items()
        ]

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return [
            Error(f"Keine Dateien für {prefix} in {root} – npm ci ausführen (make install).", id="smartstadt.E010")
            for prefix, root, files in self.locations
            if not files
        ]

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...
    def find(self, path: str, find_all: bool = False) -> Any:
        matches = []
        for prefix, root, files in self.locations:
            name = path.removeprefix(f"{prefix}/") if path.startswith(f"{prefix}/") else None
            if name in files:
                if not find_all:
                    return str(root / name)
                matches.append(str(root / name))
        return matches

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for prefix, root, files in self.locations:
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix  # type: ignore[attr-defined]  # as Django's own FileSystemFinder does
            for name in files:
                yield name, storage

"""What `make test` gives the test run, for a plain ``.venv/bin/python -m pytest`` too.

pytest loads this module first (``-p smartstadt.core.tests.profile`` in pyproject.toml's ``addopts``), before
pytest-django imports the settings, which read the environment once:

* the local profile, ``DEBUG=1`` as the Makefile exports it (demo accounts, no HTTPS redirect, the insecure
  development key); a ``DEBUG`` set by the caller wins, as with ``make``;
* compiled translations: where ``locale/<language>/LC_MESSAGES/django.mo`` is missing or older than its
  ``.po`` (a fresh checkout, a pulled translation), GNU ``msgfmt`` compiles it, as ``make install`` does with
  ``compilemessages``. Without ``msgfmt`` nothing is compiled and German texts show as their English msgids.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[3] / "locale"

os.environ.setdefault("DEBUG", "1")


def compile_stale_catalogues() -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return
    for po in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            # Written beside and renamed: parallel test workers never read half a catalogue.
            partial = mo.with_name(f".{mo.name}.{os.getpid()}")
            # Fixed program path from shutil.which and paths of ours, no shell.
            subprocess.run([msgfmt, "--check-format", "-o", str(partial), str(po)], check=True)  # noqa: S603
            os.replace(partial, mo)


compile_stale_catalogues()

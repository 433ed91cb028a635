"""Uploaded spreadsheets between their preview and the confirmation of the import.

The file is kept on the server under ``MEDIA_ROOT/imports/<random token>.<xlsx|csv>`` beside a small JSON state
file (status, progress, the result of the check). Confirming imports *that* file, never a second upload. The web
process and the task worker share these files, so the progress of a background import is visible in the browser.
The file is deleted after a successful import or when discarded; leftovers are removed after a day.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
STALE_SECONDS = 24 * 3600
# Files up to this size are checked and imported within the request; larger ones by the task worker.
INLINE_BYTES = 256 * 1024
RUNNING = frozenset({"checking", "importing"})


def directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _paths(token: str) -> tuple[Path, Path]:
    if not TOKEN_RE.match(token):
        raise FileNotFoundError(token)
    base = directory() / token
    return base.with_suffix(".json"), base


def _data_path(state: dict[str, Any]) -> Path:
    return directory() / f"{state['token']}.{state['format']}"


def _write_json(path: Path, state: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def create(*, data: bytes, filename: str, fmt: str, municipality_id: int, user_id: int, language: str) -> str:
    cleanup_stale()
    directory().mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    state: dict[str, Any] = {
        "token": token,
        "municipality_id": municipality_id,
        "user_id": user_id,
        "filename": Path(filename).name[:200],
        "format": fmt,
        "language": language,
        "status": "checking",
        "phase": "check",
        "done": 0,
        "total": 0,
        "result": None,
        "message": "",
        "created_at": timezone.now().isoformat(),
    }
    _data_path(state).write_bytes(data)
    _write_json(_paths(token)[0], state)
    return token


def load(token: str) -> dict[str, Any] | None:
    try:
        path = _paths(token)[0]
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        return None


def update(token: str, **changes: Any) -> dict[str, Any] | None:
    state = load(token)
    if state is None:
        return None
    state.update(changes)
    _write_json(_paths(token)[0], state)
    return state


def data_of(state: dict[str, Any]) -> bytes | None:
    try:
        return _data_path(state).read_bytes()
    except FileNotFoundError:
        return None


def remove_data(state: dict[str, Any]) -> None:
    _data_path(state).unlink(missing_ok=True)


def discard(token: str) -> None:
    state = load(token)
    if state is not None:
        remove_data(state)
    _paths(token)[0].unlink(missing_ok=True)


def cleanup_stale(max_age: int = STALE_SECONDS) -> None:
    folder = directory()
    if not folder.exists():
        return
    limit = time.time() - max_age
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def dispatch(token: str, *, confirm: bool) -> None:
    """Check (or, confirmed, import) the stored file: small files right away, large ones by the task worker."""
    state = update(token, status="importing" if confirm else "checking", done=0, total=0, message="")
    if state is None:
        return
    path = _data_path(state)
    if path.exists() and path.stat().st_size <= INLINE_BYTES:
        run(token, confirm=confirm)
        return
    from .tasks import process_spreadsheet_import

    process_spreadsheet_import.enqueue(token=token, confirm=confirm)


def run(token: str, *, confirm: bool) -> None:
    """Check or import the stored file of ``token`` and keep the result in its state file."""
    from smartstadt.core.models import User
    from smartstadt.regions.models import Municipality

    from .services import entries_import

    state = load(token)
    if state is None:
        return
    data = data_of(state)
    user = User.objects.filter(pk=state["user_id"], is_active=True).first()
    municipality = Municipality.objects.filter(pk=state["municipality_id"]).first()
    last = [0.0]

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done == total:
            last[0] = now
            update(token, phase=phase, done=done, total=total)

    with translation.override(state.get("language") or settings.LANGUAGE_CODE):
        if data is None or user is None or municipality is None:
            update(
                token, status="failed", message=_("The uploaded file is no longer available. Please upload it again.")
            )
            return
        try:
            result = entries_import(
                actor=user,
                municipality=municipality,
                data=data,
                filename=state["filename"],
                dry_run=not confirm,
                progress=progress,
            )
        except PermissionDenied:
            update(token, status="failed", message=_("You may not import entries into this municipality."))
            return
        except Exception:
            logger.exception("Spreadsheet import %s failed", token)
            update(token, status="failed", message=_("The file could not be processed. Nothing was saved."))
            return
    if confirm and result.saved:
        remove_data(state)
        update(token, status="done", result=result.as_dict())
    else:
        update(token, status="checked", result=result.as_dict())

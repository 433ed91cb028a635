"""Uploaded spreadsheets between their preview and the confirmation of the import.

Each upload is an :class:`~smartstadt.inventory.models.ImportRun`: the file's bytes, its status, the progress and
the result of the check, in the database. Confirming imports *that* file, never a second upload. The web process
and the task worker share nothing but the database, so the progress of a background import is visible in the
browser on any number of machines. The bytes are emptied after a successful import, a discarded upload is
deleted, and uploads untouched for a day are removed.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import Length
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import ImportRun, ImportStatus

logger = logging.getLogger(__name__)

STALE_SECONDS = 24 * 3600
# Files up to this size are checked and imported within the request; larger ones by the task worker.
INLINE_BYTES = 256 * 1024
RUNNING = frozenset({ImportStatus.CHECKING, ImportStatus.IMPORTING})


def create(*, data: bytes, filename: str, fmt: str, municipality_id: int, user_id: int, language: str) -> ImportRun:
    cleanup_stale()
    return ImportRun.objects.create(
        token=secrets.token_urlsafe(32),
        municipality_id=municipality_id,
        created_by_id=user_id,
        filename=Path(filename).name[:200],
        format=fmt,
        data=data,
        language=language,
    )


def load(token: str) -> ImportRun | None:
    """The upload without its bytes, which only the check and the import read."""
    return ImportRun.objects.defer("data").filter(token=token).first()


def update(token: str, **changes: object) -> int:
    """Change the stored state; ``updated_at`` is set, too (``QuerySet.update`` skips ``auto_now``)."""
    return ImportRun.objects.filter(token=token).update(**changes, updated_at=timezone.now())


def discard(token: str) -> None:
    ImportRun.objects.filter(token=token).delete()


def cleanup_stale(max_age: int = STALE_SECONDS) -> None:
    ImportRun.objects.filter(updated_at__lt=timezone.now() - timedelta(seconds=max_age)).delete()


def dispatch(token: str, *, confirm: bool) -> None:
    """Check (or, confirmed, import) the stored file: small files right away, large ones by the task worker."""
    status = ImportStatus.IMPORTING if confirm else ImportStatus.CHECKING
    if not update(token, status=status, done=0, total=0, message="", finished_at=None):
        return
    size = ImportRun.objects.filter(token=token).values_list(Length("data"), flat=True).first()
    if size is not None and size <= INLINE_BYTES:
        run(token, confirm=confirm)
        return
    from .tasks import process_spreadsheet_import

    process_spreadsheet_import.enqueue(token=token, confirm=confirm)


def _progress_writer(token: str) -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """A progress callback that the browser sees while the import's own transaction is still open.

    Outside a transaction an update is visible at once. Inside one (a confirmed import writes in one
    transaction), PostgreSQL gets the progress through a second connection of its own; SQLite has one writer
    only, so there the progress shows the check and then the result.
    """
    connection = connections[router.db_for_write(ImportRun)]
    side: list[BaseDatabaseWrapper] = []
    last = [0.0]
    failed = [False]

    def write(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if failed[0] or (now - last[0] < 0.5 and done != total):
            return
        last[0] = now
        if not connection.in_atomic_block:
            update(token, phase=phase, done=done, total=total)
            return
        if connection.vendor != "postgresql":
            return
        try:
            if not side:
                other = connections.create_connection(connection.alias)
                with other.cursor() as cursor:
                    # never wait for a lock the import's own transaction may hold on this row
                    cursor.execute("SET lock_timeout = '200ms'")
                side.append(other)
            with side[0].cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportRun._meta.db_table} SET phase = %s, done = %s, total = %s, updated_at = %s "  # noqa: S608
                    "WHERE token = %s",
                    [phase, done, total, timezone.now(), token],
                )
        except DatabaseError:
            logger.info("The progress of import %s is shown at the end only", token, exc_info=True)
            failed[0] = True

    def close() -> None:
        for other in side:
            other.close()

    return write, close


def run(token: str, *, confirm: bool) -> None:
    """Check or import the stored file of ``token`` and keep the result in its row."""
    from .services import entries_import

    upload = ImportRun.objects.select_related("created_by", "municipality").filter(token=token).first()
    if upload is None:
        return
    user = upload.created_by if upload.created_by.is_active else None
    progress, close = _progress_writer(token)
    with translation.override(upload.language or settings.LANGUAGE_CODE):
        if not upload.data or user is None:
            update(
                token,
                status=ImportStatus.FAILED,
                finished_at=timezone.now(),
                message=_("The uploaded file is no longer available. Please upload it again."),
            )
            return
        try:
            result = entries_import(
                actor=user,
                municipality=upload.municipality,
                data=bytes(upload.data),
                filename=upload.filename,
                dry_run=not confirm,
                progress=progress,
            )
        except PermissionDenied:
            update(
                token,
                status=ImportStatus.FAILED,
                finished_at=timezone.now(),
                message=_("You may not import entries into this municipality."),
            )
            return
        except Exception:
            logger.exception("Spreadsheet import %s failed", token)
            update(
                token,
                status=ImportStatus.FAILED,
                finished_at=timezone.now(),
                message=_("The file could not be processed. Nothing was saved."),
            )
            return
        finally:
            close()
    if confirm and result.saved:
        update(token, status=ImportStatus.DONE, result=result.as_dict(), data=b"", finished_at=timezone.now())
    else:
        update(token, status=ImportStatus.CHECKED, result=result.as_dict(), finished_at=timezone.now())

"""Backup and restore of one instance: its database and its media folder, into one folder and back.

The embedded SQLite database is copied with SQLite's online backup API (a consistent copy while the platform
runs); any other database (PostgreSQL) is written model by model as JSON lines through Django's serializers,
with every primary key as it is (no natural keys), so that references held as plain numbers (the person of a
change in the history) still point to the same rows after a restore. The media folder (uploads, rendered
documents) is copied beside it. ``manifest.json`` names what the backup holds and how many rows each table had.

Restoring replaces the database's content and the media folder with the backup's; the schema must be the one the
backup was made with (``manage.py migrate`` first on a new installation; see docs/operations.md).
"""

from __future__ import annotations

import datetime
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

from . import generations

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
JSON_FILE = "database.jsonl"
MEDIA_DIR = "media"

# (what is being done, done so far, total or None)
Progress = Callable[[str, int, int | None], None]


def _no_progress(step: str, done: int, total: int | None) -> None:
    return None


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds, as JavaScript does)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup that cannot be made or restored, with a German message for the operator."""


@dataclass(frozen=True)
class Summary:
    folder: Path
    database: str
    rows: int
    files: int
    bytes: int


def _models() -> list[type[Model]]:
    """The models whose rows are stored, parents before children where Django knows the order."""
    from django.core.serializers import sort_dependencies

    app_list = dict.fromkeys(apps.get_app_configs())
    ordered = sort_dependencies(app_list.items(), allow_cycles=True)
    models = [
        model
        for model in ordered
        if model._meta.managed and not model._meta.proxy and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)
    ]
    # The rows of many-to-many tables Django made itself are stored as rows of their own, with their ids; the
    # serializer would otherwise write them as lists on the owning row and number them anew on loading.
    through: list[type[Model]] = []
    for model in models:
        for field in model._meta.local_many_to_many:
            table = field.remote_field.through
            if table is not None and table._meta.auto_created:
                through.append(table)
    return models + through


def _plain_fields(model: type[Model]) -> list[str]:
    """The fields the serializer writes for a row: all but the many-to-many lists (stored as rows instead)."""
    names = []
    for field in model._meta.fields:
        names += [field.name, field.attname]
    return names


def table_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per table of the database, as the database itself counts them (also the many-to-many tables)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  (table names of the schema)
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(path for path in root.rglob("*") if path.is_file())


def _copy_tree(source: Path, target: Path, step: str, progress: Progress) -> tuple[int, int]:
    files = list(_media_files(source))
    size = 0
    progress(step, 0, len(files))
    for number, path in enumerate(files, start=1):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        size += path.stat().st_size
        progress(step, number, len(files))
    return len(files), size


def _migrations(using: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def backup(
    folder: Path, *, fmt: str = "auto", progress: Progress = _no_progress, using: str = DEFAULT_DB_ALIAS
) -> Summary:
    """Write the database and the media folder into ``folder`` (which must not exist yet or be empty)."""
    connection = connections[using]
    if fmt == "auto":
        fmt = "sqlite" if connection.vendor == "sqlite" else "json"
    if fmt == "sqlite" and connection.vendor != "sqlite":
        raise BackupError("Das SQLite-Format gibt es nur für eine SQLite-Datenbank; nutzen Sie --format json.")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"Der Ordner {folder} ist nicht leer; wählen Sie einen neuen Ordner für die Sicherung.")
    folder.mkdir(parents=True, exist_ok=True)
    counts = table_counts(using)
    counts_objects = 0
    if fmt == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:

            def pages(status: int, remaining: int, total: int) -> None:
                progress("Datenbank", total - remaining, total)

            connection.connection.backup(target, pages=256, progress=pages)
        finally:
            target.close()
        database = SQLITE_FILE
    else:
        models = _models()
        total = sum(model._base_manager.using(using).count() for model in models)
        written = 0
        progress("Datenbank", 0, total)
        with transaction.atomic(using=using), (folder / JSON_FILE).open("w", encoding="utf-8") as stream:
            # One snapshot of all tables: on PostgreSQL the transaction reads as of its first query (REPEATABLE
            # READ), so rows written meanwhile do not half appear (an entry without its terms).
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for model in models:
                rows = model._base_manager.using(using).order_by("pk")
                options = {"stream": stream, "cls": ExactEncoder, "fields": _plain_fields(model)}
                chunk: list[Model] = []
                for obj in rows.iterator(chunk_size=2000):
                    chunk.append(obj)
                    if len(chunk) == 2000:
                        serializers.serialize("jsonl", chunk, **options)
                        written += len(chunk)
                        chunk = []
                        progress("Datenbank", written, total)
                serializers.serialize("jsonl", chunk, **options)
                written += len(chunk)
                progress("Datenbank", written, total)
        progress("Datenbank", written, total)
        database = JSON_FILE
        counts_objects = written
    files, size = _copy_tree(Path(settings.MEDIA_ROOT), folder / MEDIA_DIR, "Dateien", progress)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": connection.vendor, "format": fmt, "file": database, "objects": counts_objects},
        "migrations": _migrations(using),
        "tables": counts,
        "media": {"files": files, "bytes": size},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return Summary(folder, fmt, sum(counts.values()), files, size)


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"In {folder} liegt keine Sicherung ({MANIFEST} fehlt).") from None
    except json.JSONDecodeError as error:
        raise BackupError(f"{folder / MANIFEST} ist beschädigt (Zeile {error.lineno}: {error.msg}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Diese Sicherung hat das Format {manifest.get('format')!r}; lesbar ist Format {FORMAT}.")
    return manifest


def restore(folder: Path, *, progress: Progress = _no_progress, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Replace the database's content and the media folder with the backup in ``folder``."""
    manifest = read_manifest(folder)
    connection = connections[using]
    fmt = manifest["database"]["format"]
    source = folder / manifest["database"]["file"]
    if not source.is_file():
        raise BackupError(f"Die Datenbank der Sicherung fehlt: {source}.")
    if fmt == "sqlite":
        if connection.vendor != "sqlite":
            raise BackupError(
                "Diese Sicherung ist eine SQLite-Datei und lässt sich nur in eine SQLite-Datenbank zurückspielen."
            )
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:

            def pages(status: int, remaining: int, total: int) -> None:
                progress("Datenbank", total - remaining, total)

            origin.backup(connection.connection, pages=256, progress=pages)
        finally:
            origin.close()
        connection.close()
    else:
        unknown = {tuple(item) for item in manifest["migrations"]} - {tuple(item) for item in _migrations(using)}
        if unknown:
            names = ", ".join(f"{app}.{name}" for app, name in sorted(unknown)[:5])
            raise BackupError(
                f"Die Sicherung stammt aus einem neueren Stand der Datenbank ({names}); "
                "spielen Sie sie mit dem Programmstand zurück, mit dem sie gemacht wurde, und führen Sie "
                "manage.py migrate aus."
            )
        _load_json(source, total=int(manifest["database"].get("objects") or 0), progress=progress, using=using)
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    # Emptied, not removed: the folder may be a mount point (shared storage of several app servers).
    for child in media.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    files, size = _copy_tree(folder / MEDIA_DIR, media, "Dateien", progress)
    generations.bump_all()
    return Summary(folder, fmt, sum(table_counts(using).values()), files, size)


def _load_json(source: Path, *, total: int, progress: Progress, using: str) -> None:
    connection = connections[using]
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0, database=using)
    loaded: set[type[Model]] = set()
    done = 0
    progress("Datenbank", 0, total)
    with transaction.atomic(using=using):
        with connection.constraint_checks_disabled():
            deferred = []
            with source.open(encoding="utf-8") as stream:
                for line in stream:
                    if not line.strip():
                        continue
                    objects = serializers.deserialize("jsonl", line, using=using, handle_forward_references=True)
                    for obj in objects:
                        obj.save(using=using)
                        loaded.add(type(obj.object))
                        if obj.deferred_fields:
                            deferred.append(obj)
                    done += 1
                    if done % 500 == 0:
                        progress("Datenbank", done, total)
            for obj in deferred:
                obj.save_deferred_fields(using=using)
        table_names = [model._meta.db_table for model in loaded]
        connection.check_constraints(table_names=table_names)
        statements = connection.ops.sequence_reset_sql(no_style(), list(loaded))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    ContentType.objects.clear_cache()
    progress("Datenbank", done, total)

"""``manage.py backup`` and ``restore``: a round trip gives back every row of every table as it was (also the
person of each change in the history, held by id) and every media file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from smartstadt.core.history import record_change
from smartstadt.core.models import ChangeRecord, User
from smartstadt.documents.models import RenderedDocument, RenderStatus
from smartstadt.strategy.tests.factories import MeasureFactory, StrategyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _rows() -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order, as the database returns it."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table == "django_migrations":
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return rows


@pytest.fixture
def instance(personas, settings):
    # Ids with a gap, so a restore that numbered users anew would give the history's ids to other people.
    User.objects.create_user("vorher-geloescht", "weg@example.org", "x").delete()
    editor = User.objects.create_user("nach-der-luecke", "luecke@example.org", "x")
    strategy = StrategyFactory(municipality=personas.municipality_a, title="Strategie zum Sichern")
    measure = MeasureFactory(strategy=strategy, number="1", title="Maßnahme")
    record = record_change(actor=editor, instance=measure, action=ChangeRecord.Action.CREATED)
    document = RenderedDocument(strategy=strategy, kind="strategy", format="html", status=RenderStatus.DONE)
    document.file.save("strategie.html", ContentFile(b"<p>Strategie</p>"), save=True)
    return {"editor": editor, "document": document, "record": record}


@pytest.mark.parametrize("fmt", ["auto", "json"])
def test_backup_and_restore_give_back_every_row_and_file(instance, tmp_path, fmt, settings):
    before = _rows()
    editor_pk = instance["editor"].pk
    folder = tmp_path / "sicherung"
    call_command("backup", str(folder), "--format", fmt, "--quiet")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["core_changerecord"] == ChangeRecord.objects.count()
    assert (folder / "media" / instance["document"].file.name).read_bytes() == b"<p>Strategie</p>"

    # What happens after the backup: the history's person deleted, another one added, the file lost.
    instance["editor"].delete()
    User.objects.create_user("danach", "danach@example.org", "x")
    document_path = Path(settings.MEDIA_ROOT) / instance["document"].file.name
    document_path.unlink()
    (Path(settings.MEDIA_ROOT) / "fremd.txt").write_text("nicht in der Sicherung")

    call_command("restore", str(folder), "--no-input", "--quiet")
    after = _rows()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    record = ChangeRecord.objects.get(pk=instance["record"].pk)
    assert record.actor == User.objects.get(username="nach-der-luecke")
    assert document_path.read_bytes() == b"<p>Strategie</p>"
    assert not (Path(settings.MEDIA_ROOT) / "fremd.txt").exists()
    # The numbering goes on after the restored rows.
    assert User.objects.create_user("neu", "neu@example.org", "x").pk > editor_pk


def test_restore_refuses_a_folder_without_a_backup(tmp_path):
    with pytest.raises(CommandError, match="keine Sicherung"):
        call_command("restore", str(tmp_path), "--no-input", "--quiet")


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "etwas").write_text("x")
    with pytest.raises(CommandError, match="nicht leer"):
        call_command("backup", str(tmp_path), "--quiet")

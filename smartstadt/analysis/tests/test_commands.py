"""The commands: ``similar_entries`` (evaluation on any JSONL file) and ``rebuild_analysis_index``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

ITEMS = [
    {
        "id": "ob-1",
        "title": "Ladesäulen am Rathaus",
        "summary": "Öffentliche Ladesäulen für Elektroautos.",
        "municipality": "Oberhausen",
    },
    {
        "id": "es-1",
        "title": "Ladesäulen in Essen",
        "summary": "Neue Ladesäulen für E-Autos in der Innenstadt.",
        "municipality": "Essen",
    },
    {
        "id": "du-1",
        "title": "Ladepunkte für Elektroautos",
        "summary": "Ladesäulen und Schnellladepunkte.",
        "municipality": "Duisburg",
    },
    {
        "id": "ob-2",
        "title": "Open-Data-Portal",
        "summary": "Offene Daten der Verwaltung als Datensätze.",
        "municipality": "Oberhausen",
    },
    {
        "id": "es-2",
        "title": "Offene Daten Essen",
        "summary": "Ein Portal für offene Daten und Datensätze.",
        "municipality": "Essen",
    },
    {"id": 6, "title": "Datenportal", "summary": "Offene Daten und Datensätze der Stadt.", "municipality": "Duisburg"},
]


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("mode", ["lexical", "baseline"])
def test_similar_entries_ranks_the_other_items(tmp_path, mode):
    source = write_jsonl(tmp_path / "items.jsonl", ITEMS)
    target = tmp_path / "out.jsonl"
    call_command(
        "similar_entries", "--input", str(source), "--top", "2", "--output", str(target), "--mode", mode, "--quiet"
    )
    lines = read_jsonl(target)
    assert [line["id"] for line in lines] == [item["id"] for item in ITEMS]
    by_id = {line["id"]: line["similar"] for line in lines}
    for key, similar in by_id.items():
        assert len(similar) == 2
        assert key not in [other["id"] for other in similar]
        scores = [other["score"] for other in similar]
        assert scores == sorted(scores, reverse=True)
        assert all(0 < score <= 1 for score in scores)
    assert {other["id"] for other in by_id["ob-1"]} == {"es-1", "du-1"}
    assert {other["id"] for other in by_id["ob-2"]} == {"es-2", 6}  # ids keep their JSON type


def test_similar_entries_reports_what_it_did(tmp_path):
    source = write_jsonl(tmp_path / "items.jsonl", ITEMS)
    out = io.StringIO()
    call_command(
        "similar_entries",
        "--input",
        str(source),
        "--output",
        str(tmp_path / "o.jsonl"),
        "--mode",
        "lexical",
        stdout=out,
    )
    assert "6 Einträge verglichen (lexikalisch)" in out.getvalue()
    assert all(len(line["similar"]) <= 5 for line in read_jsonl(tmp_path / "o.jsonl"))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([*ITEMS[:2], "{kein json"], "Zeile 3: kein gültiges JSON"),
        ([*ITEMS[:2], {"id": "x", "summary": "ohne Titel"}], "Zeile 3: „title“ fehlt"),
        ([{"title": "ohne id"}, *ITEMS[:2]], "Zeile 1: „id“ fehlt"),
        ([*ITEMS[:2], {**ITEMS[0]}], 'Zeile 3: die id "ob-1" steht schon in Zeile 1'),
        ([*ITEMS[:2], {"id": 7, "title": "x", "municipality": 5}], "Zeile 3: „municipality“ muss ein Text sein"),
        ([[1, 2], *ITEMS[:2]], "Zeile 1: erwartet wird ein JSON-Objekt"),
        (ITEMS[:1], "mindestens zwei Einträge"),
    ],
)
def test_bad_input_names_the_line_and_writes_nothing(tmp_path, lines, message):
    source = tmp_path / "items.jsonl"
    source.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines),
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"
    with pytest.raises(CommandError) as error:
        call_command("similar_entries", "--input", str(source), "--output", str(target), "--quiet")
    assert message in str(error.value)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_missing_files_and_a_bad_top_are_refused(tmp_path):
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("similar_entries", "--input", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o"))
    source = write_jsonl(tmp_path / "items.jsonl", ITEMS)
    with pytest.raises(CommandError, match="--top muss mindestens 1 sein"):
        call_command("similar_entries", "--input", str(source), "--output", str(tmp_path / "o"), "--top", "0")
    (tmp_path / "latin1.jsonl").write_bytes('{"id": 1, "title": "Straße"}\n'.encode("latin-1"))
    with pytest.raises(CommandError, match="nicht in UTF-8"):
        call_command("similar_entries", "--input", str(tmp_path / "latin1.jsonl"), "--output", str(tmp_path / "o"))
    assert not (tmp_path / "o").exists()


def test_bad_input_exits_non_zero_with_a_german_message(tmp_path):
    source = tmp_path / "items.jsonl"
    source.write_text('{"id": 1, "title": "Ladesäulen"}\n{"id": 2}\n', encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "similar_entries", "--input", str(source), "--output", str(target)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={"DEBUG": "1", "ANALYSIS_SEMANTIC": "off", "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Zeile 2: „title“ fehlt" in result.stderr
    assert not target.exists()


def test_rebuild_shows_a_progress_bar_and_a_summary(demo_region):
    from smartstadt.analysis.models import EntryVector, LexicalIndex
    from smartstadt.inventory.models import Entry

    out = io.StringIO()
    call_command("rebuild_analysis_index", "--no-embeddings", stdout=out)
    text = out.getvalue()
    for stage in ("Texte analysieren", "Wortschatz lernen", "Vektoren schreiben"):
        assert stage in text
    count = Entry.objects.count()
    assert f"{count}/{count}" in text  # the bar's "done/total"
    assert f"{count} Einträge, ohne Einbettungen (--no-embeddings)" in text
    assert EntryVector.objects.count() == count
    assert LexicalIndex.objects.count() == 1


def test_rebuild_is_quiet_on_request(demo_region):
    out = io.StringIO()
    call_command("rebuild_analysis_index", "--no-embeddings", "--quiet", stdout=out)
    assert out.getvalue() == ""

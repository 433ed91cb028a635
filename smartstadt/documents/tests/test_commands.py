"""manage.py render_strategy (good and bad input) and import_sheet with a DOCX sheet of the platform."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from smartstadt.documents import word
from smartstadt.documents.content import build_strategy_document
from smartstadt.strategy.models import Measure


def test_render_strategy_writes_html_and_docx(strategy_a, tmp_path, capsys):
    target = tmp_path / "strategie.html"
    call_command("render_strategy", "--municipality", "stadt-a", "--format", "html", "--output", str(target))
    assert '<html lang="de">' in target.read_text(encoding="utf-8")
    assert "geschrieben" in capsys.readouterr().out
    council = tmp_path / "vorlage.docx"
    call_command(
        "render_strategy",
        "--municipality",
        "stadt-a",
        "--document",
        "council",
        "--format",
        "docx",
        "--output",
        str(council),
    )
    assert council.read_bytes().startswith(b"PK")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--municipality", "nirgendwo", "--format", "pdf"], "keine Kommune"),
        (["--municipality", "stadt-a", "--format", "odt"], "Unbekanntes Format „odt“"),
        (["--municipality", "stadt-a", "--format", "pdf", "--version", "9"], "keine Fassung 9"),
        (["--municipality", "stadt-a", "--format", "pdf", "--version", "zwei"], "muss eine Nummer sein"),
        (["--municipality", "stadt-a", "--format", "html", "--document", "council"], "Unbekanntes Format „html“"),
        (["--municipality", "stadt-a", "--format", "pdf", "--document", "measure"], "--measure"),
        (["--municipality", "stadt-a", "--format", "docx", "--document", "measure", "--measure", "99"], "Nummer „99“"),
        (["--municipality", "stadt-b", "--format", "pdf"], "noch keine Smart-City-Strategie"),
    ],
)
def test_render_strategy_bad_input(strategy_a, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_strategy", *arguments, "--output", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_import_sheet_round_trip_of_a_platform_docx(strategy_a, tmp_path, capsys):
    doc = build_strategy_document(strategy_a)
    sheet = tmp_path / "massnahme-1.docx"
    sheet.write_bytes(word.measure_docx(doc, doc.measure("1")))
    call_command("import_sheet", str(sheet), "--municipality", "stadt-a")
    result = json.loads(capsys.readouterr().out)
    copy = Measure.objects.get(pk=result["created"]["id"])
    assert copy.number == "4"  # number 1 is taken
    assert copy.title == "Quartiersbüros"
    assert (copy.priority, copy.horizon) == ("very_high", "short")
    assert sorted(t.label for t in copy.topic_terms.all()) == ["Smart City A", "Zukunftsfähige Standortfaktoren"]
    assert copy.description == "Erster Absatz.\n\nZweiter Absatz."

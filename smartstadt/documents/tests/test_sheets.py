"""Reading project sheets: the seed's text, bad files, and the DOCX sheets the platform writes (round trip)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from smartstadt.documents import word
from smartstadt.documents.content import build_strategy_document
from smartstadt.documents.sheets import SheetError, read_docx, read_text
from smartstadt.strategy.models import Measure


def _seed_sheet() -> Path | None:
    """The seed's project sheet: SEED_DIR, or the shared folder beside the repository (as the DCAT test finds the
    shapes), or the workplace's shared folder."""
    candidates = [
        os.environ.get("SEED_DIR", ""),
        str(Path(__file__).resolve().parents[3].parent / "shared" / "seed"),
        "/work/shared/seed",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            found = next(Path(candidate).glob("*.txt"), None)
            if found is not None:
                return found
    return None


SEED = _seed_sheet()
MASTERPLAN = [
    "Zukunftsfähige Standortfaktoren",
    "Zukunftsprofil des Standorts Oberhausen",
    "Wissenschaft, Innovation und Gründung",
    "Arbeit, (Schul-)Bildung und Qualifizierung",
    "Smart City Oberhausen",
]
needs_seed = pytest.mark.skipif(SEED is None, reason="Der Seed (SEED_DIR, ../shared/seed oder /work/shared/seed) fehlt")


@needs_seed
def test_seed_text_reads_without_guessing():
    reading = read_text(SEED.read_text(encoding="utf-8"), source=SEED.name)
    assert (reading.number, reading.title) == ("4", "Oberhausen ist ... smart")
    assert reading.topic_fields == MASTERPLAN
    assert reading.objective == "Ziel ist, vernetztes Denken und Arbeiten sowie nachhaltige Stadtentwicklung zu stärken"
    assert reading.description.startswith("Gemeinsam mit einem breiten Netzwerk")
    assert reading.description.count("\n\n") == 6  # seven paragraphs
    assert reading.stakeholders == "Stadtverwaltung gemeinsam mit den Städtischen Töchtern"
    # The text lost the marks of Priorität and Umsetzbarkeit: reported, not guessed.
    assert (reading.priority, reading.horizon) == ("", "")
    assert {item.field for item in reading.unread} == {"priority", "horizon"}


def test_ticked_choices_and_unknown_options():
    text = "7) Testblatt\nBezug zu Themenfeld\n[x] A  [ ] B\nPriorität\n☐ Sehr hoch ☒ Hoch ☐ Mittel\n"
    text += "Umsetzbarkeit\n☒ Kurzfristig ☒ Langfristig\nZiel: Testen\nText.\nStakeholder/Treiber\nAlle"
    reading = read_text(text)
    assert reading.topic_fields == ["A"]
    assert reading.priority == "high"
    assert reading.horizon == ""
    assert [item.reason for item in reading.unread] == ["mehrere Felder angekreuzt: Kurzfristig, Langfristig"]


def test_text_that_is_no_sheet_is_refused():
    with pytest.raises(SheetError, match="kein Projektblatt"):
        read_text("Einkaufsliste\nMilch\nBrot")


@pytest.mark.usefixtures("demo_region")
@needs_seed
def test_import_sheet_dry_run_prints_json_with_the_five_topic_fields(capsys):
    before = Measure.objects.count()
    call_command("import_sheet", str(SEED), "--municipality", "oberhausen", "--dry-run")
    result = json.loads(capsys.readouterr().out)
    assert result["topic_fields"] == MASTERPLAN
    assert result["topic_fields_matched"] == MASTERPLAN  # the Masterplan framework of the demo data
    assert result["created"] is None
    assert {item["label"] for item in result["unread"]} == {"Priorität", "Umsetzbarkeit"}
    assert Measure.objects.count() == before


@pytest.mark.usefixtures("demo_region")
@needs_seed
def test_import_sheet_creates_the_measure_with_its_topic_fields(capsys):
    call_command("import_sheet", str(SEED), "--municipality", "oberhausen")
    result = json.loads(capsys.readouterr().out)
    measure = Measure.objects.get(pk=result["created"]["id"])
    assert measure.title == "Oberhausen ist ... smart"
    assert measure.strategy.municipality.slug == "oberhausen"
    assert sorted(t.label for t in measure.topic_terms.all()) == sorted(MASTERPLAN)
    assert {t.framework.slug for t in measure.topic_terms.all()} == {"oberhausen-masterplan"}
    assert measure.stakeholders == "Stadtverwaltung gemeinsam mit den Städtischen Töchtern"
    assert measure.number != "4"  # 4 is taken by a demo measure: the next free number
    assert "vergeben" in result["notes"][0]
    assert measure.priority == ""
    assert measure.horizon == ""


@pytest.mark.django_db
def test_import_sheet_bad_input_gets_a_german_message(tmp_path):
    with pytest.raises(CommandError, match="keine Kommune"):
        call_command("import_sheet", str(tmp_path / "x.txt"), "--municipality", "nirgendwo")


@pytest.mark.usefixtures("demo_region")
def test_import_sheet_bad_file_gets_a_german_message(tmp_path):
    missing = tmp_path / "fehlt.txt"
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("import_sheet", str(missing), "--municipality", "oberhausen")
    odd = tmp_path / "blatt.pdf"
    odd.write_bytes(b"%PDF")
    with pytest.raises(CommandError, match="unbekanntes Format"):
        call_command("import_sheet", str(odd), "--municipality", "oberhausen")
    broken = tmp_path / "blatt.docx"
    broken.write_bytes(b"kein docx")
    with pytest.raises(CommandError, match="kein lesbares DOCX"):
        call_command("import_sheet", str(broken), "--municipality", "oberhausen")


def test_docx_sheet_written_by_the_platform_reads_back(strategy_a):
    doc = build_strategy_document(strategy_a)
    reading = read_docx(word.measure_docx(doc, doc.measure("1")))
    assert (reading.number, reading.title) == ("1", "Quartiersbüros")
    assert reading.topic_fields == ["Zukunftsfähige Standortfaktoren", "Smart City A"]
    assert (reading.priority, reading.horizon) == ("very_high", "short")
    assert reading.objective == "Ältere Menschen erreichen"
    assert reading.description == "Erster Absatz.\n\nZweiter Absatz."
    assert reading.stakeholders == "Stadtverwaltung und Stadtwerke"
    assert reading.unread == []
    empty = read_docx(word.measure_docx(doc, doc.measure("3")))
    assert {item.field for item in empty.unread} >= {"priority", "horizon", "objective"}

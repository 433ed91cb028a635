"""Spreadsheet import and export: template, row errors, atomicity, re-import, CSV dialects, formulas, round trip."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from smartstadt.core.history import snapshot
from smartstadt.core.models import ChangeRecord
from smartstadt.core.permissions import System
from smartstadt.inventory import services, spreadsheets
from smartstadt.inventory.models import Entry
from smartstadt.inventory.selectors import entries_for_export
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.inventory.tests.spreadsheet_helpers import csv_bytes, error_cells, good_rows, xlsx
from smartstadt.regions.models import District, Municipality


@pytest.fixture
def city(personas):
    District.objects.create(municipality=personas.municipality_a, name="Altstadt", slug="altstadt")
    return personas


def run(personas, data, filename="bestand.xlsx", dry_run=False, actor="team_a"):
    return services.entries_import(
        actor=getattr(personas, actor) if actor else None,
        municipality=personas.municipality_a,
        data=data,
        filename=filename,
        dry_run=dry_run,
    )


def counts():
    return Entry.objects.count(), ChangeRecord.objects.count()


# --- Template ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_template_has_the_german_headers_and_explains_the_values(city):
    workbook = load_workbook(io.BytesIO(spreadsheets.template("xlsx", city.municipality_a)))
    assert workbook.sheetnames == ["Bestand", "Hinweise"]
    headers = [cell.value for cell in workbook["Bestand"][1]]
    assert headers == spreadsheets.HEADERS
    for expected in ["Externe ID", "Titel", "Federführung", "Schlagworte", "Budget (EUR)", "Veröffentlichung"]:
        assert expected in headers
    notes = [[cell.value for cell in row] for row in workbook["Hinweise"].iter_rows()]
    status = next(row for row in notes if row[0] == "Status")
    assert "läuft (running)" in status[1]
    texts = {row[0] for row in notes}
    assert "Giffinger 2007: Smarte Mobilität" in texts  # the tags the municipality may use
    assert "Stadtwerke A" in texts
    assert "Altstadt" in texts
    assert workbook["Bestand"].max_row == 1


def test_csv_template_is_the_header_row():
    text = spreadsheets.template("csv").decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text), delimiter=";")) == spreadsheets.HEADERS


# --- Import -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_bad_row_of_each_kind_is_named_and_nothing_is_saved(city):
    rows = good_rows()
    rows += [
        {"Titel": "Falscher Status", "Status": "fertig"},
        {"Titel": "Ende vor Beginn", "Beginn": 2025, "Ende": 2020},
        {"Titel": "Kaputter Link", "Links": "Seite | ftp//kaputt"},
        {"Titel": "Unbekanntes Schlagwort", "Schlagworte": "giffinger: Smarte Raumfahrt"},
        {"Titel": "Fremde Federführung", "Federführung": "Stadtwerke B"},
        {"Titel": "", "Kurzbeschreibung": "Ohne Titel"},
        {"Titel": "Kein Jahr", "Beginn": "bald"},
        {"Titel": "Kaputte Mail", "Kontakt (Funktionspostfach)": "keine-adresse"},
    ]
    before = counts()
    result = run(city, xlsx(rows))
    assert not result.saved
    # rows as the spreadsheet shows them: the header is row 1, the three good rows are 2–4
    assert error_cells(result) == {
        (5, "Status"),
        (6, "Ende"),
        (7, "Links"),
        (8, "Schlagworte"),
        (9, "Federführung"),
        (10, "Titel"),
        (11, "Beginn"),
        (12, "Kontakt (Funktionspostfach)"),
    }
    messages = {(error.row, error.column): error.message for error in result.errors}
    assert "fertig" in messages[5, "Status"]
    assert "läuft" in messages[5, "Status"]
    assert "ftp//kaputt" in messages[7, "Links"]
    assert "Smarte Raumfahrt" in messages[8, "Schlagworte"]
    assert "Zeile 5" in str(result.errors[0]) or "Row 5" in str(result.errors[0])
    assert counts() == before
    assert not Entry.objects.filter(external_id="A-1").exists()


@pytest.mark.django_db
def test_the_fixed_file_imports_with_history_like_the_services(city):
    result = run(city, xlsx(good_rows()))
    assert result.saved
    assert not result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    entry = Entry.objects.get(municipality=city.municipality_a, external_id="A-1")
    assert entry.slug == "smarte-laternen"
    assert entry.status == "running"
    assert entry.maturity == "pilot"
    assert entry.transferability == "adaptation"
    assert entry.lead_organisation == city.organisation_a
    assert list(entry.partners.all()) == [city.organisation_b]
    assert [d.name for d in entry.districts.all()] == ["Altstadt"]
    assert sorted(t.code for t in entry.terms.all()) == ["environment", "mobility"]
    assert entry.latitude == Decimal("51.496300")
    assert entry.longitude == Decimal("6.863700")
    assert entry.budget_eur == Decimal("250000.00")
    assert (entry.start_year, entry.end_year) == (2023, 2026)
    assert entry.funding_sources == ["Modellprojekte Smart Cities", "Land NRW"]
    assert entry.links == [
        {"label": "Projektseite", "url": "https://example.org/laternen"},
        {"label": "", "url": "https://example.org/presse"},
    ]
    assert entry.publication_state == "published"
    assert entry.published_at is not None
    knowledge = Entry.objects.get(external_id="A-2")
    assert (knowledge.kind, knowledge.knowledge_type, knowledge.publication_state) == ("knowledge", "study", "draft")
    untitled = Entry.objects.get(title="Offene Daten")
    assert untitled.external_id == ""
    assert untitled.status == "unknown"
    # one history record per entry, the same as save_tracked writes
    record = ChangeRecord.objects.for_object(entry).get()
    assert (record.action, record.actor, record.actor_label) == ("created", city.team_a, "team-a")
    stored = snapshot(entry)
    assert {name: change["new"] for name, change in record.changes.items()} == {
        name: value for name, value in stored.items() if value is not None
    }


@pytest.mark.django_db
def test_reimport_updates_by_external_id_and_reports_unchanged(city):
    run(city, xlsx(good_rows()))
    before = counts()
    again = run(city, xlsx(good_rows()[:2]))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert counts() == before

    rows = good_rows()[:2]
    rows[0]["Status"] = "abgeschlossen"
    rows[0]["Partner"] = ""
    changed = run(city, xlsx(rows))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert changed.rows[0].changed == ["Partner", "Status"]
    entry = Entry.objects.get(external_id="A-1")
    assert entry.status == "completed"
    assert not entry.partners.exists()
    record = ChangeRecord.objects.for_object(entry).filter(action="changed").get()
    assert record.changes == {
        "partners": {"old": [city.organisation_b.pk], "new": []},
        "status": {"old": "running", "new": "completed"},
    }
    assert Entry.objects.count() == before[0]


@pytest.mark.django_db
def test_columns_left_out_are_kept_and_published_titles_keep_their_address(city):
    run(city, xlsx(good_rows()))
    headers = ["Externe ID", "Titel"]
    result = run(city, csv_bytes([{"Externe ID": "A-1", "Titel": "Smarte Laternen 2.0"}], headers=headers), "a.csv")
    assert result.updated == 1
    entry = Entry.objects.get(external_id="A-1")
    assert entry.title == "Smarte Laternen 2.0"
    assert entry.slug == "smarte-laternen"
    assert entry.status == "running"
    assert entry.partners.count() == 1
    assert entry.budget_eur == Decimal("250000.00")


@pytest.mark.django_db
def test_dry_run_previews_and_saves_nothing(city):
    before = counts()
    result = run(city, xlsx(good_rows()), dry_run=True)
    assert result.dry_run
    assert not result.saved
    assert not result.errors
    assert [row.action for row in result.rows] == ["created", "created", "created"]
    assert counts() == before


@pytest.mark.django_db
def test_duplicate_keys_unknown_columns_and_foreign_municipality(city):
    rows = good_rows()[:2]
    rows.append({"Externe ID": "A-1", "Titel": "Doppelt"})
    assert error_cells(run(city, xlsx(rows))) == {(4, "Externe ID")}

    headers = [*spreadsheets.HEADERS, "Bemerkung"]
    assert error_cells(run(city, xlsx(good_rows(), headers=headers))) == {(1, "Bemerkung")}

    rows = [{"Titel": "Aus B", "Kommune": "Stadt B"}, {"Titel": "Aus A", "Kommune": "stadt-a"}]
    assert error_cells(run(city, xlsx(rows))) == {(2, "Kommune")}


@pytest.mark.django_db
def test_unreadable_files_are_refused_with_a_message(city):
    assert run(city, b"not a zip file").errors[0].row is None
    assert run(city, b"", "leer.csv").errors
    assert run(city, b"x", "bestand.ods").errors


@pytest.mark.django_db
def test_xlsx_rows_keep_their_numbers_and_rich_text_dates_and_formulas_are_read(city):
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Notizen"  # the data sheet is found by its name, not its place
    data = workbook.create_sheet("Bestand")
    data.append(["Externe ID", "Titel", "Beginn", "Status", "Lizenz"])
    data.append(["R-1", CellRichText(["Smarte ", TextBlock(InlineFont(b=True), "Bänke")]), 2024, "läuft", "=1+1"])
    data["A4"], data["B4"], data["D4"] = "R-2", "Kaputt", "fertig"  # row 3 is empty
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(city, buffer.getvalue(), dry_run=True)
    assert error_cells(result) == {(4, "Status")}
    assert "Zeile 4" in str(result.errors[0])
    assert "„Status“" in str(result.errors[0])
    data["D4"] = "abgeschlossen"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(city, buffer.getvalue(), dry_run=True)
    assert not result.errors
    assert [(row.row, row.title) for row in result.rows] == [(2, "Smarte Bänke"), (4, "Kaputt")]


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [1, 2])  # 1: refused by the sheet's size, 2: by counting the rows read
def test_too_many_rows_and_too_large_workbooks_are_refused_whole(city, monkeypatch, limit):
    from smartstadt.inventory.spreadsheets import reading

    monkeypatch.setattr(reading, "MAX_ROWS", limit)
    before = counts()
    result = run(city, xlsx(good_rows()))
    assert [(error.row, str(error)) for error in result.errors] == [
        (None, f"Die Datei hat mehr als {limit} Zeilen. Bitte teilen Sie sie auf.")
    ]
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)
    assert "zu groß" in str(run(city, xlsx(good_rows())).errors[0])
    assert counts() == before


@pytest.mark.django_db
def test_only_the_team_imports(city):
    for persona in ["editor_a", "team_b", "citizen"]:
        with pytest.raises(PermissionDenied):
            run(city, xlsx(good_rows()), actor=persona)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("delimiter", "encoding"), [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252"), ("\t", "utf-8"), (",", "cp1252")]
)
def test_csv_delimiter_and_encoding_are_detected(city, delimiter, encoding):
    rows = good_rows()
    rows[1]["Titel"] = "Bürgerbüro für Übergänge – größer"
    data = csv_bytes(rows, delimiter=delimiter, encoding=encoding)
    result = run(city, data, "bestand.csv")
    assert not result.errors, result.errors
    assert Entry.objects.get(external_id="A-2").title == "Bürgerbüro für Übergänge – größer"
    assert Entry.objects.get(external_id="A-1").longitude == Decimal("6.863700")


# --- Export -------------------------------------------------------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://evil.example";"klick")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


@pytest.fixture
def formula_entry(city):
    return EntryFactory(
        municipality=city.municipality_a,
        title='=HYPERLINK("http://evil.example";"klick")',
        summary="+1+1",
        description="-2+3",
        licence="@SUM(A1)",
        source_note="harmlos",
        external_id="=cmd|' /C calc'!A0",
    )


@pytest.mark.django_db
def test_exports_neutralise_formulas(city, formula_entry):
    entries = entries_for_export(viewer=None, params={}, municipality=city.municipality_a)
    text = spreadsheets.export(entries, "csv").decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
    cells = dict(zip(spreadsheets.HEADERS, row, strict=True))
    assert cells["Titel"] == '\'=HYPERLINK("http://evil.example";"klick")'
    assert cells["Kurzbeschreibung"] == "'+1+1"
    assert cells["Beschreibung"] == "'-2+3"
    assert cells["Lizenz"] == "'@SUM(A1)"
    assert cells["Externe ID"].startswith("'=")
    assert cells["Hinweis zur Quelle"] == "harmlos"

    sheet = load_workbook(io.BytesIO(spreadsheets.export(entries, "xlsx")))["Bestand"]
    for cell in sheet[2]:
        assert cell.data_type != "f"
        if isinstance(cell.value, str) and cell.value:
            assert cell.value[0] not in "=+-@"
    data = json.loads(spreadsheets.export(entries, "json"))
    assert data["entries"][0]["title"] == formula_entry.title  # JSON is data: raw values


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_again_unchanged(city, formula_entry, fmt):
    run(city, xlsx(good_rows()))
    entries = entries_for_export(viewer=None, params={}, municipality=city.municipality_a)
    before = counts()
    result = run(city, spreadsheets.export(entries, fmt), f"export.{fmt}")
    assert not result.errors, result.errors
    assert [(row.action, row.changed) for row in result.rows] == [("unchanged", [])] * 4
    assert counts() == before
    formula_entry.refresh_from_db()
    assert formula_entry.title.startswith("=HYPERLINK")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_demo_city_round_trip_is_unchanged(demo_region, fmt):
    oberhausen = Municipality.objects.get(slug="oberhausen")
    entries = entries_for_export(viewer=None, params={}, municipality=oberhausen)
    data = spreadsheets.export(entries, fmt)
    result = spreadsheets.import_entries(
        actor=System("Test"), municipality=oberhausen, data=data, filename=f"x.{fmt}", dry_run=True
    )
    assert not result.errors, result.errors[:5]
    assert len(result.rows) == entries.count() > 10
    assert {row.action for row in result.rows} == {"unchanged"}


@pytest.mark.django_db
def test_public_export_has_only_published_entries_and_honours_filters(city):
    EntryFactory(municipality=city.municipality_a, title="Öffentlich A")
    EntryFactory(municipality=city.municipality_b, title="Öffentlich B")
    EntryFactory(municipality=city.municipality_a, title="Entwurf A", publication_state="draft")
    titles = {e.title for e in entries_for_export(viewer=None, params={"municipality": "stadt-a"})}
    assert titles == {"Öffentlich A"}
    workspace = entries_for_export(viewer=None, params={}, municipality=city.municipality_a)
    assert {e.title for e in workspace} == {"Öffentlich A", "Entwurf A"}


# --- Command line -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_exits_non_zero_with_the_row_errors_then_imports_the_fixed_file(city, tmp_path):
    rows = good_rows()
    rows[1]["Status"] = "fertig"
    bad = tmp_path / "bestand.xlsx"
    bad.write_bytes(xlsx(rows))
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_inventory", str(bad), "--municipality", "stadt-a", stderr=err)
    # run from a shell, a CommandError ends the process with this status and its message on stderr
    assert failure.value.returncode == 1
    assert "nichts gespeichert" in str(failure.value)
    assert "3" in err.getvalue()
    assert "Status" in err.getvalue()
    assert "fertig" in err.getvalue()
    assert counts() == before

    rows[1]["Status"] = "abgeschlossen"
    bad.write_bytes(xlsx(rows))
    out = io.StringIO()
    call_command("import_inventory", str(bad), "--municipality", "stadt-a", "--dry-run", stdout=out)
    assert "neu: 3" in out.getvalue()
    assert "Probelauf" in out.getvalue()
    assert counts() == before
    call_command("import_inventory", str(bad), "--municipality", "stadt-a", stdout=out)
    assert Entry.objects.filter(municipality=city.municipality_a).count() == 3
    assert ChangeRecord.objects.filter(actor_label="Import").count() == 3


@pytest.mark.django_db
def test_command_writes_the_template_and_exports(city, tmp_path):
    call_command("import_inventory", "--template", str(tmp_path / "vorlage.xlsx"), stdout=io.StringIO())
    assert [c.value for c in load_workbook(tmp_path / "vorlage.xlsx")["Bestand"][1]] == spreadsheets.HEADERS
    call_command("import_inventory", "--template", str(tmp_path / "vorlage.csv"), stdout=io.StringIO())
    assert (tmp_path / "vorlage.csv").read_text(encoding="utf-8-sig").startswith("Externe ID;Titel;")
    with pytest.raises(CommandError):
        call_command("import_inventory", "--template", str(tmp_path / "vorlage.ods"))
    with pytest.raises(CommandError):
        call_command("import_inventory", str(tmp_path / "vorlage.csv"), "--municipality", "gibt-es-nicht")

    run(city, xlsx(good_rows()))
    for fmt in ["csv", "xlsx", "json"]:
        target = tmp_path / f"export.{fmt}"
        out = io.StringIO()
        call_command(
            "export_inventory", "--municipality", "stadt-a", "--format", fmt, "--output", str(target), stdout=out
        )
        assert "3 Einträge" in out.getvalue()
    assert len(json.loads((tmp_path / "export.json").read_text())["entries"]) == 3
    out = io.StringIO()
    call_command("import_inventory", str(tmp_path / "export.xlsx"), "--municipality", "stadt-a", stdout=out)
    assert "unverändert: 3" in out.getvalue()


# --- Bad files (issue 11, item 7) ----------------------------------------------------------------------------


def test_a_csv_cell_over_128_kib_names_its_row_and_column():
    from django.utils import translation

    data = (";".join(spreadsheets.HEADERS) + "\r\nA-1;" + "x" * 200_000 + "\r\n").encode("utf-8")
    with translation.override("de"), pytest.raises(spreadsheets.SpreadsheetError) as caught:
        spreadsheets.read_table(data, "bestand.csv")
    [error] = caught.value.errors
    assert (error.row, error.column) == (2, "Titel")
    assert str(error) == "Zeile 2, Spalte „Titel“: Die Zelle ist zu lang: höchstens 131.072 Zeichen."


def test_a_file_with_headers_only_says_there_is_nothing_to_import():
    from django.utils import translation

    data = (";".join(spreadsheets.HEADERS) + "\r\n").encode("utf-8")
    with translation.override("de"), pytest.raises(spreadsheets.SpreadsheetError) as caught:
        spreadsheets.read_table(data, "bestand.csv")
    assert "keine Zeilen" in str(caught.value.errors[0])


@pytest.mark.django_db
def test_the_templates_example_row_is_valid_for_the_demo_region(demo_region):
    """A newcomer who copies the template's examples into a row gets no error in Oberhausen."""
    from smartstadt.core.permissions import System
    from smartstadt.inventory.spreadsheets.columns import COLUMNS
    from smartstadt.regions.models import Municipality

    headers = [column.header for column in COLUMNS]
    rows = [{column.header: column.example for column in COLUMNS}]
    result = spreadsheets.import_entries(
        actor=System("Test"),
        municipality=Municipality.objects.get(slug="oberhausen"),
        data=xlsx(rows, headers=headers),
        filename="beispiel.xlsx",
        dry_run=True,
    )
    assert [str(error) for error in result.errors] == []
    assert result.created == 1

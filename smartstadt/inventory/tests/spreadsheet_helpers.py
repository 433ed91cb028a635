"""Spreadsheets for the import tests: rows as {header: value}, written as XLSX or CSV in memory."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from smartstadt.inventory.spreadsheets import HEADERS


def good_rows() -> list[dict[str, Any]]:
    """Rows for municipality A of the personas (Stadtwerke A, partner Stadtwerke B, district Altstadt)."""
    return [
        {
            "Externe ID": "A-1",
            "Titel": "Smarte Laternen",
            "Art": "Projekt",
            "Kurzbeschreibung": "Laternen messen Verkehr und Luft.",
            "Status": "läuft",
            "Federführung": "Stadtwerke A",
            "Partner": "Stadtwerke B",
            "Stadtteile": "Altstadt",
            "Breitengrad": 51.4963,
            "Längengrad": "6,8637",
            "Schlagworte": "Giffinger 2007: Smarte Mobilität; giffinger:environment",
            "Beginn": 2023,
            "Ende": "2026",
            "Budget (EUR)": "250.000",
            "Förderquellen": "Modellprojekte Smart Cities; Land NRW",
            "Links": "Projektseite | https://example.org/laternen; https://example.org/presse",
            "Kontakt (Funktionspostfach)": "smartcity@example.org",
            "Reifegrad": "Pilot",
            "Übertragbarkeit": "übertragbar mit Anpassung",
            "Lizenz": "CC BY 4.0",
            "Quelle": "https://example.org/quelle",
            "Veröffentlichung": "veröffentlicht",
        },
        {
            "Externe ID": "A-2",
            "Titel": "Studie Wärmeplanung",
            "Art": "knowledge",
            "Wissensart": "Studie",
            "Status": "abgeschlossen",
        },
        {"Externe ID": "", "Titel": "Offene Daten", "Art": "Lösung"},
    ]


def xlsx(rows: list[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Bestand"
    headers = headers or HEADERS
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: list[dict[str, Any]], *, delimiter: str = ";", encoding: str = "utf-8-sig", headers: list[str] | None = None
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    headers = headers or HEADERS
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if row.get(header) is None else row.get(header) for header in headers])
    return buffer.getvalue().encode(encoding)


def error_cells(result: Any) -> set[tuple[int | None, str]]:
    return {(error.row, error.column) for error in result.errors}

"""The one CSV/XLSX writer of list exports: German Excel's dialect, numbers as numbers, no formula runs."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from smartstadt.core import tabular

COLUMNS = ["Titel", "=Frage", "Budget"]
ROWS = [['=HYPERLINK("x")', "-1", Decimal("250000.50")], ["@A1", None, 7], ["Text\x07", True, ""]]


def test_csv_is_semicolon_utf8_with_bom_decimal_comma_and_neutralised():
    data = tabular.csv_bytes(COLUMNS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Titel", "'=Frage", "Budget"]  # headers may be user text: neutralised, too
    assert rows[1] == ['\'=HYPERLINK("x")', "'-1", "250000,50"]
    assert rows[2] == ["'@A1", "", "7"]


def test_csv_lines_stream_the_same_bytes():
    assert "".join(tabular.csv_lines(COLUMNS, ROWS)).encode("utf-8") == tabular.csv_bytes(COLUMNS, ROWS)


def test_xlsx_has_a_bold_frozen_header_numbers_as_numbers_and_text_only():
    sheet = load_workbook(io.BytesIO(tabular.xlsx_bytes(COLUMNS, ROWS, sheet="Ein sehr langer Blattname " * 3)))
    data = sheet.active
    assert data is not None
    assert len(data.title) == 31
    assert data.freeze_panes == "A2"
    assert [cell.value for cell in data[1]] == ["Titel", "'=Frage", "Budget"]
    assert all(cell.font.b for cell in data[1])
    assert [cell.value for cell in data[2]] == ['\'=HYPERLINK("x")', "'-1", 250000.5]
    assert data["A4"].value == "Text"  # characters XLSX cannot hold are dropped
    assert all(cell.data_type != "f" for row in data.iter_rows() for cell in row)


def test_response_is_an_attachment_and_streams_csv_on_request():
    response = tabular.tabular_response("xlsx", COLUMNS, ROWS, filename="liste-2026-01-01", sheet="Liste")
    assert response["Content-Type"] == tabular.CONTENT_TYPES["xlsx"]
    assert response["Content-Disposition"] == 'attachment; filename="liste-2026-01-01.xlsx"'
    streamed = tabular.tabular_response("csv", COLUMNS, ROWS, filename="liste", sheet="Liste", stream=True)
    assert b"".join(streamed.streaming_content) == tabular.csv_bytes(COLUMNS, ROWS)

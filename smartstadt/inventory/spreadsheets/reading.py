"""Reading an uploaded file into a table of raw cells: CSV in the dialects Excel writes, and XLSX."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .cells import cell_text
from .columns import DATA_SHEET, IMPORT_FORMATS, MAX_ROWS, MAX_UNPACKED_BYTES
from .results import RowError, SpreadsheetError


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)


def file_format(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in IMPORT_FORMATS:
        raise SpreadsheetError([RowError(None, "", _("Only .xlsx and .csv files can be imported."))])
    return suffix


def decode_csv(data: bytes) -> str:
    """UTF-8 with or without byte order mark, else Windows-1252 (what Excel writes as "CSV")."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


# A cell longer than this is refused with its row and column (the csv module's own limit of 128 KiB would
# otherwise end the reading with a bare "field larger than field limit").
MAX_CELL_CHARACTERS = 131_072


def _read_csv(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """Rows as (record number, values): a spreadsheet program shows each record as one row."""
    text = decode_csv(data)
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(text) + 1))  # the length is checked per cell in read_table
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text)), start=1)
    except csv.Error as error:
        raise SpreadsheetError(
            [RowError(None, "", _("The CSV file cannot be read: %(error)s.") % {"error": error})]
        ) from None
    finally:
        csv.field_size_limit(previous)


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the data sheet ("Bestand", else the first) as (row number, values), read by python-calamine."""
    from python_calamine import CalamineError, CalamineWorkbook

    unreadable = _("The file cannot be read as an Excel workbook (.xlsx).")
    too_many = _("The file has more than %(max)s rows; please split it.") % {"max": MAX_ROWS}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # calamine checks no sizes: refuse a zip bomb before anything is unpacked
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise SpreadsheetError([RowError(None, "", _("The workbook is too large; please split it."))])
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        sheet = workbook.get_sheet_by_name(DATA_SHEET if DATA_SHEET in names else names[0])
        if sheet.height > 2 * MAX_ROWS:  # refused before its cells become Python objects (empty rows count, too)
            raise SpreadsheetError([RowError(None, "", too_many)])
        # from cell A1 on, so that the position in the list is the row and column the spreadsheet shows
        rows = sheet.to_python(skip_empty_area=False)
    except (zipfile.BadZipFile, CalamineError, IndexError, ValueError, TypeError):
        raise SpreadsheetError([RowError(None, "", unreadable)]) from None
    # calamine gives "" for an empty cell; None, as for a cell that is missing from the file
    for number, values in enumerate(rows, start=1):
        yield number, [None if value == "" else value for value in values]


def read_table(data: bytes, filename: str) -> Table:
    fmt = file_format(filename)
    lines = _read_xlsx(data) if fmt == "xlsx" else _read_csv(data)
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, values in lines:
        if headers is None:
            headers = [cell_text(value) for value in values]
            while headers and not headers[-1]:
                headers.pop()
            continue
        if not any(cell_text(value) for value in values):
            continue
        for position, value in enumerate(values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS:
                column = headers[position] if position < len(headers) else str(position + 1)
                raise SpreadsheetError(
                    [
                        RowError(
                            number,
                            column,
                            _("The cell is too long: at most %(max)s characters.")
                            % {"max": f"{MAX_CELL_CHARACTERS:,}".replace(",", ".")},
                        )
                    ]
                )
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise SpreadsheetError(
                [RowError(None, "", _("The file has more than %(max)s rows; please split it.") % {"max": MAX_ROWS})]
            )
    if not headers:
        raise SpreadsheetError(
            [RowError(None, "", _("The file is empty; the first row must hold the column headers."))]
        )
    if not rows:
        raise SpreadsheetError(
            [RowError(None, "", _("The file has column headers but no rows: there is nothing to import."))]
        )
    return Table(headers=headers, rows=rows)

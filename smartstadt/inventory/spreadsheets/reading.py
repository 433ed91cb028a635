"""Reading an uploaded file into a table of raw cells: CSV in the dialects Excel writes, and XLSX."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

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


def _read_csv(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """Rows as (record number, values): a spreadsheet program shows each record as one row."""
    text = decode_csv(data)
    yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text)), start=1)


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    # The standard library's parser: expat >= 2.4 refuses entity expansion bombs, and external entities are never
    # fetched (openpyxl reads with the same parser).
    with archive.open(name) as stream:
        return ElementTree.parse(stream).getroot()  # noqa: S314


def _sheet_part(archive: zipfile.ZipFile) -> str:
    """The part of the sheet "Bestand", else of the first sheet."""
    sheets = [
        (sheet.get("name"), sheet.get(_RELATIONSHIP)) for sheet in _xml(archive, "xl/workbook.xml").iter(f"{_NS}sheet")
    ]
    chosen = next((rid for name, rid in sheets if name == DATA_SHEET), sheets[0][1] if sheets else None)
    for relation in _xml(archive, "xl/_rels/workbook.xml.rels").iter(f"{_PACKAGE_NS}Relationship"):
        if relation.get("Id") == chosen:
            target = str(relation.get("Target", ""))
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(DATA_SHEET)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    for item in _xml(archive, "xl/sharedStrings.xml").iter(f"{_NS}si"):
        # plain text, or rich text runs; phonetic hints (rPh) are not part of the value
        parts = [child.text or "" for child in item if child.tag == f"{_NS}t"]
        parts += [run.findtext(f"{_NS}t") or "" for run in item if run.tag == f"{_NS}r"]
        strings.append("".join(parts))
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The style numbers whose number format shows a date: such numbers are read as dates."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = _xml(archive, "xl/styles.xml")
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    for number_format in styles.iter(f"{_NS}numFmt"):
        formats[int(number_format.get("numFmtId", "0"))] = number_format.get("formatCode", "")
    cell_formats = styles.find(f"{_NS}cellXfs")
    if cell_formats is None:
        return set()
    return {
        position
        for position, xf in enumerate(cell_formats.iter(f"{_NS}xf"))
        if is_date_format(formats.get(int(xf.get("numFmtId", "0")), ""))
    }


_COLUMN_INDEXES: dict[str, int] = {}


def _column_index(reference: str) -> int:
    """0 for "A7", 27 for "AB7"."""
    letters = reference.rstrip("0123456789")
    index = _COLUMN_INDEXES.get(letters)
    if index is None:
        index = -1
        for character in letters.upper():
            index = (index + 1) * 26 + ord(character) - 65
        _COLUMN_INDEXES[letters] = index
    return index


def _cell_value(cell: Any, shared: list[str], dates: set[int]) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(text.text or "" for text in cell.iter(f"{_NS}t"))
    value = cell.findtext(f"{_NS}v")
    if value is None:
        return None
    if kind == "s":
        return shared[int(value)]
    if kind in ("str", "e"):
        return value
    if kind == "b":
        return value == "1"
    if kind == "d":
        return datetime.datetime.fromisoformat(value)
    number: int | float = int(value) if value.lstrip("-").isdigit() else float(value)
    if dates and int(cell.get("s", "0")) in dates:
        from openpyxl.utils.datetime import from_excel

        return from_excel(number)
    return number


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    """Rows of the data sheet as (row number, values), streamed from the sheet's XML (openpyxl's read-only
    workbook parses every cell into objects and is several times slower)."""
    unreadable = _("The file cannot be read as an Excel workbook (.xlsx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise SpreadsheetError([RowError(None, "", _("The workbook is too large; please split it."))])
        part = _sheet_part(archive)
        shared, dates = _shared_strings(archive), _date_styles(archive)
    except (zipfile.BadZipFile, KeyError, IndexError, ValueError, ElementTree.ParseError):
        raise SpreadsheetError([RowError(None, "", unreadable)]) from None
    with archive, archive.open(part) as stream:
        number = 0
        try:
            for _event, element in ElementTree.iterparse(stream):  # noqa: S314 (see _xml)
                if element.tag != f"{_NS}row":
                    continue
                number = int(element.get("r") or number + 1)
                values: list[Any] = []
                for position, cell in enumerate(element.iter(f"{_NS}c")):
                    reference = cell.get("r")
                    index = _column_index(reference) if reference else position
                    values.extend([None] * (index - len(values)))
                    values.append(_cell_value(cell, shared, dates))
                element.clear()
                yield number, values
        except (ElementTree.ParseError, ValueError, IndexError):
            raise SpreadsheetError([RowError(number + 1, "", unreadable)]) from None


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
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise SpreadsheetError(
                [RowError(None, "", _("The file has more than %(max)s rows; please split it.") % {"max": MAX_ROWS})]
            )
    if not headers:
        raise SpreadsheetError(
            [RowError(None, "", _("The file is empty; the first row must hold the column headers."))]
        )
    return Table(headers=headers, rows=rows)

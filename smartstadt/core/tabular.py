"""Tables as files: columns and rows to CSV or XLSX, as a download or as bytes, safe against formula injection.

Every export of a list (the inventory, the cooperation candidates, survey answers) goes through here, so they all
open the same way in German Excel and none lets a cell run as a formula:

- CSV: UTF-8 with byte order mark, ";" between cells, CRLF line ends, numbers with a decimal comma.
- XLSX: one write-only sheet, the header row bold and frozen; numbers stay numbers, every other cell is text.
- A text that starts with ``= + - @``, a tab or a carriage return gets a leading apostrophe (``neutralise``), in
  the header as well, because headers may be user text (survey questions). The inventory import removes it again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_TITLE = 31  # characters, Excel's limit


def neutralise(value: str) -> str:
    """A text cell that no spreadsheet program evaluates as a formula."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def csv_cell(value: Any) -> str:
    """Numbers with a decimal comma, everything else as neutralised text (None: empty)."""
    if _is_number(value):
        return str(value).replace(".", ",")
    return neutralise(str(value or ""))


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV line by line (the first with the byte order mark), for a streamed download of many rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow([neutralise(str(column)) for column in columns])
    yield "\ufeff" + flush()
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        yield flush()


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return "".join(csv_lines(columns, rows)).encode("utf-8")


def _xlsx_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


def xlsx_cells(sheet: Any, values: Sequence[Any]) -> list[Any]:
    """Cells of a write-only sheet: numbers as numbers, everything else as neutralised text."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        cell = WriteOnlyCell(sheet)
        if _is_number(value):
            cell.value = value
        else:
            cell.value = _xlsx_text(str(value or ""))
            cell.data_type = "s"
        row.append(cell)
    return row


def xlsx_header(sheet: Any, columns: Sequence[str]) -> list[Any]:
    from openpyxl.styles import Font

    cells = xlsx_cells(sheet, [str(column) for column in columns])
    for cell in cells:
        cell.font = Font(bold=True)
    return cells


def workbook_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str,
    widths: Sequence[int] | None = None,
) -> bytes:
    """One sheet named ``sheet``: the bold, frozen header row, then the rows; ``widths`` in characters."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(sheet[:MAX_SHEET_TITLE])
    data.freeze_panes = "A2"
    for position, width in enumerate(widths or (), start=1):
        data.column_dimensions[get_column_letter(position)].width = width
    data.append(xlsx_header(data, columns))
    for row in rows:
        data.append(xlsx_cells(data, row))
    return workbook_bytes(workbook)


def tabular_bytes(
    fmt: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str,
    widths: Sequence[int] | None = None,
) -> bytes:
    if fmt == "csv":
        return csv_bytes(columns, rows)
    if fmt == "xlsx":
        return xlsx_bytes(columns, rows, sheet=sheet, widths=widths)
    raise ValueError(fmt)


def download(content: bytes, *, fmt: str, filename: str, content_type: str | None = None) -> HttpResponse:
    """An attachment ``<filename>.<fmt>``; the name is ours (a slug and a date), never user text."""
    response = HttpResponse(content, content_type=content_type or CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def tabular_response(
    fmt: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    filename: str,
    sheet: str,
    widths: Sequence[int] | None = None,
    stream: bool = False,
) -> HttpResponseBase:
    """The table as a CSV or XLSX download; ``stream`` sends a CSV line by line (an XLSX is built whole)."""
    if fmt == "csv" and stream:
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in csv_lines(columns, rows)), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
        return response
    return download(tabular_bytes(fmt, columns, rows, sheet=sheet, widths=widths), fmt=fmt, filename=filename)

"""Spreadsheet import and export of inventory entries: XLSX and CSV both ways, JSON as export.

The package, in the order a file passes through it: ``columns`` (the column list and the German choice values),
``cells`` (cell values), ``reading`` (file → table of raw cells), ``lookups`` (names → records of the
municipality), ``validation`` (rows → checked plans and row errors), ``writing`` (plans → database),
``importing`` (``import_entries``, which runs them), ``exports`` and ``template``. Other code imports the names
below from the package, not from its modules.

One column list (``COLUMNS``) defines the template, the import and the CSV/XLSX export, so an exported file can be
edited and imported again. The headers and the choice values are German and fixed: they are a file format, not
interface text, and must not change with the interface language or a new translation.

The import reads the whole file, validates every row in memory against a few lookups (organisations, districts,
tags, the municipality's entries) and collects *all* row errors. Only a file without any error is written, in one
transaction, with bulk operations; its history (one change per created or changed entry, the same record that
``smartstadt.core.history.save_tracked`` would write), the search index and the analysis follow through
``inventory.effects.entries_written``, as for every writer of entries.

Decisions (the "Hinweise" sheet of the template explains them to editors):

- A re-import matches rows by "Externe ID" within the municipality. Entries without an external id are exported
  with their URL name in that column; a re-import finds them by it and leaves their external id empty.
- Columns missing from a file are left alone on update; an empty cell in a present column empties the field
  (choices fall back to their default, "Veröffentlichung" empty keeps the state, new entries start as drafts).
- Organisations, districts and tags must exist on the platform; an unknown name is a row error (a typo must not
  create a new actor).
- Cells starting with ``= + - @``, a tab or a carriage return are written with a leading apostrophe, so no
  spreadsheet program runs them as a formula; the import removes that apostrophe again.
"""

from .cells import cell_text, neutralise, parse_decimal, parse_year, split_list
from .columns import (
    COLUMN_BY_HEADER,
    COLUMNS,
    CONTENT_TYPES,
    DATA_SHEET,
    FORMATS,
    HEADERS,
    IMPORT_FORMATS,
    LIST_SEPARATOR,
    MAX_ROWS,
    NOTES_SHEET,
    Column,
    Progress,
)
from .exports import (
    ExportContext,
    column_widths,
    entry_cells,
    entry_data,
    export,
    export_csv,
    export_csv_lines,
    export_json,
    export_xlsx,
    workbook_bytes,
    xlsx_cells,
)
from .importing import import_entries
from .lookups import Lookups, TermScope, term_scope_for
from .reading import Table, decode_csv, detect_delimiter, file_format, read_table
from .results import ImportResult, RowError, RowResult, SpreadsheetError
from .template import allowed_values, template, template_csv, template_xlsx

__all__ = [
    "COLUMNS",
    "COLUMN_BY_HEADER",
    "CONTENT_TYPES",
    "DATA_SHEET",
    "FORMATS",
    "HEADERS",
    "IMPORT_FORMATS",
    "LIST_SEPARATOR",
    "MAX_ROWS",
    "NOTES_SHEET",
    "Column",
    "ExportContext",
    "ImportResult",
    "Lookups",
    "Progress",
    "RowError",
    "RowResult",
    "SpreadsheetError",
    "Table",
    "TermScope",
    "allowed_values",
    "cell_text",
    "column_widths",
    "decode_csv",
    "detect_delimiter",
    "entry_cells",
    "entry_data",
    "export",
    "export_csv",
    "export_csv_lines",
    "export_json",
    "export_xlsx",
    "file_format",
    "import_entries",
    "neutralise",
    "parse_decimal",
    "parse_year",
    "read_table",
    "split_list",
    "template",
    "template_csv",
    "template_xlsx",
    "term_scope_for",
    "workbook_bytes",
    "xlsx_cells",
]

"""Spreadsheet import and export of inventory entries: XLSX and CSV both ways, JSON as export.

One column list (``COLUMNS``) defines the template, the import and the CSV/XLSX export, so an exported file can be
edited and imported again. The headers and the choice values are German and fixed: they are a file format, not
interface text, and must not change with the interface language or a new translation.

The import reads the whole file, validates every row in memory against a few lookups (organisations, districts,
tags, the municipality's entries) and collects *all* row errors. Only a file without any error is written, in one
transaction, with bulk operations and one ``ChangeRecord`` per created or changed entry (the same record that
``smartstadt.core.history.save_tracked`` would write).

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

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from xml.etree import ElementTree

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartstadt.core.history import IGNORED_FIELDS, _jsonable, actor_label, diff
from smartstadt.core.models import ChangeRecord
from smartstadt.frameworks.models import Framework, Term
from smartstadt.regions.models import District, Municipality, Organisation

from .models import (
    Entry,
    EntryKind,
    EntryStatus,
    KnowledgeType,
    Maturity,
    PublicationState,
    Transferability,
)
from .validators import MAX_ITEMS

logger = logging.getLogger(__name__)

DATA_SHEET = "Bestand"
NOTES_SHEET = "Hinweise"
LIST_SEPARATOR = ";"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 50_000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # an .xlsx is a zip archive: refuse one that unpacks to more
BATCH = 500
REINDEX_INLINE = 500  # entries; more are indexed for the full-text search by the task worker
SYSTEM_LABEL = "Import"
FORMATS = ("csv", "xlsx", "json")
IMPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

# The German values of the choices as editors type them. The codes are accepted, too, and so are the labels of
# the interface in German and English, whatever the catalogue says.
KIND_VALUES = {EntryKind.PROJECT: "Projekt", EntryKind.SOLUTION: "Lösung", EntryKind.KNOWLEDGE: "Wissen"}
KNOWLEDGE_TYPE_VALUES = {
    KnowledgeType.STUDY: "Studie",
    KnowledgeType.CONCEPT: "Konzept",
    KnowledgeType.DATASET: "Datensatz",
    KnowledgeType.EXPERTISE: "Expertise",
}
STATUS_VALUES = {
    EntryStatus.IDEA: "Idee",
    EntryStatus.PLANNED: "geplant",
    EntryStatus.RUNNING: "läuft",
    EntryStatus.COMPLETED: "abgeschlossen",
    EntryStatus.STOPPED: "gestoppt",
    EntryStatus.UNKNOWN: "unbekannt",
}
MATURITY_VALUES = {
    Maturity.CONCEPT: "Konzept",
    Maturity.PILOT: "Pilot",
    Maturity.OPERATION: "im Regelbetrieb",
    Maturity.SCALED: "breit ausgerollt",
}
TRANSFERABILITY_VALUES = {
    Transferability.NOT_ASSESSED: "nicht bewertet",
    Transferability.NONE: "nicht übertragbar",
    Transferability.ADAPTATION: "übertragbar mit Anpassung",
    Transferability.READY: "direkt nachnutzbar",
}
PUBLICATION_VALUES = {
    PublicationState.DRAFT: "Entwurf",
    PublicationState.IN_REVIEW: "in Prüfung",
    PublicationState.PUBLISHED: "veröffentlicht",
}


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # key, text, choice, organisation, organisations, districts, terms, decimal, year, list, links, ...
    hint: str | Promise = ""
    example: str = ""
    choices: dict[Any, str] | None = None
    empty: str = ""  # the value of an empty choice cell
    places: int = 0  # decimal places of decimal columns


COLUMNS: tuple[Column, ...] = (
    Column(
        "Externe ID",
        "external_id",
        "key",
        gettext_lazy(
            "Your key for the entry. A re-import updates the entry with this key instead of adding it again. "
            "Empty: a new entry. Exports write the URL name of entries without an external id."
        ),
        "OB-2024-017",
    ),
    Column(
        "Titel", "title", "text", gettext_lazy("Required for new entries; at most 300 characters."), "Smarte Laterne"
    ),
    Column("Art", "kind", "choice", gettext_lazy("Empty: project."), "Projekt", KIND_VALUES, EntryKind.PROJECT),
    Column(
        "Wissensart",
        "knowledge_type",
        "choice",
        gettext_lazy("Only for the kind “Wissen” (knowledge)."),
        "",
        KNOWLEDGE_TYPE_VALUES,
    ),
    Column("Kurzbeschreibung", "summary", "text", gettext_lazy("At most 1,000 characters."), "Sensoren messen …"),
    Column("Beschreibung", "description", "text", gettext_lazy("Markdown is allowed."), ""),
    Column(
        "Status", "status", "choice", gettext_lazy("Empty: not known."), "läuft", STATUS_VALUES, EntryStatus.UNKNOWN
    ),
    Column(
        "Federführung",
        "lead_organisation",
        "organisation",
        gettext_lazy("Name (or short name) of an organisation of the municipality that is on the platform already."),
        "Stadtwerke Oberhausen",
    ),
    Column(
        "Partner",
        "partners",
        "organisations",
        gettext_lazy("Organisations of the region on the platform, separated by “;”."),
        "Hochschule Ruhr West; Wirtschaftsförderung",
    ),
    Column(
        "Stadtteile",
        "districts",
        "districts",
        gettext_lazy("Districts of the municipality by name, separated by “;”."),
        "Alt-Oberhausen; Sterkrade",
    ),
    Column(
        "Breitengrad",
        "latitude",
        "decimal",
        gettext_lazy("Decimal degrees (WGS 84), e.g. 51.4963 or 51,4963; only together with the longitude."),
        "51,4963",
        places=6,
    ),
    Column(
        "Längengrad",
        "longitude",
        "decimal",
        gettext_lazy("Decimal degrees (WGS 84), e.g. 6.8637; only together with the latitude."),
        "6,8637",
        places=6,
    ),
    Column(
        "Schlagworte",
        "terms",
        "terms",
        gettext_lazy(
            "Tags as “framework: term”, separated by “;”. The framework by its short name, name or URL name; the "
            "term by its label or code. The list below shows what is allowed."
        ),
        "Giffinger: Smarte Mobilität",
    ),
    Column("Beginn", "start_year", "year", gettext_lazy("Year, e.g. 2023."), "2023"),
    Column("Ende", "end_year", "year", gettext_lazy("Year, not before the start."), "2026"),
    Column(
        "Budget (EUR)",
        "budget_eur",
        "decimal",
        gettext_lazy("Amount in euros, e.g. 250000, 250.000 or 250000,50."),
        "250000",
        places=2,
    ),
    Column(
        "Förderquellen",
        "funding_sources",
        "list",
        gettext_lazy("Funding programmes, separated by “;”."),
        "Modellprojekte Smart Cities",
    ),
    Column(
        "Links",
        "links",
        "links",
        gettext_lazy("Web addresses (http or https) separated by “;”, each either the address or “Label | address”."),
        "Projektseite | https://www.oberhausen.de/",
    ),
    Column(
        "Kontakt (Funktionspostfach)",
        "contact_email",
        "text",
        gettext_lazy("A team mailbox, not a personal address."),
        "smartcity@oberhausen.de",
    ),
    Column("Reifegrad", "maturity", "choice", gettext_lazy("May be empty."), "Pilot", MATURITY_VALUES),
    Column(
        "Übertragbarkeit",
        "transferability",
        "choice",
        gettext_lazy("Empty: not assessed."),
        "übertragbar mit Anpassung",
        TRANSFERABILITY_VALUES,
        Transferability.NOT_ASSESSED,
    ),
    Column("Lizenz", "licence", "text", gettext_lazy("Licence for reuse, e.g. CC BY 4.0."), "CC BY 4.0"),
    Column("Quelle", "source_url", "text", gettext_lazy("Web address of the source."), "https://www.oberhausen.de/"),
    Column("Hinweis zur Quelle", "source_note", "text", gettext_lazy("Free text."), ""),
    Column(
        "Veröffentlichung",
        "publication_state",
        "publication",
        gettext_lazy("Empty: new entries become drafts, existing ones keep their state."),
        "Entwurf",
        PUBLICATION_VALUES,
    ),
    Column(
        "Kommune",
        "municipality",
        "municipality",
        gettext_lazy(
            "May be empty. If filled, it must name the municipality the file is imported into, so that an export "
            "of one city cannot be imported into another by mistake."
        ),
        "",
    ),
)
HEADERS = [column.header for column in COLUMNS]
COLUMN_BY_HEADER = {column.header: column for column in COLUMNS}
RELATIONS = ("partners", "districts", "terms")
NUMERIC_KINDS = frozenset({"decimal", "year"})

_TRACKED = [f for f in Entry._meta.concrete_fields if f.name not in IGNORED_FIELDS and not f.primary_key]
_TRACKED_NAMES = [(f.name, f.attname) for f in _TRACKED]
_PLAIN_TYPES = frozenset({str, int, bool, type(None), list, dict})
_M2M_NAMES = [f.name for f in Entry._meta.many_to_many if f.name not in IGNORED_FIELDS]
# Checked while reading the cell (links) or set by the import itself; the rest is cleaned by the model's fields.
_NOT_CLEANED = frozenset(
    {"municipality", "lead_organisation", "slug", "links", "published_at", "created_at", "updated_at"}
)
_CLEANED = [f for f in Entry._meta.concrete_fields if not f.primary_key and f.name not in _NOT_CLEANED]
_CACHEABLE_TYPES = (str, int, Decimal)
_FIELD_HEADERS = {column.field: column.header for column in COLUMNS} | {
    "slug": "Titel",
    "published_at": "Veröffentlichung",
}
_CHECK_URL = URLValidator(schemes=["http", "https"])

Progress = Callable[[str, int, int], None]  # (phase, done, total)


# --- Results --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: the row as the spreadsheet shows it (None: the whole file), the column header, the reason."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.column}: {self.message}" if self.column else self.message
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


@dataclass
class RowResult:
    row: int
    action: str  # created, updated, unchanged
    key: str
    title: str
    changed: list[str] = field(default_factory=list)  # headers of the changed columns
    # warnings, not errors: an existing entry or an earlier row this row looks like (analysis/duplicates.py)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    # suggested Giffinger dimensions of a row without any (dry runs only; analysis/tagging.py)
    suggested: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "action": self.action,
            "key": self.key,
            "title": self.title,
            "changed": self.changed,
            "duplicates": self.duplicates,
            "suggested": self.suggested,
        }


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True
    saved: bool = False

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def duplicates(self) -> int:
        """Rows that look like an existing entry or another row of the file."""
        return sum(1 for row in self.rows if row.duplicates)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": [row.as_dict() for row in self.rows],
            "errors": [error.as_dict() for error in self.errors],
            "dry_run": self.dry_run,
            "saved": self.saved,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
        }


class SpreadsheetError(Exception):
    """The file cannot be read at all."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


# --- Cells ----------------------------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """A text cell that no spreadsheet program evaluates as a formula."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def _unneutralise(text: str) -> str:
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r" else text


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        if value and value[0] == "'":
            value = _unneutralise(value)
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = _unneutralise(str(value))
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def split_list(text: str) -> list[str]:
    items: list[str] = []
    for part in re.split(r"[;\n]", text):
        item = part.strip()
        if item and item not in items:
            items.append(item)
    return items


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def parse_decimal(value: Any, places: int) -> Decimal:
    """A number from a numeric cell or a text in German or English notation, rounded to the field's places."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = cell_text(value).replace(" ", "").replace("\u00a0", "").replace("€", "")
        if "," in text and "." in text:
            text = (
                text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
            )
        elif "," in text:
            text = text.replace(",", ".")
        elif places == 2 and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")  # "250.000" is a German amount
        if not re.fullmatch(r"-?\d+(\.\d+)?|-?\.\d+", text):
            raise ValueError(value)
        number = Decimal(text)
    if not number.is_finite():
        raise ValueError(value)
    try:
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(value) from None


def parse_year(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, datetime.date):
        return value.year
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value)
    if re.fullmatch(r"\d{1,4}", text):
        return int(text)
    raise ValueError(value)


def _choice_lookup(column: Column) -> dict[str, str]:
    """Every accepted spelling of a choice → its code."""
    lookup: dict[str, str] = {}
    model_field: Any = Entry._meta.get_field(column.field)
    field_choices = dict(model_field.choices or [])
    for code, german in (column.choices or {}).items():
        lookup[_fold(str(german))] = str(code)
        lookup[_fold(str(code))] = str(code)
        label = field_choices.get(str(code))
        if label is not None:
            for language in ("de", "en"):
                with translation.override(language):
                    lookup.setdefault(_fold(str(label)), str(code))
    return lookup


# --- Reading files --------------------------------------------------------------------------------------------


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


# --- Lookups --------------------------------------------------------------------------------------------------


class TermScope:
    """The tags a municipality may use, written and read as "framework: term"."""

    def __init__(self, frameworks: Sequence[Framework], terms: Iterable[Term]) -> None:
        self.frameworks = list(frameworks)
        label_counts = Counter(_fold(f.short_name or f.name) for f in self.frameworks)
        self.framework_label = {
            f.pk: (f.short_name or f.name)
            if label_counts[_fold(f.short_name or f.name)] == 1 and ":" not in (f.short_name or f.name)
            else f.slug
            for f in self.frameworks
        }
        self.framework_keys: dict[str, list[Framework]] = defaultdict(list)
        for f in self.frameworks:
            for key in {_fold(f.slug), _fold(f.short_name), _fold(f.name)} - {""}:
                self.framework_keys[key].append(f)
        ids = {f.pk for f in self.frameworks}
        self.by_label: dict[tuple[int, str], list[Term]] = defaultdict(list)
        self.by_code: dict[tuple[int, str], Term] = {}
        self.terms: list[Term] = []
        for term in terms:
            if term.framework_id not in ids:
                continue
            self.terms.append(term)
            self.by_label[term.framework_id, _fold(term.label)].append(term)
            self.by_code[term.framework_id, _fold(term.code)] = term

    def format(self, term: Term) -> str:
        framework = self.framework_label.get(term.framework_id)
        if framework is None:
            return f"{term.framework.slug}:{term.code}"
        label = term.label
        if len(self.by_label[term.framework_id, _fold(label)]) > 1 or LIST_SEPARATOR in label or "\n" in label:
            label = term.code
        return f"{framework}: {label}"

    def parse(self, item: str) -> Term:
        framework_key, separator, term_key = item.partition(":")
        if not separator:
            raise ValueError(
                _("“%(value)s”: write tags as “framework: term”, e.g. “Giffinger: Smarte Mobilität”.") % {"value": item}
            )
        candidates = self.framework_keys.get(_fold(framework_key), [])
        if not candidates:
            raise ValueError(
                _("“%(value)s”: there is no framework “%(framework)s”.")
                % {"value": item, "framework": framework_key.strip()}
            )
        if len(candidates) > 1:
            raise ValueError(
                _("“%(value)s”: several frameworks are called “%(framework)s”; use the URL name of the framework.")
                % {"value": item, "framework": framework_key.strip()}
            )
        framework = candidates[0]
        matches = self.by_label.get((framework.pk, _fold(term_key)), [])
        if len(matches) == 1:
            return matches[0]
        term = self.by_code.get((framework.pk, _fold(term_key)))
        if term is not None:
            return term
        if matches:
            raise ValueError(_("“%(value)s”: several terms have this label; use the term's code.") % {"value": item})
        raise ValueError(
            _("“%(value)s”: the framework “%(framework)s” has no term “%(term)s”.")
            % {"value": item, "framework": self.framework_label[framework.pk], "term": term_key.strip()}
        )


def term_scope_for(municipality: Municipality) -> TermScope:
    frameworks = list(Framework.objects.visible_for_municipality(municipality.pk).order_by("order", "name"))
    terms = Term.objects.filter(framework__in=frameworks).order_by("framework__order", "parent_id", "order", "label")
    return TermScope(frameworks, terms)


class Lookups:
    """Everything the rows of one municipality refer to, read with a few queries."""

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality
        scope = Q(municipality=municipality)
        if municipality.region_id:
            scope |= Q(municipality__region_id=municipality.region_id)
        organisations = list(
            Organisation.objects.filter(scope).only("id", "name", "short_name", "slug", "municipality_id")
        )
        self.own_organisations = self._index([o for o in organisations if o.municipality_id == municipality.pk])
        self.region_organisations = self._index([o for o in organisations if o.municipality_id != municipality.pk])
        self.organisation_names = {o.pk: o.name for o in organisations}
        districts = list(District.objects.filter(municipality=municipality).only("id", "name", "slug"))
        self.districts = self._index(districts)
        self.district_names = {d.pk: d.name for d in districts}
        self.terms = term_scope_for(municipality)
        self.choices = {column.field: _choice_lookup(column) for column in COLUMNS if column.choices}
        self.municipality_keys = {_fold(municipality.name), _fold(municipality.slug)}

    @staticmethod
    def _index(objects: Iterable[Any]) -> dict[str, list[Any]]:
        index: dict[str, list[Any]] = defaultdict(list)
        for obj in objects:
            keys = {_fold(obj.name), _fold(getattr(obj, "short_name", "") or ""), _fold(obj.slug)} - {""}
            for key in keys:
                index[key].append(obj)
        return index

    def _one(self, index: dict[str, list[Any]], name: str) -> Any | None:
        matches = index.get(_fold(name), [])
        exact = [obj for obj in matches if _fold(obj.name) == _fold(name)]
        found = exact or matches
        if len(found) > 1:
            raise ValueError(
                _("“%(value)s” is ambiguous: several records have this name; use the URL name.") % {"value": name}
            )
        return found[0] if found else None

    def lead(self, name: str) -> Organisation:
        organisation = self._one(self.own_organisations, name)
        if organisation is None:
            raise ValueError(
                _("“%(value)s” is not an organisation of %(municipality)s on the platform.")
                % {"value": name, "municipality": self.municipality.name}
            )
        return organisation

    def partner(self, name: str) -> Organisation:
        organisation = self._one(self.own_organisations, name) or self._one(self.region_organisations, name)
        if organisation is None:
            raise ValueError(_("“%(value)s” is not an organisation of the region on the platform.") % {"value": name})
        return organisation

    def district(self, name: str) -> District:
        district = self._one(self.districts, name)
        if district is None:
            raise ValueError(
                _("“%(value)s” is not a district of %(municipality)s.")
                % {"value": name, "municipality": self.municipality.name}
            )
        return district


# --- Import ---------------------------------------------------------------------------------------------------


def _slug_root(title: str) -> str:
    german = title.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return slugify(german)[:90] or "eintrag"


def _next_slug(title: str, taken: set[str]) -> str:
    """Like ``regions.services.unique_slug``, against the slugs already taken or planned."""
    root = _slug_root(title)
    candidate, number = root, 2
    while candidate in taken:
        candidate, number = f"{root}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _through(name: str) -> tuple[Any, str, str]:
    """The through model of a many-to-many field of entries and its two key attributes."""
    relation: Any = Entry._meta.get_field(name)
    return relation.remote_field.through, f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"


def _state(entry: Entry, relations: dict[str, list[int]]) -> dict[str, Any]:
    """What ``smartstadt.core.history.snapshot`` records, from memory."""
    state = {}
    for name, attname in _TRACKED_NAMES:
        value = getattr(entry, attname)
        state[name] = value if type(value) in _PLAIN_TYPES else _jsonable(value)
    for name in _M2M_NAMES:
        state[name] = sorted(relations.get(name, []))
    return state


def _equivalent(old: Any, new: Any) -> bool:
    """Whether a cell says the same as the stored value (line breaks and spacing, labels of links)."""
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n").strip() == new
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return all(
            (a == b)
            or (
                isinstance(a, dict)
                and isinstance(b, dict)
                and a.get("url") == b.get("url")
                and (a.get("label") or "") == (b.get("label") or "")
            )
            for a, b in zip(old, new, strict=True)
        )
    return bool(old == new)


@dataclass
class _Plan:
    row: int
    key: str
    entry: Entry
    is_new: bool
    before: dict[str, Any]
    relations: dict[str, list[int]]
    changes: dict[str, Any] = field(default_factory=dict)
    changed_fields: set[str] = field(default_factory=set)
    changed_relations: set[str] = field(default_factory=set)


class _Importer:
    def __init__(self, *, municipality: Municipality, table: Table, progress: Progress | None) -> None:
        self.municipality = municipality
        self.table = table
        self.progress = progress
        self.errors: list[RowError] = []
        self.plans: list[_Plan] = []
        self.cleaned: dict[tuple[str, Any], tuple[Any, list[str]]] = {}

    def check_headers(self) -> dict[str, int]:
        known = {_fold(header): header for header in HEADERS}
        positions: dict[str, int] = {}
        for position, header in enumerate(self.table.headers):
            if not header:
                continue
            canonical = known.get(_fold(header))
            if canonical is None:
                self.errors.append(
                    RowError(1, header, _("Unknown column. Allowed: %(allowed)s.") % {"allowed": ", ".join(HEADERS)})
                )
            elif canonical in positions:
                self.errors.append(RowError(1, header, _("The column appears twice.")))
            else:
                positions[canonical] = position
        return positions

    def load(self) -> None:
        self.lookups = Lookups(self.municipality)
        entries = list(Entry.objects.filter(municipality=self.municipality).select_related("lead_organisation"))
        self.by_external_id = {entry.external_id: entry for entry in entries if entry.external_id}
        self.by_slug = {entry.slug: entry for entry in entries if not entry.external_id}
        self.taken_slugs = {entry.slug for entry in entries}
        self.existing_relations: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for name in _M2M_NAMES:
            through, source, target = _through(name)
            for entry_id, target_id in through.objects.filter(
                **{f"{source.removesuffix('_id')}__municipality": self.municipality}
            ).values_list(source, target):
                self.existing_relations[entry_id][name].append(target_id)

    def run(self) -> None:
        positions = self.check_headers()
        if self.errors:
            return
        self.load()
        seen_keys: dict[str, int] = {}
        total = len(self.table.rows)
        for done, (number, values) in enumerate(self.table.rows, start=1):
            cells = {
                header: values[position] if position < len(values) else None for header, position in positions.items()
            }
            self.plan_row(number, cells, seen_keys)
            if self.progress is not None and (done % 250 == 0 or done == total):
                self.progress("check", done, total)

    def plan_row(self, number: int, cells: dict[str, Any], seen_keys: dict[str, int]) -> None:
        errors: list[RowError] = []
        key = cell_text(cells.get("Externe ID"))
        if key:
            if key in seen_keys:
                errors.append(
                    RowError(
                        number,
                        "Externe ID",
                        _("“%(value)s” appears in row %(row)s already.") % {"value": key, "row": seen_keys[key]},
                    )
                )
            seen_keys.setdefault(key, number)
        existing = self.by_external_id.get(key) or self.by_slug.get(key) if key else None
        if existing is not None:
            entry = existing
            before_relations = {name: list(self.existing_relations[entry.pk][name]) for name in _M2M_NAMES}
            before = _state(entry, before_relations)
        else:
            entry = Entry(
                municipality=self.municipality,
                external_id=key,
                kind=EntryKind.PROJECT,
                status=EntryStatus.UNKNOWN,
                publication_state=PublicationState.DRAFT,
            )
            entry.created_at = timezone.now()
            before_relations = {}
            before = {}
        plan = _Plan(
            number, key, entry, existing is None, before, {name: list(ids) for name, ids in before_relations.items()}
        )
        present: set[str] = set()
        for header, raw in cells.items():
            column = COLUMN_BY_HEADER[header]
            if column.kind == "key":
                continue
            try:
                self.apply(plan, column, raw, present)
            except ValueError as error:
                errors.append(RowError(number, header, str(error)))
        errors += self.validate(plan, present)
        if errors:
            self.errors += errors
            return
        self.finish(plan)
        self.plans.append(plan)

    def apply(self, plan: _Plan, column: Column, raw: Any, present: set[str]) -> None:
        entry, lookups = plan.entry, self.lookups
        text = "" if column.kind in NUMERIC_KINDS else cell_text(raw)
        if column.kind == "municipality":
            if text and _fold(text) not in lookups.municipality_keys:
                raise ValueError(
                    _("The row belongs to “%(value)s”, but the file is imported into %(municipality)s.")
                    % {"value": text, "municipality": self.municipality.name}
                )
            return
        present.add(column.field)
        if column.kind == "text":
            self.assign(plan, column.field, text)
        elif column.kind in ("choice", "publication"):
            if not text:
                if column.kind == "publication":
                    return  # keep the state; new entries start as drafts
                self.assign(plan, column.field, str(column.empty))
                return
            code = lookups.choices[column.field].get(_fold(text))
            if code is None:
                raise ValueError(
                    _("“%(value)s” is not an allowed value. Allowed: %(allowed)s.")
                    % {"value": text, "allowed": ", ".join((column.choices or {}).values())}
                )
            published_before = plan.before.get("publication_state") == PublicationState.PUBLISHED
            self.assign(plan, column.field, code)
            if column.kind == "publication" and code == PublicationState.PUBLISHED and not published_before:
                entry.published_at = entry.published_at or timezone.now()
        elif column.kind == "decimal":
            if cell_text(raw) == "":
                self.assign(plan, column.field, None)
                return
            try:
                self.assign(plan, column.field, parse_decimal(raw, column.places))
            except ValueError:
                raise ValueError(_("“%(value)s” is not a number.") % {"value": cell_text(raw)}) from None
        elif column.kind == "year":
            if cell_text(raw) == "":
                self.assign(plan, column.field, None)
                return
            try:
                self.assign(plan, column.field, parse_year(raw))
            except ValueError:
                raise ValueError(_("“%(value)s” is not a year such as 2024.") % {"value": cell_text(raw)}) from None
        elif column.kind == "list":
            self.assign(plan, column.field, split_list(text))
        elif column.kind == "links":
            links = []
            for item in split_list(text):
                label, _separator, url = item.rpartition("|") if "|" in item else ("", "", item)
                url = url.strip()
                try:
                    _CHECK_URL(url)
                except ValidationError:
                    raise ValueError(_("“%(value)s” is not a web address (http or https).") % {"value": url}) from None
                links.append({"label": label.strip(), "url": url})
            if len(links) > MAX_ITEMS:
                raise ValueError(_("At most %(n)s links.") % {"n": MAX_ITEMS})
            self.assign(plan, column.field, links)
        elif column.kind == "organisation":
            entry.lead_organisation = lookups.lead(text) if text else None
        elif column.kind in ("organisations", "districts", "terms"):
            resolve = {"organisations": lookups.partner, "districts": lookups.district, "terms": lookups.terms.parse}[
                column.kind
            ]
            ids, problems = [], []
            for item in split_list(text):
                try:
                    ids.append(resolve(item).pk)
                except ValueError as error:
                    problems.append(str(error))
            if problems:
                raise ValueError(" ".join(problems))
            plan.relations[column.field] = sorted(set(ids))

    @staticmethod
    def assign(plan: _Plan, name: str, value: Any) -> None:
        old = getattr(plan.entry, name)
        if not plan.is_new and _equivalent(old, value):
            return
        setattr(plan.entry, name, value)

    def validate(self, plan: _Plan, present: set[str]) -> list[RowError]:
        entry = plan.entry
        errors: dict[str, list[str]] = defaultdict(list)
        for model_field in _CLEANED:
            if not plan.is_new and model_field.name not in present:
                continue
            raw = getattr(entry, model_field.attname)
            if model_field.blank and raw in model_field.empty_values:
                continue
            # Like Model.clean_fields, with the result of a value cached: many rows share addresses and choices.
            key = (model_field.name, raw) if isinstance(raw, _CACHEABLE_TYPES) and len(str(raw)) <= 500 else None
            outcome = self.cleaned.get(key) if key is not None else None
            if outcome is None:
                try:
                    outcome = (model_field.clean(raw, entry), [])
                except ValidationError as error:
                    outcome = (raw, list(error.messages))
                if key is not None:
                    self.cleaned[key] = outcome
            setattr(entry, model_field.attname, outcome[0])
            errors[model_field.name] += outcome[1]
        try:
            entry.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[name] += messages
        result = []
        for name, messages in errors.items():
            if not messages:
                continue
            header = _FIELD_HEADERS.get(name, "") if name != NON_FIELD_ERRORS else ""
            result += [RowError(plan.row, header, message) for message in messages]
        return result

    def finish(self, plan: _Plan) -> None:
        entry = plan.entry
        stored_title = plan.before.get("title")
        if plan.is_new:
            entry.slug = _next_slug(entry.title, self.taken_slugs)
        elif entry.title != stored_title and plan.before.get("publication_state") != PublicationState.PUBLISHED:
            entry.slug = _next_slug(entry.title, self.taken_slugs)  # the old slug stays taken until saved
        after = _state(entry, plan.relations)
        if plan.is_new:  # what history.diff gives against nothing, without comparing every field
            plan.changes = {
                name: {"old": None, "new": value} for name, value in sorted(after.items()) if value is not None
            }
        else:
            plan.changes = diff(plan.before, after)
        plan.changed_fields = {f.name for f in _TRACKED if f.name in plan.changes}
        plan.changed_relations = {name for name in _M2M_NAMES if name in plan.changes}

    def results(self) -> list[RowResult]:
        results = []
        for plan in self.plans:
            action = "created" if plan.is_new else ("updated" if plan.changes else "unchanged")
            changed = [] if plan.is_new else sorted({_FIELD_HEADERS.get(name, name) for name in plan.changes})
            results.append(RowResult(plan.row, action, plan.key, plan.entry.title, changed))
        return results

    def write(self, *, actor: Any, note: str, system_label: str) -> None:
        now = timezone.now()
        creates = [plan for plan in self.plans if plan.is_new]
        updates = [plan for plan in self.plans if not plan.is_new and plan.changes]
        total = len(creates) + len(updates)
        done = 0
        for batch in _chunks(creates, BATCH * 4):
            _insert_objects(Entry, [plan.entry for plan in batch])
            done += len(batch)
            self._report("write", done, total)
        if creates:
            # the new keys, by the URL names given above (unique within the municipality)
            slugs = {plan.entry.slug: plan.entry for plan in creates}
            for batch_slugs in _chunks(list(slugs), BATCH):
                for slug, pk in Entry.objects.filter(municipality=self.municipality, slug__in=batch_slugs).values_list(
                    "slug", "pk"
                ):
                    slugs[slug].pk = pk
                    slugs[slug]._state.adding = False
        by_fields: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        for plan in updates:
            plan.entry.updated_at = now
            names = tuple(sorted(f.attname for f in _TRACKED if f.name in plan.changed_fields))
            by_fields[names].append(plan.entry)
        for names, entries in by_fields.items():
            for batch_entries in _chunks(entries, BATCH):
                Entry.objects.bulk_update(batch_entries, [*names, "updated_at"])
                done += len(batch_entries)
                self._report("write", done, total)
        for name in _M2M_NAMES:
            through, source, target = _through(name)
            changed = [plan for plan in creates + updates if name in plan.changed_relations]
            stale = [plan.entry.pk for plan in changed if not plan.is_new]
            for ids in _chunks(stale, BATCH):
                through.objects.filter(**{f"{source}__in": ids}).delete()
            pairs = [(plan.entry.pk, target_id) for plan in changed for target_id in plan.relations.get(name, [])]
            _insert_pairs(through, source, target, pairs)
        content_type = ContentType.objects.get_for_model(Entry)
        label = actor_label(actor, system_label)
        person = actor if getattr(actor, "is_authenticated", False) else None
        records = [
            ChangeRecord(
                content_type=content_type,
                object_id=str(plan.entry.pk),
                object_repr=str(plan.entry)[:200],
                action=ChangeRecord.Action.CREATED if plan.is_new else ChangeRecord.Action.CHANGED,
                actor=person,
                actor_label=label,
                changes=plan.changes,
                note=note[:200],
                created_at=now,
            )
            for plan in creates + updates
        ]
        _insert_objects(ChangeRecord, records)
        _reindex([plan.entry.pk for plan in creates + updates])

    def _report(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(phase, done, total)


def _insert_objects(model: Any, objects: Sequence[Any]) -> None:
    """New rows in one prepared statement executed many times. ``bulk_create`` builds one huge statement per batch,
    which takes most of the time of a large import; the keys of new entries are read back afterwards."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names of the model's table and fields)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert_pairs(through: Any, source: str, target: str, pairs: list[tuple[int, int]]) -> None:
    """Rows of a many-to-many table in one prepared statement: tens of thousands, without a model object each."""
    if not pairs:
        return
    connection = connections[router.db_for_write(through)]
    quote = connection.ops.quote_name
    table = quote(through._meta.db_table)
    columns = ", ".join(quote(through._meta.get_field(name).column) for name in (source, target))
    with connection.cursor() as cursor:
        for batch in _chunks(pairs, 5000):
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s)", batch)  # noqa: S608 (model names)


def _reindex(entry_ids: list[int]) -> None:
    """Update the full-text search for the written entries: small imports at once, large ones after the commit in
    the task worker, so the import itself stays fast (the search then lags a little behind)."""
    if not entry_ids:
        return
    if len(entry_ids) <= REINDEX_INLINE:
        from smartstadt.search import index_entries

        index_entries(entry_ids)
        return
    from .tasks import reindex_entries

    transaction.on_commit(lambda: reindex_entries.enqueue(entry_ids=entry_ids))


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_entries(
    *,
    actor: Any,
    municipality: Municipality,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    note: str = "",
    system_label: str = SYSTEM_LABEL,
) -> ImportResult:
    """Check a spreadsheet and, unless it is a dry run or has any error, write it in one transaction.

    The caller checks the permission (``services.entries_import``).
    """
    result = ImportResult(dry_run=dry_run)
    try:
        table = read_table(data, filename)
    except SpreadsheetError as error:
        result.errors = error.errors
        return result
    note = note or _("Spreadsheet import from %(file)s") % {"file": filename}
    importer = _Importer(municipality=municipality, table=table, progress=progress)
    if dry_run:
        importer.run()
    else:
        try:
            with transaction.atomic():
                importer.run()
                if not importer.errors:
                    importer.write(actor=actor, note=note, system_label=system_label)
        except DatabaseError as error:
            importer.errors.append(
                RowError(None, "", _("The import failed and nothing was saved: %(error)s") % {"error": error})
            )
        result.saved = not importer.errors
    result.errors = importer.errors
    result.rows = importer.results() if not importer.errors else []
    _flag_duplicates(municipality, importer.plans, result.rows)
    if dry_run and result.rows:
        _suggest_tags(importer.plans, result.rows)
    return result


def _flag_duplicates(municipality: Municipality, plans: Sequence[_Plan], rows: Sequence[RowResult]) -> None:
    """Mark new and changed rows that look like an existing entry of the municipality (other than the one they
    update) or like an earlier row: warnings for the preview, the import works all the same."""
    from smartstadt.analysis.duplicates import RowText, duplicates_in_rows

    if not rows:
        return  # a file with errors shows its errors only
    checked = [plan for plan, row in zip(plans, rows, strict=True) if row.action != "unchanged"]
    if not checked:
        return
    try:
        flags = duplicates_in_rows(
            municipality=municipality,
            rows=[
                RowText(
                    row=plan.row,
                    title=plan.entry.title,
                    summary=plan.entry.summary,
                    description=plan.entry.description,
                    entry_id=None if plan.is_new else plan.entry.pk,
                )
                for plan in checked
            ],
        )
    except Exception:  # a warning must never make an import fail
        logger.exception("Could not check the spreadsheet rows for duplicates")
        return
    for row in rows:
        row.duplicates = flags.get(row.row, [])


def _suggest_tags(plans: Sequence[_Plan], rows: Sequence[RowResult]) -> None:
    """Suggest the Giffinger dimensions of new and changed rows that have none, for the preview."""
    from smartstadt.analysis.tagging import RowText, suggest_for_rows

    checked = [plan for plan, row in zip(plans, rows, strict=True) if row.action != "unchanged"]
    try:
        suggested = suggest_for_rows(
            [
                RowText(
                    row=plan.row,
                    title=plan.entry.title,
                    summary=plan.entry.summary,
                    description=plan.entry.description,
                    term_ids=tuple(plan.relations.get("terms", ())),
                )
                for plan in checked
            ]
        )
    except Exception:  # a suggestion must never make an import fail
        logger.exception("Could not suggest tags for the spreadsheet rows")
        return
    for row in rows:
        row.suggested = suggested.get(row.row, [])


# --- Writing files --------------------------------------------------------------------------------------------


class ExportContext:
    """What the cells of entries need beyond the prefetched relations: tag labels per municipality."""

    def __init__(self) -> None:
        self.frameworks = list(Framework.objects.order_by("order", "name"))
        self.terms = list(Term.objects.only("id", "framework_id", "code", "label"))
        self.scopes: dict[int, TermScope] = {}

    def terms_for(self, municipality_id: int) -> TermScope:
        scope = self.scopes.get(municipality_id)
        if scope is None:
            visible = [f for f in self.frameworks if f.municipality_id in (None, municipality_id)]
            scope = self.scopes[municipality_id] = TermScope(visible, self.terms)
        return scope


def _number_text(value: Decimal | int | None) -> str:
    return "" if value is None else str(value).replace(".", ",")


def entry_cells(entry: Entry, context: ExportContext) -> list[Any]:
    """The cells of one entry in the order of ``COLUMNS``: numbers as numbers, everything else as text."""
    terms = context.terms_for(entry.municipality_id)
    cells: list[Any] = []
    for column in COLUMNS:
        value: Any
        if column.kind == "key":
            value = entry.external_id or entry.slug
        elif column.kind in ("choice", "publication"):
            code = getattr(entry, column.field)
            value = (column.choices or {}).get(code, code) if code else ""
        elif column.kind in NUMERIC_KINDS:
            value = getattr(entry, column.field)
        elif column.kind == "list":
            value = f"{LIST_SEPARATOR} ".join(getattr(entry, column.field) or [])
        elif column.kind == "links":
            value = f"{LIST_SEPARATOR} ".join(
                f"{link.get('label')} | {link.get('url')}" if link.get("label") else str(link.get("url", ""))
                for link in entry.links or []
                if isinstance(link, dict)
            )
        elif column.kind == "organisation":
            value = entry.lead_organisation.name if entry.lead_organisation else ""
        elif column.kind == "organisations":
            value = f"{LIST_SEPARATOR} ".join(sorted(o.name for o in entry.partners.all()))
        elif column.kind == "districts":
            value = f"{LIST_SEPARATOR} ".join(sorted(d.name for d in entry.districts.all()))
        elif column.kind == "terms":
            value = f"{LIST_SEPARATOR} ".join(terms.format(term) for term in entry.terms.all())
        elif column.kind == "municipality":
            value = entry.municipality.name
        else:
            value = getattr(entry, column.field) or ""
        cells.append(value)
    return cells


def _xlsx_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


def xlsx_cells(sheet: Any, values: Sequence[Any]) -> list[Any]:
    """Cells of a write-only sheet: numbers as numbers, everything else as neutralised text."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        cell = WriteOnlyCell(sheet)
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            cell.value = value
        else:
            cell.value = _xlsx_text(str(value or ""))
            cell.data_type = "s"
        row.append(cell)
    return row


def _header_row(sheet: Any) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for header in HEADERS:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _new_workbook() -> Any:
    from openpyxl import Workbook

    return Workbook(write_only=True)


def _data_sheet(workbook: Any) -> Any:
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(DATA_SHEET)
    sheet.freeze_panes = "A2"
    for position, column in enumerate(COLUMNS, start=1):
        width = 40 if column.kind in ("text", "terms", "organisations", "links") else max(14, len(column.header) + 4)
        sheet.column_dimensions[get_column_letter(position)].width = width
    return sheet


def workbook_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_xlsx(entries: Iterable[Entry], context: ExportContext | None = None) -> bytes:
    context = context or ExportContext()
    workbook = _new_workbook()
    sheet = _data_sheet(workbook)
    sheet.append(_header_row(sheet))
    for entry in entries:
        sheet.append(xlsx_cells(sheet, entry_cells(entry, context)))
    return workbook_bytes(workbook)


def _csv_cell(value: Any) -> str:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return _number_text(value)
    return neutralise(str(value or ""))


def export_csv_lines(entries: Iterable[Entry], context: ExportContext | None = None) -> Iterator[str]:
    """The CSV export line by line: UTF-8 with byte order mark, ";" and decimal commas, as German Excel opens it."""
    context = context or ExportContext()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow(HEADERS)
    yield "\ufeff" + flush()
    for entry in entries:
        writer.writerow([_csv_cell(value) for value in entry_cells(entry, context)])
        yield flush()


def export_csv(entries: Iterable[Entry], context: ExportContext | None = None) -> bytes:
    return "".join(export_csv_lines(entries, context)).encode("utf-8")


def entry_data(entry: Entry, context: ExportContext) -> dict[str, Any]:
    """An entry as plain data with codes, for the JSON export."""
    terms = context.terms_for(entry.municipality_id)
    return {
        "external_id": entry.external_id,
        "slug": entry.slug,
        "url": entry.get_absolute_url(),
        "municipality": {"slug": entry.municipality.slug, "name": entry.municipality.name},
        "title": entry.title,
        "kind": entry.kind,
        "knowledge_type": entry.knowledge_type,
        "summary": entry.summary,
        "description": entry.description,
        "status": entry.status,
        "lead_organisation": entry.lead_organisation.name if entry.lead_organisation else None,
        "partners": sorted(o.name for o in entry.partners.all()),
        "districts": sorted(d.name for d in entry.districts.all()),
        "latitude": entry.latitude,
        "longitude": entry.longitude,
        "terms": [
            {"framework": term.framework.slug, "code": term.code, "label": term.label, "text": terms.format(term)}
            for term in entry.terms.all()
        ],
        "start_year": entry.start_year,
        "end_year": entry.end_year,
        "budget_eur": entry.budget_eur,
        "funding_sources": entry.funding_sources,
        "links": entry.links,
        "contact_email": entry.contact_email,
        "maturity": entry.maturity,
        "transferability": entry.transferability,
        "licence": entry.licence,
        "source_url": entry.source_url,
        "source_note": entry.source_note,
        "publication_state": entry.publication_state,
        "published_at": entry.published_at,
        "updated_at": entry.updated_at,
    }


def export_json(entries: Iterable[Entry], context: ExportContext | None = None) -> bytes:
    context = context or ExportContext()
    data = [entry_data(entry, context) for entry in entries]
    document = {"generated_at": timezone.now(), "count": len(data), "entries": data}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def export(entries: Iterable[Entry], fmt: str) -> bytes:
    writer = {"csv": export_csv, "xlsx": export_xlsx, "json": export_json}[fmt]
    return writer(entries, ExportContext())


# --- Template -------------------------------------------------------------------------------------------------


def allowed_values(column: Column) -> str:
    if column.choices:
        return ", ".join(column.choices.values())
    return {
        "decimal": _("number"),
        "year": _("year"),
        "links": _("web addresses"),
        "list": _("texts separated by “;”"),
    }.get(column.kind, "")


def _notes(municipality: Municipality | None) -> list[list[str]]:
    """The rows of the "Hinweise" sheet: how to fill the template, every column, the allowed values."""
    rows: list[list[str]] = [
        [_("How to fill in the inventory template")],
        [
            _("Fill one entry per row of the sheet “%(sheet)s”; keep the first row with the column headers.")
            % {"sheet": DATA_SHEET}
        ],
        [_("Lists (partners, districts, tags, funding sources, links) are separated by a semicolon “;”.")],
        [_("Choices accept the German values listed below; the codes in brackets are accepted, too.")],
        [_("Columns you delete are left unchanged when entries are updated; an empty cell empties the field.")],
        [
            _(
                "Organisations, districts and tags must exist on the platform already; an unknown name is reported "
                "as an error, nothing is created."
            )
        ],
        [
            _(
                "The import checks every row first. If any row has an error, nothing is saved and every error is "
                "listed with its row and column."
            )
        ],
        [
            _(
                "Texts that start with =, +, - or @ are written with a leading apostrophe so that no spreadsheet "
                "program runs them as a formula; the import removes the apostrophe."
            )
        ],
        [],
        [_("Column"), _("Allowed values"), _("Explanation"), _("Example")],
    ]
    for column in COLUMNS:
        values = allowed_values(column)
        if column.choices:
            values = ", ".join(f"{german} ({code})" for code, german in column.choices.items())
        rows.append([column.header, values, str(column.hint), column.example])
    if municipality is not None:
        scope = term_scope_for(municipality)
        rows += [[], [_("Tags for %(municipality)s") % {"municipality": municipality.name}]]
        rows += [[scope.format(term), term.framework.name] for term in _with_frameworks(scope)]
        rows += [[], [_("Organisations of %(municipality)s") % {"municipality": municipality.name}]]
        rows += [
            [name]
            for name in Organisation.objects.filter(municipality=municipality)
            .order_by("name")
            .values_list("name", flat=True)
        ]
        rows += [[], [_("Districts of %(municipality)s") % {"municipality": municipality.name}]]
        rows += [
            [name]
            for name in District.objects.filter(municipality=municipality)
            .order_by("name")
            .values_list("name", flat=True)
        ]
    else:
        scope = TermScope(
            list(Framework.objects.reference().order_by("order", "name")),
            Term.objects.filter(framework__municipality__isnull=True),
        )
        rows += [[], [_("Tags of the reference frameworks (each municipality may have its own, too)")]]
        rows += [[scope.format(term), ""] for term in _with_frameworks(scope)]
    return rows


def _with_frameworks(scope: TermScope) -> list[Term]:
    frameworks = {f.pk: f for f in scope.frameworks}
    for term in scope.terms:
        term.framework = frameworks[term.framework_id]
    return scope.terms


def template_xlsx(municipality: Municipality | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = DATA_SHEET
    sheet.append(HEADERS)
    sheet.freeze_panes = "A2"
    for position, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(position)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = (
            40 if column.kind in ("text", "terms", "organisations", "links") else max(14, len(column.header) + 4)
        )
        if column.choices:
            values = ",".join(column.choices.values())
            validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True, showErrorMessage=False)
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)
    notes = workbook.create_sheet(NOTES_SHEET)
    for row in _notes(municipality):
        notes.append([neutralise(value) for value in row])
    notes["A1"].font = Font(bold=True, size=14)
    for letter, width in zip("ABCD", (34, 50, 70, 30), strict=True):
        notes.column_dimensions[letter].width = width
    for cells in notes.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(workbook)


def template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(HEADERS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template(fmt: str, municipality: Municipality | None = None) -> bytes:
    with translation.override("de"):
        return template_xlsx(municipality) if fmt == "xlsx" else template_csv()

"""The spreadsheet's columns: one list (``COLUMNS``) for the template, the import and the CSV/XLSX export.

The headers and the choice values are German and fixed: they are a file format, not interface text, and must not
change with the interface language or a new translation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from smartstadt.core import tabular

from ..models import EntryKind, EntryStatus, KnowledgeType, Maturity, PublicationState, Transferability

DATA_SHEET = "Bestand"
NOTES_SHEET = "Hinweise"
LIST_SEPARATOR = ";"
MAX_ROWS = 50_000
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # an .xlsx is a zip archive: refuse one that unpacks to more
BATCH = 500
FORMATS = ("csv", "xlsx", "json")
IMPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {**tabular.CONTENT_TYPES, "json": "application/json"}

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
        "STOAG",
    ),
    Column(
        "Partner",
        "partners",
        "organisations",
        gettext_lazy("Organisations of the region on the platform, separated by “;”."),
        "Fraunhofer UMSICHT; OWT",
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

_FIELD_HEADERS = {column.field: column.header for column in COLUMNS} | {
    "slug": "Titel",
    "published_at": "Veröffentlichung",
}

Progress = Callable[[str, int, int], None]  # (phase, done, total)

"""Writing entries as CSV, XLSX and JSON in the columns of the template (CSV and XLSX by ``core.tabular``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from smartstadt.core import tabular
from smartstadt.core.tabular import workbook_bytes, xlsx_cells
from smartstadt.frameworks.models import Framework, Term

from ..models import Entry
from .columns import COLUMNS, DATA_SHEET, HEADERS, LIST_SEPARATOR, NUMERIC_KINDS
from .lookups import TermScope

__all__ = ["workbook_bytes", "xlsx_cells"]  # for the exports of other apps, until they use core.tabular


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


def column_widths() -> list[int]:
    """Wide columns for texts and lists, the others as wide as their header."""
    return [
        40 if column.kind in ("text", "terms", "organisations", "links") else max(14, len(column.header) + 4)
        for column in COLUMNS
    ]


def _rows(entries: Iterable[Entry], context: ExportContext | None) -> Iterator[list[Any]]:
    context = context or ExportContext()
    return (entry_cells(entry, context) for entry in entries)


def export_xlsx(entries: Iterable[Entry], context: ExportContext | None = None) -> bytes:
    return tabular.xlsx_bytes(HEADERS, _rows(entries, context), sheet=DATA_SHEET, widths=column_widths())


def export_csv_lines(entries: Iterable[Entry], context: ExportContext | None = None) -> Iterator[str]:
    """The CSV export line by line: UTF-8 with byte order mark, ";" and decimal commas, as German Excel opens it."""
    return tabular.csv_lines(HEADERS, _rows(entries, context))


def export_csv(entries: Iterable[Entry], context: ExportContext | None = None) -> bytes:
    return tabular.csv_bytes(HEADERS, _rows(entries, context))


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

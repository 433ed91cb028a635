"""Reads for the statistics page: coverage of framework terms, and counts by status and kind.

Everything is counted in the database (values() + annotate), so the number of queries does not grow with the
data. A published entry counts for a row when it carries the row's term or a narrower one (up to three levels).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from smartstadt.frameworks.models import Framework, Term
from smartstadt.regions.models import Municipality, OrganisationKind

from .models import Entry, EntryKind, EntryStatus, PublicationState

LEVELS = 4


@dataclass
class CoverageCell:
    column: str
    count: int
    level: int  # 0 = white spot, 1..LEVELS = share of the largest cell of the matrix

    @property
    def is_white_spot(self) -> bool:
        return self.count == 0


@dataclass
class CoverageRow:
    term: Term
    cells: list[CoverageCell] = field(default_factory=list)

    @property
    def white_spots(self) -> int:
        return sum(1 for cell in self.cells if cell.is_white_spot)


@dataclass
class CoverageColumn:
    key: str
    label: str
    url: str = ""
    white_spots: list[Term] = field(default_factory=list)


@dataclass
class CoverageMatrix:
    columns: list[CoverageColumn]
    rows: list[CoverageRow]

    @property
    def white_spot_count(self) -> int:
        return sum(row.white_spots for row in self.rows)


def _build(terms: list[Term], columns: list[CoverageColumn], counts: dict[tuple[int, str], int]) -> CoverageMatrix:
    largest = max(counts.values(), default=0)
    rows = []
    for term in terms:
        row = CoverageRow(term=term)
        for column in columns:
            count = counts.get((term.pk, column.key), 0)
            level = ceil(LEVELS * count / largest) if count else 0
            row.cells.append(CoverageCell(column=column.key, count=count, level=level))
            if not count:
                column.white_spots.append(term)
        rows.append(row)
    return CoverageMatrix(columns=columns, rows=rows)


def row_terms(framework: Framework) -> list[Term]:
    return list(Term.objects.filter(framework=framework, parent__isnull=True).order_by("order", "label"))


def _tagged(framework: Framework, entries: QuerySet[Entry]) -> QuerySet[Any]:
    """Tag links of published entries to this framework, each with the top-level term it belongs to."""
    return (
        Entry.terms.through.objects.filter(term__framework=framework, entry__in=entries.values("pk"))
        .annotate(row=Coalesce("term__parent__parent_id", "term__parent_id", "term_id"))
        .order_by()
    )


def coverage_by_municipality(
    *,
    framework: Framework,
    municipalities: Iterable[Municipality],
    entries: QuerySet[Entry] | None = None,
    terms: list[Term] | None = None,
) -> CoverageMatrix:
    """Rows: the framework's top-level terms; columns: the municipalities; cells: published entries."""
    municipalities = list(municipalities)
    entries = Entry.objects.published() if entries is None else entries
    columns = [
        CoverageColumn(key=m.slug, label=m.name.split(" (")[0], url=m.get_absolute_url()) for m in municipalities
    ]
    rows = (
        _tagged(framework, entries.filter(municipality__in=[m.pk for m in municipalities]))
        .values("row", "entry__municipality_id")
        .annotate(n=Count("entry_id", distinct=True))
    )
    slugs = {m.pk: m.slug for m in municipalities}
    counts = {(row["row"], slugs[row["entry__municipality_id"]]): row["n"] for row in rows}
    return _build(row_terms(framework) if terms is None else terms, columns, counts)


def coverage_by_organisation_kind(
    *, framework: Framework, entries: QuerySet[Entry], role: str = "lead", terms: list[Term] | None = None
) -> CoverageMatrix:
    """Rows: top-level terms; columns: organisation kinds of the lead organisation (or of any partner)."""
    kind_field = "entry__lead_organisation__kind" if role == "lead" else "entry__partners__kind"
    columns = [CoverageColumn(key=value, label=str(label)) for value, label in OrganisationKind.choices]
    rows = (
        _tagged(framework, entries)
        .filter(**{f"{kind_field}__isnull": False})
        .values("row", kind_field)
        .annotate(n=Count("entry_id", distinct=True))
    )
    counts = {(row["row"], row[kind_field]): row["n"] for row in rows}
    return _build(row_terms(framework) if terms is None else terms, columns, counts)


@dataclass
class CountRow:
    value: str
    label: str
    count: int


def _counts(entries: QuerySet[Entry], field_name: str, choices: list[tuple[str, Any]]) -> list[CountRow]:
    found = dict(entries.order_by().values_list(field_name).annotate(n=Count("pk")).values_list(field_name, "n"))
    return [CountRow(value=value, label=str(label), count=found.get(value, 0)) for value, label in choices]


def counts_by_status(entries: QuerySet[Entry]) -> list[CountRow]:
    return _counts(entries, "status", EntryStatus.choices)


def counts_by_kind(entries: QuerySet[Entry]) -> list[CountRow]:
    return _counts(entries, "kind", EntryKind.choices)


def published_in(*, municipalities: QuerySet[Municipality] | None) -> QuerySet[Entry]:
    entries = Entry.objects.filter(publication_state=PublicationState.PUBLISHED)
    if municipalities is not None:
        entries = entries.filter(Q(municipality__in=municipalities.values("pk")))
    return entries

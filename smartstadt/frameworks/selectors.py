"""Reads of frameworks and their terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import Framework, Term


@dataclass
class DimensionCount:
    term: Term
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# Records tagged with framework terms, as (key, label, many-to-many through model getter, column of the record).
# Later capabilities (inventory entries, measures) register themselves here, so the start page counts them too.
TAGGED_SOURCES: list[tuple[str, Any, Any, str]] = []


def register_tagged_source(key: str, label: Any, through: Any, record_column: str) -> None:
    if all(existing[0] != key for existing in TAGGED_SOURCES):
        TAGGED_SOURCES.append((key, label, through, record_column))


def framework_list(*, municipality_id: int | None = None) -> QuerySet[Framework]:
    frameworks = Framework.objects.select_related("municipality")
    if municipality_id is not None:
        frameworks = frameworks.visible_for_municipality(municipality_id)
    return frameworks.annotate(term_count=Count("terms")).order_by("municipality__name", "order", "name", "pk")


def get_framework(*, slug: str) -> Framework:
    top_terms = Term.objects.filter(parent__isnull=True).prefetch_related(
        Prefetch("children", queryset=Term.objects.order_by("order", "label"))
    )
    return get_object_or_404(
        Framework.objects.select_related("municipality").prefetch_related(
            Prefetch("terms", queryset=top_terms, to_attr="top_terms")
        ),
        slug=slug,
    )


def giffinger_dimensions() -> list[Term]:
    return list(Term.objects.filter(framework__slug=Framework.GIFFINGER, parent__isnull=True).order_by("order"))


def dimension_counts() -> list[DimensionCount]:
    """For each Giffinger dimension: how many records of each tagged source carry it or one of its factors."""
    dimensions = giffinger_dimensions()
    result = {term.pk: DimensionCount(term=term) for term in dimensions}
    for key, _label, through_getter, record_column in TAGGED_SOURCES:
        through = through_getter()
        rows = (
            through.objects.filter(term__framework__slug=Framework.GIFFINGER)
            .annotate(dimension=Coalesce("term__parent_id", "term_id"))
            .values("dimension")
            .annotate(n=Count(record_column, distinct=True))
        )
        for row in rows:
            if row["dimension"] in result:
                result[row["dimension"]].counts[key] = row["n"]
    for item in result.values():
        for key, *_rest in TAGGED_SOURCES:
            item.counts.setdefault(key, 0)
    return list(result.values())

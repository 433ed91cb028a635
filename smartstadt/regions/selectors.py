"""Reads of regions, municipalities, districts and organisations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, Lower, RowNumber
from django.shortcuts import get_object_or_404

from smartstadt.core.permissions import Viewer
from smartstadt.frameworks.models import Term

from .models import District, Municipality, Organisation, OrganisationKind, Region


def active_organisation_count() -> Subquery:
    """Counted in a subquery, so that paging a list sorts and slices before anything is counted."""
    return Subquery(
        Organisation.objects.filter(municipality=OuterRef("pk"), is_active=True)
        .order_by()
        .values("municipality")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def region_overview(*, per_region: int = 12) -> list[Region]:
    """Regions with their largest municipalities (at most ``per_region``), each with its number of organisations.

    A region may hold hundreds of municipalities; the overview shows the largest and links to the full list.
    """
    regions: list[Region] = list(
        Region.objects.annotate(municipality_count=Count("municipalities")).order_by("order", "name")
    )
    ranked = (
        Municipality.objects.filter(region__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("region_id")],
                order_by=[F("population").desc(nulls_last=True), F("name").asc()],
            ),
            organisation_count=Coalesce(active_organisation_count(), 0),
        )
        .filter(rank__lte=per_region)
        .order_by("region_id", "rank")
    )
    by_region: dict[int, list[Municipality]] = {}
    for municipality in ranked:
        by_region.setdefault(municipality.region_id, []).append(municipality)  # type: ignore[arg-type]
    for region in regions:
        region.top_municipalities = by_region.get(region.pk, [])  # type: ignore[attr-defined]
    return regions


def municipality_list(
    *, region: str | None = None, state: str | None = None, query: str | None = None
) -> QuerySet[Municipality]:
    municipalities = Municipality.objects.select_related("region").annotate(
        organisation_count=Coalesce(active_organisation_count(), 0)
    )
    if region:
        municipalities = municipalities.filter(region__slug=region)
    if state:
        municipalities = municipalities.filter(state=state)
    if query:
        municipalities = municipalities.filter(Q(name__icontains=query) | Q(vision__icontains=query))
    return municipalities.order_by("name", "pk")


def state_choices() -> list[str]:
    return list(Municipality.objects.exclude(state="").order_by("state").values_list("state", flat=True).distinct())


def get_municipality(*, slug: str) -> Municipality:
    return get_object_or_404(Municipality.objects.select_related("region"), slug=slug)


def get_municipality_for_edit(*, user: Viewer, slug: str) -> Municipality:
    municipality = get_municipality(slug=slug)
    if not user.has_perm("regions.change_municipality", municipality):
        raise PermissionDenied
    return municipality


def district_tree(*, municipality: Municipality) -> list[District]:
    """Boroughs with their quarters prefetched; quarters without a borough come last."""
    districts = list(District.objects.filter(municipality=municipality).order_by("name"))
    children: dict[int | None, list[District]] = {}
    for district in districts:
        children.setdefault(district.parent_id, []).append(district)
    for district in districts:
        district.quarters = children.get(district.pk, [])  # type: ignore[attr-defined]
    return children.get(None, [])


def organisation_list(
    *, municipality: Municipality | None = None, municipality_slug: str | None = None, kind: str | None = None
) -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("municipality").prefetch_related(
        Prefetch("competences", queryset=Term.objects.select_related("framework"))
    )
    if municipality is not None:
        organisations = organisations.filter(municipality=municipality)
    if municipality_slug:
        organisations = organisations.filter(municipality__slug=municipality_slug)
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by(Lower("name"), "pk")


def organisations_by_kind(*, municipality: Municipality) -> list[tuple[str, list[Organisation]]]:
    grouped: dict[str, list[Organisation]] = {}
    for organisation in organisation_list(municipality=municipality):
        grouped.setdefault(organisation.kind, []).append(organisation)
    return [(str(label), grouped[value]) for value, label in OrganisationKind.choices if value in grouped]


def organisation_kind_counts(*, region: Region | None = None) -> list[dict[str, Any]]:
    organisations = Organisation.objects.filter(is_active=True)
    if region is not None:
        organisations = organisations.filter(municipality__region=region)
    counts = dict(organisations.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return [{"kind": value, "label": label, "count": counts.get(value, 0)} for value, label in OrganisationKind.choices]


def get_organisation(*, municipality_slug: str, slug: str) -> Organisation:
    return get_object_or_404(
        Organisation.objects.select_related("municipality", "parent").prefetch_related(
            "competences__framework", "units"
        ),
        municipality__slug=municipality_slug,
        slug=slug,
    )


def district_outlines(*, municipality_ids: list[int], limit: int = 500) -> list[dict[str, Any]]:
    """GeoJSON features of the district outlines of these municipalities (districts without one are left out)."""
    rows = (
        District.objects.filter(municipality_id__in=municipality_ids, geometry__isnull=False)
        .order_by("municipality__name", "kind", "name")
        .values("name", "kind", "geometry", "municipality__name")[:limit]
    )
    features = []
    for row in rows:
        geometry = row["geometry"]
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        if not isinstance(geometry, dict):
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"name": row["name"], "kind": row["kind"], "municipality": row["municipality__name"]},
            }
        )
    return features

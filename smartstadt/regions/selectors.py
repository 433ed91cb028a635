"""Reads of regions, municipalities, districts and organisations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from .models import District, Municipality, Organisation, OrganisationKind, Region


def region_overview() -> QuerySet[Region]:
    """Regions with their municipalities, each annotated with its number of active organisations."""
    municipalities = Municipality.objects.annotate(
        organisation_count=Count("organisations", filter=Q(organisations__is_active=True))
    ).order_by("-population", "name")
    return Region.objects.prefetch_related(Prefetch("municipalities", queryset=municipalities)).annotate(
        municipality_count=Count("municipalities", distinct=True)
    )


def municipality_list(
    *, region: str | None = None, state: str | None = None, query: str | None = None
) -> QuerySet[Municipality]:
    municipalities = Municipality.objects.select_related("region").annotate(
        organisation_count=Count("organisations", filter=Q(organisations__is_active=True))
    )
    if region:
        municipalities = municipalities.filter(region__slug=region)
    if state:
        municipalities = municipalities.filter(state=state)
    if query:
        municipalities = municipalities.filter(Q(name__icontains=query) | Q(vision__icontains=query))
    return municipalities.order_by("name")


def state_choices() -> list[str]:
    return list(Municipality.objects.exclude(state="").order_by("state").values_list("state", flat=True).distinct())


def get_municipality(*, slug: str) -> Municipality:
    return get_object_or_404(Municipality.objects.select_related("region"), slug=slug)


def get_municipality_for_edit(*, user: Any, slug: str) -> Municipality:
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


def organisation_list(*, municipality: Municipality | None = None, kind: str | None = None) -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("municipality").prefetch_related("competences")
    if municipality is not None:
        organisations = organisations.filter(municipality=municipality)
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by(Lower("name"))


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

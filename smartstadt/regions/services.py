"""Writes to municipalities, districts and organisations: permission-checked, atomic, with history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify

from smartstadt.core.history import save_tracked

from .models import District, Municipality, Organisation

MUNICIPALITY_PROFILE_FIELDS = (
    "official_key",
    "population",
    "population_source",
    "area_km2",
    "motto",
    "vision",
    "guiding_principles",
    "development_goals",
    "website",
    "contact_email",
    "smart_city_unit",
)


def _require(actor: Any, permission: str, obj: Any) -> None:
    if actor is not None and not actor.has_perm(permission, obj):
        raise PermissionDenied


def unique_slug(model: Any, base: str, *, scope: dict[str, Any] | None = None, exclude_pk: Any = None) -> str:
    """A slug not yet taken within the scope, from a German name ("Mülheim" → "muelheim")."""
    root = slugify(base.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss"))[:90] or "eintrag"
    candidate, number = root, 2
    taken = model.objects.filter(**(scope or {}))
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    while taken.filter(slug=candidate).exists():
        candidate, number = f"{root}-{number}", number + 1
    return candidate


@transaction.atomic
def municipality_update_profile(*, actor: Any, municipality: Municipality, data: dict[str, Any]) -> Municipality:
    _require(actor, "regions.change_municipality", municipality)
    for name in MUNICIPALITY_PROFILE_FIELDS:
        if name in data:
            setattr(municipality, name, data[name])
    return save_tracked(municipality, actor=actor)


@transaction.atomic
def district_create(*, actor: Any, municipality: Municipality, name: str, **fields: Any) -> District:
    _require(actor, "regions.add_district", municipality)
    district = District(municipality=municipality, name=name, **fields)
    if not district.slug:
        district.slug = unique_slug(District, name, scope={"municipality": municipality})
    return save_tracked(district, actor=actor)


@transaction.atomic
def district_update(*, actor: Any, district: District, data: dict[str, Any]) -> District:
    _require(actor, "regions.change_district", district)
    for name, value in data.items():
        setattr(district, name, value)
    return save_tracked(district, actor=actor)


@transaction.atomic
def organisation_create(
    *, actor: Any, municipality: Municipality, name: str, kind: str, competences: Any = (), **fields: Any
) -> Organisation:
    _require(actor, "regions.add_organisation", municipality)
    organisation = Organisation(municipality=municipality, name=name, kind=kind, **fields)
    if not organisation.slug:
        organisation.slug = unique_slug(
            Organisation, organisation.short_name or name, scope={"municipality": municipality}
        )
    organisation = save_tracked(organisation, actor=actor, m2m={"competences": list(competences)})
    _index_organisation(organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, data: dict[str, Any], competences: Any = None
) -> Organisation:
    _require(actor, "regions.change_organisation", organisation)
    for name, value in data.items():
        setattr(organisation, name, value)
    m2m = {"competences": list(competences)} if competences is not None else None
    names_before = Organisation.objects.filter(pk=organisation.pk).values_list("name", "short_name").first()
    organisation = save_tracked(organisation, actor=actor, m2m=m2m)
    _index_organisation(organisation, renamed=names_before != (organisation.name, organisation.short_name))
    return organisation


def _index_organisation(organisation: Organisation, *, renamed: bool = False) -> None:
    """Keep the full-text search in step: the organisation, and the entries that name it when it was renamed."""
    from smartstadt import search

    search.index_organisations([organisation])
    if renamed:
        search.index_entries(search.entries_mentioning(organisation))

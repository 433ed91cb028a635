"""What the API shows of a record, as dictionaries in the shape of the schemas.

Lists are read in two steps (``paginate``): the ids of one page from the filtered, sorted selector, then just
those rows as ``values()`` of the selectors' querysets: no model instances, no per-row ``reverse()``, so that
a page costs the same at 300 entries as at 20,000. Details read the model instances the selectors return.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from smartstadt.frameworks.models import Framework
from smartstadt.frameworks.selectors import framework_list
from smartstadt.inventory.models import Entry
from smartstadt.inventory.selectors import entry_queryset_for_lists
from smartstadt.regions.models import District, Municipality, Organisation
from smartstadt.regions.selectors import municipality_list, organisation_list

from .schemas import PageQuery

Rows = Callable[[list[int]], list[dict[str, Any]]]


class PortalUrls:
    """Absolute addresses of portal pages: reversed once per request with placeholders, filled in per item.

    ``reverse()`` for each of 500 items would cost more than reading them. The slugs are inserted with
    ``str.format``, so a slug's text is never read as a placeholder.
    """

    def __init__(self, request: HttpRequest, viewname: str, *names: str) -> None:
        path = reverse(viewname, kwargs={name: f"PLACEHOLDER{name.upper()}" for name in names})
        template = request.build_absolute_uri(path).replace("{", "{{").replace("}", "}}")
        for name in names:
            template = template.replace(f"PLACEHOLDER{name.upper()}", "{" + name + "}")
        self.template = template

    def __call__(self, **slugs: str) -> str:
        return self.template.format(**slugs)


def paginate[M: Model](queryset: QuerySet[M], page: PageQuery, rows: Rows) -> dict[str, Any]:
    """``{"count": n, "items": [...]}``: the ids of one page first (sorting narrow rows), then its rows.

    Sorting 20,000 full rows (descriptions, joined municipalities) to cut out 50 costs ten times as much, and a
    large offset a hundred times. (Counting in a window over the ids query is slower on SQLite than counting
    apart: the window keeps every row of the sort.)
    """
    ids = list(queryset.values_list("pk", flat=True)[page.offset : page.offset + page.limit])
    return {"count": queryset.count(), "items": rows(ids) if ids else []}


def in_order(ids: list[int], rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {row.pop("pk"): row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def text_list(value: Any) -> list[str]:
    """A JSON list of texts as stored; anything else in it is left out rather than failing the answer."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _reference(slug: str | None, name: str | None) -> dict[str, str] | None:
    return {"slug": slug, "name": name or ""} if slug else None


def _terms_of(queryset: QuerySet[Any], ids: list[int], relation: str) -> dict[int, list[dict[str, str]]]:
    """The terms (``relation``: the many-to-many field) of the records ``ids``, in their framework's order."""
    terms: dict[int, list[dict[str, str]]] = defaultdict(list)
    rows = (
        queryset.filter(pk__in=ids)
        .order_by("pk", f"{relation}__framework__order", f"{relation}__order", f"{relation}__label")
        .values_list("pk", f"{relation}__framework__slug", f"{relation}__code", f"{relation}__label")
    )
    for pk, framework, code, label in rows:
        if code is not None:
            terms[pk].append({"framework": framework, "code": code, "label": label})
    return terms


# --- Municipalities -------------------------------------------------------------------------------------------------

MUNICIPALITY_FIELDS = (
    "slug",
    "name",
    "kind",
    "state",
    "official_key",
    "population",
    "area_km2",
    "website",
)


def municipality_rows(request: HttpRequest) -> Rows:
    url = PortalUrls(request, "portal:municipality", "slug")

    def rows(ids: list[int]) -> list[dict[str, Any]]:
        found = list(
            municipality_list()
            .filter(pk__in=ids)
            .order_by()
            .values("pk", *MUNICIPALITY_FIELDS, "organisation_count", "region__slug", "region__name")
        )
        for row in found:
            row["region"] = _reference(row.pop("region__slug"), row.pop("region__name"))
            row["url"] = url(slug=row["slug"])
        return in_order(ids, found)

    return rows


def municipality_detail(request: HttpRequest, municipality: Municipality, districts: list[District]) -> dict[str, Any]:
    """``districts``: the top of the district tree, each with its ``quarters`` (regions.selectors.district_tree)."""
    data = {field: getattr(municipality, field) for field in MUNICIPALITY_FIELDS}
    region = municipality.region
    return {
        **data,
        "region": {"slug": region.slug, "name": region.name} if region else None,
        "url": request.build_absolute_uri(municipality.get_absolute_url()),
        "motto": municipality.motto,
        "vision": municipality.vision,
        "guiding_principles": text_list(municipality.guiding_principles),
        "development_goals": text_list(municipality.development_goals),
        "fields_of_action": text_list(municipality.fields_of_action),
        "mpsc_cohort": municipality.mpsc_cohort,
        "phase": municipality.phase,
        "smart_city_unit": municipality.smart_city_unit,
        "contact_email": municipality.contact_email,
        "source_url": municipality.source_url,
        "districts": [
            {
                "slug": district.slug,
                "name": district.name,
                "kind": district.kind,
                "population": district.population,
                "quarters": [
                    {"slug": quarter.slug, "name": quarter.name} for quarter in getattr(district, "quarters", [])
                ],
            }
            for district in districts
        ],
    }


# --- Organisations --------------------------------------------------------------------------------------------------

ORGANISATION_FIELDS = ("slug", "name", "short_name", "kind", "is_active", "website")


def organisation_rows(request: HttpRequest) -> Rows:
    url = PortalUrls(request, "portal:organisation", "municipality", "slug")

    def rows(ids: list[int]) -> list[dict[str, Any]]:
        organisations = organisation_list()
        found = list(
            organisations.filter(pk__in=ids).order_by().values("pk", *ORGANISATION_FIELDS, "municipality__slug")
        )
        competences = _terms_of(organisations, ids, "competences")
        for row in found:
            row["municipality"] = row.pop("municipality__slug")
            row["competences"] = competences.get(row["pk"], [])
            row["url"] = url(municipality=row["municipality"], slug=row["slug"])
        return in_order(ids, found)

    return rows


def _term(term: Any) -> dict[str, str]:
    return {"framework": term.framework.slug, "code": term.code, "label": term.label}


def organisation_detail(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    parent = organisation.parent
    return {
        **{field: getattr(organisation, field) for field in ORGANISATION_FIELDS},
        "municipality": organisation.municipality.slug,
        "competences": [_term(term) for term in organisation.competences.all()],
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
        "description": organisation.description,
        "parent": {"slug": parent.slug, "name": parent.name} if parent else None,
        "units": [{"slug": unit.slug, "name": unit.name} for unit in organisation.units.all()],
        "contact_email": organisation.contact_email,
        "source_url": organisation.source_url,
    }


# --- Inventory entries ----------------------------------------------------------------------------------------------

ENTRY_FIELDS = (
    "slug",
    "title",
    "kind",
    "knowledge_type",
    "status",
    "publication_state",
    "summary",
    "start_year",
    "end_year",
    "latitude",
    "longitude",
    "published_at",
    "updated_at",
)


def entry_rows(request: HttpRequest) -> Rows:
    """Rows of entries whose visibility the list has checked already (the ids come from ``entry_list``)."""
    url = PortalUrls(request, "inventory:entry", "municipality", "slug")

    def rows(ids: list[int]) -> list[dict[str, Any]]:
        entries = entry_queryset_for_lists()
        found = list(
            entries.filter(pk__in=ids)
            .order_by()
            .values("pk", *ENTRY_FIELDS, "municipality__slug", "lead_organisation__slug", "lead_organisation__name")
        )
        terms = _terms_of(entries, ids, "terms")
        for row in found:
            row["municipality"] = row.pop("municipality__slug")
            row["knowledge_type"] = row["knowledge_type"] or None
            lead = _reference(row.pop("lead_organisation__slug"), row.pop("lead_organisation__name"))
            row["lead_organisation"] = lead
            row["terms"] = terms.get(row["pk"], [])
            row["url"] = url(municipality=row["municipality"], slug=row["slug"])
        return in_order(ids, found)

    return rows


def entry_detail(request: HttpRequest, entry: Entry) -> dict[str, Any]:
    lead = entry.lead_organisation
    links = entry.links if isinstance(entry.links, list) else []
    return {
        **{field: getattr(entry, field) for field in ENTRY_FIELDS},
        "knowledge_type": entry.knowledge_type or None,
        "municipality": entry.municipality.slug,
        "lead_organisation": {"slug": lead.slug, "name": lead.name} if lead else None,
        "terms": [_term(term) for term in entry.terms.all()],
        "url": request.build_absolute_uri(entry.get_absolute_url()),
        "description": entry.description,
        "partners": [{"slug": partner.slug, "name": partner.name} for partner in entry.partners.all()],
        "districts": [{"slug": district.slug, "name": district.name} for district in entry.districts.all()],
        "budget_eur": entry.budget_eur,
        "funding_sources": text_list(entry.funding_sources),
        "links": [
            {"url": link["url"], "label": str(link.get("label", ""))}
            for link in links
            if isinstance(link, dict) and isinstance(link.get("url"), str)
        ],
        "contact_email": entry.contact_email,
        "maturity": entry.maturity or None,
        "transferability": entry.transferability,
        "licence": entry.licence,
        "source_url": entry.source_url,
        "source_note": entry.source_note,
    }


# --- Frameworks -----------------------------------------------------------------------------------------------------

FRAMEWORK_FIELDS = ("slug", "name", "short_name", "description", "year", "verification", "source_url")


def framework_rows(request: HttpRequest) -> Rows:
    url = PortalUrls(request, "portal:framework", "slug")

    def rows(ids: list[int]) -> list[dict[str, Any]]:
        frameworks = framework_list().filter(pk__in=ids).order_by()
        found = list(frameworks.values("pk", *FRAMEWORK_FIELDS, "term_count", "municipality__slug"))
        for row in found:
            row["municipality"] = row.pop("municipality__slug")
            row["url"] = url(slug=row["slug"])
        return in_order(ids, found)

    return rows


def _term_leaf(term: Any) -> dict[str, str]:
    return {"code": term.code, "label": term.label, "label_en": term.label_en, "description": term.description}


def framework_detail(request: HttpRequest, framework: Framework) -> dict[str, Any]:
    """``framework`` as ``frameworks.selectors.get_framework`` returns it: top terms with their children."""
    return {
        **{field: getattr(framework, field) for field in FRAMEWORK_FIELDS},
        "municipality": framework.municipality.slug if framework.municipality_id else None,  # type: ignore[union-attr]
        "url": request.build_absolute_uri(framework.get_absolute_url()),
        "terms": [
            {**_term_leaf(term), "children": [_term_leaf(child) for child in term.children.all()]}
            for term in getattr(framework, "top_terms", [])
        ],
    }

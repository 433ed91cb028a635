"""Statistics of the transparency portal: where the region works on which topic, and where nobody does yet.

The tables are the primary representation; charts.js draws bar charts from the same numbers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from smartstadt.frameworks.models import Framework
from smartstadt.inventory.statistics import (
    CountRow,
    counts_by_kind,
    counts_by_status,
    coverage_by_municipality,
    coverage_by_organisation_kind,
    published_in,
    row_terms,
)
from smartstadt.regions.models import Municipality, Region

DEFAULT_REGION = "metropole-ruhr"
MAX_COLUMNS = 60


def _param(request: HttpRequest, name: str, default: str = "") -> str:
    return str(request.GET.get(name, default) or "").strip()[:120]


def _chart(title: str, rows: list[CountRow]) -> dict[str, Any]:
    return {"title": title, "labels": [capfirst(row.label) for row in rows], "values": [row.count for row in rows]}


def statistics_page(request: HttpRequest) -> HttpResponse:
    frameworks = list(Framework.objects.select_related("municipality").order_by("municipality__name", "order", "name"))
    framework_slug = _param(request, "framework", Framework.GIFFINGER)
    framework = next((f for f in frameworks if f.slug == framework_slug), None) or next(
        (f for f in frameworks if f.slug == Framework.GIFFINGER), frameworks[0] if frameworks else None
    )
    region_slug = _param(request, "region", DEFAULT_REGION)
    municipality_slug = _param(request, "municipality")

    scope: QuerySet[Municipality] = Municipality.objects.order_by("name")
    own_framework = framework is not None and framework.municipality_id is not None
    if municipality_slug:
        scope = scope.filter(slug=municipality_slug)
    elif framework is not None and framework.municipality_id is not None:
        # A municipality's own framework is used by that municipality only; elsewhere every cell would be empty.
        scope = scope.filter(pk=framework.municipality_id)
    elif region_slug:
        scope = scope.filter(region__slug=region_slug)
    columns = list(scope[: MAX_COLUMNS + 1])
    capped = len(columns) > MAX_COLUMNS
    columns = columns[:MAX_COLUMNS]

    entries = published_in(municipalities=scope)
    status_rows = counts_by_status(entries)
    kind_rows = counts_by_kind(entries)
    context: dict[str, Any] = {
        "frameworks": frameworks,
        "framework": framework,
        "own_framework": own_framework,
        "regions": Region.objects.order_by("order", "name"),
        "municipalities": Municipality.objects.filter(region__slug=region_slug).order_by("name")
        if region_slug
        else Municipality.objects.order_by("name"),
        "selected": {
            "framework": framework.slug if framework else "",
            "region": region_slug,
            "municipality": municipality_slug,
        },
        "columns_capped": capped,
        "max_columns": MAX_COLUMNS,
        "status_rows": status_rows,
        "kind_rows": kind_rows,
        "entry_total": sum(row.count for row in status_rows),
        "charts": {
            "status": _chart(_("Published entries by status"), status_rows),
            "kind": _chart(_("Published entries by kind"), kind_rows),
        },
    }
    if framework is not None:
        terms = row_terms(framework)
        context["by_municipality"] = coverage_by_municipality(framework=framework, municipalities=columns, terms=terms)
        context["by_lead_kind"] = coverage_by_organisation_kind(
            framework=framework, entries=entries, role="lead", terms=terms
        )
        context["by_partner_kind"] = coverage_by_organisation_kind(
            framework=framework, entries=entries, role="partner", terms=terms
        )
    return render(request, "portal/statistics.html", context)

"""The atlas of the transparency portal: a map of published entries and the network of organisations.

Both pages are complete without JavaScript (filters are a GET form, the data stand in tables); map.js and
graph.js draw the map (Leaflet) and the graph (Cytoscape) on top.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from smartstadt.frameworks.selectors import giffinger_dimensions
from smartstadt.inventory.atlas import NETWORK_MAX_NODES, map_data, network_graph
from smartstadt.inventory.models import EntryKind, EntryStatus
from smartstadt.regions.models import Municipality, OrganisationKind, Region
from smartstadt.search.filters import EntryFilters

NETWORK_DEFAULT_MUNICIPALITY = "oberhausen"


def filter_choices(*, region: str = "") -> dict[str, Any]:
    """Options of the atlas filter forms; the municipalities are those of the chosen region, if any."""
    municipalities = Municipality.objects.order_by("name")
    if region:
        municipalities = municipalities.filter(region__slug=region)
    return {
        "regions": list(Region.objects.order_by("order", "name").values_list("slug", "name")),
        "municipalities": list(municipalities.values_list("slug", "name")),
        "kinds": EntryKind.choices,
        "statuses": EntryStatus.choices,
        "terms": [(f"giffinger:{term.code}", term.label) for term in giffinger_dimensions()],
        "organisation_kinds": OrganisationKind.choices,
    }


def _map_filters(request: HttpRequest) -> EntryFilters:
    return EntryFilters.from_query(request.GET)


def map_config(filters: EntryFilters) -> dict[str, Any]:
    query = urlencode(filters.as_query())
    return {
        "dataUrl": reverse("portal:map_data") + (f"?{query}" if query else ""),
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "maxZoom": settings.MAP_TILE_MAX_ZOOM,
        "labels": {
            "approximate": _("approximate: municipality"),
            "ownLocation": _("own location"),
            "entries": _("entries"),
            "entry": _("entry"),
            "municipality": _("Profile of the municipality"),
            "showOnMap": _("Show on the map"),
            "zoomIn": _("Zoom in"),
            "zoomOut": _("Zoom out"),
            "close": _("Close"),
            "loadError": _("The map data could not be loaded. The table below shows the same data."),
        },
    }


def map_page(request: HttpRequest) -> HttpResponse:
    filters = _map_filters(request)
    data = map_data(filters=filters)
    return render(
        request,
        "portal/map.html",
        {
            "filters": filters,
            "choices": filter_choices(region=filters.region),
            "data": data,
            "map_config": map_config(filters),
            "tiles": bool(settings.MAP_TILE_URL),
        },
    )


def map_data_json(request: HttpRequest) -> JsonResponse:
    """The map's data: markers (own points and municipality groups), district outlines, entries not on the map."""
    return JsonResponse(map_data(filters=_map_filters(request)).as_json())


def network_page(request: HttpRequest) -> HttpResponse:
    municipality = str(request.GET.get("municipality", NETWORK_DEFAULT_MUNICIPALITY) or "").strip()[:120]
    term = str(request.GET.get("term", "") or "").strip()[:120]
    organisation_kind = str(request.GET.get("organisation_kind", "") or "").strip()[:40]
    if organisation_kind not in OrganisationKind.values:
        organisation_kind = ""
    graph = network_graph(
        filters=EntryFilters(municipality=municipality, term=term), organisation_kind=organisation_kind
    )
    return render(
        request,
        "portal/network.html",
        {
            "graph": graph,
            "elements": graph.as_elements(),
            "selected": {"municipality": municipality, "term": term, "organisation_kind": organisation_kind},
            "choices": filter_choices(),
            "max_nodes": NETWORK_MAX_NODES,
            "graph_labels": {
                "lead": _("leads"),
                "partner": _("partner in"),
                "entries": _("entries"),
                "organisations": _("organisations"),
                "showInGraph": _("Show in the graph"),
                "reset": _("Show the whole graph"),
                "selected": _("Selected"),
                "open": _("Open page"),
            },
        },
    )

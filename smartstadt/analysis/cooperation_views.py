"""The Smart City team's page of joint-project candidates (Kooperationspotenziale) and its exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from smartstadt.core import tabular
from smartstadt.core.permissions import SignedInRequest

from . import cooperation

PAGE_SIZE = 10


def _filters(request: HttpRequest) -> cooperation.CooperationFilters:
    if not request.user.has_perm("analysis.view_cooperation"):
        raise PermissionDenied
    filters = cooperation.CooperationFilters.from_query(request.GET, viewer=request.user)
    if filters is None:
        raise Http404
    return filters


@login_required
def cooperation_page(request: SignedInRequest) -> HttpResponse:
    """Groups of similar published projects from two or more municipalities of a region, strongest first, with
    filters; htmx asks for the same address and gets the filters and results only."""
    filters = _filters(request)
    result = cooperation.candidates_for(region_id=filters.region.pk)
    matching = cooperation.filtered(result, filters)
    page = Paginator(matching, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    for name, value in filters.querystring().items():
        querystring[name] = value
    context = {
        "filters": filters,
        "result": result,
        "page": page,
        "groups": cooperation.hydrate(list(page.object_list)),
        "regions": _regions(),
        "municipalities": filters.region.municipalities.order_by("name"),
        "dimensions": cooperation.dimensions(),
        "querystring": querystring,
        "export_query": querystring.urlencode(),
    }
    if not request.htmx:  # type: ignore[attr-defined]
        return render(request, "analysis/cooperation.html", context)
    response = render(request, "analysis/cooperation.html#results", context)
    response["HX-Push-Url"] = f"{request.path}?{querystring.urlencode()}"
    return response


def _regions() -> list[object]:
    from smartstadt.regions.models import Region

    return list(Region.objects.order_by("name"))


@login_required
def cooperation_export(request: SignedInRequest, fmt: str) -> HttpResponse:
    """All groups that match the filters as CSV, XLSX or JSON: one row per entry, the group number first."""
    if fmt not in cooperation.EXPORT_FORMATS:
        raise Http404
    filters = _filters(request)
    result = cooperation.candidates_for(region_id=filters.region.pk)
    views = cooperation.hydrate(cooperation.filtered(result, filters))
    absolute = request.build_absolute_uri
    if fmt == "csv":
        content = cooperation.export_csv(views, absolute)
    elif fmt == "xlsx":
        content = cooperation.export_xlsx(views, absolute)
    else:
        content = cooperation.export_json(views, absolute, filters)
    name = f"kooperationspotenziale-{filters.region.slug}"
    if filters.municipality is not None:
        name += f"-{filters.municipality.slug}"
    return tabular.download(content, fmt=fmt, filename=f"{name}-{timezone.localdate().isoformat()}")

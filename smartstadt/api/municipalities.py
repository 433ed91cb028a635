"""GET /api/municipalities and /api/municipalities/{slug}."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from smartstadt.regions.selectors import district_tree, get_municipality, municipality_list

from . import rows
from .errors import ErrorOut, ValidationErrorOut
from .schemas import MunicipalityDetail, MunicipalityPage, MunicipalityQuery, PageQuery

router = Router(tags=["Kommunen"])


@router.get(
    "",
    response={200: MunicipalityPage, 422: ValidationErrorOut},
    operation_id="municipality_list",
    summary="Kommunen",
)
def list_municipalities(request: HttpRequest, filters: Query[MunicipalityQuery], page: Query[PageQuery]) -> Any:
    """Alle Kommunen der Plattform, nach Namen sortiert."""
    municipalities = municipality_list(region=filters.region, state=filters.state)
    return MunicipalityPage.model_validate(rows.paginate(municipalities, page, rows.municipality_rows(request)))


@router.get(
    "/{slug:slug}",
    response={200: MunicipalityDetail, 404: ErrorOut},
    operation_id="municipality_detail",
    summary="Eine Kommune",
)
def municipality_detail(request: HttpRequest, slug: str) -> Any:
    """Profil einer Kommune mit Vision, Leitsätzen und ihren Stadtbezirken und Stadtteilen."""
    municipality = get_municipality(slug=slug)
    districts = district_tree(municipality=municipality)
    return MunicipalityDetail.model_validate(rows.municipality_detail(request, municipality, districts))

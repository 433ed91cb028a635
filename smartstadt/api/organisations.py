"""GET /api/organisations and /api/organisations/{municipality}/{slug}."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from smartstadt.regions.selectors import get_organisation, organisation_list

from . import rows
from .errors import ErrorOut, ValidationErrorOut
from .schemas import OrganisationDetail, OrganisationPage, OrganisationQuery, PageQuery

router = Router(tags=["Organisationen"])


@router.get(
    "",
    response={200: OrganisationPage, 422: ValidationErrorOut},
    operation_id="organisation_list",
    summary="Organisationen",
)
def list_organisations(request: HttpRequest, filters: Query[OrganisationQuery], page: Query[PageQuery]) -> Any:
    """Akteure der Kommunen – Verwaltung, städtische Töchter, Unternehmen, Forschung, Netzwerke –, nach Namen."""
    organisations = organisation_list(municipality_slug=filters.municipality, kind=filters.kind)
    return OrganisationPage.model_validate(rows.paginate(organisations, page, rows.organisation_rows(request)))


@router.get(
    "/{slug:municipality}/{slug:slug}",
    response={200: OrganisationDetail, 404: ErrorOut},
    operation_id="organisation_detail",
    summary="Eine Organisation",
)
def organisation_detail(request: HttpRequest, municipality: str, slug: str) -> Any:
    """Eine Organisation mit Beschreibung, Kompetenzen und ihren Einheiten."""
    organisation = get_organisation(municipality_slug=municipality, slug=slug)
    return OrganisationDetail.model_validate(rows.organisation_detail(request, organisation))

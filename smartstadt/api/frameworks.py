"""GET /api/frameworks and /api/frameworks/{slug}."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from smartstadt.frameworks.selectors import framework_list, get_framework

from . import rows
from .errors import ErrorOut, ValidationErrorOut
from .schemas import FrameworkDetail, FrameworkPage, PageQuery

router = Router(tags=["Ordnungsrahmen"])


@router.get(
    "",
    response={200: FrameworkPage, 422: ValidationErrorOut},
    operation_id="framework_list",
    summary="Ordnungsrahmen",
)
def list_frameworks(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Die Schlagwortsysteme: Referenzrahmen für alle (z. B. Giffinger 2007) und die Themenfelder der Kommunen."""
    return FrameworkPage.model_validate(rows.paginate(framework_list(), page, rows.framework_rows(request)))


@router.get(
    "/{slug:slug}",
    response={200: FrameworkDetail, 404: ErrorOut},
    operation_id="framework_detail",
    summary="Ein Ordnungsrahmen",
)
def framework_detail(request: HttpRequest, slug: str) -> Any:
    """Ein Ordnungsrahmen mit seinen Begriffen als Baum (Oberbegriff → Unterbegriffe)."""
    return FrameworkDetail.model_validate(rows.framework_detail(request, get_framework(slug=slug)))

"""GET /api/entries and /api/entries/{municipality}/{slug}: the inventory, with the portal's filters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from smartstadt.inventory.selectors import entry_list, get_entry_for
from smartstadt.search.filters import EntryFilters
from smartstadt.search.selectors import published_entry_keys

from . import rows
from .errors import ErrorOut, ValidationErrorOut
from .schemas import EntryDetail, EntryPage, EntryQuery, PageQuery

router = Router(tags=["Bestand"])


@router.get(
    "",
    response={200: EntryPage, 422: ValidationErrorOut},
    operation_id="entry_list",
    summary="Einträge des Bestands",
)
def list_entries(request: HttpRequest, filters: Query[EntryQuery], page: Query[PageQuery]) -> Any:
    """Projekte, Lösungen und Wissen, nach Titel sortiert (mit `q` die besten Treffer zuerst).

    Ohne Anmeldung nur veröffentlichte Einträge.
    """
    chosen = EntryFilters(
        municipality=filters.municipality or "",
        region=filters.region or "",
        kind=filters.kind or "",
        status=filters.status or "",
        term=filters.term or "",
        organisation_kind=filters.organisation_kind or "",
        district=filters.district or "",
        q=filters.q or "",
    )
    # Visitors see the published entries only: once the search has built its bit index of them (see
    # search/facets.py), they are counted and sorted there instead of in the database, with the same result.
    found = (
        None
        if request.user.is_authenticated
        else published_entry_keys(filters=chosen, offset=page.offset, limit=page.limit, build=False)
    )
    if found is not None:
        count, ids = found
        return EntryPage.model_validate({"count": count, "items": rows.entry_rows(request)(ids) if ids else []})
    entries = entry_list(viewer=request.user, filters=chosen)
    return EntryPage.model_validate(rows.paginate(entries, page, rows.entry_rows(request)))


@router.get(
    "/{slug:municipality}/{slug:slug}",
    response={200: EntryDetail, 404: ErrorOut},
    operation_id="entry_detail",
    summary="Ein Eintrag",
)
def entry_detail(request: HttpRequest, municipality: str, slug: str) -> Any:
    """Ein Eintrag mit Beschreibung, Partnern, Stadtteilen, Links und Quelle; unveröffentlichte nur für Befugte."""
    entry = get_entry_for(viewer=request.user, municipality_slug=municipality, slug=slug)
    return EntryDetail.model_validate(rows.entry_detail(request, entry))

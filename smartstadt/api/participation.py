"""GET /api/processes, /api/processes/{slug} and /api/processes/{slug}/ideas: participation, without personal data.

The answers are the same for everybody, signed in or not: published processes and the ideas the public sees.
No author, no e-mail, no account id – only what the public pages show apart from the display name; the
official answer and status are part of the record (the platform's accountability).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router
from pydantic import BaseModel, Field

from smartstadt.participation import selectors
from smartstadt.participation.models import Idea, IdeaStatus, PhaseKind, Process
from smartstadt.participation.permissions import current_phase

from . import rows
from .errors import ErrorOut, ValidationErrorOut
from .schemas import SLUG, Filters, PageQuery

router = Router(tags=["Beteiligung"])
PUBLIC = AnonymousUser()


class Reference(BaseModel):
    slug: str
    name: str


class PhaseOut(BaseModel):
    kind: PhaseKind = Field(description="Art der Phase.")
    title: str
    description: str
    starts_on: date | None = Field(description="Beginn; leer, wenn die Quellen kein Datum nennen.")
    ends_on: date | None = Field(description="Ende; leer, wenn offen.")
    formats: list[str] = Field(description="Was Bürgerinnen und Bürger in dieser Phase beitragen können.")
    is_current: bool


class ProcessItem(BaseModel):
    slug: str
    title: str
    summary: str
    municipality: Reference
    url: str
    current_phase: str | None = Field(description="Titel der laufenden Phase.")
    phases: list[PhaseOut]


class ProcessPage(BaseModel):
    count: int
    items: list[ProcessItem]


class IdeaItem(BaseModel):
    id: int
    title: str
    text: str
    created_at: datetime
    district: Reference | None
    field_of_action: str | None
    support_count: int
    comment_count: int
    status: IdeaStatus
    answer: str
    answered_at: datetime | None
    measure: str | None = Field(description="Die Maßnahme der Strategie, in die die Idee übernommen wurde.")
    is_example: bool = Field(description="Ein erfundener Beispielbeitrag der Demo-Daten.")
    url: str


class IdeaPage(BaseModel):
    count: int
    items: list[IdeaItem]


class IdeaQuery(Filters):
    sort: str | None = Field(
        None, pattern="^(neueste|unterstuetzt|diskutiert)$", description="neueste, unterstuetzt oder diskutiert."
    )
    district: str | None = Field(None, pattern=SLUG, max_length=100, description="URL-Name des Stadtteils.")
    status: IdeaStatus | None = Field(None, description="Stand der Antwort.")


def _process_row(request: HttpRequest, process: Process) -> dict[str, Any]:
    running = current_phase(process)
    return {
        "slug": process.slug,
        "title": process.title,
        "summary": process.summary,
        "municipality": {"slug": process.municipality.slug, "name": process.municipality.name},
        "url": request.build_absolute_uri(process.get_absolute_url()),
        "current_phase": running.title if running else None,
        "phases": [
            {
                "kind": phase.kind,
                "title": phase.title,
                "description": phase.description,
                "starts_on": phase.starts_on,
                "ends_on": phase.ends_on,
                "formats": sorted(phase.formats),
                "is_current": phase == running,
            }
            for phase in process.phases.all()
        ],
    }


@router.get(
    "",
    response={200: ProcessPage, 422: ValidationErrorOut},
    operation_id="process_list",
    summary="Beteiligungsverfahren",
)
def list_processes(request: HttpRequest, page: Query[PageQuery]) -> Any:
    """Die veröffentlichten Beteiligungsverfahren mit ihren Phasen, die neuesten zuerst."""
    processes = selectors.process_list(viewer=PUBLIC)

    def process_rows(ids: list[int]) -> list[dict[str, Any]]:
        by_id = {process.pk: process for process in processes.filter(pk__in=ids)}
        return [_process_row(request, by_id[pk]) for pk in ids if pk in by_id]

    return ProcessPage.model_validate(rows.paginate(processes, page, process_rows))


@router.get(
    "/{slug:slug}",
    response={200: ProcessItem, 404: ErrorOut},
    operation_id="process_detail",
    summary="Ein Beteiligungsverfahren",
)
def process_detail(request: HttpRequest, slug: str) -> Any:
    """Ein veröffentlichtes Beteiligungsverfahren mit seinen Phasen und der laufenden Phase."""
    return ProcessItem.model_validate(_process_row(request, selectors.get_process_for(viewer=PUBLIC, slug=slug)))


@router.get(
    "/{slug:slug}/ideas",
    response={200: IdeaPage, 404: ErrorOut, 422: ValidationErrorOut},
    operation_id="process_ideas",
    summary="Ideen eines Beteiligungsverfahrens",
)
def list_ideas(request: HttpRequest, slug: str, filters: Query[IdeaQuery], page: Query[PageQuery]) -> Any:
    """Die öffentlich sichtbaren Ideen mit Unterstützungen, Kommentarzahl, Status und offizieller Antwort –
    ohne Angaben zu den Verfassenden."""
    process = selectors.get_process_for(viewer=PUBLIC, slug=slug)
    ideas = selectors.idea_list(
        process=process,
        viewer=PUBLIC,
        sort=filters.sort or selectors.DEFAULT_SORT,
        district=filters.district or "",
        status=filters.status or "",
    )
    # An idea's page is the list's address plus its id: reversed once, not once per idea.
    base = request.build_absolute_uri(reverse("participation:ideas", kwargs={"slug": process.slug}))

    def idea_rows(ids: list[int]) -> list[dict[str, Any]]:
        found = (
            Idea.objects.filter(pk__in=ids)
            .values(
                "pk",
                "title",
                "text",
                "created_at",
                "district__slug",
                "district__name",
                "field_of_action__title",
                "support_count",
                "comment_count",
                "status",
                "answer",
                "answered_at",
                "measure__title",
                "is_example",
            )
            .order_by()
        )
        items = []
        for row in found:
            items.append(
                {
                    "pk": row["pk"],
                    "id": row["pk"],
                    "title": row["title"],
                    "text": row["text"],
                    "created_at": row["created_at"],
                    "district": (
                        {"slug": row["district__slug"], "name": row["district__name"]}
                        if row["district__slug"]
                        else None
                    ),
                    "field_of_action": row["field_of_action__title"],
                    "support_count": row["support_count"],
                    "comment_count": row["comment_count"],
                    "status": row["status"],
                    "answer": row["answer"],
                    "answered_at": row["answered_at"],
                    "measure": row["measure__title"],
                    "is_example": row["is_example"],
                    "url": f"{base}{row['pk']}/",
                }
            )
        return rows.in_order(ids, items)

    return IdeaPage.model_validate(rows.paginate(ideas, page, idea_rows))

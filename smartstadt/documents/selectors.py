"""Reads for the document pages: the sources a viewer may render from, their documents, one document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from smartstadt.core.permissions import Viewer, permits
from smartstadt.strategy.models import Strategy, StrategyVersion

from .models import RenderedDocument
from .permissions import Source

WORKING_STATE = "arbeitsstand"
RECENT = 20


@dataclass(frozen=True)
class SourceChoice:
    key: str  # "arbeitsstand" or the version number
    label: str
    version: StrategyVersion | None


def sources_for(*, viewer: Viewer, strategy: Strategy) -> list[SourceChoice]:
    """The working state and the frozen versions this viewer may render documents from."""
    choices = []
    if permits(viewer, "documents.render_document", Source(strategy)):
        choices.append(SourceChoice(WORKING_STATE, "Arbeitsstand (aktuelle Daten)", None))
    for version in strategy.versions.order_by("-number"):
        if permits(viewer, "documents.render_document", Source(strategy, version)):
            choices.append(SourceChoice(str(version.number), f"{version.number}: {version.label}", version))
    return choices


def documents_for(*, viewer: Viewer, strategy: Strategy) -> list[RenderedDocument]:
    """The latest renderings of the strategy this viewer may download (a fixed number of queries)."""
    documents: QuerySet[RenderedDocument] = (
        RenderedDocument.objects.filter(strategy=strategy)
        .select_related("strategy", "version", "created_by")
        .order_by("-created_at", "-pk")
    )
    return [d for d in documents[: RECENT * 3] if viewer.has_perm("documents.view_document", d)][:RECENT]


def get_document_for(*, viewer: Viewer, strategy: Strategy, pk: int) -> RenderedDocument:
    document = RenderedDocument.objects.filter(strategy=strategy, pk=pk).select_related("strategy", "version").first()
    if document is None:
        raise Http404
    if not viewer.has_perm("documents.view_document", document):
        if not getattr(viewer, "is_authenticated", False):
            raise Http404
        raise PermissionDenied
    return document


def reports_for(*, viewer: Viewer, process: Any) -> list[RenderedDocument]:
    """The latest renderings of a process's participation report (for its team: the caller checked the process)."""
    documents = RenderedDocument.objects.filter(process=process).select_related("process", "created_by")
    return [
        d for d in documents.order_by("-created_at", "-pk")[:RECENT] if viewer.has_perm("documents.view_document", d)
    ]


def get_report_for(*, viewer: Viewer, process: Any, pk: int) -> RenderedDocument:
    """One rendering of the process's report: 404 if the process has none of this number, 403 for others."""
    document = RenderedDocument.objects.filter(process=process, pk=pk).select_related("process").first()
    if document is None:
        raise Http404
    if not viewer.has_perm("documents.view_document", document):
        raise PermissionDenied
    return document

"""Requests for documents: checked, recorded, and handed to the worker after the request's transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from smartstadt.core.history import person
from smartstadt.core.permissions import Actor, Viewer, permits, require
from smartstadt.frameworks.models import Framework, Term
from smartstadt.strategy.elements import KINDS
from smartstadt.strategy.models import Measure, Strategy, StrategyVersion
from smartstadt.strategy.services import element_create

from .models import FORMATS, DocumentFormat, DocumentKind, RenderedDocument, RenderStatus
from .permissions import Source
from .sheets import SheetReading, Unread, normalise
from .tasks import render_document


def measure_numbers(*, strategy: Strategy, version: StrategyVersion | None) -> list[str]:
    """The numbers of the measures a document of this source can show as a single sheet."""
    if version is not None:
        return [str(m.get("number") or "") for m in version.snapshot.get("measures", []) if m.get("number")]
    return [n for n in Measure.objects.filter(strategy=strategy).values_list("number", flat=True) if n]


@transaction.atomic
def document_request(
    *,
    actor: Actor | Viewer,
    strategy: Strategy,
    kind: str,
    format: str,
    version: StrategyVersion | None = None,
    measure_number: str = "",
) -> RenderedDocument:
    """A document to render from the working state or a frozen version; the worker renders it.

    Those who may only render public sources (a frozen version of a published strategy) get the rendering that
    exists already, if any, instead of a new one.
    """
    source = Source(strategy, version)
    require(actor, "documents.render_document", source)
    if version is not None and version.strategy_id != strategy.pk:
        raise ValidationError({"source": "Diese Fassung gehört zu einer anderen Strategie."})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Unbekannte Art von Dokument."})
    if format not in FORMATS[DocumentKind(kind)]:
        raise ValidationError({"format": "Dieses Dokument gibt es nicht in diesem Format."})
    if kind == DocumentKind.MEASURE:
        if measure_number not in measure_numbers(strategy=strategy, version=version):
            raise ValidationError({"measure": "Diese Fassung enthält keine Maßnahme mit dieser Nummer."})
    else:
        measure_number = ""
    if not permits(actor, "documents.render_internal", source):
        existing = (
            RenderedDocument.objects.filter(
                strategy=strategy, version=version, kind=kind, format=format, measure_number=measure_number
            )
            .exclude(status=RenderStatus.FAILED)
            # One that has been waiting or running for long has lost its task; it must not block the download.
            .exclude(
                status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING],
                created_at__lt=timezone.now() - STILL_RENDERING,
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
    document = RenderedDocument(
        strategy=strategy,
        version=version,
        kind=kind,
        format=format,
        measure_number=measure_number,
        created_by=person(actor),
    )
    # A rendering is an output of the strategy, not part of it: it carries who asked and when itself and is
    # kept out of the change history (whose snapshots cannot hold its file either).
    document.full_clean()
    document.save()
    document_id = document.pk
    transaction.on_commit(lambda: render_document.enqueue(document_id=document_id))
    return document


@transaction.atomic
def document_restart(*, actor: Actor | Viewer, document: RenderedDocument) -> RenderedDocument:
    """Render a failed document again, or one whose file is gone, under the same number and address."""
    if document.process_id is not None:
        require(actor, "documents.render_report", document.process)
    else:
        require(actor, "documents.render_document", Source(document.strategy, document.version))
    locked = RenderedDocument.objects.select_for_update().get(pk=document.pk)
    if not locked.can_restart:
        return locked
    locked.status = RenderStatus.QUEUED
    locked.progress = 0
    locked.step = ""
    locked.error = ""
    locked.file = ""
    locked.page_count = None
    locked.finished_at = None
    locked.save(update_fields=["status", "progress", "step", "error", "file", "page_count", "finished_at"])
    document_id = locked.pk
    transaction.on_commit(lambda: render_document.enqueue(document_id=document_id))
    return locked


# A rendering still waiting or running after this long is taken as lost (a worker that died), not as busy.
STILL_RENDERING = datetime.timedelta(minutes=15)


@transaction.atomic
def report_request(*, actor: Actor, process: Any, format: str) -> RenderedDocument:
    """The participation report of a process, rendered by the worker from the process as it is now.

    A request while the same report is still being rendered gets that rendering (a second click, or reloading
    the report's old download address, does not queue the work twice).
    """
    require(actor, "documents.render_report", process)
    if format not in FORMATS[DocumentKind.PARTICIPATION]:
        raise ValidationError({"format": "Den Beteiligungsbericht gibt es als PDF, DOCX und HTML."})
    running = (
        RenderedDocument.objects.filter(
            process=process,
            kind=DocumentKind.PARTICIPATION,
            format=format,
            status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING],
            created_at__gte=timezone.now() - STILL_RENDERING,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if running is not None:
        return running
    document = RenderedDocument(
        process=process,
        kind=DocumentKind.PARTICIPATION,
        format=DocumentFormat(format),
        created_by=person(actor),
    )
    document.full_clean()
    document.save()
    document_id = document.pk
    transaction.on_commit(lambda: render_document.enqueue(document_id=document_id))
    return document


# --- Project sheets -----------------------------------------------------------------------------------------


def match_topic_fields(*, strategy: Strategy, labels: list[str]) -> tuple[list[Term], list[str]]:
    """The terms of the strategy's topic framework (else of the municipality's frameworks) for the ticked
    labels; and the labels no term matches."""
    frameworks = Framework.objects.visible_for_municipality(strategy.municipality_id)
    if strategy.topic_framework_id:
        frameworks = frameworks.filter(pk=strategy.topic_framework_id)
    else:
        frameworks = frameworks.filter(municipality=strategy.municipality)
    terms: dict[str, Term] = {}
    for term in Term.objects.filter(framework__in=frameworks).order_by("parent_id", "order"):
        terms.setdefault(normalise(term.label), term)
    found = [terms[normalise(label)] for label in labels if normalise(label) in terms]
    unknown = [label for label in labels if normalise(label) not in terms]
    return found, unknown


@dataclass
class ImportPlan:
    data: dict[str, Any]
    notes: list[str]
    unread: list[Unread]


def sheet_plan(*, strategy: Strategy, reading: SheetReading) -> ImportPlan:
    """What importing the sheet would write into the strategy, and what it could not use."""
    unread = list(reading.unread)
    notes = list(reading.notes)
    terms, unknown = match_topic_fields(strategy=strategy, labels=reading.topic_fields)
    for label in unknown:
        framework = strategy.topic_framework.name if strategy.topic_framework else strategy.municipality.name
        unread.append(Unread("topic_fields", f"Themenfeld „{label}“ gibt es in „{framework}“ nicht"))
    number = reading.number
    if number and Measure.objects.filter(strategy=strategy, number=number).exists():
        notes.append(
            f"Die Nummer {number} ist in der Strategie vergeben; die Maßnahme erhält die nächste freie Nummer."
        )
        number = ""
    data: dict[str, Any] = {
        "number": number,
        "title": reading.title,
        "priority": reading.priority,
        "horizon": reading.horizon,
        "objective": reading.objective,
        "description": reading.description,
        "stakeholders": reading.stakeholders,
        "topic_terms": terms,
    }
    return ImportPlan(data=data, notes=notes, unread=unread)


@transaction.atomic
def measure_import_sheet(*, actor: Actor, strategy: Strategy, reading: SheetReading) -> Measure:
    """A new measure at the end of the strategy from a read sheet (through the strategy's own service)."""
    if not reading.title:
        raise ValidationError({"title": "Der Steckbrief hat keinen Titel."})
    plan = sheet_plan(strategy=strategy, reading=reading)
    measure = element_create(actor=actor, kind=KINDS["massnahmen"], parent=strategy, data=plan.data)
    assert isinstance(measure, Measure)
    return measure

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.tasks import TaskResult, TaskResultStatus, task
from django.utils import timezone

logger = logging.getLogger(__name__)


@task()
def render_document(*, document_id: int) -> dict[str, int | str]:
    """Render a requested document in the worker, telling its page how far it got, and store the file."""
    from .models import RenderedDocument, RenderStatus
    from .rendering import RenderError, render_rendered

    document = RenderedDocument.objects.select_related("strategy", "version", "process").filter(pk=document_id).first()
    if document is None or document.status == RenderStatus.DONE:
        return {"document": document_id, "status": "skipped"}
    rows = RenderedDocument.objects.filter(pk=document_id)

    def progress(percent: int, step: str) -> None:
        rows.update(progress=max(0, min(percent, 100)), step=step[:200], status=RenderStatus.RUNNING)

    progress(1, "Beginnt")
    try:
        output = render_rendered(document, progress=progress)
    except RenderError as error:
        rows.update(status=RenderStatus.FAILED, error=str(error), finished_at=timezone.now())
        return {"document": document_id, "status": "failed"}
    except Exception:
        logger.exception("Rendering document %s failed", document_id)
        rows.update(
            status=RenderStatus.FAILED,
            error="Beim Erzeugen ist ein Fehler aufgetreten. Bitte später erneut versuchen.",
            finished_at=timezone.now(),
        )
        raise
    document.refresh_from_db()
    document.file.save(output.filename, ContentFile(output.content), save=False)
    document.page_count = output.pages
    document.status = RenderStatus.DONE
    document.progress = 100
    document.step = "Fertig"
    document.error = ""
    document.finished_at = timezone.now()
    document.save(update_fields=["file", "page_count", "status", "progress", "step", "error", "finished_at"])
    return {"document": document_id, "status": "done", "bytes": len(output.content)}


def mark_lost_rendering(sender: object, task_result: TaskResult, **kwargs: object) -> None:
    """A rendering whose task failed outside the task (its worker died too often) is shown as failed, so its
    page offers to start it again instead of showing its last percentage forever."""
    from .models import RenderedDocument, RenderStatus

    if task_result.status != TaskResultStatus.FAILED or task_result.task.module_path != render_document.module_path:
        return
    RenderedDocument.objects.filter(pk=int(task_result.kwargs.get("document_id") or 0)).exclude(
        status__in=[RenderStatus.DONE, RenderStatus.FAILED]
    ).update(
        status=RenderStatus.FAILED,
        error="Der Hintergrund-Worker ist beim Erzeugen ausgefallen. Bitte neu starten.",
        finished_at=timezone.now(),
    )

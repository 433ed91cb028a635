from __future__ import annotations

from django.tasks import task


@task()
def process_spreadsheet_import(*, token: str, confirm: bool) -> None:
    """Check or import an uploaded spreadsheet in the worker; progress and result go to its ``ImportRun``."""
    from .imports import run

    run(token, confirm=confirm)


@task()
def reindex_entries(*, entry_ids: list[int]) -> None:
    """Update the full-text search documents of entries written in bulk (a large spreadsheet import)."""
    from smartstadt.search import index_entries

    index_entries(entry_ids)

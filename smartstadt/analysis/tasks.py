from __future__ import annotations

from django.tasks import task


@task()
def update_entry_vectors(*, entry_ids: list[int] | None = None, embed: bool = True) -> dict[str, int]:
    """Bring the analysis vectors of entries (all of them with ``None``) up to date; see ``indexing.update``."""
    from .indexing import update

    report = update(entry_ids, embed=embed)
    return {
        "entries": report.entries,
        "written": report.written,
        "embedded": report.embedded,
        "reused": report.reused,
        "removed": report.removed,
        "rebuilt": int(report.rebuilt),
    }

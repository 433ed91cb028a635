from __future__ import annotations

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def update_entry_vectors(*, entry_ids: list[int] | None = None, embed: bool = True) -> dict[str, int]:
    """Bring the analysis vectors of entries (all of them with ``None``) up to date; see ``indexing.update``."""
    from .indexing import update

    report = update(entry_ids, embed=embed)
    _enqueue_tag_training()
    return {
        "entries": report.entries,
        "written": report.written,
        "embedded": report.embedded,
        "reused": report.reused,
        "removed": report.removed,
        "rebuilt": int(report.rebuilt),
    }


@task()
def train_tag_models(*, force: bool = False) -> dict[str, int]:
    """Train the tag suggestion models whose confirmed tags changed (see ``tagging.retrain_stale``)."""
    from .tagging import retrain_stale

    return retrain_stale(force=force)


def _enqueue_tag_training() -> None:
    """Confirmed tags feed the next training: after the index of changed entries, the tag models follow."""
    try:
        train_tag_models.enqueue()
    except Exception:  # the tag models must never make an index update fail; the next change tries again
        logger.exception("Could not enqueue the training of the tag models")

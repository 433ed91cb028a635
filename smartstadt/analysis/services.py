"""Writes to the analysis index from elsewhere: other apps tell it which entries changed, it does the rest.

The inventory's services call :func:`entries_changed` after creating, changing, publishing, unpublishing or
deleting an entry; bulk paths (spreadsheet imports, the demo loader, the generator of synthetic data) too. The
update runs after the commit in the task worker (at once with the immediate backend of the tests).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

logger = logging.getLogger(__name__)


def entries_changed(entry_ids: Iterable[int] | None = None, *, embed: bool = True) -> None:
    """Update the analysis vectors of these entries (``None``: all) in the background, after the commit.

    ``embed=False`` leaves the embeddings to a later update (e.g. when a command already wrote the lexical
    vectors and the worker should only embed)."""
    ids = None if entry_ids is None else sorted({int(pk) for pk in entry_ids})
    if ids == []:
        return

    def enqueue() -> None:
        from .tasks import update_entry_vectors

        try:
            update_entry_vectors.enqueue(entry_ids=ids, embed=embed)
        except Exception:  # the analysis index must never make a write fail; the next rebuild repairs it
            logger.exception("Could not enqueue the update of the analysis index")

    transaction.on_commit(enqueue)

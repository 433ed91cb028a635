"""What must happen after inventory entries were written: one function that every writer calls.

An entry's text feeds derived data that several parts of the platform keep: the full-text search document, the
search's cached facet counts (the "search" generation), the analysis vectors behind similar entries, duplicates and
tag suggestions (the analysis task), and the kept public entry pages (``core/pagecache.py``, keyed by the "search"
and "analysis" generations). A writer that did only some of this left stale pages or missing similar entries, so
every writer calls :func:`entries_written` instead of any of these steps itself:

* the inventory services (create, update, submit, publish, return to draft, delete), and through them the
  stocktaking answers;
* the spreadsheet import, with its history as a bulk of :class:`~smartstadt.core.history.Change` rows;
* merging two entries (``merging.py``);
* the Django administration of entries (``admin.py``);
* renames of what an entry's search document names (organisations, districts, municipalities):
  :func:`organisations_written` and :func:`places_written`, which re-index the entries that name them. The
  regions app sits below the inventory and imports nothing of it: its services and its administration send
  ``regions.signals.places_written``, which :func:`places_changed` receives.

The demo loader and the generator of synthetic data rebuild these derived data wholesale in their own last steps
(``inventory/demo.py``, ``analysis/demo.py``, ``inventory/synthetic.py``) instead; ``tests/test_effects.py``
lists every module that writes entries and checks that it is one of these.

History: single writes record theirs with ``save_tracked``/``delete_tracked`` as they save (the snapshot before
the change is theirs to take); bulk writers hand theirs to :func:`entries_written` (``history=``), which records
them through ``core.history.record_many``. Either way it is ``core/history`` that writes history rows.

Everything here runs inside the writer's transaction; what must wait for the commit (the analysis task, a large
re-index) is put behind ``transaction.on_commit`` by the steps themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q

from smartstadt import search
from smartstadt.analysis import services as analysis
from smartstadt.core.history import Change, Note, record_many
from smartstadt.core.permissions import Actor
from smartstadt.regions.models import Organisation

from .models import Entry

# Up to this many entries are re-indexed for the full-text search at once, inside the writer's transaction; more
# (a large spreadsheet import) after the commit in the task worker, so the write stays fast and the search lags a
# little behind.
REINDEX_INLINE = 500


def entries_written(
    entry_ids: Iterable[int] = (),
    *,
    actor: Actor,
    removed: Iterable[int] = (),
    history: Sequence[Change] = (),
    note: str | Note = "",
) -> None:
    """Bring everything derived from entries up to date after ``entry_ids`` were created or changed and
    ``removed`` were deleted (or merged away).

    ``history``: changes of a bulk write not yet recorded, written now as ``actor``'s with ``note``. The search
    documents are written now (or, for more than :data:`REINDEX_INLINE` entries, after the commit by the worker),
    the "search" generation is bumped (the search's cached counts and the kept entry pages), and the analysis
    engine updates its vectors in the background after the commit."""
    written = sorted({int(pk) for pk in entry_ids})
    gone = sorted({int(pk) for pk in removed})
    if history:
        record_many(history, actor=actor, note=note)
    _derived(written, gone)


def organisations_written(organisation_ids: Iterable[int], *, renamed: Iterable[int] = ()) -> None:
    """After organisations were created or changed: their search documents, and – for ``renamed`` ones – the
    search documents of the entries that name them (as lead or partner)."""
    ids = sorted({int(pk) for pk in organisation_ids})
    search.index_organisations(ids)
    names = sorted({int(pk) for pk in renamed})
    if names:
        _derived(_entries_naming(organisations=names), [])


def places_written(*, municipality_ids: Iterable[int] = (), district_ids: Iterable[int] = ()) -> None:
    """After municipalities or districts were renamed: the search documents that name them (entries by their
    municipality and districts, organisations by their municipality)."""
    municipalities = sorted({int(pk) for pk in municipality_ids})
    districts = sorted({int(pk) for pk in district_ids})
    if municipalities:
        search.index_organisations(
            Organisation.objects.filter(municipality_id__in=municipalities).values_list("pk", flat=True)
        )
    _derived(_entries_naming(municipalities=municipalities, districts=districts), [])


def places_changed(
    *,
    organisations: Iterable[int] = (),
    renamed_organisations: Iterable[int] = (),
    municipalities: Iterable[int] = (),
    districts: Iterable[int] = (),
    **_signal: Any,
) -> None:
    """The receiver of ``regions.signals.places_written`` (connected in ``apps.py``)."""
    if organisations or renamed_organisations:
        organisations_written(organisations, renamed=renamed_organisations)
    if municipalities or districts:
        places_written(municipality_ids=municipalities, district_ids=districts)


def _entries_naming(
    *, organisations: Sequence[int] = (), municipalities: Sequence[int] = (), districts: Sequence[int] = ()
) -> list[int]:
    """The entries whose search document names one of these organisations (lead, partner), municipalities or
    districts."""
    condition = Q(pk__in=[])
    if organisations:
        condition |= Q(lead_organisation_id__in=organisations) | Q(partners__in=organisations)
    if municipalities:
        condition |= Q(municipality_id__in=municipalities)
    if districts:
        condition |= Q(districts__in=districts)
    return sorted(set(Entry.objects.filter(condition).values_list("pk", flat=True)))


def _derived(written: list[int], removed: list[int]) -> None:
    """The steps after any write of entries; see :func:`entries_written`."""
    if not written and not removed:
        return
    if removed:
        search.remove_entries(removed)  # the key cascades already; this keeps the index's bookkeeping explicit
    if len(written) <= REINDEX_INLINE:
        search.index_entries(written)
    else:
        from .tasks import reindex_entries

        transaction.on_commit(lambda: reindex_entries.enqueue(entry_ids=written))
    # The search generation: the facet counts of the search and the kept public entry pages are keyed by it (now
    # and again after the commit, see search.changed); publication states change what both show, also where no
    # search document changed.
    search.changed()
    analysis.entries_changed([*written, *removed])  # similar entries, duplicates, tags: after the commit

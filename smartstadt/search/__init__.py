"""The search wing beside the inventory: full-text index, filters, facets and the portal's search page.

* :mod:`.index`: the full-text index of entries and organisations on SQLite (FTS5) and PostgreSQL (tsvector),
  fed with the tokens of :mod:`smartstadt.text`; its documents are inventory's tables
  (``EntrySearchDocument``, ``OrganisationSearchDocument``), so this package has no models of its own;
* :mod:`.filters`: ``EntryFilters``, the filters of every entry list (portal, workspace, exports, API);
* :mod:`.facets`: each process's bit index of the published entries, for counts, pages and related entries;
* :mod:`.selectors`: the search page's reads, and ``published_index()``, the one way into the bit index.

What writers call after changing entries or organisations is re-exported here, so they need one import
(``from smartstadt import search``): :func:`index_entries`, :func:`remove_entries`, :func:`index_organisations`,
:func:`changed`; and what reads the index directly: :func:`search_entries`, :func:`search_organisations`.
"""

from __future__ import annotations

from .index import (
    changed,
    compile_query,
    entries_mentioning,
    generation,
    index_entries,
    index_organisations,
    rebuild_index,
    remove_entries,
    search_entries,
    search_organisations,
)

__all__ = [
    "changed",
    "compile_query",
    "entries_mentioning",
    "generation",
    "index_entries",
    "index_organisations",
    "rebuild_index",
    "remove_entries",
    "search_entries",
    "search_organisations",
]

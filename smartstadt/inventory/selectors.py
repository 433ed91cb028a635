"""Reads of the inventory. Lists select and prefetch what their pages show, so the query count stays flat.

The filters of the lists (:class:`~smartstadt.search.filters.EntryFilters`) and the portal's search page
(:mod:`smartstadt.search.selectors`) belong to the search wing beside the inventory.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from smartstadt.core.permissions import Viewer
from smartstadt.frameworks.models import Term
from smartstadt.regions.models import Organisation
from smartstadt.search.filters import EntryFilters

from .models import Entry, EntryQuerySet, PublicationState


def entry_queryset_for_lists() -> EntryQuerySet:
    return Entry.objects.select_related("municipality", "lead_organisation").prefetch_related(
        Prefetch("terms", queryset=Term.objects.select_related("framework").order_by("framework__order", "order"))
    )


def entry_list(*, viewer: Viewer, filters: EntryFilters | None = None) -> QuerySet[Entry]:
    entries: QuerySet[Entry] = entry_queryset_for_lists().visible_to(viewer)
    if filters is None:
        return entries.order_by("title", "pk")
    return filters.order(filters.apply(entries))


def get_entry_for(*, viewer: Viewer, municipality_slug: str, slug: str) -> Entry:
    """The entry, or 404 when it does not exist or is not visible (an unpublished entry is nobody's business)."""
    entry = (
        Entry.objects.select_related("municipality", "municipality__region", "lead_organisation__municipality")
        .prefetch_related(
            Prefetch("partners", queryset=Organisation.objects.select_related("municipality")),  # for their links
            "districts",
            Prefetch(
                "terms",
                queryset=Term.objects.select_related("framework", "parent").order_by("framework__order", "order"),
            ),
        )
        .filter(municipality__slug=municipality_slug, slug=slug)
        .order_by("pk")  # one at most (unique per municipality); no ordering joins
        .first()
    )
    if entry is None or not viewer.has_perm("inventory.view_entry", entry):
        raise Http404
    return entry


def get_entry_for_edit(*, user: Viewer, municipality_slug: str, slug: str) -> Entry:
    entry = get_entry_for(viewer=user, municipality_slug=municipality_slug, slug=slug)
    if not user.has_perm("inventory.change_entry", entry):
        raise PermissionDenied
    return entry


def related_entries(*, entry: Entry, limit: int = 6) -> list[Entry]:
    """Published entries sharing the most tags with this one, other municipalities first.

    A plain tag overlap, counted in the search's bit index of the published entries (see
    smartstadt/search/facets.py): of the ``4 × limit`` entries sharing the most tags (then by title), those of other
    municipalities first. The analysis engine replaces it with text similarity where it is installed.
    """
    from smartstadt.search.selectors import published_index

    term_ids = [term.pk for term in entry.terms.all()]
    if not term_ids:
        return []
    bits = published_index()
    candidates = bits.sharing_tags(entry=entry.pk, terms=term_ids, limit=limit * 4)
    ranked = sorted(candidates, key=lambda item: (-item[1], item[2] == entry.municipality_id))[:limit]
    return bits.entries(key for key, _shared, _municipality in ranked)


def entries_of_organisation(*, viewer: Viewer, organisation: Organisation) -> dict[str, list[Entry]]:
    entries = entry_queryset_for_lists().visible_to(viewer)
    return {
        "lead": list(entries.filter(lead_organisation=organisation).order_by("title")),
        "partner": list(entries.filter(partners=organisation).order_by("title")),
    }


def review_queue(*, user: Viewer) -> QuerySet[Entry]:
    """Entries waiting for the team's decision in the municipalities the user is on the team of."""
    from smartstadt.core.permissions import roles_of

    queue = entry_queryset_for_lists().filter(publication_state=PublicationState.IN_REVIEW)
    if not user.is_superuser:
        queue = queue.filter(municipality_id__in=roles_of(user).team_municipalities)
    return queue.order_by("updated_at")


def my_entries(*, user: Viewer) -> QuerySet[Entry]:
    """Entries the user is responsible for (team or editor), all states."""
    from smartstadt.core.permissions import roles_of

    roles = roles_of(user)
    return (
        entry_queryset_for_lists()
        .filter(
            Q(municipality_id__in=roles.team_municipalities) | Q(lead_organisation_id__in=roles.editor_organisations)
        )
        .order_by("-updated_at")
    )


def entries_for_export(*, viewer: Viewer, params: Any, municipality: Any = None) -> QuerySet[Entry]:
    """The entries of an export, with the filters of the list it comes from (``params``: the query string).

    Without a municipality: the public list, published entries only. With one: the team's workspace export, every
    entry of the municipality in every state (the view checks ``inventory.export_entries``).
    """
    filters = EntryFilters.from_query(params)
    if municipality is None:
        entries: QuerySet[Entry] = entry_list(viewer=viewer, filters=filters).filter(
            publication_state=PublicationState.PUBLISHED
        )
    else:
        entries = filters.apply(entry_queryset_for_lists().filter(municipality=municipality)).order_by("title", "pk")
    return entries.prefetch_related("partners", "districts")

"""Reads of the inventory. Lists select and prefetch what their pages show, so the query count stays flat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from smartstadt.frameworks.models import Term
from smartstadt.regions.models import Organisation

from .models import Entry, EntryQuerySet, PublicationState


@dataclass(frozen=True)
class EntryFilters:
    """The filters of the portal, the workspace, the exports and the API – one definition for all of them."""

    municipality: str = ""  # slug
    region: str = ""  # slug
    kind: str = ""
    status: str = ""
    term: str = ""  # "<framework slug>:<term code>"
    organisation_kind: str = ""
    organisation: int | None = None
    district: str = ""  # slug (within the municipality filter)
    publication_state: str = ""

    @classmethod
    def from_query(cls, params: Any) -> EntryFilters:
        def text(name: str) -> str:
            return str(params.get(name, "") or "").strip()[:120]

        organisation = text("organisation")
        return cls(
            municipality=text("municipality"),
            region=text("region"),
            kind=text("kind"),
            status=text("status"),
            term=text("term"),
            organisation_kind=text("organisation_kind"),
            organisation=int(organisation) if organisation.isdigit() else None,
            district=text("district"),
            publication_state=text("publication_state"),
        )

    def apply(self, entries: QuerySet[Entry]) -> QuerySet[Entry]:
        if self.municipality:
            entries = entries.filter(municipality__slug=self.municipality)
        if self.region:
            entries = entries.filter(municipality__region__slug=self.region)
        if self.kind:
            entries = entries.filter(kind=self.kind)
        if self.status:
            entries = entries.filter(status=self.status)
        if self.publication_state:
            entries = entries.filter(publication_state=self.publication_state)
        if self.term and ":" in self.term:
            framework, code = self.term.split(":", 1)
            term_ids = Term.objects.filter(framework__slug=framework).filter(Q(code=code) | Q(parent__code=code))
            entries = entries.filter(terms__in=term_ids.values("pk")).distinct()
        if self.organisation_kind:
            entries = entries.filter(
                Q(lead_organisation__kind=self.organisation_kind) | Q(partners__kind=self.organisation_kind)
            ).distinct()
        if self.organisation:
            entries = entries.filter(
                Q(lead_organisation_id=self.organisation) | Q(partners=self.organisation)
            ).distinct()
        if self.district:
            entries = entries.filter(districts__slug=self.district).distinct()
        return entries

    def as_query(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.__dict__.items() if value not in ("", None)}


def entry_queryset_for_lists() -> EntryQuerySet:
    return Entry.objects.select_related("municipality", "lead_organisation").prefetch_related(
        Prefetch("terms", queryset=Term.objects.select_related("framework").order_by("framework__order", "order"))
    )


def entry_list(*, viewer: Any, filters: EntryFilters | None = None) -> QuerySet[Entry]:
    entries: QuerySet[Entry] = entry_queryset_for_lists().visible_to(viewer)
    if filters is not None:
        entries = filters.apply(entries)
    return entries.order_by("title", "pk")


def get_entry_for(*, viewer: Any, municipality_slug: str, slug: str) -> Entry:
    """The entry, or 404 when it does not exist or is not visible (an unpublished entry is nobody's business)."""
    entry = (
        Entry.objects.select_related("municipality", "municipality__region", "lead_organisation")
        .prefetch_related(
            "partners",
            "districts",
            Prefetch(
                "terms",
                queryset=Term.objects.select_related("framework", "parent").order_by("framework__order", "order"),
            ),
        )
        .filter(municipality__slug=municipality_slug, slug=slug)
        .first()
    )
    if entry is None or not viewer.has_perm("inventory.view_entry", entry):
        raise Http404
    return entry


def get_entry_for_edit(*, user: Any, municipality_slug: str, slug: str) -> Entry:
    entry = get_entry_for(viewer=user, municipality_slug=municipality_slug, slug=slug)
    if not user.has_perm("inventory.change_entry", entry):
        raise PermissionDenied
    return entry


def related_entries(*, entry: Entry, limit: int = 6) -> list[Entry]:
    """Published entries sharing the most tags with this one, other municipalities first.

    A plain tag overlap; the analysis engine replaces it with text similarity where it is installed.
    """
    term_ids = [term.pk for term in entry.terms.all()]
    if not term_ids:
        return []
    candidates = (
        Entry.objects.published()
        .exclude(pk=entry.pk)
        .filter(terms__in=term_ids)
        .annotate(shared=Count("terms", filter=Q(terms__in=term_ids)))
        .select_related("municipality")
        .order_by("-shared", "title")[: limit * 4]
    )
    ranked: list[Entry] = sorted(
        candidates, key=lambda other: (-getattr(other, "shared", 0), other.municipality_id == entry.municipality_id)
    )
    return ranked[:limit]


def entries_of_organisation(*, viewer: Any, organisation: Organisation) -> dict[str, list[Entry]]:
    entries = entry_queryset_for_lists().visible_to(viewer)
    return {
        "lead": list(entries.filter(lead_organisation=organisation).order_by("title")),
        "partner": list(entries.filter(partners=organisation).order_by("title")),
    }


def review_queue(*, user: Any) -> QuerySet[Entry]:
    """Entries waiting for the team's decision in the municipalities the user is on the team of."""
    from smartstadt.core.permissions import roles_of

    queue = entry_queryset_for_lists().filter(publication_state=PublicationState.IN_REVIEW)
    if not user.is_superuser:
        queue = queue.filter(municipality_id__in=roles_of(user).team_municipalities)
    return queue.order_by("updated_at")


def my_entries(*, user: Any) -> QuerySet[Entry]:
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

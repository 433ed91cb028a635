"""Reads for the atlas: published entries on a map, and the network of organisations and entries.

Both read a fixed number of queries whatever the data (values() rows, no per-entry lookups), and both are
bounded: the map by ``MAP_ENTRY_LIMIT`` entries, the network by ``NETWORK_MAX_NODES`` nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from smartstadt.regions.models import Organisation
from smartstadt.regions.selectors import district_outlines
from smartstadt.search.filters import EntryFilters

from .models import Entry

MAP_ENTRY_LIMIT = 2000
NETWORK_MAX_NODES = 300


def _entry_url(municipality_slug: str, slug: str) -> str:
    return reverse("inventory:entry", kwargs={"municipality": municipality_slug, "slug": slug})


def published_entries(filters: EntryFilters) -> QuerySet[Entry]:
    """The public's view: published entries only, whatever the filters ask for (asking for drafts finds none)."""
    return filters.apply(Entry.objects.published())


# --- Map -----------------------------------------------------------------------------------------


@dataclass
class MapMarker:
    """One marker: an entry at its own point, or the entries of a municipality at its approximate centre."""

    key: str
    label: str
    latitude: float
    longitude: float
    approximate: bool
    municipality: str
    municipality_url: str
    entries: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "label": self.label,
            "lat": self.latitude,
            "lon": self.longitude,
            "approximate": self.approximate,
            "municipality": self.municipality,
            "municipality_url": self.municipality_url,
            "count": len(self.entries),
            "entries": self.entries,
        }


@dataclass
class MapData:
    markers: list[MapMarker]
    unlocated: list[dict[str, str]]
    outlines: list[dict[str, Any]]
    entry_count: int
    capped: bool
    # All matching entries, also those beyond the cap (equals entry_count when not capped).
    total_count: int = 0

    @property
    def approximate_count(self) -> int:
        return sum(len(marker.entries) for marker in self.markers if marker.approximate)

    @property
    def own_point_count(self) -> int:
        return sum(len(marker.entries) for marker in self.markers if not marker.approximate)

    def as_json(self) -> dict[str, Any]:
        return {
            "markers": [marker.as_json() for marker in self.markers],
            "unlocated": self.unlocated,
            "outlines": {"type": "FeatureCollection", "features": self.outlines},
            "entry_count": self.entry_count,
            "capped": self.capped,
            "total_count": self.total_count,
            "limit": MAP_ENTRY_LIMIT,
        }


def map_data(*, filters: EntryFilters, limit: int = MAP_ENTRY_LIMIT) -> MapData:
    """Published entries for the map: own points as single markers, the rest grouped at their municipality."""
    rows = list(
        published_entries(filters)
        .order_by("municipality__name", "title", "pk")
        .values(
            "pk",
            "title",
            "slug",
            "kind",
            "status",
            "latitude",
            "longitude",
            "municipality_id",
            "municipality__name",
            "municipality__slug",
            "municipality__latitude",
            "municipality__longitude",
        )[: limit + 1]
    )
    capped = len(rows) > limit
    rows = rows[:limit]
    # Counting all matches costs a query; only needed when the map cannot show them all.
    total = published_entries(filters).count() if capped else len(rows)
    own: list[MapMarker] = []
    groups: dict[int, MapMarker] = {}
    unlocated: list[dict[str, str]] = []
    municipality_ids: set[int] = set()
    for row in rows:
        municipality_ids.add(row["municipality_id"])
        municipality_url = reverse("portal:municipality", kwargs={"slug": row["municipality__slug"]})
        entry = {
            "title": row["title"],
            "url": _entry_url(row["municipality__slug"], row["slug"]),
            "municipality": row["municipality__name"],
        }
        if row["latitude"] is not None and row["longitude"] is not None:
            own.append(
                MapMarker(
                    key=f"entry-{row['pk']}",
                    label=row["title"],
                    latitude=float(row["latitude"]),
                    longitude=float(row["longitude"]),
                    approximate=False,
                    municipality=row["municipality__name"],
                    municipality_url=municipality_url,
                    entries=[entry],
                )
            )
        elif row["municipality__latitude"] is not None and row["municipality__longitude"] is not None:
            group = groups.get(row["municipality_id"])
            if group is None:
                group = groups[row["municipality_id"]] = MapMarker(
                    key=f"municipality-{row['municipality_id']}",
                    label=row["municipality__name"],
                    latitude=float(row["municipality__latitude"]),
                    longitude=float(row["municipality__longitude"]),
                    approximate=True,
                    municipality=row["municipality__name"],
                    municipality_url=municipality_url,
                )
            group.entries.append(entry)
        else:
            unlocated.append(entry)
    markers = sorted([*groups.values(), *own], key=lambda marker: (marker.municipality, not marker.approximate))
    return MapData(
        markers=markers,
        unlocated=unlocated,
        outlines=district_outlines(municipality_ids=sorted(municipality_ids)),
        entry_count=len(rows),
        capped=capped,
        total_count=total,
    )


# --- Network -------------------------------------------------------------------------------------


@dataclass
class NetworkOrganisation:
    pk: int
    name: str
    kind: str
    kind_label: str
    municipality: str
    url: str
    lead: list[dict[str, str]] = field(default_factory=list)
    partner: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Network:
    organisations: list[NetworkOrganisation]
    entries: list[dict[str, Any]]
    links: list[tuple[int, int, str]]  # (organisation pk, entry pk, "lead" | "partner")
    capped: bool
    total_nodes: int

    @property
    def node_count(self) -> int:
        return len(self.organisations) + len(self.entries)

    def as_elements(self) -> list[dict[str, Any]]:
        """Cytoscape elements: organisation and entry nodes, lead and partner edges."""
        elements: list[dict[str, Any]] = [
            {
                "data": {
                    "id": f"o{organisation.pk}",
                    "label": organisation.name,
                    "type": "organisation",
                    "kind": organisation.kind,
                    "kind_label": organisation.kind_label,
                    "url": organisation.url,
                }
            }
            for organisation in self.organisations
        ]
        elements += [
            {"data": {"id": f"e{entry['pk']}", "label": entry["title"], "type": "entry", "url": entry["url"]}}
            for entry in self.entries
        ]
        elements += [
            {"data": {"id": f"{role}-{org}-{entry}", "source": f"o{org}", "target": f"e{entry}", "role": role}}
            for org, entry, role in self.links
        ]
        return elements


def network_graph(*, filters: EntryFilters, organisation_kind: str = "", max_nodes: int = NETWORK_MAX_NODES) -> Network:
    """Organisations and the published entries they lead or partner in.

    ``organisation_kind`` keeps the organisations of that kind and the entries linked to them. Entries without
    any organisation are left out (they would be lone dots). Above ``max_nodes`` entries are taken by title
    until the graph is full, and ``capped`` says so.
    """
    from smartstadt.regions.models import OrganisationKind

    entries = published_entries(filters)
    entry_rows = {
        row["pk"]: row
        for row in entries.order_by("title", "pk").values(
            "pk", "title", "slug", "lead_organisation_id", "municipality__slug", "municipality__name"
        )
    }
    links: list[tuple[int, int, str]] = [
        (row["lead_organisation_id"], pk, "lead")
        for pk, row in entry_rows.items()
        if row["lead_organisation_id"] is not None
    ]
    partner_rows = (
        Entry.partners.through.objects.filter(entry_id__in=entries.values("pk"))
        .order_by("entry_id", "organisation_id")
        .values_list("organisation_id", "entry_id")
    )
    links += [(org, entry, "partner") for org, entry in partner_rows if entry in entry_rows]
    organisation_rows = {
        row["pk"]: row
        for row in Organisation.objects.filter(pk__in={org for org, _entry, _role in links}).values(
            "pk", "name", "short_name", "slug", "kind", "municipality__slug", "municipality__name"
        )
    }
    if organisation_kind:
        links = [link for link in links if organisation_rows[link[0]]["kind"] == organisation_kind]
    links_by_entry: dict[int, list[tuple[int, int, str]]] = {}
    for link in links:
        links_by_entry.setdefault(link[1], []).append(link)
    linked_entries = [pk for pk in entry_rows if pk in links_by_entry]
    total_nodes = len(linked_entries) + len({link[0] for link in links})

    kept_entries: list[int] = []
    kept_organisations: set[int] = set()
    capped = False
    for pk in linked_entries:
        new_organisations = {org for org, _entry, _role in links_by_entry[pk]} - kept_organisations
        if len(kept_entries) + len(kept_organisations) + 1 + len(new_organisations) > max_nodes:
            capped = True
            break
        kept_entries.append(pk)
        kept_organisations |= new_organisations

    kind_labels = dict(OrganisationKind.choices)
    organisations: dict[int, NetworkOrganisation] = {}
    for pk in kept_organisations:
        row = organisation_rows[pk]
        organisations[pk] = NetworkOrganisation(
            pk=pk,
            name=row["short_name"] or row["name"],
            kind=row["kind"],
            kind_label=str(kind_labels.get(row["kind"], row["kind"])),
            municipality=row["municipality__name"],
            url=reverse("portal:organisation", kwargs={"municipality": row["municipality__slug"], "slug": row["slug"]}),
        )
    entry_list = []
    kept_links = []
    for pk in kept_entries:
        entry_row = entry_rows[pk]
        item = {
            "pk": pk,
            "title": entry_row["title"],
            "url": _entry_url(entry_row["municipality__slug"], entry_row["slug"]),
            "municipality": entry_row["municipality__name"],
        }
        entry_list.append(item)
        for org, entry, role in links_by_entry[pk]:
            kept_links.append((org, entry, role))
            getattr(organisations[org], role).append(item)
    return Network(
        organisations=sorted(organisations.values(), key=lambda organisation: organisation.name.lower()),
        entries=entry_list,
        links=kept_links,
        capped=capped,
        total_nodes=total_nodes,
    )

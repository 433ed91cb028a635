"""Writes to the inventory: permission-checked, atomic, with change history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartstadt import search
from smartstadt.analysis import services as analysis
from smartstadt.core.history import delete_tracked, save_tracked
from smartstadt.regions.models import Municipality, Organisation
from smartstadt.regions.services import unique_slug

from .models import Entry, PublicationState

ENTRY_FIELDS = (
    "kind",
    "knowledge_type",
    "title",
    "summary",
    "description",
    "status",
    "lead_organisation",
    "latitude",
    "longitude",
    "start_year",
    "end_year",
    "budget_eur",
    "funding_sources",
    "links",
    "contact_email",
    "maturity",
    "transferability",
    "licence",
    "source_url",
    "source_note",
    "external_id",
)
RELATIONS = ("terms", "partners", "districts")


def _require(actor: Any, permission: str, obj: Any) -> None:
    if actor is not None and not actor.has_perm(permission, obj):
        raise PermissionDenied


def _relations(data: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: list(data[name]) for name in RELATIONS if name in data and data[name] is not None}


def _check_districts(municipality: Municipality, districts: Iterable[Any]) -> None:
    foreign = [d for d in districts if getattr(d, "municipality_id", municipality.pk) != municipality.pk]
    if foreign:
        raise ValidationError({"districts": _("Districts must belong to the entry's municipality.")})


@transaction.atomic
def entry_create(
    *, actor: Any, municipality: Municipality, data: dict[str, Any], note: str = "", system_label: str = "System"
) -> Entry:
    """Create an entry. Editors create entries their organisation leads; the team creates any in its city."""
    lead = data.get("lead_organisation")
    may_for_city = actor is None or actor.has_perm("inventory.add_entry", municipality)
    if not may_for_city and (lead is None or not actor.has_perm("inventory.add_entry", lead)):
        raise PermissionDenied
    entry = Entry(municipality=municipality)
    for name in ENTRY_FIELDS:
        if name in data:
            setattr(entry, name, data[name])
    entry.slug = unique_slug(Entry, entry.title, scope={"municipality": municipality})
    relations = _relations(data)
    _check_districts(municipality, relations.get("districts", []))
    entry = save_tracked(entry, actor=actor, m2m=relations, note=note, system_label=system_label)
    search.index_entries([entry])
    analysis.entries_changed([entry.pk])  # similar entries, after the commit
    return entry


@transaction.atomic
def entry_update(
    *, actor: Any, entry: Entry, data: dict[str, Any], note: str = "", system_label: str = "System"
) -> Entry:
    _require(actor, "inventory.change_entry", entry)
    new_lead = data.get("lead_organisation", entry.lead_organisation)
    if (
        actor is not None
        and new_lead != entry.lead_organisation
        and not (
            actor.has_perm("inventory.publish_entry", entry)
            or (new_lead and actor.has_perm("inventory.add_entry", new_lead))
        )
    ):
        # An editor cannot hand an entry to an organisation they do not edit for.
        raise PermissionDenied
    title_before = entry.title
    for name in ENTRY_FIELDS:
        if name in data:
            setattr(entry, name, data[name])
    if entry.title != title_before and not entry.is_published:
        entry.slug = unique_slug(Entry, entry.title, scope={"municipality": entry.municipality}, exclude_pk=entry.pk)
    relations = _relations(data)
    _check_districts(entry.municipality, relations.get("districts", []))
    entry = save_tracked(entry, actor=actor, m2m=relations, note=note, system_label=system_label)
    search.index_entries([entry])
    analysis.entries_changed([entry.pk])  # similar entries, after the commit
    return entry


@transaction.atomic
def entry_submit(*, actor: Any, entry: Entry, system_label: str = "System") -> Entry:
    """An editor (or a system process such as a stocktaking answer) hands a draft to the team for review."""
    _require(actor, "inventory.submit_entry", entry)
    entry.publication_state = PublicationState.IN_REVIEW
    search.changed()
    analysis.entries_changed([entry.pk])  # the team compares entries in review
    return save_tracked(entry, actor=actor, note=_("submitted for review"), system_label=system_label)


@transaction.atomic
def entry_publish(*, actor: Any, entry: Entry, note: str = "") -> Entry:
    _require(actor, "inventory.publish_entry", entry)
    entry.publication_state = PublicationState.PUBLISHED
    entry.published_at = entry.published_at or timezone.now()
    entry = save_tracked(entry, actor=actor, note=note or _("published"))
    # The index holds no publication state (visibility is filtered on the entries themselves), but whatever
    # is published must be findable, also when it came in by a path that did not index it.
    search.index_entries([entry])
    analysis.entries_changed([entry.pk])
    return entry


@transaction.atomic
def entry_return_to_draft(*, actor: Any, entry: Entry, reason: str = "") -> Entry:
    """Unpublish, or send an entry in review back to its editors."""
    _require(actor, "inventory.publish_entry", entry)
    entry.publication_state = PublicationState.DRAFT
    search.changed()  # the search's facet counts of published entries
    analysis.entries_changed([entry.pk])  # no longer among the public similar entries
    return save_tracked(entry, actor=actor, note=reason or _("returned to draft"))


@transaction.atomic
def entry_delete(*, actor: Any, entry: Entry) -> None:
    _require(actor, "inventory.delete_entry", entry)
    pk = entry.pk
    delete_tracked(entry, actor=actor)
    search.remove_entries([pk])  # the key cascades already; this keeps the index's own bookkeeping explicit
    analysis.entries_changed([pk])


def organisations_for_new_entries(*, actor: Any, municipality: Municipality) -> list[Organisation]:
    """The lead organisations a person may choose: all of the city for its team, their own for editors."""
    organisations = Organisation.objects.filter(municipality=municipality, is_active=True).order_by("name")
    if actor.has_perm("inventory.add_entry", municipality):
        return list(organisations)
    return [organisation for organisation in organisations if actor.has_perm("inventory.add_entry", organisation)]


def entries_import(
    *,
    actor: Any,
    municipality: Municipality,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    progress: Any = None,
) -> Any:
    """Import a spreadsheet (XLSX or CSV) into the municipality's inventory: all rows or, on any error, none.

    The Smart City team imports; ``actor=None`` is the command line. See ``spreadsheets.import_entries``.
    """
    from .spreadsheets import import_entries

    _require(actor, "inventory.import_entries", municipality)
    result = import_entries(
        actor=actor, municipality=municipality, data=data, filename=filename, dry_run=dry_run, progress=progress
    )
    if result.saved:
        # the municipality's entries: unchanged texts cost a hash each (see smartstadt/analysis/indexing.py)
        analysis.entries_changed(Entry.objects.filter(municipality=municipality).values_list("pk", flat=True))
    return result

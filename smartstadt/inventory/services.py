"""Writes to the inventory: permission-checked, atomic, with change history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from smartstadt.core.history import delete_tracked, save_tracked
from smartstadt.core.permissions import Actor, Viewer, permits, require
from smartstadt.regions.models import Municipality, Organisation
from smartstadt.regions.services import unique_slug

from .effects import entries_written
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


def _relations(data: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: list(data[name]) for name in RELATIONS if name in data and data[name] is not None}


def _check_districts(municipality: Municipality, districts: Iterable[Any]) -> None:
    foreign = [d for d in districts if getattr(d, "municipality_id", municipality.pk) != municipality.pk]
    if foreign:
        raise ValidationError({"districts": _("Districts must belong to the entry's municipality.")})


@transaction.atomic
def entry_create(*, actor: Actor, municipality: Municipality, data: dict[str, Any], note: str = "") -> Entry:
    """Create an entry. Editors create entries their organisation leads; the team creates any in its city."""
    lead = data.get("lead_organisation")
    may_for_lead = lead is not None and permits(actor, "inventory.add_entry", lead)
    if not (permits(actor, "inventory.add_entry", municipality) or may_for_lead):
        raise PermissionDenied
    entry = Entry(municipality=municipality)
    for name in ENTRY_FIELDS:
        if name in data:
            setattr(entry, name, data[name])
    entry.slug = unique_slug(Entry, entry.title, scope={"municipality": municipality})
    relations = _relations(data)
    _check_districts(municipality, relations.get("districts", []))
    entry = save_tracked(entry, actor=actor, m2m=relations, note=note)
    entries_written([entry.pk], actor=actor)
    return entry


@transaction.atomic
def entry_update(*, actor: Actor, entry: Entry, data: dict[str, Any], note: str = "") -> Entry:
    require(actor, "inventory.change_entry", entry)
    new_lead = data.get("lead_organisation", entry.lead_organisation)
    if new_lead != entry.lead_organisation and not (
        permits(actor, "inventory.publish_entry", entry)
        or (new_lead and permits(actor, "inventory.add_entry", new_lead))
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
    entry = save_tracked(entry, actor=actor, m2m=relations, note=note)
    entries_written([entry.pk], actor=actor)
    return entry


@transaction.atomic
def entry_submit(*, actor: Actor, entry: Entry) -> Entry:
    """An editor (or a system process such as a stocktaking answer) hands a draft to the team for review."""
    require(actor, "inventory.submit_entry", entry)
    entry.publication_state = PublicationState.IN_REVIEW
    entry = save_tracked(entry, actor=actor, note=gettext_noop("submitted for review"))
    entries_written([entry.pk], actor=actor)  # the team compares entries in review
    return entry


@transaction.atomic
def entry_publish(*, actor: Actor, entry: Entry, note: str = "") -> Entry:
    require(actor, "inventory.publish_entry", entry)
    entry.publication_state = PublicationState.PUBLISHED
    entry.published_at = entry.published_at or timezone.now()
    entry = save_tracked(entry, actor=actor, note=note or gettext_noop("published"))
    entries_written([entry.pk], actor=actor)
    return entry


@transaction.atomic
def entry_return_to_draft(*, actor: Actor, entry: Entry, reason: str = "") -> Entry:
    """Unpublish, or send an entry in review back to its editors."""
    require(actor, "inventory.publish_entry", entry)
    entry.publication_state = PublicationState.DRAFT
    entry = save_tracked(entry, actor=actor, note=reason or gettext_noop("returned to draft"))
    entries_written([entry.pk], actor=actor)  # no longer among the public similar entries and counts
    return entry


@transaction.atomic
def entry_delete(*, actor: Actor, entry: Entry) -> None:
    require(actor, "inventory.delete_entry", entry)
    pk = entry.pk
    delete_tracked(entry, actor=actor)
    entries_written(actor=actor, removed=[pk])


def organisations_for_new_entries(*, viewer: Viewer, municipality: Municipality) -> list[Organisation]:
    """The lead organisations a person may choose: all of the city for its team, their own for editors."""
    organisations = Organisation.objects.filter(municipality=municipality, is_active=True).order_by("name")
    if permits(viewer, "inventory.add_entry", municipality):
        return list(organisations)
    return [organisation for organisation in organisations if permits(viewer, "inventory.add_entry", organisation)]


def entries_import(
    *,
    actor: Actor,
    municipality: Municipality,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    progress: Any = None,
) -> Any:
    """Import a spreadsheet (XLSX or CSV) into the municipality's inventory: all rows or, on any error, none.

    The Smart City team imports; the command line is ``System("Import")``. See ``spreadsheets.import_entries``.
    """
    from .spreadsheets import import_entries

    require(actor, "inventory.import_entries", municipality)
    return import_entries(
        actor=actor, municipality=municipality, data=data, filename=filename, dry_run=dry_run, progress=progress
    )

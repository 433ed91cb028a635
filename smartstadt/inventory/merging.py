"""Merging two entries of one municipality that describe the same thing (duplicates).

:func:`entry_merge` keeps one entry and removes the other, in one transaction:

* every field takes the value chosen for it (``choices``: field → "keep", "remove" or, for lists, "both"); by
  default the surviving entry's value, the other's where the survivor has none, the union of partners,
  districts, tags, links and funding sources, and the more public publication state;
* whatever points to the removed entry (stocktaking answers, and any foreign key or many-to-many relation another
  app adds to ``Entry``) is moved to the survivor; the removed entry's own derived rows (search document, analysis
  vectors) go with it and are made anew for the survivor;
* the removed entry's old address answers with a permanent redirect to the survivor (:class:`EntryRedirect`,
  which also keeps its key, title and external id);
* history: the removed entry gets a "deleted" record with all its old values ("merged into …"), the survivor a
  record with its changed fields and "merged from <title> (#id)"; the survivor's history page shows the removed
  entry's records too (:func:`entry_history_records`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartstadt import search
from smartstadt.analysis import services as analysis
from smartstadt.core.history import actor_label, delete_tracked, diff, snapshot
from smartstadt.core.models import ChangeRecord

from .models import Entry, EntryRedirect, PublicationState

KEEP, REMOVE, BOTH = "keep", "remove", "both"

# Fields chosen together: a value of one without the other could be inconsistent (a type of knowledge for a
# project, a latitude without its longitude, a start year after the other entry's end year).
SINGLE_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "kind": ("kind", "knowledge_type"),
    "summary": ("summary",),
    "description": ("description",),
    "status": ("status",),
    "lead_organisation": ("lead_organisation",),
    "period": ("start_year", "end_year"),
    "budget_eur": ("budget_eur",),
    "contact_email": ("contact_email",),
    "maturity": ("maturity",),
    "transferability": ("transferability",),
    "licence": ("licence",),
    "location": ("latitude", "longitude"),
    "source_url": ("source_url",),
    "source_note": ("source_note",),
    "external_id": ("external_id",),
    "publication_state": ("publication_state", "published_at"),
}
LIST_FIELDS = ("partners", "districts", "terms", "links", "funding_sources")
RELATION_FIELDS = ("partners", "districts", "terms")
GROUP_LABELS = {"kind": gettext_lazy("Kind"), "period": gettext_lazy("Period"), "location": gettext_lazy("Place")}
PUBLICITY = {PublicationState.DRAFT: 0, PublicationState.IN_REVIEW: 1, PublicationState.PUBLISHED: 2}


def _require(actor: Any, entry: Entry) -> None:
    if actor is not None and not actor.has_perm("inventory.merge_entries", entry):
        raise PermissionDenied


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _values(entry: Entry, name: str) -> tuple[Any, ...]:
    return tuple(getattr(entry, field) for field in SINGLE_FIELDS[name])


def _list(entry: Entry, name: str) -> list[Any]:
    if name in RELATION_FIELDS:
        return list(getattr(entry, name).all())
    return list(getattr(entry, name) or [])


def default_choices(keep: Entry, remove: Entry) -> dict[str, str]:
    """The survivor's values, the other's where the survivor has none, lists joined, the more public state."""
    choices: dict[str, str] = {}
    for name in SINGLE_FIELDS:
        if name == "publication_state":
            more_public = PUBLICITY.get(remove.publication_state, 0) > PUBLICITY.get(keep.publication_state, 0)  # type: ignore[call-overload]
            choices[name] = REMOVE if more_public else KEEP
        elif name == "transferability":
            unassessed = keep.transferability == "not_assessed" and remove.transferability != "not_assessed"
            choices[name] = REMOVE if unassessed else KEEP
        else:
            keep_empty = all(_empty(value) for value in _values(keep, name))
            remove_empty = all(_empty(value) for value in _values(remove, name))
            choices[name] = REMOVE if keep_empty and not remove_empty else KEEP
    choices.update(dict.fromkeys(LIST_FIELDS, BOTH))
    return choices


def resolve_choices(keep: Entry, remove: Entry, choices: Mapping[str, str] | None) -> dict[str, str]:
    """The defaults overridden by the given choices; an unknown field or value is a ValidationError."""
    resolved = default_choices(keep, remove)
    errors: dict[str, str] = {}
    for name, value in (choices or {}).items():
        allowed = (KEEP, REMOVE, BOTH) if name in LIST_FIELDS else (KEEP, REMOVE)
        if name not in resolved:
            errors[name] = _("Unknown field “%(name)s”.") % {"name": name}
        elif value not in allowed:
            errors[name] = _("“%(value)s” is not a valid choice.") % {"value": value}
        else:
            resolved[name] = value
    if errors:
        raise ValidationError(errors)
    return resolved


def _joined(name: str, first: list[Any], second: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    result = []
    for item in first + second:
        key = item.get("url") if isinstance(item, dict) else getattr(item, "pk", item)
        if key in seen:
            continue
        seen.add(key)
        result.append(item)
    return result


def _move_relations(remove: Entry, keep: Entry) -> int:
    """Point every reverse relation of ``remove`` at ``keep``; returns how many rows moved. Rows the survivor
    already has (the same invitation, a unique key per entry) are dropped instead of duplicated."""
    moved = 0
    for relation in Entry._meta.related_objects:
        if relation.one_to_one:
            continue  # rows derived from the entry itself: they go with it and are rebuilt for the survivor
        field = relation.field
        if relation.many_to_many:
            through = cast(Any, relation).through
            entry_column = field.m2m_reverse_field_name()  # type: ignore[attr-defined]
            owner_column = field.m2m_field_name()  # type: ignore[attr-defined]
            rows = through._default_manager.filter(**{entry_column: remove.pk})
            owners = list(rows.values_list(f"{owner_column}_id", flat=True))
            shared = through._default_manager.filter(
                **{entry_column: keep.pk, f"{owner_column}_id__in": owners}
            ).values_list(f"{owner_column}_id", flat=True)
            rows.filter(**{f"{owner_column}_id__in": list(shared)}).delete()
            moved += rows.update(**{entry_column: keep.pk})
            continue
        model = relation.related_model
        manager = model._default_manager
        for pk in list(manager.filter(**{field.name: remove.pk}).values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    moved += manager.filter(pk=pk).update(**{field.name: keep.pk})
            except IntegrityError:
                manager.filter(pk=pk).delete()  # the survivor has this row already (a unique key per entry)
    return moved


@transaction.atomic
def entry_merge(*, actor: Any, keep: Entry, remove: Entry, choices: Mapping[str, str] | None = None) -> Entry:
    """Merge ``remove`` into ``keep`` (see the module). The Smart City team of the entries' municipality (those
    who may publish its entries) merges; ``actor=None`` is a system process. Atomic: on any error nothing
    changes."""
    if keep.pk == remove.pk:
        raise ValidationError(_("An entry cannot be merged with itself."))
    if keep.municipality_id != remove.municipality_id:
        raise ValidationError(_("Only entries of the same municipality can be merged."))
    _require(actor, keep)
    _require(actor, remove)
    locked = Entry.objects.select_for_update().select_related("municipality").in_bulk([keep.pk, remove.pk])
    if keep.pk not in locked or remove.pk not in locked:
        raise ValidationError(_("One of the entries no longer exists."))
    keep, remove = locked[keep.pk], locked[remove.pk]
    resolved = resolve_choices(keep, remove, choices)
    before = snapshot(keep)

    for name, fields in SINGLE_FIELDS.items():
        if resolved[name] == REMOVE:
            for field in fields:
                setattr(keep, field, getattr(remove, field))
    relations: dict[str, list[Any]] = {}
    for name in LIST_FIELDS:
        mine, theirs = _list(keep, name), _list(remove, name)
        value = {KEEP: mine, REMOVE: theirs, BOTH: _joined(name, mine, theirs)}[resolved[name]]
        if name in RELATION_FIELDS:
            relations[name] = value
        else:
            setattr(keep, name, value)

    _move_relations(remove, keep)
    EntryRedirect.objects.filter(municipality_id=remove.municipality_id, slug=remove.slug).delete()
    EntryRedirect.objects.create(
        municipality_id=remove.municipality_id,
        slug=remove.slug,
        old_entry_id=remove.pk,
        old_title=remove.title[:300],
        old_external_id=remove.external_id,
        entry=keep,
    )
    removed_pk, removed_title = remove.pk, remove.title
    delete_tracked(
        remove, actor=actor, note=_("merged into “%(title)s” (#%(id)s)") % {"title": keep.title, "id": keep.pk}
    )
    keep.full_clean()
    keep.save()
    for name, values in relations.items():
        getattr(keep, name).set(values)
    changes = diff(before, snapshot(keep))
    changes[_("merged from")] = {"old": None, "new": f"{removed_title} (#{removed_pk})"}
    ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(Entry),
        object_id=str(keep.pk),
        object_repr=str(keep)[:200],
        action=ChangeRecord.Action.CHANGED,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor),
        changes=changes,
        note=(_("merged from “%(title)s” (#%(id)s)") % {"title": removed_title, "id": removed_pk})[:200],
    )
    search.index_entries([keep])
    search.remove_entries([removed_pk])
    analysis.entries_changed([keep.pk, removed_pk])  # the survivor's new text; the removed one leaves the index
    return keep


# --- Reads ----------------------------------------------------------------------------------------------------


def redirect_for(*, municipality_slug: str, slug: str) -> Entry | None:
    """The entry a merged entry's old address leads to, if any."""
    redirect = (
        EntryRedirect.objects.filter(municipality__slug=municipality_slug, slug=slug)
        .select_related("entry__municipality")
        .first()
    )
    return None if redirect is None else redirect.entry


def merged_entry_ids(entry: Entry) -> list[int]:
    return list(EntryRedirect.objects.filter(entry=entry).values_list("old_entry_id", flat=True))


def entry_history_records(*, viewer: Any, entry: Entry) -> QuerySet[ChangeRecord]:
    """The entry's change history with that of the entries merged into it, newest first."""
    if not viewer.has_perm("core.view_history", entry):
        raise PermissionDenied
    ids = [str(entry.pk), *(str(pk) for pk in merged_entry_ids(entry))]
    return ChangeRecord.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Entry)) & Q(object_id__in=ids)
    ).select_related("actor")


def get_entries_to_merge(*, user: Any, municipality_slug: str, keep_id: Any, remove_id: Any) -> tuple[Entry, Entry]:
    """Both entries of a merge: 404 when either is missing or of another municipality, 403 without the right."""
    from django.http import Http404

    try:
        ids = [int(keep_id), int(remove_id)]
    except (TypeError, ValueError):
        raise Http404 from None
    found = (
        Entry.objects.filter(municipality__slug=municipality_slug, pk__in=ids)
        .select_related("municipality", "lead_organisation")
        .prefetch_related("partners", "districts", "terms__framework")
        .in_bulk()
    )
    if ids[0] == ids[1] or len(found) != 2:
        raise Http404
    keep, remove = found[ids[0]], found[ids[1]]
    if not (user.has_perm("inventory.merge_entries", keep) and user.has_perm("inventory.merge_entries", remove)):
        raise PermissionDenied
    return keep, remove


@dataclass(frozen=True)
class FieldRow:
    """One line of the side-by-side comparison: the field, both values as text, and the default choice."""

    name: str
    label: str
    keep: str
    remove: str
    default: str
    is_list: bool

    @property
    def differs(self) -> bool:
        return self.keep != self.remove


def _display(entry: Entry, name: str) -> str:
    if name in RELATION_FIELDS:
        return ", ".join(str(item) for item in _list(entry, name))
    if name == "links":
        return "\n".join(str(link.get("url", "")) for link in entry.links if isinstance(link, dict))
    if name == "funding_sources":
        return "; ".join(str(item) for item in entry.funding_sources)
    if name == "kind":
        kind = entry.get_kind_display()
        return f"{kind} ({entry.get_knowledge_type_display()})" if entry.knowledge_type else kind
    if name == "period":
        return entry.years
    if name == "location":
        return f"{entry.latitude}, {entry.longitude}" if entry.has_location else ""
    if name == "publication_state":
        return entry.get_publication_state_display()
    field = Entry._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        value = getattr(entry, name)
        return "" if value is None else str(value)
    if getattr(field, "choices", None):
        return str(getattr(entry, f"get_{name}_display")())
    value = getattr(entry, name)
    return "" if value is None else str(value)


def _label(name: str) -> str:
    if name in GROUP_LABELS:
        return str(GROUP_LABELS[name])
    return str(Entry._meta.get_field(name).verbose_name).capitalize()  # type: ignore[union-attr]


def comparison(keep: Entry, remove: Entry) -> list[FieldRow]:
    """Every field of both entries side by side, with the default choice."""
    defaults = default_choices(keep, remove)
    return [
        FieldRow(
            name=name,
            label=_label(name),
            keep=_display(keep, name),
            remove=_display(remove, name),
            default=defaults[name],
            is_list=name in LIST_FIELDS,
        )
        for name in [*SINGLE_FIELDS, *LIST_FIELDS]
    ]

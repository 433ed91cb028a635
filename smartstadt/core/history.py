"""Change history for every domain record.

Services call these helpers explicitly; nothing is recorded behind their back by signals.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .bulk import insert_rows
from .models import ChangeRecord, User
from .permissions import Actor, System, Viewer

SYSTEM_LABEL = "System"
# token_hash: the hash of a personal link (stocktaking) is a credential, not a change worth showing.
IGNORED_FIELDS = frozenset({"created_at", "updated_at", "search_vector", "token_hash"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The tracked state of a record: concrete fields by attribute name, many-to-many as sorted ids."""
    state: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS or field.primary_key:
            continue
        state[field.name] = _jsonable(getattr(instance, field.attname))
    if instance.pk is not None:
        for m2m in instance._meta.many_to_many:
            if m2m.name in IGNORED_FIELDS:
                continue
            state[m2m.name] = sorted(getattr(instance, m2m.name).values_list("pk", flat=True))
    return state


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        key: {"old": before.get(key), "new": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


@dataclass(frozen=True)
class Note:
    """A note of the platform with values: ``Note(gettext_noop("merged into “%(title)s”"), {"title": …})``.

    Stored as the English message and its values and translated when shown (``ChangeRecord.note_text``), so that
    the history reads in the reader's language. A plain string is stored as it is: a message marked with
    ``gettext_noop`` is translated when shown as well, a person's own words stay as written."""

    message: str
    params: dict[str, Any]


def _note_fields(note: str | Note) -> dict[str, Any]:
    if isinstance(note, Note):
        return {"note": note.message[:200], "note_params": {k: _jsonable(v) for k, v in note.params.items()}}
    return {"note": note[:200], "note_params": {}}


def actor_label(actor: Actor) -> str:
    """How the actor appears in the history: a person by user name, a system process by its label."""
    if isinstance(actor, System):
        return actor.label
    if not getattr(actor, "is_authenticated", False):
        return SYSTEM_LABEL
    return str(actor.get_username())


def person(actor: Actor | Viewer) -> User | None:
    """The account to link a history row (or a "created by") to: the person, never a system process."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def record_change(
    *,
    actor: Actor,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    note: str | Note = "",
) -> ChangeRecord | None:
    """Write one history row. Returns None when an update changed nothing."""
    if action == ChangeRecord.Action.DELETED:
        changes = diff(before or snapshot(instance), {})
    else:
        changes = diff(before or {}, snapshot(instance))
        if action == ChangeRecord.Action.CHANGED and not changes:
            return None
    return ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        actor=person(actor),
        actor_label=actor_label(actor),
        changes=changes,
        **_note_fields(note),
    )


@dataclass(frozen=True)
class Change:
    """One change of a bulk write, to be recorded by :func:`record_many`: the record (saved, with its key), what
    happened to it, and the changed fields as :func:`diff` gives them."""

    instance: models.Model
    action: str
    changes: dict[str, dict[str, Any]]


def record_many(changes: Sequence[Change], *, actor: Actor, note: str | Note = "") -> int:
    """The bulk variant of :func:`record_change` for imports and merges: one history row per change, all written
    with one prepared statement, at one time. Unchanged updates (empty ``changes``) are left out, as
    :func:`record_change` leaves them out. Returns the number of rows written."""
    now = timezone.now()
    account, label, fields = person(actor), actor_label(actor), _note_fields(note)
    types: dict[type[models.Model], ContentType] = {}
    records = []
    for change in changes:
        if change.action == ChangeRecord.Action.CHANGED and not change.changes:
            continue
        model = type(change.instance)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        records.append(
            ChangeRecord(
                content_type=types[model],
                object_id=str(change.instance.pk),
                object_repr=str(change.instance)[:200],
                action=change.action,
                actor=account,
                actor_label=label,
                changes=change.changes,
                **fields,
                created_at=now,
            )
        )
    insert_rows(ChangeRecord, records)
    return len(records)


def save_tracked[M: models.Model](
    instance: M,
    *,
    actor: Actor,
    note: str | Note = "",
    m2m: dict[str, Any] | None = None,
    validate: bool = True,
) -> M:
    """Validate, save and record a record in one go; `m2m` sets many-to-many fields after saving.

    Callers run inside a transaction (services are atomic), so the record and its history land together.
    ``validate=False`` is for trusted bulk loads (the demo data); the database constraints still hold.
    """
    is_new = instance._state.adding
    before: dict[str, Any] = {}
    if not is_new:
        stored = type(instance)._default_manager.filter(pk=instance.pk).first()
        before = snapshot(stored) if stored is not None else {}
    if validate:
        instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    record_change(
        actor=actor,
        instance=instance,
        action=ChangeRecord.Action.CREATED if is_new else ChangeRecord.Action.CHANGED,
        before=before,
        note=note,
    )
    return instance


def delete_tracked(instance: models.Model, *, actor: Actor, note: str | Note = "") -> None:
    before = snapshot(instance)
    record_change(actor=actor, instance=instance, action=ChangeRecord.Action.DELETED, before=before, note=note)
    instance.delete()


def history_for(obj: models.Model) -> models.QuerySet[ChangeRecord]:
    return ChangeRecord.objects.for_object(obj).select_related("actor")

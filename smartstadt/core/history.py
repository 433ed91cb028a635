"""Change history for every domain record.

Services call these helpers explicitly; nothing is recorded behind their back by signals.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import ChangeRecord

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


def actor_label(actor: Any, default: str = SYSTEM_LABEL) -> str:
    from .permissions import System

    if isinstance(actor, System):
        return actor.label
    if actor is None or not getattr(actor, "is_authenticated", False):
        return default
    return str(actor.get_username())


def record_change(
    *,
    actor: Any,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    note: str = "",
    system_label: str = SYSTEM_LABEL,
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
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor, system_label),
        changes=changes,
        note=note[:200],
    )


def save_tracked[M: models.Model](
    instance: M,
    *,
    actor: Any,
    note: str = "",
    system_label: str = SYSTEM_LABEL,
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
        system_label=system_label,
    )
    return instance


def delete_tracked(instance: models.Model, *, actor: Any, note: str = "") -> None:
    before = snapshot(instance)
    record_change(actor=actor, instance=instance, action=ChangeRecord.Action.DELETED, before=before, note=note)
    instance.delete()


def history_for(obj: models.Model) -> models.QuerySet[ChangeRecord]:
    return ChangeRecord.objects.for_object(obj).select_related("actor")

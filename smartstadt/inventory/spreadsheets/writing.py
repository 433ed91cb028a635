"""Writing checked plans: bulk statements, one ``ChangeRecord`` per created or changed entry, the search index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.utils import timezone

from smartstadt.core.history import actor_label
from smartstadt.core.models import ChangeRecord

from ..models import Entry
from .columns import BATCH, REINDEX_INLINE
from .validation import _M2M_NAMES, _TRACKED, _Importer, _through


def write(self: _Importer, *, actor: Any, note: str, system_label: str) -> None:
    now = timezone.now()
    creates = [plan for plan in self.plans if plan.is_new]
    updates = [plan for plan in self.plans if not plan.is_new and plan.changes]
    total = len(creates) + len(updates)
    done = 0
    for batch in _chunks(creates, BATCH * 4):
        _insert_objects(Entry, [plan.entry for plan in batch])
        done += len(batch)
        self._report("write", done, total)
    if creates:
        # the new keys, by the URL names given above (unique within the municipality)
        slugs = {plan.entry.slug: plan.entry for plan in creates}
        for batch_slugs in _chunks(list(slugs), BATCH):
            for slug, pk in Entry.objects.filter(municipality=self.municipality, slug__in=batch_slugs).values_list(
                "slug", "pk"
            ):
                slugs[slug].pk = pk
                slugs[slug]._state.adding = False
    by_fields: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
    for plan in updates:
        plan.entry.updated_at = now
        names = tuple(sorted(f.attname for f in _TRACKED if f.name in plan.changed_fields))
        by_fields[names].append(plan.entry)
    for names, entries in by_fields.items():
        for batch_entries in _chunks(entries, BATCH):
            Entry.objects.bulk_update(batch_entries, [*names, "updated_at"])
            done += len(batch_entries)
            self._report("write", done, total)
    for name in _M2M_NAMES:
        through, source, target = _through(name)
        changed = [plan for plan in creates + updates if name in plan.changed_relations]
        stale = [plan.entry.pk for plan in changed if not plan.is_new]
        for ids in _chunks(stale, BATCH):
            through.objects.filter(**{f"{source}__in": ids}).delete()
        pairs = [(plan.entry.pk, target_id) for plan in changed for target_id in plan.relations.get(name, [])]
        _insert_pairs(through, source, target, pairs)
    content_type = ContentType.objects.get_for_model(Entry)
    label = actor_label(actor, system_label)
    person = actor if getattr(actor, "is_authenticated", False) else None
    records = [
        ChangeRecord(
            content_type=content_type,
            object_id=str(plan.entry.pk),
            object_repr=str(plan.entry)[:200],
            action=ChangeRecord.Action.CREATED if plan.is_new else ChangeRecord.Action.CHANGED,
            actor=person,
            actor_label=label,
            changes=plan.changes,
            note=note[:200],
            created_at=now,
        )
        for plan in creates + updates
    ]
    _insert_objects(ChangeRecord, records)
    _reindex([plan.entry.pk for plan in creates + updates])


def _insert_objects(model: Any, objects: Sequence[Any]) -> None:
    """New rows in one prepared statement executed many times. ``bulk_create`` builds one huge statement per batch,
    which takes most of the time of a large import; the keys of new entries are read back afterwards."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names of the model's table and fields)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert_pairs(through: Any, source: str, target: str, pairs: list[tuple[int, int]]) -> None:
    """Rows of a many-to-many table in one prepared statement: tens of thousands, without a model object each."""
    if not pairs:
        return
    connection = connections[router.db_for_write(through)]
    quote = connection.ops.quote_name
    table = quote(through._meta.db_table)
    columns = ", ".join(quote(through._meta.get_field(name).column) for name in (source, target))
    with connection.cursor() as cursor:
        for batch in _chunks(pairs, 5000):
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s)", batch)  # noqa: S608 (model names)


def _reindex(entry_ids: list[int]) -> None:
    """Update the full-text search for the written entries: small imports at once, large ones after the commit in
    the task worker, so the import itself stays fast (the search then lags a little behind)."""
    if not entry_ids:
        return
    if len(entry_ids) <= REINDEX_INLINE:
        from ..search import index_entries

        index_entries(entry_ids)
        return
    from ..tasks import reindex_entries

    transaction.on_commit(lambda: reindex_entries.enqueue(entry_ids=entry_ids))


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

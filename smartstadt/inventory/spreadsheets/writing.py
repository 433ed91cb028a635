"""Writing checked plans: bulk statements for entries and their relations, then ``effects.entries_written`` with one
history change per created or changed entry (history, search, analysis, kept pages)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connections, router
from django.utils import timezone

from smartstadt.core.bulk import insert_rows
from smartstadt.core.history import Change, Note
from smartstadt.core.models import ChangeRecord
from smartstadt.core.permissions import Actor

from ..effects import entries_written
from ..models import Entry
from .columns import BATCH
from .validation import _M2M_NAMES, _TRACKED, _Importer, _through


def write(self: _Importer, *, actor: Actor, note: str | Note) -> None:
    now = timezone.now()
    creates = [plan for plan in self.plans if plan.is_new]
    updates = [plan for plan in self.plans if not plan.is_new and plan.changes]
    total = len(creates) + len(updates)
    done = 0
    for batch in _chunks(creates, BATCH * 4):
        insert_rows(Entry, [plan.entry for plan in batch])
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
    written = creates + updates
    history = [
        Change(plan.entry, ChangeRecord.Action.CREATED if plan.is_new else ChangeRecord.Action.CHANGED, plan.changes)
        for plan in written
    ]
    entries_written([plan.entry.pk for plan in written], actor=actor, history=history, note=note)


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


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

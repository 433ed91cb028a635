"""Writes to strategies: permission-checked, atomic, with change history on every record."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from smartstadt.core.history import delete_tracked, person, record_change, save_tracked
from smartstadt.core.models import ChangeRecord
from smartstadt.core.permissions import Actor, require
from smartstadt.frameworks.models import Framework
from smartstadt.inventory.models import Entry
from smartstadt.regions.models import Municipality, Region

from .elements import KINDS, ElementKind, kind_of
from .models import Challenge, Measure, Strategy, StrategyVersion, VersionKind
from .versions import strategy_snapshot

STRATEGY_FIELDS = ("title", "motto", "vision", "summary", "topic_framework", "source_url", "source_note")
# Relations that must point into the same strategy as the element itself.
SAME_STRATEGY = ("goals", "challenges", "fields_of_action")


def _strategy_of(element: models.Model) -> Strategy:
    strategy = getattr(element, "strategy", None)
    if not isinstance(strategy, Strategy):
        raise TypeError(type(element).__name__)
    return strategy


def _check_relations(strategy: Strategy, relations: dict[str, list[Any]]) -> None:
    """Related goals, challenges and fields of the same strategy; tags, districts and entries of its place."""
    errors: dict[str, str] = {}
    for name in SAME_STRATEGY:
        if any(getattr(item, "strategy_id", strategy.pk) != strategy.pk for item in relations.get(name, [])):
            errors[name] = _("Only parts of this strategy can be chosen.")
    municipality = strategy.municipality
    if any(getattr(d, "municipality_id", municipality.pk) != municipality.pk for d in relations.get("districts", [])):
        errors["districts"] = _("Districts must belong to the strategy's municipality.")
    for name in ("terms", "topic_terms"):
        allowed = set(Framework.objects.visible_for_municipality(municipality.pk).values_list("pk", flat=True))
        if any(term.framework_id not in allowed for term in relations.get(name, [])):
            errors[name] = _("Only tags of the reference frameworks and of the municipality can be chosen.")
    if errors:
        raise ValidationError(errors)


def _strategy_municipalities(strategy: Strategy) -> models.QuerySet[Municipality]:
    region_id = strategy.region_id or strategy.municipality.region_id
    if region_id:
        return Municipality.objects.filter(region_id=region_id)
    return Municipality.objects.filter(pk=strategy.municipality_id)


# --- Strategy --------------------------------------------------------------------------------------


@transaction.atomic
def strategy_create(
    *, actor: Actor, municipality: Municipality, data: dict[str, Any], region: Region | None = None
) -> Strategy:
    require(actor, "strategy.add_strategy", municipality)
    exists = Strategy.objects.filter(municipality=municipality, region=region)
    if region is None:
        exists = Strategy.objects.filter(municipality=municipality, region__isnull=True)
    if exists.exists():
        raise ValidationError(_("%(name)s already has this strategy.") % {"name": municipality.name})
    strategy = Strategy(municipality=municipality, region=region)
    for name in STRATEGY_FIELDS:
        if name in data:
            setattr(strategy, name, data[name])
    return save_tracked(strategy, actor=actor)


@transaction.atomic
def strategy_update(*, actor: Actor, strategy: Strategy, data: dict[str, Any]) -> Strategy:
    require(actor, "strategy.change_strategy", strategy)
    framework = data.get("topic_framework")
    if framework is not None and framework.municipality_id not in (None, strategy.municipality_id):
        raise ValidationError({"topic_framework": _("Choose a framework of the municipality or a reference one.")})
    for name in STRATEGY_FIELDS:
        if name in data:
            setattr(strategy, name, data[name])
    return save_tracked(strategy, actor=actor)


@transaction.atomic
def strategy_set_published(*, actor: Actor, strategy: Strategy, published: bool) -> Strategy:
    require(actor, "strategy.publish_strategy", strategy)
    strategy.is_published = published
    if published and strategy.published_at is None:
        strategy.published_at = timezone.now()
    return save_tracked(
        strategy, actor=actor, note=gettext_noop("published") if published else gettext_noop("withdrawn")
    )


# --- Elements (Leitsätze, goals, challenges, fields of action, measures, indicators, milestones) ----------


def _next_number(strategy: Strategy) -> str:
    numbers = [
        int(n) for n in Measure.objects.filter(strategy=strategy).values_list("number", flat=True) if n.isdigit()
    ]
    return str(max(numbers, default=0) + 1)


def _apply(kind: ElementKind, element: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    for name in kind.fields:
        if name in data:
            setattr(element, name, data[name])
    return {name: list(data[name]) for name in kind.relations if data.get(name) is not None}


@transaction.atomic
def element_create(*, actor: Actor, kind: ElementKind, parent: models.Model, data: dict[str, Any]) -> models.Model:
    """A new part at the end of its list; ``parent`` is the strategy, or the measure for indicators and
    milestones."""
    strategy = parent if isinstance(parent, Strategy) else _strategy_of(parent)
    require(actor, "strategy.change_strategy", strategy)
    element = kind.model(**{kind.parent: parent})
    relations = _apply(kind, element, data)
    _check_relations(strategy, relations)
    last = kind.siblings(parent).aggregate(last=models.Max("order"))["last"]
    element.order = 0 if last is None else last + 1  # type: ignore[attr-defined]
    if isinstance(element, Measure) and not element.number:
        element.number = _next_number(strategy)
    return save_tracked(element, actor=actor, m2m=relations)


@transaction.atomic
def element_update(*, actor: Actor, element: models.Model, data: dict[str, Any]) -> models.Model:
    strategy = _strategy_of(element)
    require(actor, "strategy.change_strategy", strategy)
    relations = _apply(kind_of(element), element, data)
    _check_relations(strategy, relations)
    return save_tracked(element, actor=actor, m2m=relations)


@transaction.atomic
def element_delete(*, actor: Actor, element: models.Model) -> None:
    strategy = _strategy_of(element)
    require(actor, "strategy.change_strategy", strategy)
    kind = kind_of(element)
    parent = getattr(element, kind.parent)
    if isinstance(element, Measure):
        for child in [*element.indicators.all(), *element.milestones.all()]:
            delete_tracked(child, actor=actor, note=gettext_noop("deleted with its measure"))
    delete_tracked(element, actor=actor)
    _renumber(kind, parent, actor=actor, ids=list(kind.siblings(parent).values_list("pk", flat=True)))


def _renumber(kind: ElementKind, parent: models.Model, *, actor: Actor, ids: Sequence[int]) -> int:
    """Give the siblings the order of ``ids``; history for those whose place changed. Returns how many moved."""
    by_pk = {element.pk: element for element in kind.siblings(parent)}
    moved = 0
    for position, pk in enumerate(ids):
        element = by_pk[pk]
        if element.order != position:
            element.order = position
            save_tracked(element, actor=actor, note=gettext_noop("reordered"), validate=False)
            moved += 1
    return moved


@transaction.atomic
def element_move(*, actor: Actor, element: models.Model, offset: int) -> int:
    """Move one part up (-1) or down (+1) among its siblings (the keyboard's and no-JavaScript way)."""
    strategy = _strategy_of(element)
    require(actor, "strategy.change_strategy", strategy)
    kind = kind_of(element)
    parent = getattr(element, kind.parent)
    ids = list(kind.siblings(parent).values_list("pk", flat=True))
    index = ids.index(element.pk)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(ids):
        return _renumber(kind, parent, actor=actor, ids=ids)
    ids[index], ids[target] = ids[target], ids[index]
    return _renumber(kind, parent, actor=actor, ids=ids)


@transaction.atomic
def elements_reorder(*, actor: Actor, kind: ElementKind, parent: models.Model, ids: Sequence[int]) -> int:
    """Put all parts of a list in the given order (the drag-and-drop way). ``ids`` must name each exactly once."""
    strategy = parent if isinstance(parent, Strategy) else _strategy_of(parent)
    require(actor, "strategy.change_strategy", strategy)
    current = list(kind.siblings(parent).values_list("pk", flat=True))
    if sorted(ids) != sorted(current) or len(set(ids)) != len(ids):
        raise ValidationError(_("The new order must name every item of the list exactly once."))
    return _renumber(kind, parent, actor=actor, ids=list(ids))


# --- Links to the inventory (solution suggestions) ------------------------------------------------------


def linkable_entries(strategy: Strategy) -> models.QuerySet[Entry]:
    """Published entries of the strategy's region (of the municipality where it has no region)."""
    return Entry.objects.published().filter(municipality__in=_strategy_municipalities(strategy))


@transaction.atomic
def element_link_entry(*, actor: Actor, element: Challenge | Measure, entry: Entry, linked: bool = True) -> bool:
    """Link (or unlink) an inventory entry to a challenge or a measure. Returns whether something changed."""
    strategy = element.strategy
    require(actor, "strategy.change_strategy", strategy)
    if linked and not linkable_entries(strategy).filter(pk=entry.pk).exists():
        raise ValidationError(_("Only published entries of the region can be linked."))
    current = set(element.entries.values_list("pk", flat=True))
    wanted = current | {entry.pk} if linked else current - {entry.pk}
    if wanted == current:
        return False
    save_tracked(element, actor=actor, m2m={"entries": sorted(wanted)}, validate=False)
    return True


# --- Versions -----------------------------------------------------------------------------------------


@transaction.atomic
def version_freeze(
    *, actor: Actor, strategy: Strategy, label: str, kind: str = VersionKind.DRAFT, note: str = ""
) -> StrategyVersion:
    """Freeze the current state as the next numbered version (a full snapshot, compared later)."""
    require(actor, "strategy.freeze_version", strategy)
    label = re.sub(r"\s+", " ", label).strip()
    if not label:
        raise ValidationError({"label": _("Please name the version, e.g. “Entwurf 1”.")})
    if kind not in VersionKind.values:
        raise ValidationError({"kind": _("Unknown kind of version.")})
    # Lock the strategy row so two freezes at once do not take the same number.
    Strategy.objects.select_for_update().filter(pk=strategy.pk).first()
    last = strategy.versions.aggregate(last=models.Max("number"))["last"] or 0
    version = StrategyVersion(
        strategy=strategy,
        number=last + 1,
        label=label[:120],
        kind=kind,
        note=note,
        snapshot=strategy_snapshot(strategy),
        created_by=person(actor),
    )
    version.full_clean()
    version.save()
    record = record_change(actor=actor, instance=version, action=ChangeRecord.Action.CREATED)
    if record is not None:
        # The snapshot is the version itself; the history names it instead of holding a second copy.
        record.changes["snapshot"] = {"old": None, "new": f"{version.number}: {version.label}"}
        record.save(update_fields=["changes"])
    return version


def kind_for_slug(slug: str) -> ElementKind:
    try:
        return KINDS[slug]
    except KeyError:
        raise ValidationError(_("Unknown part of the strategy.")) from None

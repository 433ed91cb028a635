"""Frozen versions of a strategy: the full snapshot as JSON, and the comparison of any two snapshots.

The snapshot holds everything a reader of the strategy sees, by value (titles and labels, not only keys), so a
version still reads the same after goals, tags or entries were renamed or deleted. Parts keep their ids so a
comparison tells a changed measure from a removed and an added one. ``SCHEMA`` counts the layout.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Challenge, FieldOfAction, Goal, Horizon, Measure, Priority, Strategy

SCHEMA = 1
STRATEGY_TEXTS = ("title", "motto", "vision", "summary")
MEASURE_TEXTS = ("title", "objective", "description", "stakeholders", "funding")
MEASURE_VALUES = ("number", "priority", "horizon", "lead_organisation", "period", "budget_eur", "source_url")
MEASURE_LISTS = (
    "topic_terms",
    "goals",
    "challenges",
    "fields_of_action",
    "entries",
    "partner_municipalities",
    "districts",
)


def _names(items: Any, attribute: str = "title") -> list[str]:
    return [str(getattr(item, attribute)) for item in items]


def strategy_snapshot(strategy: Strategy) -> dict[str, Any]:
    """The whole strategy as plain JSON (a fixed number of queries, whatever its size)."""
    strategy = Strategy.objects.select_related("municipality", "region", "topic_framework").get(pk=strategy.pk)
    challenges = Challenge.objects.filter(strategy=strategy).prefetch_related("goals", "entries")
    fields = FieldOfAction.objects.filter(strategy=strategy).prefetch_related("terms")
    measures = (
        Measure.objects.filter(strategy=strategy)
        .select_related("lead_organisation")
        .prefetch_related(
            "topic_terms",
            "goals",
            "challenges",
            "fields_of_action",
            "entries",
            "partner_municipalities",
            "districts",
            "indicators",
            "milestones",
        )
    )
    return {
        "schema": SCHEMA,
        "strategy": {
            "id": strategy.pk,
            "municipality": strategy.municipality.name,
            "region": strategy.region.name if strategy.region else None,
            "title": strategy.title,
            "motto": strategy.motto,
            "vision": strategy.vision,
            "summary": strategy.summary,
            "topic_framework": strategy.topic_framework.name if strategy.topic_framework else None,
        },
        "guiding_principles": [{"id": p.pk, "text": p.text} for p in strategy.guiding_principles.all()],
        "goals": [
            {"id": g.pk, "title": g.title, "description": g.description} for g in Goal.objects.filter(strategy=strategy)
        ],
        "challenges": [
            {
                "id": c.pk,
                "title": c.title,
                "description": c.description,
                "goals": _names(c.goals.all()),
                "entries": _names(c.entries.all()),
            }
            for c in challenges
        ],
        "fields_of_action": [
            {"id": f.pk, "title": f.title, "description": f.description, "terms": _names(f.terms.all(), "label")}
            for f in fields
        ],
        "measures": [_measure_snapshot(m) for m in measures],
    }


def _measure_snapshot(measure: Measure) -> dict[str, Any]:
    return {
        "id": measure.pk,
        "number": measure.number,
        "title": measure.title,
        "priority": measure.priority,
        "horizon": measure.horizon,
        "objective": measure.objective,
        "description": measure.description,
        "stakeholders": measure.stakeholders,
        "lead_organisation": measure.lead_organisation.name if measure.lead_organisation else "",
        "period": measure.period,
        "budget_eur": str(measure.budget_eur) if measure.budget_eur is not None else "",
        "funding": measure.funding,
        "source_url": measure.source_url,
        "topic_terms": _names(measure.topic_terms.all(), "label"),
        "goals": _names(measure.goals.all()),
        "challenges": _names(measure.challenges.all()),
        "fields_of_action": _names(measure.fields_of_action.all()),
        "entries": _names(measure.entries.all()),
        "partner_municipalities": _names(measure.partner_municipalities.all(), "name"),
        "districts": _names(measure.districts.all(), "name"),
        "indicators": [
            {
                "name": i.name,
                "unit": i.unit,
                "baseline": str(i.baseline) if i.baseline is not None else "",
                "target": str(i.target) if i.target is not None else "",
                "year": i.year,
            }
            for i in measure.indicators.all()
        ],
        "milestones": [
            {"title": s.title, "date": s.date.isoformat() if s.date else "", "year": s.year, "done": s.done}
            for s in measure.milestones.all()
        ],
    }


# --- Comparison -----------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "insert" or "delete"
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """The change from ``old`` to ``new`` word by word: whole words inserted or deleted, spaces kept."""
    before, after = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    segments: list[Segment] = []

    def add(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if op != "equal" and not text.strip():
            op = "equal"  # a changed space alone is no change worth marking
        if segments and segments[-1].op == op:
            segments[-1] = Segment(op, segments[-1].text + text)
        else:
            segments.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", before[i1:i2])
        else:
            add("delete", before[i1:i2])
            add("insert", after[j1:j2])
    return segments


@dataclass
class FieldChange:
    label: str
    segments: list[Segment] = field(default_factory=list)  # a text, word by word
    added: list[str] = field(default_factory=list)  # a list: items added and removed
    removed: list[str] = field(default_factory=list)
    old: str = ""  # a single value
    new: str = ""

    @property
    def is_text(self) -> bool:
        return bool(self.segments)

    @property
    def is_list(self) -> bool:
        return bool(self.added or self.removed)


@dataclass
class ItemChange:
    title: str
    fields: list[FieldChange]


@dataclass
class SectionComparison:
    key: str
    label: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    moved: bool = False  # same items, other order

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.moved)


@dataclass
class Comparison:
    texts: list[FieldChange]
    sections: list[SectionComparison]

    @property
    def is_empty(self) -> bool:
        return not self.texts and not any(self.sections)

    def section(self, key: str) -> SectionComparison:
        return next(section for section in self.sections if section.key == key)


def _label(model: Any, name: str) -> str:
    text = str(model._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


def _text_change(label: str, old: Any, new: Any) -> FieldChange | None:
    old, new = str(old or ""), str(new or "")
    if old == new:
        return None
    return FieldChange(label=label, segments=word_diff(old, new))


def _list_change(label: str, old: list[Any], new: list[Any]) -> FieldChange | None:
    added = [str(item) for item in new if item not in old]
    removed = [str(item) for item in old if item not in new]
    if not added and not removed:
        return None
    return FieldChange(label=label, added=added, removed=removed)


def _choice(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "–"


def _value(name: str, value: Any) -> str:
    if name == "priority":
        return _choice(Priority, value)
    if name == "horizon":
        return _choice(Horizon, value)
    return str(value) if value not in (None, "") else "–"


def _indicator_line(item: dict[str, Any]) -> str:
    unit = f" {item['unit']}" if item.get("unit") else ""
    return _("%(name)s: %(baseline)s → %(target)s%(unit)s (%(year)s)") % {
        "name": item.get("name", ""),
        "baseline": item.get("baseline") or "–",
        "target": item.get("target") or "–",
        "unit": unit,
        "year": item.get("year") or "–",
    }


def _milestone_line(item: dict[str, Any]) -> str:
    when = item.get("date") or item.get("year") or "–"
    state = _("reached") if item.get("done") else _("open")
    return f"{item.get('title', '')} ({when}, {state})"


def _measure_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    changes: list[FieldChange | None] = []
    for name in MEASURE_VALUES:
        if old.get(name, "") != new.get(name, ""):
            changes.append(
                FieldChange(
                    label=_label(Measure, name), old=_value(name, old.get(name)), new=_value(name, new.get(name))
                )
            )
    changes += [_text_change(_label(Measure, name), old.get(name), new.get(name)) for name in MEASURE_TEXTS]
    changes += [_list_change(_label(Measure, name), old.get(name, []), new.get(name, [])) for name in MEASURE_LISTS]
    changes.append(
        _list_change(
            _("Indicators"),
            [_indicator_line(i) for i in old.get("indicators", [])],
            [_indicator_line(i) for i in new.get("indicators", [])],
        )
    )
    changes.append(
        _list_change(
            _("Milestones"),
            [_milestone_line(i) for i in old.get("milestones", [])],
            [_milestone_line(i) for i in new.get("milestones", [])],
        )
    )
    return [change for change in changes if change is not None]


def _element_changes(key: str, old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    if key == "measures":
        return _measure_changes(old, new)
    model = {"goals": Goal, "challenges": Challenge, "fields_of_action": FieldOfAction}.get(key)
    changes: list[FieldChange | None] = []
    for name in ("text", "title", "description"):
        if name in old or name in new:
            label = _("Text") if model is None else _label(model, name)
            changes.append(_text_change(label, old.get(name), new.get(name)))
    for name, label in (("goals", _("Goals it threatens")), ("entries", _("Inventory entries")), ("terms", _("Tags"))):
        if name in old or name in new:
            changes.append(_list_change(label, old.get(name, []), new.get(name, [])))
    return [change for change in changes if change is not None]


def _title(item: dict[str, Any]) -> str:
    if "number" in item:
        return f"{item.get('number', '')} {item.get('title', '')}".strip()
    return str(item.get("title") or item.get("text") or "")


SECTIONS = (
    ("guiding_principles", gettext_lazy("Guiding principles")),
    ("goals", gettext_lazy("Goals")),
    ("challenges", gettext_lazy("Challenges")),
    ("fields_of_action", gettext_lazy("Fields of action")),
    ("measures", gettext_lazy("Measures")),
)


def compare_snapshots(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """What changed from ``old`` to ``new``: texts word by word; parts added, removed and changed."""
    old_strategy, new_strategy = old.get("strategy", {}), new.get("strategy", {})
    texts = [
        _text_change(_label(Strategy, name), old_strategy.get(name), new_strategy.get(name)) for name in STRATEGY_TEXTS
    ]
    sections = []
    for key, label in SECTIONS:
        before = {item["id"]: item for item in old.get(key, [])}
        after = {item["id"]: item for item in new.get(key, [])}
        section = SectionComparison(key=key, label=str(label))
        section.added = [_title(item) for pk, item in after.items() if pk not in before]
        section.removed = [_title(item) for pk, item in before.items() if pk not in after]
        for pk, item in after.items():
            if pk in before:
                fields = _element_changes(key, before[pk], item)
                if fields:
                    section.changed.append(ItemChange(title=_title(item), fields=fields))
        common_before = [pk for pk in before if pk in after]
        common_after = [pk for pk in after if pk in before]
        section.moved = common_before != common_after
        sections.append(section)
    return Comparison(texts=[t for t in texts if t is not None], sections=sections)

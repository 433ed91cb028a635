"""The demo region, loaded idempotently from the real facts in ``demo/data`` (copied from the shared data set).

Each capability contributes steps in its own ``<app>/demo.py`` with :func:`demo_step`, which
:func:`demo_steps` finds by autodiscovery (as :mod:`smartstadt.demo.generator` finds ``<app>/synthetic.py``);
``manage.py load_demo`` runs them in the order the steps declare. A step upserts records by
their natural key, so running the loader twice changes nothing and writes no second history row.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import models
from django.utils.module_loading import autodiscover_modules
from django.utils.text import slugify
from django.utils.translation import gettext_noop

from smartstadt.core.history import save_tracked, snapshot
from smartstadt.core.permissions import System

DATA_DIR = Path(__file__).resolve().parent / "data"
SYSTEM_LABEL = "Demo-Daten"
DEMO = System(SYSTEM_LABEL)
"""Who writes the demo data, in the change history "Demo-Daten"."""


def german_slug(text: str, max_length: int = 90) -> str:
    """URL names from German names: umlauts spelled out, as German URLs usually do."""
    for source, target in (
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("Ä", "Ae"),
        ("Ö", "Oe"),
        ("Ü", "Ue"),
        ("ß", "ss"),
    ):
        text = text.replace(source, target)
    return slugify(text.replace("/", " "))[:max_length].strip("-")


@cache
def read_yaml(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        # The C loader, where PyYAML was built with libyaml, reads the data files several times faster.
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


@cache
def read_jsonl(name: str) -> list[dict[str, Any]]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass
class LoadReport:
    counts: Counter[str] = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)

    def note(self, model: type[models.Model], outcome: str) -> None:
        self.counts[f"{model._meta.verbose_name_plural}: {outcome}"] += 1


def upsert[M: models.Model](
    model: type[M],
    report: LoadReport,
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    m2m: dict[str, list[Any]] | None = None,
) -> M:
    """Create or update one record by its natural key; history only when something changed."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        save_tracked(instance, actor=DEMO, m2m=m2m, note=gettext_noop("demo data loaded"), validate=False)
        report.note(model, "neu")
        return instance
    before = snapshot(instance)
    for name, value in values.items():
        setattr(instance, name, value)
    after = {**snapshot(instance)}
    for name, related in (m2m or {}).items():
        after[name] = sorted(obj.pk if isinstance(obj, models.Model) else obj for obj in related)
    if after == before:
        report.note(model, "unverändert")
        return instance
    save_tracked(instance, actor=DEMO, m2m=m2m, note=gettext_noop("demo data loaded"), validate=False)
    report.note(model, "aktualisiert")
    return instance


Step = Callable[[LoadReport], None]


@dataclass(frozen=True)
class DemoStep:
    name: str
    run: Step


_STEPS: list[tuple[int, DemoStep]] = []


def demo_step(name: str, order: int) -> Callable[[Step], Step]:
    """Register a loader step; later capabilities add theirs with a higher order."""

    def register(func: Step) -> Step:
        if all(existing.name != name for _order, existing in _STEPS):
            _STEPS.append((order, DemoStep(name=name, run=func)))
        return func

    return register


def demo_steps() -> Iterator[DemoStep]:
    """All registered steps in order. Every installed app's ``demo`` module is imported first, so this module
    imports no app and each app's ``demo.py`` registers its own steps with :func:`demo_step`."""
    autodiscover_modules("demo")
    for _order, step in sorted(_STEPS, key=lambda item: (item[0], item[1].name)):
        yield step

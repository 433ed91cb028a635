"""The kinds of strategy parts the workspace edits alike: their model, parent, fields and URL word."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Challenge, FieldOfAction, Goal, GuidingPrinciple, Indicator, Measure, Milestone


@dataclass(frozen=True)
class ElementKind:
    slug: str  # URL word (German, as the URLs are)
    model: type[models.Model]
    parent: str  # "strategy" or "measure"
    fields: tuple[str, ...]
    relations: tuple[str, ...]
    label: Promise  # singular, for headings
    label_plural: Promise
    anchor: str  # where the overview lists them
    add_label: Promise
    new_title: Promise

    @property
    def belongs_to_measure(self) -> bool:
        return self.parent == "measure"

    def siblings(self, parent: Any) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**{self.parent: parent}).order_by("order", "pk")


KINDS: dict[str, ElementKind] = {
    kind.slug: kind
    for kind in (
        ElementKind(
            "leitsaetze",
            GuidingPrinciple,
            "strategy",
            ("text",),
            (),
            _("guiding principle"),
            _("Guiding principles"),
            "leitsaetze",
            _("Add a guiding principle"),
            _("New guiding principle"),
        ),
        ElementKind(
            "ziele",
            Goal,
            "strategy",
            ("title", "description"),
            (),
            _("goal"),
            _("Goals"),
            "ziele",
            _("Add a goal"),
            _("New goal"),
        ),
        ElementKind(
            "herausforderungen",
            Challenge,
            "strategy",
            ("title", "description"),
            ("goals", "entries"),
            _("challenge"),
            _("Challenges"),
            "herausforderungen",
            _("Add a challenge"),
            _("New challenge"),
        ),
        ElementKind(
            "handlungsfelder",
            FieldOfAction,
            "strategy",
            ("title", "description"),
            ("terms",),
            _("field of action"),
            _("Fields of action"),
            "handlungsfelder",
            _("Add a field of action"),
            _("New field of action"),
        ),
        ElementKind(
            "massnahmen",
            Measure,
            "strategy",
            (
                "number",
                "title",
                "priority",
                "horizon",
                "objective",
                "description",
                "stakeholders",
                "lead_organisation",
                "period",
                "budget_eur",
                "funding",
                "source_url",
            ),
            (
                "topic_terms",
                "goals",
                "challenges",
                "fields_of_action",
                "entries",
                "partner_municipalities",
                "districts",
            ),
            _("measure"),
            _("Measures"),
            "massnahmen",
            _("Add a measure"),
            _("New measure"),
        ),
        ElementKind(
            "kennzahlen",
            Indicator,
            "measure",
            ("name", "unit", "baseline", "target", "year"),
            (),
            _("indicator"),
            _("Indicators"),
            "kennzahlen",
            _("Add an indicator"),
            _("New indicator"),
        ),
        ElementKind(
            "meilensteine",
            Milestone,
            "measure",
            ("title", "date", "year", "done"),
            (),
            _("milestone"),
            _("Milestones"),
            "meilensteine",
            _("Add a milestone"),
            _("New milestone"),
        ),
    )
}

STRATEGY_KINDS = [kind for kind in KINDS.values() if not kind.belongs_to_measure]
MEASURE_KINDS = [kind for kind in KINDS.values() if kind.belongs_to_measure]


def kind_of(element: models.Model) -> ElementKind:
    for kind in KINDS.values():
        if isinstance(element, kind.model):
            return kind
    raise LookupError(type(element).__name__)

"""A small strategy of municipality A with a topic framework, budgets and a frozen version for the documents."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from smartstadt.frameworks.tests.factories import FrameworkFactory, TermFactory
from smartstadt.strategy.models import Indicator, Milestone
from smartstadt.strategy.tests.factories import ChallengeFactory, GoalFactory, MeasureFactory, StrategyFactory

TOPICS = ["Zukunftsfähige Standortfaktoren", "Smart City A", "Bildung und Qualifizierung"]


@pytest.fixture
def strategy_a(personas: Any) -> Any:
    framework = FrameworkFactory(municipality=personas.municipality_a, name="Themenfelder A", slug="themen-a")
    terms = [TermFactory(framework=framework, label=label, order=i) for i, label in enumerate(TOPICS)]
    strategy = StrategyFactory(
        municipality=personas.municipality_a,
        title="Smart-City-Strategie A",
        summary="Die Strategie bündelt, was die Stadt A digital vorhat.",
        topic_framework=framework,
    )
    goal = GoalFactory(strategy=strategy, title="Die vernetzte Stadt")
    challenge = ChallengeFactory(strategy=strategy, title="Digitale Spaltung")
    challenge.goals.set([goal])
    first = MeasureFactory(
        strategy=strategy,
        number="1",
        order=0,
        title="Quartiersbüros",
        priority="very_high",
        horizon="short",
        objective="Ältere Menschen erreichen",
        description="Erster Absatz.\n\nZweiter Absatz.",
        stakeholders="Stadtverwaltung und Stadtwerke",
        budget_eur=Decimal("1000.00"),
        funding="Landesprogramm",
    )
    first.topic_terms.set(terms[:2])
    first.challenges.set([challenge])
    first.goals.set([goal])
    Indicator.objects.create(measure=first, name="Besucher", unit="Personen", baseline=0, target=Decimal("250.5"))
    Milestone.objects.create(measure=first, title="Eröffnung", year=2026, done=True)
    second = MeasureFactory(
        strategy=strategy, number="2", order=1, title="Datenplattform", budget_eur=Decimal("2500.50")
    )
    second.topic_terms.set(terms[2:])
    MeasureFactory(strategy=strategy, number="3", order=2, title="Sensoren")
    return strategy

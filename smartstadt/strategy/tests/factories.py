from __future__ import annotations

import factory

from smartstadt.regions.tests.factories import MunicipalityFactory
from smartstadt.strategy.models import Challenge, FieldOfAction, Goal, GuidingPrinciple, Measure, Strategy


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Smart-City-Strategie {n}")
    vision = "Die Stadt nutzt die Digitalisierung für alle."


class GuidingPrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidingPrinciple

    strategy = factory.SubFactory(StrategyFactory)
    text = factory.Sequence(lambda n: f"Leitsatz {n}")
    order = factory.Sequence(lambda n: n)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Ziel {n}")
    order = factory.Sequence(lambda n: n)


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Herausforderung {n}")
    order = factory.Sequence(lambda n: n)


class FieldOfActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldOfAction

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Handlungsfeld {n}")
    order = factory.Sequence(lambda n: n)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    order = factory.Sequence(lambda n: n)

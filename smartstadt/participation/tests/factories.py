from __future__ import annotations

import datetime

import factory

from smartstadt.core.tests.factories import UserFactory
from smartstadt.participation.models import Comment, Idea, Phase, PhaseKind, Process
from smartstadt.regions.tests.factories import MunicipalityFactory


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Beteiligung {n}")
    slug = factory.Sequence(lambda n: f"beteiligung-{n}")
    summary = "Ideen für die Smart-City-Strategie."
    is_published = True


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    kind = PhaseKind.IDEAS
    title = "Ideen sammeln"
    starts_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    process = factory.SubFactory(ProcessFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Idee {n}")
    text = "Mehr Sitzbänke mit Steckdosen in der Innenstadt."


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    idea = factory.SubFactory(IdeaFactory)
    author = factory.SubFactory(UserFactory)
    text = "Gute Idee."

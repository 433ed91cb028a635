from __future__ import annotations

import factory

from smartstadt.frameworks.models import Framework, Term


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    slug = factory.Sequence(lambda n: f"rahmen-{n}")
    name = factory.Sequence(lambda n: f"Ordnungsrahmen {n}")


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"term-{n}")
    label = factory.Sequence(lambda n: f"Begriff {n}")

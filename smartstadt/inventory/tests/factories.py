from __future__ import annotations

import factory

from smartstadt.inventory.models import Entry, PublicationState
from smartstadt.regions.tests.factories import MunicipalityFactory


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Vorhaben {n}")
    slug = factory.Sequence(lambda n: f"vorhaben-{n}")
    summary = "Ein Vorhaben für die Stadt."
    publication_state = PublicationState.PUBLISHED

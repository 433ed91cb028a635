from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smartstadt.core.history import history_for
from smartstadt.regions.models import Organisation
from smartstadt.regions.services import district_create, organisation_create, organisation_update, unique_slug


@pytest.mark.django_db
def test_team_creates_an_organisation_with_a_german_slug(personas):
    organisation = organisation_create(
        actor=personas.team_a,
        municipality=personas.municipality_a,
        name="Stadtwerke Mülheim",
        kind="municipal_company",
    )
    assert organisation.slug == "stadtwerke-muelheim"
    assert history_for(organisation).get().action == "created"


@pytest.mark.django_db
def test_slugs_stay_unique_within_a_municipality(personas):
    first = unique_slug(Organisation, "Stadtwerke A", scope={"municipality": personas.municipality_a})
    assert first == "stadtwerke-a-2"
    assert unique_slug(Organisation, "Stadtwerke A", scope={"municipality": personas.municipality_b}) == "stadtwerke-a"


@pytest.mark.django_db
def test_editor_updates_own_organisation_but_not_another(personas):
    organisation_update(actor=personas.editor_a, organisation=personas.organisation_a, data={"description": "Neu"})
    with pytest.raises(PermissionDenied):
        organisation_update(actor=personas.editor_a, organisation=personas.organisation_b, data={"description": "X"})
    personas.organisation_b.refresh_from_db()
    assert personas.organisation_b.description == ""


@pytest.mark.django_db
def test_district_with_a_broken_outline_is_not_saved(personas):
    with pytest.raises(ValidationError):
        district_create(
            actor=personas.team_a,
            municipality=personas.municipality_a,
            name="Sterkrade",
            geometry={"type": "Polygon", "coordinates": [[[6.8, 51.5], [6.9, 51.5]]]},
        )
    assert not personas.municipality_a.districts.exists()


@pytest.mark.django_db
def test_district_parent_must_be_in_the_same_municipality(personas):
    borough = district_create(actor=personas.team_b, municipality=personas.municipality_b, name="Mitte")
    with pytest.raises(ValidationError, match=r"parent|gleichen"):
        district_create(actor=personas.team_a, municipality=personas.municipality_a, name="Altstadt", parent=borough)

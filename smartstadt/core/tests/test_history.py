from __future__ import annotations

import pytest

from smartstadt.core.history import delete_tracked, history_for, save_tracked
from smartstadt.core.models import ChangeRecord
from smartstadt.core.permissions import System
from smartstadt.frameworks.tests.factories import TermFactory
from smartstadt.regions.models import Organisation
from smartstadt.regions.services import municipality_update_profile
from smartstadt.regions.tests.factories import MunicipalityFactory


@pytest.mark.django_db
def test_create_update_delete_are_recorded_with_actor_and_diff(personas):
    organisation = Organisation(
        municipality=personas.municipality_a,
        name="Stadtbibliothek",
        slug="stadtbibliothek",
        kind="administration",
    )
    save_tracked(organisation, actor=personas.team_a)
    organisation.description = "Leiht Bücher und Laptops aus."
    save_tracked(organisation, actor=personas.team_a)
    delete_tracked(organisation, actor=personas.platform_admin)

    records = list(ChangeRecord.objects.filter(object_repr="Stadtbibliothek").order_by("created_at", "id"))
    assert [r.action for r in records] == ["created", "changed", "deleted"]
    assert records[0].actor == personas.team_a
    assert records[0].changes["name"] == {"old": None, "new": "Stadtbibliothek"}
    assert records[1].changes == {"description": {"old": "", "new": "Leiht Bücher und Laptops aus."}}
    assert records[2].actor_label == "platform-admin"
    assert records[2].changes["name"]["old"] == "Stadtbibliothek"


@pytest.mark.django_db
def test_saving_without_change_writes_no_history(personas):
    municipality = personas.municipality_a
    before = ChangeRecord.objects.count()
    save_tracked(municipality, actor=personas.team_a)
    assert ChangeRecord.objects.count() == before


@pytest.mark.django_db
def test_many_to_many_changes_are_part_of_the_record(personas):
    term = TermFactory(label="Smarte Mobilität")
    organisation = personas.organisation_a
    save_tracked(organisation, actor=personas.editor_a, m2m={"competences": [term]})
    record = history_for(organisation).first()
    assert record.changes == {"competences": {"old": [], "new": [term.pk]}}


@pytest.mark.django_db
def test_invalid_data_is_refused_and_nothing_is_recorded(personas):
    municipality = MunicipalityFactory()
    count = ChangeRecord.objects.count()
    with pytest.raises(Exception, match="AGS"):
        municipality_update_profile(actor=System("Test"), municipality=municipality, data={"official_key": "123"})
    assert ChangeRecord.objects.count() == count
    municipality.refresh_from_db()
    assert municipality.official_key == ""


@pytest.mark.django_db
def test_history_keeps_the_name_when_the_account_is_deleted(personas):
    municipality_update_profile(
        actor=personas.team_a, municipality=personas.municipality_a, data={"motto": "Gemeinsam smart"}
    )
    personas.team_a.delete()
    record = history_for(personas.municipality_a).first()
    assert record.actor is None
    assert record.actor_label == "team-a"

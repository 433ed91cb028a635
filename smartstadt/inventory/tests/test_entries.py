"""Inventory entries: who writes, who publishes, what the public sees, and what history is kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smartstadt.core.history import history_for
from smartstadt.inventory import services
from smartstadt.inventory.models import Entry, PublicationState
from smartstadt.inventory.tests.factories import EntryFactory


@pytest.fixture
def draft(personas):
    return services.entry_create(
        actor=personas.editor_a,
        municipality=personas.municipality_a,
        data={"title": "Sensoren für Feinstaub", "lead_organisation": personas.organisation_a},
    )


@pytest.mark.django_db
def test_editor_creates_a_draft_of_their_organisation(draft, personas):
    assert draft.publication_state == PublicationState.DRAFT
    assert draft.slug == "sensoren-fuer-feinstaub"
    record = history_for(draft).get()
    assert record.actor == personas.editor_a
    assert record.action == "created"


@pytest.mark.django_db
def test_editor_cannot_create_for_another_organisation_or_city(personas):
    with pytest.raises(PermissionDenied):
        services.entry_create(
            actor=personas.editor_a,
            municipality=personas.municipality_b,
            data={"title": "Fremd", "lead_organisation": personas.organisation_b},
        )
    with pytest.raises(PermissionDenied):
        services.entry_create(actor=personas.editor_a, municipality=personas.municipality_a, data={"title": "Ohne"})


@pytest.mark.django_db
def test_lead_organisation_must_belong_to_the_entrys_municipality(personas):
    with pytest.raises(ValidationError) as error:
        services.entry_create(
            actor=personas.team_a,
            municipality=personas.municipality_a,
            data={"title": "Falsch zugeordnet", "lead_organisation": personas.organisation_b},
        )
    assert "lead_organisation" in error.value.message_dict


@pytest.mark.django_db
def test_review_and_publication_flow(draft, personas):
    with pytest.raises(PermissionDenied):
        services.entry_publish(actor=personas.editor_a, entry=draft)
    services.entry_submit(actor=personas.editor_a, entry=draft)
    assert draft.publication_state == PublicationState.IN_REVIEW
    with pytest.raises(PermissionDenied):
        services.entry_publish(actor=personas.team_b, entry=draft)
    services.entry_publish(actor=personas.team_a, entry=draft)
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.published_at is not None
    notes = [record.note_text for record in history_for(draft)]
    assert any("veröffentlicht" in note or "published" in note for note in notes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("editor_a", True),
        ("team_a", True),
        ("platform_admin", True),
        ("team_b", False),
        ("editor_b", False),
        ("citizen", False),
    ],
)
def test_who_may_change_an_entry(draft, personas, persona, allowed):
    user = getattr(personas, persona)
    if allowed:
        services.entry_update(actor=user, entry=draft, data={"summary": f"von {persona}"})
        draft.refresh_from_db()
        assert draft.summary == f"von {persona}"
    else:
        with pytest.raises(PermissionDenied):
            services.entry_update(actor=user, entry=draft, data={"summary": "übernommen"})


@pytest.mark.django_db
def test_editor_cannot_hand_an_entry_to_another_organisation(draft, personas):
    from smartstadt.regions.tests.factories import OrganisationFactory

    other = OrganisationFactory(municipality=personas.municipality_a)
    with pytest.raises(PermissionDenied):
        services.entry_update(actor=personas.editor_a, entry=draft, data={"lead_organisation": other})


@pytest.mark.django_db
def test_invalid_years_location_and_links_are_refused(personas):
    for data, field in [
        ({"start_year": 2025, "end_year": 2020}, "end_year"),
        ({"latitude": 51.5}, "longitude"),
        ({"links": [{"label": "x", "url": "javascript:alert(1)"}]}, "links"),
        ({"kind": "project", "knowledge_type": "study"}, "knowledge_type"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.entry_create(
                actor=personas.team_a, municipality=personas.municipality_a, data={"title": "Prüfung", **data}
            )
        assert field in error.value.message_dict
    assert not Entry.objects.filter(title="Prüfung").exists()


@pytest.mark.django_db
def test_public_sees_only_published_entries(draft, personas, client_as):
    url = draft.get_absolute_url()
    assert client_as("anonymous").get(url).status_code == 404
    assert client_as("team_b").get(url).status_code == 404
    assert client_as("editor_a").get(url).status_code == 200
    assert client_as("team_a").get(url).status_code == 200
    assert Entry.objects.visible_to(personas.citizen).filter(pk=draft.pk).count() == 0


@pytest.mark.django_db
def test_description_markdown_is_sanitised(client_as, personas):
    entry = EntryFactory(
        municipality=personas.municipality_a,
        description="**Fett** <script>alert('x')</script> [Link](javascript:alert(1)) [Gut](https://example.org)",
    )
    page = client_as("anonymous").get(entry.get_absolute_url()).content.decode()
    assert "<strong>Fett</strong>" in page
    assert "<script>alert" not in page
    assert "javascript:" not in page
    assert 'href="https://example.org"' in page


@pytest.mark.django_db
def test_edit_form_saves_and_records_history(client_as, draft):
    response = client_as("editor_a").post(
        draft.get_absolute_url() + "bearbeiten/",
        {
            "title": "Sensoren für Feinstaub an Schulen",
            "kind": "project",
            "status": "planned",
            "transferability": "ready",
            "licence": "EUPL-1.2",
            "lead_organisation": draft.lead_organisation_id,
            "links": "Projektseite | https://example.org/feinstaub",
            "funding_sources": "Land NRW\nEigenmittel",
            "start_year": "2026",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.links == [{"label": "Projektseite", "url": "https://example.org/feinstaub"}]
    assert draft.funding_sources == ["Land NRW", "Eigenmittel"]
    assert history_for(draft).first().changes["title"]["new"] == "Sensoren für Feinstaub an Schulen"


@pytest.mark.django_db
def test_edit_form_names_bad_fields(client_as, draft):
    response = client_as("editor_a").post(
        draft.get_absolute_url() + "bearbeiten/",
        {
            "title": "",
            "kind": "project",
            "status": "planned",
            "transferability": "ready",
            "links": "keine-url",
            "lead_organisation": draft.lead_organisation_id,
            "start_year": "2030",
            "end_year": "2020",
        },
    )
    assert response.status_code == 200
    assert {"title", "links", "end_year"} <= set(response.context["form"].errors)


@pytest.mark.django_db
# team B gets 404: it cannot even see A's draft
@pytest.mark.parametrize(("persona", "status"), [("team_a", 302), ("team_b", 404), ("editor_a", 403)])
def test_publish_button_only_for_the_team(client_as, draft, persona, status):
    response = client_as(persona).post(draft.get_absolute_url() + "veroeffentlichen/")
    assert response.status_code == status


@pytest.mark.django_db
def test_workspace_lists_own_entries_and_review_queue(client_as, draft, personas):
    services.entry_submit(actor=personas.editor_a, entry=draft)
    page = client_as("team_a").get("/arbeitsbereich/bestand/").content.decode()
    assert "Sensoren für Feinstaub" in page
    assert "Sensoren für Feinstaub" not in client_as("team_b").get("/arbeitsbereich/bestand/").content.decode()


@pytest.mark.django_db
def test_organisation_profile_lists_its_entries(client_as, demo_region):
    page = client_as("anonymous").get("/kommunen/oberhausen/akteure/smart-city-oberhausen/").content.decode()
    assert "Co-Kreation" in page
    assert "Selbstbestimmt im Quartier" in page

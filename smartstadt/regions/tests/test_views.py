"""The municipality profile: who may edit it and see its history, and what an edit leaves behind."""

from __future__ import annotations

import pytest

from smartstadt.core.models import ChangeRecord

EDIT_ALLOWED = {"team_a", "platform_admin"}
EDIT_DENIED = {"citizen", "editor_a", "team_b", "editor_b"}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(EDIT_ALLOWED | EDIT_DENIED))
def test_edit_page_only_for_the_team_of_the_municipality(client_as, persona):
    response = client_as(persona).get("/kommunen/stadt-a/bearbeiten/")
    assert response.status_code == (200 if persona in EDIT_ALLOWED else 403)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client_as):
    response = client_as("anonymous").get("/kommunen/stadt-a/bearbeiten/")
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/?next=")


@pytest.mark.django_db
def test_team_saves_the_profile_and_the_change_is_recorded(client_as, personas):
    response = client_as("team_a").post(
        "/kommunen/stadt-a/bearbeiten/",
        {
            "motto": "Stadt A – gemeinsam smart",
            "vision": "Digital und nah.",
            "guiding_principles": "Wir beteiligen.\n\nWir testen Neues.  \n",
            "development_goals": "Die Chancenstadt",
            "population": "123456",
            "official_key": "05119000",
        },
    )
    assert response.status_code == 302
    personas.municipality_a.refresh_from_db()
    assert personas.municipality_a.guiding_principles == ["Wir beteiligen.", "Wir testen Neues."]
    record = ChangeRecord.objects.filter(object_id=str(personas.municipality_a.pk), action="changed").get()
    assert record.actor == personas.team_a
    assert record.changes["population"] == {"old": 100000, "new": 123456}
    history = client_as("team_a").get("/kommunen/stadt-a/verlauf/").content.decode()
    assert "team-a" in history
    assert "Stadt A – gemeinsam smart" in history


@pytest.mark.django_db
def test_bad_input_names_the_field_in_german_and_saves_nothing(client_as, personas):
    response = client_as("team_a").post(
        "/kommunen/stadt-a/bearbeiten/",
        {"official_key": "12AB", "population": "-5", "contact_email": "kein-mail", "website": "ftp//x"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Der AGS hat genau acht Ziffern." in page
    assert 'aria-invalid="true"' in page
    form = response.context["form"]
    assert set(form.errors) == {"official_key", "population", "contact_email", "website"}
    personas.municipality_a.refresh_from_db()
    assert personas.municipality_a.official_key == ""
    assert not ChangeRecord.objects.filter(object_id=str(personas.municipality_a.pk), action="changed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"), [("team_a", 200), ("platform_admin", 200), ("team_b", 403), ("editor_a", 403)]
)
def test_history_page_only_for_those_responsible(client_as, persona, status):
    assert client_as(persona).get("/kommunen/stadt-a/verlauf/").status_code == status


@pytest.mark.django_db
def test_team_of_b_cannot_post_to_a(client_as, personas):
    response = client_as("team_b").post("/kommunen/stadt-a/bearbeiten/", {"motto": "Übernommen"})
    assert response.status_code == 403
    personas.municipality_a.refresh_from_db()
    assert personas.municipality_a.motto == ""


@pytest.mark.django_db
def test_detail_page_offers_editing_only_to_the_team(client_as):
    assert "Profil bearbeiten" in client_as("team_a").get("/kommunen/stadt-a/").content.decode()
    assert "Profil bearbeiten" not in client_as("team_b").get("/kommunen/stadt-a/").content.decode()
    assert "Profil bearbeiten" not in client_as("anonymous").get("/kommunen/stadt-a/").content.decode()

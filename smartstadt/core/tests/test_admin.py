"""The platform administration: every list, search and form opens, and edits land in the change history."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from smartstadt.core.models import ChangeRecord

# Every model of the platform's own apps that the administration shows (not Django's, not the task queue's).
MODELS = [model for model in admin.site._registry if model.__module__.startswith("smartstadt.")]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_changelist_search_and_add_form_open_for_platform_admins(client_as, demo_region, model):
    client = client_as("platform_admin")
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "Oberhausen"}).status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200
        history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        assert client.get(history).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["team_a", "editor_a", "citizen"])
def test_administration_is_for_platform_admins_only(client_as, persona):
    response = client_as(persona).get("/admin/regions/municipality/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_edit_is_recorded_in_the_change_history(client_as, personas):
    municipality = personas.municipality_a
    url = reverse("admin:regions_municipality_change", args=[municipality.pk])
    client = client_as("platform_admin")
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "region": municipality.region_id,
            "population": 99999,
            "guiding_principles": "[]",
            "development_goals": "[]",
            "fields_of_action": "[]",
            "districts-TOTAL_FORMS": "0",
            "districts-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    record = ChangeRecord.objects.filter(object_id=str(municipality.pk), action="changed").get()
    assert record.actor == personas.platform_admin
    assert record.note == "edited in the administration"
    assert record.note_text == "in der Administration bearbeitet"
    assert record.changes["population"] == {"old": 100000, "new": 99999}
    history = client.get(reverse("admin:regions_municipality_history", args=[municipality.pk])).content.decode()
    assert "platform-admin" in history

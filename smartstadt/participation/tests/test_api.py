"""The read API of participation: processes with phases, published ideas, and no personal data."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from smartstadt.participation import services
from smartstadt.participation.models import Process

from .factories import IdeaFactory


def test_processes_with_phases(personas: Any, process: Process) -> None:
    hidden = Process.objects.create(municipality=personas.municipality_a, title="Entwurf", slug="entwurf")
    response = Client().get("/api/processes", {"limit": 500})
    assert response.status_code == 200
    slugs = [item["slug"] for item in response.json()["items"]]
    assert process.slug in slugs
    assert hidden.slug not in slugs
    detail = Client().get(f"/api/processes/{process.slug}").json()
    assert detail["municipality"] == {"slug": "stadt-a", "name": "Stadt A"}
    [phase] = detail["phases"]
    assert phase["kind"] == "ideas"
    assert phase["is_current"] is True
    assert "idea" in phase["formats"]
    assert detail["current_phase"] == phase["title"]
    assert Client().get(f"/api/processes/{hidden.slug}").status_code == 404


def test_ideas_without_personal_data(personas: Any, process: Process) -> None:
    citizen = personas.citizen
    idea = IdeaFactory(process=process, author=citizen, title="Öffentliche Idee")
    IdeaFactory(process=process, author=citizen, title="Ausgeblendet", is_hidden=True, hidden_reason="Werbung")
    services.idea_support(actor=personas.team_b, idea=idea)
    services.idea_answer(actor=personas.team_a, idea=idea, status="under_consideration", answer="Wir prüfen.")
    # Even a signed-in moderator gets the public view.
    client = Client()
    client.force_login(personas.moderator_a)
    response = client.get(f"/api/processes/{process.slug}/ideas", {"sort": "unterstuetzt"})
    assert response.status_code == 200
    data = response.json()
    assert [item["title"] for item in data["items"]] == ["Öffentliche Idee"]
    [item] = data["items"]
    assert item["support_count"] == 1
    assert item["answer"] == "Wir prüfen."
    assert item["url"].endswith(idea.get_absolute_url())
    text = json.dumps(data, ensure_ascii=False)
    for personal in (citizen.username, citizen.email, citizen.public_name, personas.team_a.username, "author"):
        assert personal not in text
    assert Client().get(f"/api/processes/{process.slug}/ideas", {"sort": "alphabet"}).status_code == 422

"""The OpenAPI document: served at /api/openapi.json, committed as docs/openapi.json, and the two agree."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from smartstadt.api.openapi import COMMITTED, REGENERATE, openapi_document, render


@pytest.mark.django_db
def test_served_document_equals_the_committed_file(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    served = response.json()
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert served == committed, f"docs/openapi.json is out of date. Regenerate it with: {REGENERATE}"


def test_committed_file_is_in_canonical_form():
    text = COMMITTED.read_text(encoding="utf-8")
    assert text == render(json.loads(text)), f"Regenerate docs/openapi.json with: {REGENERATE}"


def test_document_describes_every_endpoint():
    document = openapi_document()
    assert document["info"]["title"] == "Smartstadt API"
    assert set(document["paths"]) == {
        "/api/municipalities",
        "/api/municipalities/{slug}",
        "/api/organisations",
        "/api/organisations/{municipality}/{slug}",
        "/api/entries",
        "/api/entries/{municipality}/{slug}",
        "/api/frameworks",
        "/api/frameworks/{slug}",
        "/api/processes",
        "/api/processes/{slug}",
        "/api/processes/{slug}/ideas",
    }
    entries = document["paths"]["/api/entries"]["get"]
    assert {parameter["name"] for parameter in entries["parameters"]} == {
        "q",
        "municipality",
        "region",
        "kind",
        "status",
        "term",
        "organisation_kind",
        "district",
        "limit",
        "offset",
    }
    assert {"200", "422"} <= set(entries["responses"])


@pytest.mark.django_db
def test_no_documentation_page_that_would_need_a_cdn(client):
    assert client.get("/api/docs").status_code == 404


def test_export_command_writes_and_checks(tmp_path):
    target = tmp_path / "openapi.json"
    call_command("export_openapi", "--output", str(target))
    assert target.read_text(encoding="utf-8") == render(openapi_document())
    call_command("export_openapi", "--output", str(target), "--check")
    target.write_text("{}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="veraltet"):
        call_command("export_openapi", "--output", str(target), "--check")
    with pytest.raises(CommandError, match="Verzeichnis"):
        call_command("export_openapi", "--output", str(tmp_path / "fehlt" / "openapi.json"))

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_german_by_default_even_if_the_browser_prefers_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()
    assert "Zum Inhalt springen" in response.content.decode()


@pytest.mark.django_db
def test_language_switch_works_without_javascript(client):
    response = client.post("/sprache/", {"language": "en", "next": "/kommunen/"})
    assert response.status_code == 302
    assert response["Location"] == "/kommunen/"
    page = client.get("/kommunen/").content.decode()
    assert '<html lang="en">' in page
    assert "Skip to content" in page
    client.post("/sprache/", {"language": "de", "next": "/"})
    assert '<html lang="de">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_unknown_language_falls_back_to_german(client):
    client.cookies["smartstadt_language"] = "fr"
    assert client.get("/")["Content-Language"] == "de"

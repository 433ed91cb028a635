from __future__ import annotations

import os
import subprocess
import sys

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


def test_the_language_cookie_is_secure_and_same_site_in_production():
    """The production settings (DEBUG off, so HTTPS on) mark the cookie like the session cookie."""
    env = {**{k: v for k, v in os.environ.items() if k != "HTTPS"}, "DEBUG": "0"}
    code = "from django.conf import settings; print(settings.LANGUAGE_COOKIE_SECURE, settings.LANGUAGE_COOKIE_SAMESITE)"
    out = subprocess.run(  # noqa: S603 - our own interpreter with fixed code
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["True", "Lax"]


@pytest.mark.django_db
def test_the_switch_sets_the_cookie_with_those_flags(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post("/sprache/", {"language": "en", "next": "/"})
    cookie = response.cookies["smartstadt_language"]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"

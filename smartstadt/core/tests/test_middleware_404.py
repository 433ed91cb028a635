"""With DEBUG on (the embedded profile), a missing address shows the platform's own 404 page."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_a_missing_page_shows_the_platforms_own_page_with_debug_on(client, settings):
    settings.DEBUG = True
    response = client.get("/gibt-es-nicht/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Django tried these URL patterns" not in body
    assert "Seite nicht gefunden" in body


@pytest.mark.django_db
def test_developers_can_ask_for_djangos_debug_page(client, settings):
    settings.DEBUG = True
    settings.DEBUG_404 = True
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "URL" in response.content.decode()
    assert "NONE,NOARCHIVE" in response.content.decode()

"""Logins, the admin login and the password reset are throttled per account and per client address."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from smartstadt.core.forms import RESET_MAILS_PER_ADDRESS
from smartstadt.core.views import RESET_REQUESTS_PER_CLIENT

from .factories import UserFactory

PASSWORD = "korrekt-pferd-batterie"
LIMIT = settings.AXES_FAILURE_LIMIT


def _login(client: Client, username: str, password: str, url: str = "/anmelden/") -> Any:
    return client.post(url, {"username": username, "password": password})


@pytest.mark.django_db
def test_wrong_passwords_lock_the_account_even_for_the_right_one() -> None:
    user = UserFactory(username="anna@example.org", email="anna@example.org")
    assert _login(Client(), user.username, PASSWORD).status_code == 302
    # Each guess from another address, as a botnet would: the account itself is locked.
    statuses = [
        _login(Client(REMOTE_ADDR=f"198.51.100.{number + 1}"), user.username.upper(), "falsch-geraten").status_code
        for number in range(LIMIT)
    ]
    assert statuses == [200] * (LIMIT - 1) + [429]
    refused = _login(Client(REMOTE_ADDR="203.0.113.7"), user.username, PASSWORD)
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Zu viele Anmeldeversuche" in body
    assert "15 Minuten" in body
    assert "_auth_user_id" not in refused.client.session


@pytest.mark.django_db
def test_a_spray_over_many_accounts_locks_the_client_address() -> None:
    users = [UserFactory() for _ in range(LIMIT + 1)]
    client = Client(REMOTE_ADDR="192.0.2.50")
    statuses = [_login(client, user.username, "sommer2026").status_code for user in users[:LIMIT]]
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert _login(client, users[LIMIT].username, PASSWORD).status_code == 429
    # Another address still signs in.
    assert _login(Client(REMOTE_ADDR="192.0.2.51"), users[LIMIT].username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too() -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    statuses = [_login(client, admin.username, "admin", url="/admin/login/").status_code for _ in range(LIMIT)]
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert _login(client, admin.username, PASSWORD, url="/admin/login/").status_code == 429


@pytest.mark.django_db
def test_behind_the_proxy_the_forwarded_address_is_throttled(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    users = [UserFactory() for _ in range(LIMIT + 1)]
    # All requests arrive from the proxy's address; the client added last to X-Forwarded-For is the visitor.
    sprayer = Client(HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.60")
    statuses = [_login(sprayer, user.username, "sommer2026").status_code for user in users[:LIMIT]]
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert _login(sprayer, users[LIMIT].username, PASSWORD).status_code == 429
    neighbour = Client(HTTP_X_FORWARDED_FOR="192.0.2.61")
    assert _login(neighbour, users[LIMIT].username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_reset_mails_to_one_address_are_limited() -> None:
    user = UserFactory(email="berta@example.org")
    for number in range(20):
        client = Client(REMOTE_ADDR=f"198.51.100.{number + 1}")
        response = client.post(reverse("password_reset"), {"email": user.email})
        # The same answer every time: nothing tells the requester that no mail went out.
        assert response.status_code == 302
    assert len(mail.outbox) == RESET_MAILS_PER_ADDRESS.limit


@pytest.mark.django_db
def test_reset_requests_from_one_client_address_are_limited() -> None:
    client = Client()
    for number in range(RESET_REQUESTS_PER_CLIENT.limit):
        response = client.post(reverse("password_reset"), {"email": f"jemand{number}@example.org"})
        assert response.status_code == 302
    refused = client.post(reverse("password_reset"), {"email": "noch-jemand@example.org"})
    assert refused.status_code == 429
    assert "Bitte warten Sie 60 Minuten" in refused.content.decode()

from __future__ import annotations

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError

from smartstadt.core.checks import check_no_demo_accounts, check_production_settings

STRONG_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def error_ids(messages):
    return {message.id for message in messages if message.is_serious()}


def test_debug_mode_is_not_checked(settings):
    settings.DEBUG = True
    assert check_production_settings() == []


def test_production_refuses_default_key_open_hosts_and_demo_users(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.INSECURE_DEFAULT_SECRET_KEY
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEMO_USERS = True
    assert error_ids(check_production_settings()) == {"smartstadt.E001", "smartstadt.E002", "smartstadt.E003"}


def test_secure_production_configuration_passes(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = STRONG_KEY
    settings.ALLOWED_HOSTS = ["smartstadt.oberhausen.de"]
    settings.DEMO_USERS = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    assert check_production_settings() == []


@pytest.mark.django_db
def test_demo_accounts_are_refused_in_production(settings, personas):
    settings.DEBUG = False
    settings.DEMO_USERS = False
    from smartstadt.core.models import User

    User.objects.filter(is_demo=True).update(is_active=False)
    assert check_no_demo_accounts(databases=["default"]) == []
    personas.citizen.is_demo = True
    personas.citizen.save()
    assert error_ids(check_no_demo_accounts(databases=["default"])) == {"smartstadt.E004"}


@pytest.mark.django_db
def test_check_command_fails_on_insecure_production(settings):
    from django.core.management.base import SystemCheckError

    settings.DEBUG = False
    settings.SECRET_KEY = "short"
    with pytest.raises(SystemCheckError, match="SECRET_KEY"):
        call_command("check")


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_gone(client):
    with mock.patch("smartstadt.core.views.connection.cursor", side_effect=DatabaseError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"

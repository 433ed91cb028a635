"""System checks that refuse an insecure production configuration.

They run with every management command (``migrate``, ``runserver``, ``check``) and when the WSGI application
starts, so a production server with a default key or open hosts does not come up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError


@register(Tags.security)
def check_production_settings(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    errors: list[CheckMessage] = []
    key = settings.SECRET_KEY
    if key == settings.INSECURE_DEFAULT_SECRET_KEY or len(key) < 50 or len(set(key)) < 5:
        errors.append(
            Error(
                "SECRET_KEY ist nicht gesetzt oder zu schwach (mindestens 50 zufällige Zeichen).",
                hint="Setzen Sie SECRET_KEY, z. B. mit: python -c 'import secrets; print(secrets.token_urlsafe(64))'",
                id="smartstadt.E001",
            )
        )
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS muss im Betrieb die Hostnamen der Plattform nennen (nicht leer, nicht '*').",
                hint="Beispiel: ALLOWED_HOSTS=smartstadt.oberhausen.de",
                id="smartstadt.E002",
            )
        )
    if settings.DEMO_USERS:
        errors.append(
            Error(
                "DEMO_USERS ist im Betrieb eingeschaltet: Demo-Konten haben veröffentlichte Passwörter.",
                hint="Entfernen Sie DEMO_USERS oder setzen Sie DEMO_USERS=0.",
                id="smartstadt.E003",
            )
        )
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        errors.append(
            Warning(
                "Sitzungs- und CSRF-Cookies werden ohne HTTPS übertragen (HTTPS=0).",
                hint="Betreiben Sie die Plattform hinter HTTPS und lassen Sie HTTPS ungesetzt oder auf 1.",
                id="smartstadt.W001",
            )
        )
    return errors


@register(Tags.security, Tags.database)
def check_no_demo_accounts(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Demo accounts with printed passwords must never reach a production database."""
    databases = kwargs.get("databases") or []
    if settings.DEBUG or settings.DEMO_USERS or "default" not in databases:
        return []
    from .models import User

    try:
        count = User.objects.filter(is_demo=True, is_active=True).count()
    except DatabaseError:
        return []
    if not count:
        return []
    return [
        Error(
            f"In der Datenbank gibt es {count} aktive Demo-Konten mit veröffentlichten Passwörtern.",
            hint="Deaktivieren Sie sie mit: manage.py remove_demo_users",
            id="smartstadt.E004",
        )
    ]

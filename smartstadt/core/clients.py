"""Who is asking: the client address that rate limits and login throttling count against."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest, *args: Any) -> str:
    """The visitor's address; behind the reverse proxy (BEHIND_PROXY) the one the proxy added last.

    The proxy appends the address it saw to X-Forwarded-For, so only the last entry is trustworthy: earlier ones
    are whatever the client sent. Without the proxy, REMOTE_ADDR is the visitor. (The extra arguments let
    django-axes call it with the credentials as well.)
    """
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def login_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a login attempt names, in one spelling: "Anna@x.de" and "anna@x.de " count as one account."""
    name = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(name).strip().lower()

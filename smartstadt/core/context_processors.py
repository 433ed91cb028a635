from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from .permissions import is_staff_member, roles_of


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "platform_name": "Smartstadt",
        "show_workspace_link": bool(user is not None and is_staff_member(user)),
        "user_roles": roles_of(user),
        "debug_banner": settings.DEBUG,
    }

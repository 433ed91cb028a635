from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_configuration() -> None:
    """Run the security checks when a WSGI/ASGI server loads the app; management commands run them anyway."""
    errors = [
        message
        for message in checks.run_checks(tags=[checks.Tags.security], databases=["default"])
        if message.is_serious()
    ]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{error.id}: {error.msg} {error.hint or ''}" for error in errors))

"""Writes to frameworks and terms, with history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from smartstadt.core.history import save_tracked

from .models import Framework, Term


@transaction.atomic
def framework_create(*, actor: Any, slug: str, name: str, municipality: Any = None, **fields: Any) -> Framework:
    if actor is not None and not actor.has_perm("frameworks.add_framework", municipality):
        raise PermissionDenied
    return save_tracked(Framework(slug=slug, name=name, municipality=municipality, **fields), actor=actor)


@transaction.atomic
def term_create(
    *, actor: Any, framework: Framework, code: str, label: str, parent: Term | None = None, **fields: Any
) -> Term:
    if actor is not None and not actor.has_perm("frameworks.change_framework", framework):
        raise PermissionDenied
    return save_tracked(Term(framework=framework, code=code, label=label, parent=parent, **fields), actor=actor)

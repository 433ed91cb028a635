"""Writes to frameworks and terms, with history."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from smartstadt.core.history import save_tracked
from smartstadt.core.permissions import Actor, require

from .models import Framework, Term


@transaction.atomic
def framework_create(*, actor: Actor, slug: str, name: str, municipality: Any = None, **fields: Any) -> Framework:
    require(actor, "frameworks.add_framework", municipality)
    return save_tracked(Framework(slug=slug, name=name, municipality=municipality, **fields), actor=actor)


@transaction.atomic
def term_create(
    *, actor: Actor, framework: Framework, code: str, label: str, parent: Term | None = None, **fields: Any
) -> Term:
    require(actor, "frameworks.change_framework", framework)
    return save_tracked(Term(framework=framework, code=code, label=label, parent=parent, **fields), actor=actor)

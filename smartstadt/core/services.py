from __future__ import annotations

from typing import Any

from django.db import transaction

from .history import delete_tracked, save_tracked
from .models import Membership, Role, User
from .permissions import Actor, forget_roles, require


@transaction.atomic
def membership_grant(
    *, actor: Actor, user: User, role: Role | str, municipality: Any = None, organisation: Any = None
) -> Membership:
    """Give a user a role. Platform admins grant anything; a Smart City team grants roles in its municipality."""
    membership = Membership(user=user, role=role, municipality=municipality, organisation=organisation)
    scope = organisation or municipality
    require(actor, "core.grant_role", scope)
    existing = Membership.objects.filter(
        user=user, role=role, municipality=municipality, organisation=organisation
    ).first()
    if existing is not None:
        return existing
    save_tracked(membership, actor=actor)
    forget_roles(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> None:
    require(actor, "core.grant_role", membership.scope)
    delete_tracked(membership, actor=actor)
    forget_roles(membership.user)

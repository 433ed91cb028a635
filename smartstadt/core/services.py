from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .history import delete_tracked, save_tracked
from .models import Membership, Role, User
from .permissions import forget_roles


@transaction.atomic
def membership_grant(
    *, actor: Any, user: User, role: Role | str, municipality: Any = None, organisation: Any = None
) -> Membership:
    """Give a user a role. Platform admins grant anything; a Smart City team grants roles in its municipality."""
    membership = Membership(user=user, role=role, municipality=municipality, organisation=organisation)
    scope = organisation or municipality
    if actor is not None and not actor.has_perm("core.grant_role", scope):
        raise PermissionDenied
    existing = Membership.objects.filter(
        user=user, role=role, municipality=municipality, organisation=organisation
    ).first()
    if existing is not None:
        return existing
    save_tracked(membership, actor=actor)
    forget_roles(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    if actor is not None and not actor.has_perm("core.grant_role", membership.scope):
        raise PermissionDenied
    delete_tracked(membership, actor=actor)
    forget_roles(membership.user)

"""Named permission rules: who may do what, by role and scope.

The roles of DESIGN.md map to predicates here. Apps register their permissions with these predicates in their
own ``permissions.py``; views and services ask ``user.has_perm(name, obj)`` and never look at roles directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import Membership, Role, User

_CACHE_ATTR = "_smartstadt_roles"


@dataclass(frozen=True)
class System:
    """A process acting without a person: the demo loader, a command-line import, a stocktaking link.

    It is allowed every write by construction and appears in the change history under its label
    (``System("Import")``). Passing a ``System`` is an explicit decision; passing nothing is a type error and,
    at run time, refused by ``require``.
    """

    label: str
    is_authenticated = False
    is_active = False

    def __str__(self) -> str:
        return self.label


type Actor = User | System
"""Who performs a write: a signed-in person or a named system process."""

type Viewer = User | AnonymousUser
"""Who reads: a person, signed in or not."""


class SignedInRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user is a person, never anonymous (for the types
    only; the decorator is what makes it true)."""

    user: User


def require(actor: User | AnonymousUser | System, permission: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` unless the actor holds the named permission for the object.

    The one permission check of every service. ``System`` actors pass; ``None`` is refused, so that no call can
    skip a check by passing nothing.
    """
    if not permits(actor, permission, obj):
        raise PermissionDenied


def permits(actor: User | AnonymousUser | System, permission: str, obj: Any = None) -> bool:
    """Whether the actor holds the named permission for the object (``System`` always, ``None`` never): for the
    choices a service offers, where ``require`` guards the write itself."""
    if isinstance(actor, System):
        return True
    return actor is not None and bool(actor.has_perm(permission, obj))


@dataclass(frozen=True)
class RoleSet:
    """All scoped roles of one user, read once per request."""

    team_municipalities: frozenset[int] = frozenset()
    moderator_municipalities: frozenset[int] = frozenset()
    expert_municipalities: frozenset[int] = frozenset()
    editor_organisations: frozenset[int] = frozenset()
    # Municipalities of the organisations a user edits: editors belong to their municipality, too.
    editor_municipalities: frozenset[int] = frozenset()
    regions: frozenset[int] = field(default_factory=frozenset)

    @property
    def member_municipalities(self) -> frozenset[int]:
        return (
            self.team_municipalities
            | self.moderator_municipalities
            | self.expert_municipalities
            | self.editor_municipalities
        )

    @property
    def is_empty(self) -> bool:
        return not (self.member_municipalities or self.editor_organisations)


def roles_of(user: Viewer) -> RoleSet:
    if not isinstance(user, User):
        return RoleSet()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    team: set[int] = set()
    moderator: set[int] = set()
    expert: set[int] = set()
    organisations: set[int] = set()
    org_municipalities: set[int] = set()
    regions: set[int] = set()
    rows = Membership.objects.filter(user=user).values_list(
        "role",
        "municipality_id",
        "municipality__region_id",
        "organisation_id",
        "organisation__municipality_id",
        "organisation__municipality__region_id",
    )
    for role, municipality_id, region_id, organisation_id, org_municipality_id, org_region_id in rows:
        if role == Role.EDITOR:
            organisations.add(organisation_id)
            org_municipalities.add(org_municipality_id)
            if org_region_id:
                regions.add(org_region_id)
            continue
        if region_id:
            regions.add(region_id)
        {Role.SMART_CITY_TEAM: team, Role.MODERATOR: moderator, Role.EXPERT: expert}[Role(role)].add(municipality_id)
    result = RoleSet(
        team_municipalities=frozenset(team),
        moderator_municipalities=frozenset(moderator),
        expert_municipalities=frozenset(expert),
        editor_organisations=frozenset(organisations),
        editor_municipalities=frozenset(org_municipalities),
        regions=frozenset(regions),
    )
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_roles(user: Viewer) -> None:
    """Drop the per-request cache after roles changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def municipality_id_of(obj: Any) -> int | None:
    """The municipality a record belongs to, for any record that has one."""
    if obj is None:
        return None
    if getattr(obj, "_meta", None) is not None and obj._meta.label == "regions.Municipality":
        return int(obj.pk)
    if hasattr(obj, "municipality_id"):
        return obj.municipality_id
    if hasattr(obj, "framework"):
        return municipality_id_of(obj.framework)
    return None


def organisation_id_of(obj: Any) -> int | None:
    if obj is None:
        return None
    if getattr(obj, "_meta", None) is not None and obj._meta.label == "regions.Organisation":
        return int(obj.pk)
    if hasattr(obj, "lead_organisation_id"):
        return obj.lead_organisation_id
    return getattr(obj, "organisation_id", None)


@rules.predicate
def is_platform_admin(user: Viewer) -> bool:
    return bool(user and user.is_active and user.is_superuser)


@rules.predicate
def is_registered(user: Viewer) -> bool:
    """Citizen: every active, signed-in user."""
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_team_of(user: Viewer, obj: Any) -> bool:
    municipality_id = municipality_id_of(obj)
    return municipality_id is not None and municipality_id in roles_of(user).team_municipalities


@rules.predicate
def is_moderator_of(user: Viewer, obj: Any) -> bool:
    municipality_id = municipality_id_of(obj)
    return municipality_id is not None and municipality_id in roles_of(user).moderator_municipalities


@rules.predicate
def is_expert_of(user: Viewer, obj: Any) -> bool:
    municipality_id = municipality_id_of(obj)
    return municipality_id is not None and municipality_id in roles_of(user).expert_municipalities


@rules.predicate
def is_editor_of(user: Viewer, obj: Any) -> bool:
    organisation_id = organisation_id_of(obj)
    return organisation_id is not None and organisation_id in roles_of(user).editor_organisations


@rules.predicate
def is_member_of(user: Viewer, obj: Any) -> bool:
    """Any scoped role in the record's municipality."""
    municipality_id = municipality_id_of(obj)
    return municipality_id is not None and municipality_id in roles_of(user).member_municipalities


@rules.predicate
def has_any_role(user: Viewer) -> bool:
    return not roles_of(user).is_empty


is_staff_member = is_platform_admin | has_any_role


rules.add_perm("core.grant_role", is_platform_admin | is_team_of)
rules.add_perm("core.view_history", is_platform_admin | is_team_of | is_editor_of)
rules.add_perm("core.access_workspace", is_staff_member)

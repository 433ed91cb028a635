"""The named rules as a role × permission matrix: who may change what in municipality A."""

from __future__ import annotations

import pytest

ALLOWED = True
DENIED = False

# persona → expected answer, for each (permission, object) pair
MATRIX = {
    ("regions.change_municipality", "municipality_a"): {
        "citizen": DENIED,
        "editor_a": DENIED,
        "team_a": ALLOWED,
        "team_b": DENIED,
        "moderator_a": DENIED,
        "expert_a": DENIED,
        "platform_admin": ALLOWED,
    },
    ("regions.change_organisation", "organisation_a"): {
        "citizen": DENIED,
        "editor_a": ALLOWED,
        "team_a": ALLOWED,
        "team_b": DENIED,
        "editor_b": DENIED,
        "moderator_a": DENIED,
        "platform_admin": ALLOWED,
    },
    ("regions.add_organisation", "municipality_a"): {
        "citizen": DENIED,
        "editor_a": DENIED,
        "team_a": ALLOWED,
        "team_b": DENIED,
        "platform_admin": ALLOWED,
    },
    ("core.grant_role", "municipality_a"): {
        "citizen": DENIED,
        "editor_a": DENIED,
        "team_a": ALLOWED,
        "team_b": DENIED,
        "platform_admin": ALLOWED,
    },
    ("core.view_history", "municipality_a"): {
        "citizen": DENIED,
        "editor_a": DENIED,
        "team_a": ALLOWED,
        "team_b": DENIED,
        "platform_admin": ALLOWED,
    },
    ("core.view_history", "organisation_a"): {
        "citizen": DENIED,
        "editor_a": ALLOWED,
        "team_a": ALLOWED,
        "team_b": DENIED,
        "editor_b": DENIED,
    },
}

CASES = [
    (permission, target, persona, expected)
    for (permission, target), answers in MATRIX.items()
    for persona, expected in answers.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("permission", "target", "persona", "expected"), CASES)
def test_role_matrix(personas, permission, target, persona, expected):
    user = getattr(personas, persona)
    assert user.has_perm(permission, getattr(personas, target)) is expected


@pytest.mark.django_db
def test_anonymous_has_no_write_permission(personas):
    from django.contrib.auth.models import AnonymousUser

    assert not AnonymousUser().has_perm("regions.change_municipality", personas.municipality_a)


@pytest.mark.django_db
def test_municipal_framework_belongs_to_its_team_reference_framework_to_admins(personas):
    from smartstadt.frameworks.tests.factories import FrameworkFactory

    own = FrameworkFactory(municipality=personas.municipality_a)
    reference = FrameworkFactory(municipality=None)
    assert personas.team_a.has_perm("frameworks.change_framework", own)
    assert not personas.team_b.has_perm("frameworks.change_framework", own)
    assert not personas.team_a.has_perm("frameworks.change_framework", reference)
    assert personas.platform_admin.has_perm("frameworks.change_framework", reference)


@pytest.mark.django_db
def test_team_grants_roles_only_in_its_municipality(personas):
    from django.core.exceptions import PermissionDenied

    from smartstadt.core.models import Role
    from smartstadt.core.services import membership_grant
    from smartstadt.core.tests.factories import UserFactory

    newcomer = UserFactory()
    membership_grant(actor=personas.team_a, user=newcomer, role=Role.EDITOR, organisation=personas.organisation_a)
    assert newcomer.has_perm("regions.change_organisation", personas.organisation_a)
    with pytest.raises(PermissionDenied):
        membership_grant(actor=personas.team_a, user=newcomer, role=Role.EDITOR, organisation=personas.organisation_b)


@pytest.mark.django_db
def test_role_scope_is_enforced_by_the_database(personas):
    from django.db import IntegrityError, transaction

    from smartstadt.core.models import Membership, Role

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=personas.citizen, role=Role.EDITOR, municipality=personas.municipality_a)

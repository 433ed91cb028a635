"""Shared test fixtures: the personas every view test uses, the demo region, and the browser harness."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

# Playwright's sync API runs an event loop in the test thread; Django would then refuse ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["smartstadt.core.tests.browser"]

from smartstadt.core.tests.browser import DEMO_SNAPSHOT  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Any, tmp_path_factory: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    # The embedded profile's cache in files (generation numbers, kept pages, rate limits): one of this test alone,
    # not the var folder's platform's nor another test's (and not inside tmp_path, which a test may list).
    from smartstadt.core import filecache

    if filecache.configured():
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": str(tmp_path_factory.mktemp("cache"))}}
    # No sentence embeddings unless a test asks for them (smartstadt/analysis/tests): they cost 20–90 ms per text.
    settings.ANALYSIS_SEMANTIC = "off"
    # Tests run with DEBUG off but without collectstatic: link static files by their plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()


@dataclass
class Personas:
    """The people of every permission test: two municipalities A and B and their users."""

    municipality_a: Any
    municipality_b: Any
    organisation_a: Any
    organisation_b: Any
    citizen: Any
    editor_a: Any
    team_a: Any
    team_b: Any
    editor_b: Any
    moderator_a: Any
    expert_a: Any
    platform_admin: Any

    def client(self, who: str | None) -> Client:
        client = Client()
        if who is not None:
            client.force_login(getattr(self, who))
        return client


PERSONA_NAMES = ["anonymous", "citizen", "editor_a", "team_a", "team_b", "editor_b", "platform_admin"]


@pytest.fixture
def personas(db: Any) -> Personas:
    from smartstadt.core.models import Role
    from smartstadt.core.permissions import System
    from smartstadt.core.services import membership_grant
    from smartstadt.core.tests.factories import UserFactory
    from smartstadt.regions.tests.factories import MunicipalityFactory, OrganisationFactory, RegionFactory

    region = RegionFactory(name="Testregion", slug="testregion")
    municipality_a = MunicipalityFactory(name="Stadt A", slug="stadt-a", region=region)
    municipality_b = MunicipalityFactory(name="Stadt B", slug="stadt-b", region=region)
    organisation_a = OrganisationFactory(municipality=municipality_a, name="Stadtwerke A", slug="stadtwerke-a")
    organisation_b = OrganisationFactory(municipality=municipality_b, name="Stadtwerke B", slug="stadtwerke-b")
    users = {name: UserFactory(username=name.replace("_", "-")) for name in PERSONA_NAMES[1:]}
    users["moderator_a"] = UserFactory(username="moderator-a")
    users["expert_a"] = UserFactory(username="expert-a")
    users["platform_admin"].is_superuser = True
    users["platform_admin"].is_staff = True
    users["platform_admin"].save()
    grants = [
        ("editor_a", Role.EDITOR, None, organisation_a),
        ("editor_b", Role.EDITOR, None, organisation_b),
        ("team_a", Role.SMART_CITY_TEAM, municipality_a, None),
        ("team_b", Role.SMART_CITY_TEAM, municipality_b, None),
        ("moderator_a", Role.MODERATOR, municipality_a, None),
        ("expert_a", Role.EXPERT, municipality_a, None),
    ]
    for name, role, municipality, organisation in grants:
        membership_grant(
            actor=System("Test"), user=users[name], role=role, municipality=municipality, organisation=organisation
        )
    return Personas(
        municipality_a=municipality_a,
        municipality_b=municipality_b,
        organisation_a=organisation_a,
        organisation_b=organisation_b,
        **users,
    )


@pytest.fixture
def client_as(personas: Personas) -> Callable[[str], Client]:
    """A client signed in as the named persona ("anonymous" for nobody)."""

    def make(who: str) -> Client:
        return personas.client(None if who == "anonymous" else who)

    return make


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """The demo region is loaded once per test database; every test sees it and rolls its own changes back.

    Browser tests run in transactions that end with a flush; they restore this state from the serialisation
    made here (see ``live_demo``), which is much faster than loading the demo region again.
    """
    from django.db import connection
    from django.test.utils import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_USERS=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        call_command("load_demo", "--quiet")
        DEMO_SNAPSHOT["default"] = connection.creation.serialize_db_to_string()


@pytest.fixture
def demo_region(db: Any) -> None:
    """Marks tests that read the demo region (loaded once per session, see django_db_setup)."""
    return

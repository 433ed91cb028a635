"""The named rules as a matrix: persona × permission, for an unpublished and a published strategy."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from smartstadt.strategy.models import Strategy

from .factories import GoalFactory, MeasureFactory, StrategyFactory

EDIT = ["strategy.change_strategy", "strategy.publish_strategy", "strategy.freeze_version"]
MAY_EDIT = {"team_a", "platform_admin"}
MAY_READ_DRAFT = {"team_a", "platform_admin", "editor_a", "moderator_a", "expert_a"}
PERSONAS = [
    "anonymous",
    "citizen",
    "editor_a",
    "team_a",
    "team_b",
    "editor_b",
    "moderator_a",
    "expert_a",
    "platform_admin",
]


def user(personas: Any, who: str) -> Any:
    return AnonymousUser() if who == "anonymous" else getattr(personas, who)


@pytest.fixture
def strategy(personas: Any) -> Strategy:
    return StrategyFactory(municipality=personas.municipality_a, is_published=False)


@pytest.mark.parametrize("who", PERSONAS)
def test_only_the_team_of_the_municipality_edits(personas: Any, strategy: Strategy, who: str) -> None:
    actor = user(personas, who)
    goal = GoalFactory(strategy=strategy)
    milestone = MeasureFactory(strategy=strategy).milestones.create(title="Start", year=2025)
    for permission in EDIT:
        for obj in (strategy, goal, milestone):
            assert actor.has_perm(permission, obj) == (who in MAY_EDIT), (permission, obj)
    assert actor.has_perm("strategy.add_strategy", personas.municipality_a) == (who in MAY_EDIT)


@pytest.mark.parametrize("who", PERSONAS)
def test_reading(personas: Any, strategy: Strategy, who: str) -> None:
    actor = user(personas, who)
    assert actor.has_perm("strategy.view_strategy", strategy) == (who in MAY_READ_DRAFT)
    strategy.is_published = True
    assert actor.has_perm("strategy.view_strategy", strategy)  # everybody reads a published strategy
    assert actor.has_perm("strategy.view_strategy", GoalFactory(strategy=strategy))

"""The rules of participation as a persona × permission matrix, and how the phase opens and closes formats."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from smartstadt.core.permissions import System
from smartstadt.participation.models import Idea, Phase, PhaseKind, Process

from .factories import IdeaFactory

# persona: (add_idea, support_idea, report, moderate, answer)
MATRIX = {
    "anonymous": (False, False, False, False, False),
    "citizen": (True, True, True, False, False),
    "moderator_a": (True, True, True, True, False),
    "team_a": (True, True, True, True, True),
    "team_b": (True, True, True, False, False),
    "editor_a": (True, True, True, False, False),
    "platform_admin": (True, True, True, True, True),
}


def _user(personas: Any, who: str) -> Any:
    return AnonymousUser() if who == "anonymous" else getattr(personas, who)


@pytest.mark.parametrize("who", MATRIX)
def test_matrix(personas: Any, process: Process, who: str) -> None:
    user = _user(personas, who)
    idea = IdeaFactory(process=process)
    expected = MATRIX[who]
    actual = (
        user.has_perm("participation.add_idea", process),
        user.has_perm("participation.support_idea", idea),
        user.has_perm("participation.report_contribution", idea),
        user.has_perm("participation.moderate", idea),
        user.has_perm("participation.answer_idea", idea),
    )
    assert actual == expected


def test_moderator_of_another_municipality_has_no_say(personas: Any, process: Process) -> None:
    from smartstadt.core.models import Role
    from smartstadt.core.services import membership_grant
    from smartstadt.core.tests.factories import UserFactory

    moderator_b = UserFactory(username="moderator-b")
    membership_grant(actor=System("Test"), user=moderator_b, role=Role.MODERATOR, municipality=personas.municipality_b)
    idea = IdeaFactory(process=process)
    assert not moderator_b.has_perm("participation.moderate", idea)
    assert not moderator_b.has_perm("participation.moderate", process)
    assert personas.moderator_a.has_perm("participation.moderate", process)


def test_unpublished_process_is_seen_by_its_team_and_moderators_only(personas: Any, process: Process) -> None:
    Process.objects.filter(pk=process.pk).update(is_published=False)
    process.refresh_from_db()
    assert personas.team_a.has_perm("participation.view_process", process)
    assert personas.moderator_a.has_perm("participation.view_process", process)
    for user in (AnonymousUser(), personas.citizen, personas.team_b):
        assert not user.has_perm("participation.view_process", process)
    assert not personas.citizen.has_perm("participation.add_idea", process)


def test_hidden_contribution_stays_visible_to_its_author(personas: Any, process: Process) -> None:
    idea: Idea = IdeaFactory(process=process, author=personas.citizen, is_hidden=True, hidden_reason="Werbung")
    assert personas.citizen.has_perm("participation.view_contribution", idea)
    assert personas.moderator_a.has_perm("participation.view_contribution", idea)
    assert not personas.team_b.has_perm("participation.view_contribution", idea)
    assert not AnonymousUser().has_perm("participation.view_contribution", idea)
    assert not personas.team_b.has_perm("participation.support_idea", idea)


@pytest.mark.parametrize(
    ("kind", "ideas", "supports"),
    [
        (PhaseKind.INFORMATION, False, False),
        (PhaseKind.IDEAS, True, True),
        (PhaseKind.DRAFT_COMMENTS, False, True),
        (PhaseKind.RESULTS, False, False),
    ],
)
def test_the_current_phase_opens_formats(
    personas: Any, process: Process, kind: str, ideas: bool, supports: bool
) -> None:
    Phase.objects.filter(process=process).update(kind=kind)
    process = Process.objects.get(pk=process.pk)
    idea = IdeaFactory(process=process)
    assert personas.citizen.has_perm("participation.add_idea", process) is ideas
    assert personas.citizen.has_perm("participation.support_idea", idea) is supports


def test_a_later_phase_replaces_the_earlier(personas: Any, process: Process) -> None:
    today = datetime.date.today()
    Phase.objects.create(process=process, kind=PhaseKind.RESULTS, title="Ergebnisse", starts_on=today, order=5)
    process = Process.objects.get(pk=process.pk)
    assert not personas.citizen.has_perm("participation.add_idea", process)

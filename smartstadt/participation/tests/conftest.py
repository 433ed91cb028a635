from __future__ import annotations

from typing import Any

import pytest

from smartstadt.participation.models import Process

from .factories import PhaseFactory, ProcessFactory


@pytest.fixture
def process(personas: Any) -> Process:
    """A published process of municipality A whose ideas phase runs today."""
    process = ProcessFactory(municipality=personas.municipality_a, slug="ideen-a", title="Ideen für Stadt A")
    PhaseFactory(process=process)
    return process


@pytest.fixture
def draft_process(personas: Any) -> Process:
    """A published process of municipality A on a frozen draft (vision, a goal, a field of action, a measure)
    whose phases for commenting the draft and for surveys run today."""
    from smartstadt.participation.models import PhaseKind
    from smartstadt.strategy.models import Goal
    from smartstadt.strategy.services import version_freeze
    from smartstadt.strategy.tests.factories import FieldOfActionFactory, MeasureFactory, StrategyFactory

    strategy = StrategyFactory(municipality=personas.municipality_a, title="Strategie A", is_published=True)
    Goal.objects.create(strategy=strategy, title="Teilhabe für alle", description="Niemand bleibt zurück.")
    FieldOfActionFactory(strategy=strategy, title="Mobilität")
    FieldOfActionFactory(strategy=strategy, title="Energie")
    FieldOfActionFactory(strategy=strategy, title="Bildung")
    MeasureFactory(strategy=strategy, title="Digitale Sprechstunde", description="Hilfe beim Online-Antrag.")
    version = version_freeze(actor=personas.team_a, strategy=strategy, label="Entwurf 1", kind="draft", note="")
    process = ProcessFactory(
        municipality=personas.municipality_a,
        slug="entwurf-a",
        title="Entwurf für Stadt A",
        strategy=strategy,
        draft_version=version,
    )
    PhaseFactory(process=process, kind=PhaseKind.DRAFT_COMMENTS, title="Entwurf kommentieren")
    PhaseFactory(process=process, kind=PhaseKind.SURVEY, title="Umfrage")
    return process

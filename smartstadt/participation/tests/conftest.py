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

"""The demo participation: Oberhausen's process on its draft strategy, loaded idempotently, examples marked."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management import call_command

from smartstadt.core.models import ChangeRecord
from smartstadt.demo.loader import LoadReport
from smartstadt.participation.demo import EXAMPLE_PREFIX, PROCESS_SLUG, participation_step
from smartstadt.participation.models import Idea, PhaseKind, Process, Support
from smartstadt.participation.permissions import current_phase


def test_oberhausen_process_from_the_facts(demo_region: Any) -> None:
    process = Process.objects.get(slug=PROCESS_SLUG)
    assert process.municipality.slug == "oberhausen"
    assert process.is_published
    assert process.strategy is not None
    phases = {phase.kind: phase for phase in process.phases.all()}
    assert phases[PhaseKind.INFORMATION].starts_on == datetime.date(2022, 11, 29)
    assert phases[PhaseKind.IDEAS].starts_on == datetime.date(2022, 12, 12)
    assert phases[PhaseKind.RESULTS].starts_on is None  # the sources give no exact date
    current = current_phase(process)
    assert current is not None
    assert current.kind == PhaseKind.IDEAS


def test_examples_are_marked(demo_region: Any) -> None:
    ideas = Idea.objects.filter(process__slug=PROCESS_SLUG)
    assert ideas.count() >= 3
    for idea in ideas:
        assert idea.is_example
        assert idea.title.startswith(EXAMPLE_PREFIX)
    supported = ideas.get(support_count__gt=0)
    assert supported.support_count == Support.objects.filter(idea=supported).count()


def test_loading_twice_changes_nothing(demo_region: Any) -> None:
    history = ChangeRecord.objects.count()
    ideas = list(Idea.objects.filter(process__slug=PROCESS_SLUG).values_list("pk", "support_count", "comment_count"))
    report = LoadReport()
    participation_step(report)
    assert not [key for key in report.counts if key.endswith((": neu", ": aktualisiert"))]
    assert ChangeRecord.objects.count() == history
    assert (
        list(Idea.objects.filter(process__slug=PROCESS_SLUG).values_list("pk", "support_count", "comment_count"))
        == ideas
    )
    call_command("load_demo", "--quiet")
    assert Idea.objects.filter(process__slug=PROCESS_SLUG).count() == len(ideas)

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


def test_draft_survey_and_workshop_of_the_demo_are_marked_examples(demo_region: Any) -> None:
    from smartstadt.participation.demo import DRAFT_LABEL, SURVEY_TITLE, WORKSHOP_TITLE
    from smartstadt.participation.models import DraftComment, Survey, SurveyResponse, Workshop
    from smartstadt.participation.permissions import allows

    process = Process.objects.get(slug=PROCESS_SLUG)
    assert process.draft_version is not None
    assert process.draft_version.label == DRAFT_LABEL
    assert process.draft_version.snapshot["measures"]
    # Commenting the draft, the survey and the ideas started together on 12 December 2022 and run side by side.
    assert allows(process, "draft_comment")
    assert allows(process, "survey")
    assert allows(process, "idea")
    survey = Survey.objects.get(process=process, title=SURVEY_TITLE)
    assert survey.is_example
    assert survey.title.startswith("Beispielumfrage")
    assert survey.questions.count() == 5
    assert all(
        response.is_example and response.user_id is None for response in SurveyResponse.objects.filter(survey=survey)
    )
    workshop = Workshop.objects.get(process=process, title=WORKSHOP_TITLE)
    assert workshop.is_example
    assert workshop.ideas.get().is_example
    assert all(comment.is_example for comment in DraftComment.objects.filter(process=process))
    version = process.draft_version.snapshot
    report = LoadReport()
    participation_step(report)
    process.refresh_from_db()
    assert process.draft_version is not None
    assert process.draft_version.snapshot == version
    assert SurveyResponse.objects.filter(survey=survey).count() == 3

"""Who may take part, moderate and answer.

Every rule takes a process or any of its contributions; the process names the municipality. Citizens (every
signed-in, active account) contribute while the current phase allows the format. The moderators of the
process's municipality (role "moderation", scoped to a municipality) and its Smart City team moderate; the team
gives the official answers. A moderator of another municipality has no say here.
"""

from __future__ import annotations

import datetime
from typing import Any

import rules
from django.utils import timezone

from smartstadt.core.permissions import Viewer, is_moderator_of, is_platform_admin, is_registered, is_team_of

from .models import Comment, ContributionFormat, DraftComment, Idea, Phase, Process, Question, Survey, Workshop


def process_of(obj: Any) -> Process | None:
    if isinstance(obj, Process):
        return obj
    if isinstance(obj, Idea | DraftComment | Survey | Workshop):
        return obj.process
    if isinstance(obj, Comment):
        return obj.idea.process
    if isinstance(obj, Question):
        return obj.survey.process
    return None


def current_phase(process: Process, today: datetime.date | None = None) -> Phase | None:
    """The phase running today: the latest that has started and not ended. Uses prefetched phases if present."""
    day = today or timezone.localdate()
    running = [phase for phase in process.phases.all() if phase.state_on(day) == "current"]
    return max(running, key=lambda phase: (phase.starts_on, phase.order)) if running else None


def running_phases(process: Process, today: datetime.date | None = None) -> list[Phase]:
    """The phases in force today: a phase that started later replaces the earlier ones, while phases that
    started on the same day run side by side (e.g. ideas, commenting the draft and a survey)."""
    day = today or timezone.localdate()
    running = [phase for phase in process.phases.all() if phase.state_on(day) == "current"]
    latest = max((phase.starts_on for phase in running if phase.starts_on is not None), default=None)
    return [phase for phase in running if phase.starts_on == latest]


def allows(process: Process, contribution_format: str) -> bool:
    """Whether a phase in force today allows the format."""
    return any(contribution_format in phase.formats for phase in running_phases(process))


@rules.predicate
def is_process_team(user: Viewer, obj: Any) -> bool:
    return bool(is_team_of(user, process_of(obj)))


@rules.predicate
def is_process_moderator(user: Viewer, obj: Any) -> bool:
    return bool(is_moderator_of(user, process_of(obj)))


@rules.predicate
def is_published(user: Viewer, obj: Any) -> bool:
    process = process_of(obj)
    return process is not None and process.is_published


@rules.predicate
def is_visible_contribution(user: Viewer, obj: Any) -> bool:
    """Hidden contributions stay readable for their author (with the reason) and for the moderation."""
    if not getattr(obj, "is_hidden", False):
        return True
    return bool(user and user.is_authenticated and obj.author_id == user.pk)


@rules.predicate
def ideas_open(user: Viewer, obj: Any) -> bool:
    process = process_of(obj)
    return process is not None and allows(process, ContributionFormat.IDEA)


@rules.predicate
def comments_open(user: Viewer, obj: Any) -> bool:
    process = process_of(obj)
    return process is not None and allows(process, ContributionFormat.COMMENT)


@rules.predicate
def supports_open(user: Viewer, obj: Any) -> bool:
    process = process_of(obj)
    return process is not None and allows(process, ContributionFormat.SUPPORT)


@rules.predicate
def draft_comments_open(user: Viewer, obj: Any) -> bool:
    process = process_of(obj)
    return (
        process is not None
        and process.draft_version_id is not None
        and allows(process, ContributionFormat.DRAFT_COMMENT)
    )


@rules.predicate
def surveys_open(user: Viewer, obj: Any) -> bool:
    process = process_of(obj)
    return process is not None and allows(process, ContributionFormat.SURVEY)


@rules.predicate
def is_published_survey(user: Viewer, obj: Any) -> bool:
    return isinstance(obj, Survey) and obj.is_published


@rules.predicate
def has_public_results(user: Viewer, obj: Any) -> bool:
    return isinstance(obj, Survey) and obj.is_published and obj.results_public


@rules.predicate
def is_open_contribution(user: Viewer, obj: Any) -> bool:
    """Neither hidden nor merged into another idea (a merged idea only redirects to its survivor)."""
    return not getattr(obj, "is_hidden", False) and getattr(obj, "merged_into_id", None) is None


moderates = is_platform_admin | is_process_team | is_process_moderator
answers = is_platform_admin | is_process_team

rules.add_perm("participation.view_process", is_published | moderates)
rules.add_perm("participation.view_contribution", (is_published & is_visible_contribution) | moderates)
rules.add_perm("participation.add_idea", is_registered & is_published & ideas_open)
rules.add_perm("participation.add_comment", is_registered & is_published & is_open_contribution & comments_open)
rules.add_perm("participation.support_idea", is_registered & is_published & is_open_contribution & supports_open)
rules.add_perm("participation.report_contribution", is_registered & is_published & is_open_contribution)
rules.add_perm("participation.moderate", moderates)
rules.add_perm("participation.answer_idea", answers)
rules.add_perm("participation.add_draft_comment", is_registered & is_published & draft_comments_open)
rules.add_perm("participation.view_survey", (is_published & is_published_survey) | answers)
rules.add_perm("participation.answer_survey", is_registered & is_published & is_published_survey & surveys_open)
rules.add_perm("participation.view_survey_results", (is_published & has_public_results) | answers)
# The team runs its processes: phases, surveys, workshops, merging ideas. obj: the process (or, to create one,
# the municipality).
rules.add_perm("participation.manage_process", answers)
rules.add_perm("participation.add_process", is_platform_admin | is_team_of)

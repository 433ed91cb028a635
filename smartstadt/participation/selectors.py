"""Reads of participation: lists with a fixed number of queries whatever their length, and fetch-and-check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from smartstadt.core.permissions import roles_of

from .models import Comment, Idea, IdeaStatus, ParticipantProfile, Phase, Process, Report, Support
from .permissions import current_phase

SORTS = {
    "neueste": ("-created_at", "-pk"),
    "unterstuetzt": ("-support_count", "-created_at", "-pk"),
    "diskutiert": ("-comment_count", "-created_at", "-pk"),
}
DEFAULT_SORT = "neueste"


def _with_phases(queryset: QuerySet[Process]) -> QuerySet[Process]:
    return queryset.select_related("municipality", "strategy").prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("order", "pk"))
    )


def process_list(*, viewer: Any) -> QuerySet[Process]:
    """Published processes, and the unpublished ones the viewer moderates or runs."""
    roles = roles_of(viewer)
    visible = Q(is_published=True)
    if getattr(viewer, "is_superuser", False):
        visible = Q()
    elif roles.team_municipalities or roles.moderator_municipalities:
        visible |= Q(municipality_id__in=roles.team_municipalities | roles.moderator_municipalities)
    return _with_phases(Process.objects.filter(visible)).order_by("-created_at", "title")


def get_process_for(*, viewer: Any, slug: str) -> Process:
    process = _with_phases(Process.objects.filter(slug=slug)).first()
    if process is None or not viewer.has_perm("participation.view_process", process):
        raise Http404
    return process


@dataclass
class ProcessTimeline:
    current: Phase | None
    past: list[Phase] = field(default_factory=list)
    upcoming: list[Phase] = field(default_factory=list)
    undated: list[Phase] = field(default_factory=list)


def process_timeline(*, process: Process) -> ProcessTimeline:
    today = timezone.localdate()
    current = current_phase(process, today)
    timeline = ProcessTimeline(current=current)
    for phase in process.phases.all():
        if phase == current:
            continue
        state = phase.state_on(today)
        if state == "current":  # an overlapping phase that is not the latest: shown as running as well
            timeline.past.append(phase)
        else:
            getattr(timeline, state).append(phase)
    return timeline


def _visible_ideas(*, process: Process, viewer: Any) -> QuerySet[Idea]:
    ideas = Idea.objects.filter(process=process)
    if viewer.has_perm("participation.moderate", process):
        return ideas
    if viewer.is_authenticated:
        return ideas.filter(Q(is_hidden=False) | Q(author=viewer))
    return ideas.filter(is_hidden=False)


def idea_list(
    *,
    process: Process,
    viewer: Any,
    sort: str = DEFAULT_SORT,
    district: str = "",
    field_of_action: str = "",
    status: str = "",
) -> QuerySet[Idea]:
    ideas = _visible_ideas(process=process, viewer=viewer)
    if district:
        ideas = ideas.filter(district__slug=district)
    if field_of_action.isdigit():
        ideas = ideas.filter(field_of_action_id=int(field_of_action))
    if status in IdeaStatus.values:
        ideas = ideas.filter(status=status)
    return (
        ideas.select_related("author", "district", "field_of_action")
        .defer("text", "answer")
        .order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    )


def supported_ids(*, viewer: Any, ideas: list[Idea]) -> set[int]:
    """Which of these ideas the viewer supports: one query for the page."""
    if not viewer.is_authenticated or not ideas:
        return set()
    return set(
        Support.objects.filter(user=viewer, idea_id__in=[idea.pk for idea in ideas]).values_list("idea_id", flat=True)
    )


def get_idea_for(*, viewer: Any, process: Process, pk: int) -> Idea:
    idea = (
        Idea.objects.select_related("author", "district", "field_of_action", "measure", "measure__strategy")
        .filter(process=process, pk=pk)
        .first()
    )
    if idea is None:
        raise Http404
    idea.process = process
    if not viewer.has_perm("participation.view_contribution", idea):
        raise Http404
    return idea


def get_comment_for(*, viewer: Any, idea: Idea, pk: int) -> Comment:
    comment = Comment.objects.select_related("author").filter(idea=idea, pk=pk).first()
    if comment is None:
        raise Http404
    comment.idea = idea
    if not viewer.has_perm("participation.view_contribution", comment):
        raise Http404
    return comment


def comment_threads(*, idea: Idea, viewer: Any) -> list[Comment]:
    """Top-level comments with their replies, oldest first; hidden ones only for their author and moderators."""
    comments = Comment.objects.filter(idea=idea).select_related("author")
    if not viewer.has_perm("participation.moderate", idea):
        visible = Q(is_hidden=False)
        if viewer.is_authenticated:
            visible |= Q(author=viewer)
        comments = comments.filter(visible)
    everything = list(comments.order_by("created_at", "pk"))
    threads = [comment for comment in everything if comment.parent_id is None]
    replies: dict[int, list[Comment]] = {}
    for comment in everything:
        comment.idea = idea
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    for comment in threads:
        comment.reply_list = replies.get(comment.pk, [])  # type: ignore[attr-defined]
    return threads


def answered_ideas(*, process: Process) -> QuerySet[Idea]:
    """What became of the contributions: every answered, visible idea, newest answer first."""
    return (
        Idea.objects.filter(process=process, is_hidden=False, answered_at__isnull=False)
        .select_related("author", "measure", "measure__strategy", "district")
        .order_by("-answered_at", "-pk")
    )


def status_counts(*, process: Process) -> dict[str, int]:
    from django.db.models import Count

    rows = (
        Idea.objects.filter(process=process, is_hidden=False)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = dict.fromkeys(IdeaStatus.values, 0)
    counts.update(dict(rows))
    return counts


@dataclass
class QueueItem:
    target: Idea | Comment
    kind: str
    reports: list[Report]


def moderation_queue(*, viewer: Any) -> list[QueueItem]:
    """Open reports of the processes the viewer moderates, one item per contribution, oldest report first."""
    if not viewer.is_authenticated:
        raise PermissionDenied
    roles = roles_of(viewer)
    municipalities = roles.team_municipalities | roles.moderator_municipalities
    if not viewer.is_superuser and not municipalities:
        raise PermissionDenied
    reports = Report.objects.filter(outcome=Report.Outcome.OPEN).select_related(
        "idea", "idea__process", "idea__author", "comment", "comment__author", "comment__idea__process", "reporter"
    )
    if not viewer.is_superuser:
        reports = reports.filter(
            Q(idea__process__municipality_id__in=municipalities)
            | Q(comment__idea__process__municipality_id__in=municipalities)
        )
    items: dict[tuple[str, int], QueueItem] = {}
    for report in reports.order_by("created_at", "pk")[:500]:
        kind = "idee" if report.idea_id is not None else "kommentar"
        target = report.target
        key = (kind, target.pk)
        if key not in items:
            items[key] = QueueItem(target=target, kind=kind, reports=[])
        items[key].reports.append(report)
    return list(items.values())


def hidden_contributions(*, viewer: Any) -> list[Idea | Comment]:
    """Recently hidden contributions the viewer may show again."""
    roles = roles_of(viewer)
    municipalities = roles.team_municipalities | roles.moderator_municipalities
    ideas = Idea.objects.filter(is_hidden=True).select_related("process", "author")
    comments = Comment.objects.filter(is_hidden=True).select_related("idea__process", "author")
    if not viewer.is_superuser:
        ideas = ideas.filter(process__municipality_id__in=municipalities)
        comments = comments.filter(idea__process__municipality_id__in=municipalities)
    found: list[Idea | Comment] = [*ideas.order_by("-hidden_at")[:50], *comments.order_by("-hidden_at")[:50]]
    return sorted(found, key=lambda item: item.hidden_at or item.created_at, reverse=True)


def get_target_for_moderation(*, viewer: Any, kind: str, pk: int) -> Idea | Comment:
    target: Idea | Comment | None
    if kind == "idee":
        target = Idea.objects.select_related("process", "author").filter(pk=pk).first()
    elif kind == "kommentar":
        target = Comment.objects.select_related("idea__process", "author").filter(pk=pk).first()
    else:
        raise Http404
    if target is None:
        raise Http404
    if not viewer.has_perm("participation.moderate", target):
        raise PermissionDenied
    return target


def my_data(*, user: Any) -> dict[str, Any]:
    """Everything the platform keeps about a citizen's participation, for the JSON export (Art. 15/20 GDPR)."""
    profile = ParticipantProfile.objects.filter(user=user).select_related("district").first()

    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "account": {
            "username": user.username,
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
        },
        "profile": {
            "email_confirmed_at": when(profile.email_confirmed_at) if profile else None,
            "consent_at": when(profile.consent_at) if profile else None,
            "age_group": profile.age_group if profile else "",
            "district": profile.district.name if profile and profile.district else None,
            "notify_on_answer": profile.notify_on_answer if profile else True,
        },
        "ideas": [
            {
                "process": idea.process.title,
                "title": idea.title,
                "text": idea.text,
                "created_at": when(idea.created_at),
                "status": idea.status,
                "answer": idea.answer,
                "hidden": idea.is_hidden,
                "hidden_reason": idea.hidden_reason,
            }
            for idea in Idea.objects.filter(author=user).select_related("process").order_by("created_at")
        ],
        "comments": [
            {
                "idea": comment.idea.title,
                "text": comment.text,
                "created_at": when(comment.created_at),
                "hidden": comment.is_hidden,
                "hidden_reason": comment.hidden_reason,
            }
            for comment in Comment.objects.filter(author=user).select_related("idea").order_by("created_at")
        ],
        "supports": [
            {"idea": support.idea.title, "created_at": when(support.created_at)}
            for support in Support.objects.filter(user=user).select_related("idea").order_by("created_at")
        ],
        "reports": [
            {"reason": report.reason, "created_at": when(report.created_at), "outcome": report.outcome}
            for report in Report.objects.filter(reporter=user).order_by("created_at")
        ],
    }

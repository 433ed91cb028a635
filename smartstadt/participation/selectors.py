"""Reads of participation: lists with a fixed number of queries whatever their length, and fetch-and-check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from smartstadt.core.models import User
from smartstadt.core.permissions import Viewer, roles_of

from .caching import cached
from .draft import DraftSection, draft_sections
from .models import (
    Comment,
    DraftComment,
    Idea,
    IdeaStatus,
    ParticipantProfile,
    Phase,
    Process,
    Question,
    QuestionKind,
    Report,
    Support,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    Workshop,
)
from .permissions import current_phase

SORTS = {
    "neueste": ("-created_at", "-pk"),
    "unterstuetzt": ("-support_count", "-created_at", "-pk"),
    "diskutiert": ("-comment_count", "-created_at", "-pk"),
}
DEFAULT_SORT = "neueste"
LIST_RELATED = ("author", "district", "field_of_action", "workshop")  # what the idea list shows of each idea
LIST_DEFERRED = ("text", "answer")


def _with_phases(queryset: QuerySet[Process]) -> QuerySet[Process]:
    return queryset.select_related("municipality", "strategy").prefetch_related(
        Prefetch("phases", queryset=Phase.objects.order_by("order", "pk"))
    )


def process_list(*, viewer: Viewer) -> QuerySet[Process]:
    """Published processes, and the unpublished ones the viewer moderates or runs."""
    roles = roles_of(viewer)
    visible = Q(is_published=True)
    if getattr(viewer, "is_superuser", False):
        visible = Q()
    elif roles.team_municipalities or roles.moderator_municipalities:
        visible |= Q(municipality_id__in=roles.team_municipalities | roles.moderator_municipalities)
    return _with_phases(Process.objects.filter(visible)).order_by("-created_at", "title")


def get_process_for(*, viewer: Viewer, slug: str) -> Process:
    process = _with_phases(Process.objects.filter(slug=slug)).first()
    if process is None or not viewer.has_perm("participation.view_process", process):
        raise Http404
    return process


@dataclass
class ProcessTimeline:
    current: Phase | None
    also_running: list[Phase] = field(default_factory=list)
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
        if state == "current":
            # Started on the same day as the current phase: in force alongside it; started earlier: replaced.
            if current is not None and phase.starts_on == current.starts_on:
                timeline.also_running.append(phase)
            else:
                timeline.past.append(phase)
        else:
            getattr(timeline, state).append(phase)
    return timeline


def _visible_ideas(*, process: Process, viewer: Viewer) -> QuerySet[Idea]:
    ideas = Idea.objects.current().filter(process=process)
    if viewer.has_perm("participation.moderate", process):
        return ideas
    if viewer.is_authenticated:
        return ideas.filter(Q(is_hidden=False) | Q(author=viewer))
    return ideas.filter(is_hidden=False)


def _filtered(ideas: QuerySet[Idea], *, district: str, field_of_action: str, status: str) -> QuerySet[Idea]:
    if district:
        ideas = ideas.filter(district__slug=district)
    if field_of_action.isdigit():
        ideas = ideas.filter(field_of_action_id=int(field_of_action))
    if status in IdeaStatus.values:
        ideas = ideas.filter(status=status)
    return ideas


def idea_list(
    *,
    process: Process,
    viewer: Viewer,
    sort: str = DEFAULT_SORT,
    district: str = "",
    field_of_action: str = "",
    status: str = "",
) -> QuerySet[Idea]:
    visible = _visible_ideas(process=process, viewer=viewer)
    ideas = _filtered(visible, district=district, field_of_action=field_of_action, status=status)
    return ideas.select_related(*LIST_RELATED).defer(*LIST_DEFERRED).order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def idea_count(
    *, process: Process, viewer: Viewer, district: str = "", field_of_action: str = "", status: str = ""
) -> int:
    """How many ideas the viewer sees with these filters. The counts everybody shares (all visible ideas; for
    moderators, hidden ones too) are cached until the next change (caching.py); a signed-in citizen's own hidden
    ideas are added by a small query on the author."""
    filters = {"district": district, "field_of_action": field_of_action, "status": status}
    current = Idea.objects.current().filter(process=process)
    if viewer.has_perm("participation.moderate", process):
        return cached(
            f"ideas:{process.pk}:all:{sorted(filters.items())}", lambda: _filtered(current, **filters).count()
        )
    public = cached(
        f"ideas:{process.pk}:public:{sorted(filters.items())}",
        lambda: _filtered(current.filter(is_hidden=False), **filters).count(),
    )
    if not viewer.is_authenticated:
        return public
    return public + _filtered(current.filter(is_hidden=True, author=viewer), **filters).count()


class _CountedPaginator(Paginator):
    """A paginator told its count (a cached one) instead of counting the rows itself."""

    def __init__(self, object_list: Any, per_page: int, *, known_count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = known_count  # the value of the cached_property ``count``


def idea_page(
    *,
    process: Process,
    viewer: Viewer,
    number: Any,
    per_page: int,
    sort: str = DEFAULT_SORT,
    district: str = "",
    field_of_action: str = "",
    status: str = "",
) -> Page[Idea]:
    """One page of the idea list, in a fixed number of queries whatever the page and the number of ideas.

    The ids of the page are read first, from the index that covers filter and order alone (``idea_*_idx``; the
    rows skipped by the offset are never read from the table), then the page's 20 rows with what they show."""
    filters = {"district": district, "field_of_action": field_of_action, "status": status}
    ideas = idea_list(process=process, viewer=viewer, sort=sort, **filters)
    total = idea_count(process=process, viewer=viewer, **filters)
    page = _CountedPaginator(ideas, per_page, known_count=total).get_page(number)
    offset = (page.number - 1) * per_page
    ids = list(ideas.values_list("pk", flat=True)[offset : offset + per_page])
    # By primary key alone: with the list's filters again the planner would walk the process's index instead.
    rows = Idea.objects.select_related(*LIST_RELATED).defer(*LIST_DEFERRED).in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def supported_ids(*, viewer: Viewer, ideas: list[Idea]) -> set[int]:
    """Which of these ideas the viewer supports: one query for the page."""
    if not viewer.is_authenticated or not ideas:
        return set()
    return set(
        Support.objects.filter(user=viewer, idea_id__in=[idea.pk for idea in ideas]).values_list("idea_id", flat=True)
    )


def get_idea_for(*, viewer: Viewer, process: Process, pk: int) -> Idea:
    idea = (
        Idea.objects.select_related(
            "author", "district", "field_of_action", "measure", "measure__strategy", "workshop", "merged_into"
        )
        .filter(process=process, pk=pk)
        .first()
    )
    if idea is None:
        raise Http404
    idea.process = process
    if not viewer.has_perm("participation.view_contribution", idea):
        raise Http404
    return idea


def get_idea_to_withdraw_support_for(*, viewer: Viewer, process: Process, pk: int) -> Idea:
    """An idea the viewer may take their support back from: one they can see, or one they supported that the
    moderation has hidden since (a citizen can always withdraw, so a hidden idea must not keep their support)."""
    try:
        return get_idea_for(viewer=viewer, process=process, pk=pk)
    except Http404:
        if not viewer.is_authenticated:
            raise
        idea = Idea.objects.filter(process=process, pk=pk, supports__user=viewer).first()
        if idea is None:
            raise
        idea.process = process
        return idea


def get_comment_for(*, viewer: Viewer, idea: Idea, pk: int) -> Comment:
    comment = Comment.objects.select_related("author").filter(idea=idea, pk=pk).first()
    if comment is None:
        raise Http404
    comment.idea = idea
    if not viewer.has_perm("participation.view_contribution", comment):
        raise Http404
    return comment


COMMENTS_PER_PAGE = 50


def _visible_comments(*, idea: Idea, viewer: Viewer) -> QuerySet[Comment]:
    comments = Comment.objects.filter(idea=idea)
    if not viewer.has_perm("participation.moderate", idea):
        visible = Q(is_hidden=False)
        if viewer.is_authenticated:
            visible |= Q(author=viewer)
        comments = comments.filter(visible)
    return comments


def comment_threads(*, idea: Idea, viewer: Viewer, number: Any = 1, per_page: int = COMMENTS_PER_PAGE) -> Page[Comment]:
    """One page of top-level comments, oldest first, each with all its replies (``reply_list``); hidden ones only
    for their author and moderators. Three queries whatever the number of comments: count, page, replies."""
    visible = _visible_comments(idea=idea, viewer=viewer)
    top = visible.filter(parent__isnull=True).select_related("author").order_by("created_at", "pk")
    paginator = Paginator(top, per_page)
    page = paginator.get_page(paginator.num_pages if number == "last" else number)
    threads = list(page.object_list)
    replies: dict[int, list[Comment]] = {}
    if threads:
        found = visible.filter(parent_id__in=[comment.pk for comment in threads]).select_related("author")
        for reply in found.order_by("created_at", "pk"):
            reply.idea = idea
            replies.setdefault(reply.parent_id or 0, []).append(reply)
    for comment in threads:
        comment.idea = idea
        comment.reply_list = replies.get(comment.pk, [])  # type: ignore[attr-defined]
    page.object_list = threads
    return page


def comment_page_number(*, comment: Comment, viewer: Viewer, per_page: int = COMMENTS_PER_PAGE) -> int:
    """The page of the idea's comments that shows this comment (a reply: the page of its thread)."""
    top = comment.parent if comment.parent_id is not None and comment.parent is not None else comment
    before = (
        _visible_comments(idea=comment.idea, viewer=viewer)
        .filter(parent__isnull=True)
        .filter(Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, pk__lt=top.pk))
        .count()
    )
    return before // per_page + 1


def answered_ideas(*, process: Process) -> QuerySet[Idea]:
    """What became of the contributions: every answered, visible idea, newest answer first."""
    return (
        Idea.objects.current()
        .filter(process=process, is_hidden=False, answered_at__isnull=False)
        .select_related("author", "measure", "measure__strategy", "district")
        .order_by("-answered_at", "-pk")
    )


def answered_count(*, process: Process) -> int:
    """How many visible ideas have an answer (cached until the next change, caching.py)."""
    return cached(f"answered:{process.pk}", lambda: answered_ideas(process=process).count())


def status_counts(*, process: Process) -> dict[str, int]:
    """Visible ideas per status (cached until the next change, caching.py)."""
    from django.db.models import Count

    def count() -> dict[str, int]:
        rows = (
            Idea.objects.current()
            .filter(process=process, is_hidden=False)
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        counts = dict.fromkeys(IdeaStatus.values, 0)
        counts.update(dict(rows))
        return counts

    return cached(f"status:{process.pk}", count)


@dataclass
class QueueItem:
    target: Idea | Comment | DraftComment
    kind: str
    reports: list[Report]


def moderation_queue(*, viewer: Viewer) -> list[QueueItem]:
    """Open reports of the processes the viewer moderates, one item per contribution, oldest report first."""
    if not viewer.is_authenticated:
        raise PermissionDenied
    roles = roles_of(viewer)
    municipalities = roles.team_municipalities | roles.moderator_municipalities
    if not viewer.is_superuser and not municipalities:
        raise PermissionDenied
    reports = Report.objects.filter(outcome=Report.Outcome.OPEN).select_related(
        "idea",
        "idea__process",
        "idea__author",
        "comment",
        "comment__author",
        "comment__idea__process",
        "draft_comment",
        "draft_comment__author",
        "draft_comment__process",
        "reporter",
    )
    if not viewer.is_superuser:
        reports = reports.filter(
            Q(idea__process__municipality_id__in=municipalities)
            | Q(comment__idea__process__municipality_id__in=municipalities)
            | Q(draft_comment__process__municipality_id__in=municipalities)
        )
    items: dict[tuple[str, int], QueueItem] = {}
    for report in reports.order_by("created_at", "pk")[:500]:
        kind = "idee" if report.idea_id is not None else "kommentar" if report.comment_id is not None else "entwurf"
        target = report.target
        key = (kind, target.pk)
        if key not in items:
            items[key] = QueueItem(target=target, kind=kind, reports=[])
        items[key].reports.append(report)
    return list(items.values())


def hidden_contributions(*, viewer: Viewer) -> list[Idea | Comment | DraftComment]:
    """Recently hidden contributions the viewer may show again."""
    roles = roles_of(viewer)
    municipalities = roles.team_municipalities | roles.moderator_municipalities
    ideas = Idea.objects.filter(is_hidden=True).select_related("process", "author")
    comments = Comment.objects.filter(is_hidden=True).select_related("idea__process", "author")
    drafts = DraftComment.objects.filter(is_hidden=True).select_related("process", "author")
    if not viewer.is_superuser:
        ideas = ideas.filter(process__municipality_id__in=municipalities)
        comments = comments.filter(idea__process__municipality_id__in=municipalities)
        drafts = drafts.filter(process__municipality_id__in=municipalities)
    found: list[Idea | Comment | DraftComment] = [
        *ideas.order_by("-hidden_at")[:50],
        *comments.order_by("-hidden_at")[:50],
        *drafts.order_by("-hidden_at")[:50],
    ]
    return sorted(found, key=lambda item: item.hidden_at or item.created_at, reverse=True)


def moderation_kind(target: Idea | Comment | DraftComment) -> str:
    """The URL word of a contribution's kind in the moderation pages."""
    if isinstance(target, Idea):
        return "idee"
    return "entwurf" if isinstance(target, DraftComment) else "kommentar"


def get_target_for_moderation(*, viewer: Viewer, kind: str, pk: int) -> Idea | Comment | DraftComment:
    target: Idea | Comment | DraftComment | None
    if kind == "idee":
        target = Idea.objects.select_related("process", "author").filter(pk=pk).first()
    elif kind == "kommentar":
        target = Comment.objects.select_related("idea__process", "author").filter(pk=pk).first()
    elif kind == "entwurf":
        target = DraftComment.objects.select_related("process", "author").filter(pk=pk).first()
    else:
        raise Http404
    if target is None:
        raise Http404
    if not viewer.has_perm("participation.moderate", target):
        raise PermissionDenied
    return target


def my_data(*, user: User) -> dict[str, Any]:
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
        "draft_comments": [
            {
                "process": comment.process.title,
                "paragraph": comment.paragraph_title,
                "text": comment.text,
                "created_at": when(comment.created_at),
                "status": comment.status,
                "answer": comment.answer,
                "hidden": comment.is_hidden,
                "hidden_reason": comment.hidden_reason,
            }
            for comment in DraftComment.objects.filter(author=user).select_related("process").order_by("created_at")
        ],
        "survey_answers": [
            {
                "survey": response.survey.title,
                "updated_at": when(response.updated_at),
                "answers": [
                    {
                        "question": answer.question.text,
                        "option": answer.option.text if answer.option else None,
                        "rank": answer.rank,
                        "rating": answer.rating,
                        "text": answer.text,
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in SurveyResponse.objects.filter(user=user)
            .select_related("survey")
            .prefetch_related(
                Prefetch("answers", queryset=SurveyAnswer.objects.select_related("question", "option").order_by("pk"))
            )
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


# --- Comments on the draft ------------------------------------------------------------------------------------------


def _visible_draft_comments(*, process: Process, viewer: Viewer) -> QuerySet[DraftComment]:
    comments = DraftComment.objects.filter(process=process, version_id=process.draft_version_id)
    if not viewer.has_perm("participation.moderate", process):
        visible = Q(is_hidden=False)
        if viewer.is_authenticated:
            visible |= Q(author=viewer)
        comments = comments.filter(visible)
    return comments.select_related("author", "measure", "measure__strategy").order_by("created_at", "pk")


def draft_with_comments(*, process: Process, viewer: Viewer) -> list[DraftSection]:
    """The frozen draft version's paragraphs, each with its visible comments (two queries in all)."""
    version = process.draft_version
    if version is None:
        return []
    sections = draft_sections(version.snapshot)
    by_key = {paragraph.key: paragraph for section in sections for paragraph in section.paragraphs}
    for comment in _visible_draft_comments(process=process, viewer=viewer):
        comment.process = process
        paragraph = by_key.get(comment.paragraph)
        if paragraph is not None:
            paragraph.comments.append(comment)
    return sections


def get_draft_comment_for(*, viewer: Viewer, process: Process, pk: int) -> DraftComment:
    comment = DraftComment.objects.select_related("author", "measure").filter(process=process, pk=pk).first()
    if comment is None:
        raise Http404
    comment.process = process
    if not viewer.has_perm("participation.view_contribution", comment):
        raise Http404
    return comment


def answered_draft_comments(*, process: Process) -> QuerySet[DraftComment]:
    return (
        DraftComment.objects.filter(process=process, is_hidden=False, answered_at__isnull=False)
        .select_related("author", "measure", "measure__strategy")
        .order_by("-answered_at", "-pk")
    )


# --- Merging --------------------------------------------------------------------------------------------------------


def merge_candidates(*, process: Process, idea: Idea) -> QuerySet[Idea]:
    return Idea.objects.current().filter(process=process).exclude(pk=idea.pk).order_by("title", "pk")


# --- Workshops ------------------------------------------------------------------------------------------------------


def workshop_list(*, process: Process) -> QuerySet[Workshop]:
    from django.db.models import Count

    return (
        Workshop.objects.filter(process=process)
        .annotate(idea_total=Count("ideas", filter=Q(ideas__merged_into__isnull=True, ideas__is_hidden=False)))
        .order_by("-held_on", "pk")
    )


def workshop_totals(*, process: Process) -> dict[str, int]:
    from django.db.models import Count, Sum

    row = Workshop.objects.filter(process=process).aggregate(count=Count("pk"), people=Sum("participant_count"))
    return {"count": row["count"] or 0, "participants": row["people"] or 0}


def get_workshop_for(*, viewer: Viewer, process: Process, pk: int) -> Workshop:
    workshop = Workshop.objects.filter(process=process, pk=pk).first()
    if workshop is None:
        raise Http404
    workshop.process = process
    return workshop


def workshop_ideas(*, workshop: Workshop) -> QuerySet[Idea]:
    return (
        Idea.objects.current()
        .filter(workshop=workshop, is_hidden=False)
        .select_related("district", "field_of_action")
        .order_by("created_at", "pk")
    )


# --- Surveys --------------------------------------------------------------------------------------------------------


def survey_list(*, process: Process, viewer: Viewer) -> list[Survey]:
    surveys = Survey.objects.filter(process=process).order_by("created_at", "pk")
    if not viewer.has_perm("participation.manage_process", process):
        surveys = surveys.filter(is_published=True)
    found = list(surveys)
    for survey in found:
        survey.process = process
    return found


def get_survey_for(*, viewer: Viewer, process: Process, pk: int) -> Survey:
    survey = Survey.objects.filter(process=process, pk=pk).first()
    if survey is None:
        raise Http404
    survey.process = process
    if not viewer.has_perm("participation.view_survey", survey):
        raise Http404
    return survey


def survey_questions(*, survey: Survey) -> list[Question]:
    questions = list(survey.questions.prefetch_related("options").order_by("order", "pk"))
    for question in questions:
        question.survey = survey
    return questions


def survey_raw_answers(*, survey: Survey, viewer: Viewer) -> dict[str, Any] | None:
    """The viewer's saved answers in the shape the survey form takes (None if they have not answered yet)."""
    if not viewer.is_authenticated:
        return None
    response = SurveyResponse.objects.filter(survey=survey, user=viewer).first()
    if response is None:
        return None
    raw: dict[str, Any] = {}
    for answer in response.answers.select_related("question").order_by("pk"):
        name = f"question_{answer.question_id}"
        kind = answer.question.kind
        if kind == QuestionKind.SINGLE:
            raw[name] = answer.option_id
        elif kind == QuestionKind.MULTIPLE:
            raw.setdefault(name, []).append(answer.option_id)
        elif kind == QuestionKind.RANKING:
            raw.setdefault(name, {})[answer.option_id] = answer.rank
        elif kind == QuestionKind.RATING:
            raw[name] = answer.rating
        else:
            raw[name] = answer.text
    return raw


@dataclass
class ResultRow:
    label: str
    count: int = 0
    share: float = 0.0  # of the answer sets that answered the question, 0–1
    value: float = 0.0  # what the bar shows: a count, or ranking points
    detail: str = ""


@dataclass
class QuestionResult:
    question: Question
    answered: int
    rows: list[ResultRow]
    texts: list[str] = field(default_factory=list)
    average: float | None = None
    bar_max: float = 0.0


def survey_results(*, survey: Survey) -> tuple[int, list[QuestionResult]]:
    """Counts per option, ranking points (Borda: first place of n options gets n points), rating distributions
    and the free texts; a fixed number of queries for the whole survey."""
    from django.db.models import Count

    questions = survey_questions(survey=survey)
    total = SurveyResponse.objects.filter(survey=survey).count()
    answered = dict(
        SurveyAnswer.objects.filter(question__survey=survey)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    option_counts: dict[tuple[int, int | None], int] = {}
    rank_sums: dict[int, int] = {}
    rating_counts: dict[tuple[int, int | None], int] = {}
    texts: dict[int, list[str]] = {}
    rows = SurveyAnswer.objects.filter(question__survey=survey).values_list(
        "question_id", "option_id", "rank", "rating", "text"
    )
    for question_id, option_id, rank, rating, text in rows:
        if option_id is not None:
            option_counts[(question_id, option_id)] = option_counts.get((question_id, option_id), 0) + 1
            if rank is not None:
                rank_sums[option_id] = rank_sums.get(option_id, 0) + rank
        elif rating is not None:
            rating_counts[(question_id, rating)] = rating_counts.get((question_id, rating), 0) + 1
        elif text:
            texts.setdefault(question_id, []).append(text)
    results = []
    for question in questions:
        n = answered.get(question.pk, 0)
        result = QuestionResult(question=question, answered=n, rows=[])
        options = list(question.options.all())
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            for option in options:
                count = option_counts.get((question.pk, option.pk), 0)
                result.rows.append(ResultRow(label=option.text, count=count, share=count / n if n else 0, value=count))
        elif question.kind == QuestionKind.RANKING:
            size = len(options)
            for option in options:
                count = option_counts.get((question.pk, option.pk), 0)
                # Borda points: rank r of n options earns n + 1 - r points.
                points = count * (size + 1) - rank_sums.get(option.pk, 0)
                average = rank_sums.get(option.pk, 0) / count if count else 0
                result.rows.append(
                    ResultRow(label=option.text, count=count, value=points, detail=f"{average:.1f}".replace(".", ","))
                )
            result.rows.sort(key=lambda row: -row.value)
        elif question.kind == QuestionKind.RATING:
            weighted = 0
            for value in range(1, question.scale_max + 1):
                count = rating_counts.get((question.pk, value), 0)
                weighted += value * count
                label = str(value)
                if value == 1 and question.scale_low_label:
                    label = f"1 ({question.scale_low_label})"
                elif value == question.scale_max and question.scale_high_label:
                    label = f"{value} ({question.scale_high_label})"
                result.rows.append(ResultRow(label=label, count=count, share=count / n if n else 0, value=count))
            result.average = weighted / n if n else None
        else:
            result.texts = texts.get(question.pk, [])
        result.bar_max = max((row.value for row in result.rows), default=0)
        results.append(result)
    return total, results


# --- Team ----------------------------------------------------------------------------------------------------------


def team_processes(*, viewer: Viewer) -> QuerySet[Process]:
    """The processes the viewer runs (team of the municipality, or platform admin)."""
    if not viewer.is_authenticated:
        raise PermissionDenied
    processes = _with_phases(Process.objects.all())
    if viewer.is_superuser:
        return processes.order_by("municipality__name", "-created_at")
    return processes.filter(municipality_id__in=roles_of(viewer).team_municipalities).order_by(
        "municipality__name", "-created_at"
    )


def get_process_to_manage(*, viewer: Viewer, slug: str) -> Process:
    process = _with_phases(Process.objects.filter(slug=slug)).first()
    if process is None:
        raise Http404
    if not viewer.has_perm("participation.manage_process", process):
        raise PermissionDenied
    return process


def process_figures(*, process: Process) -> dict[str, int]:
    """The headline figures of a process, online and on site in the same data (cached until the next change)."""
    return cached(f"figures:{process.pk}", lambda: _process_figures(process))


def _process_figures(process: Process) -> dict[str, int]:
    from django.db.models import Count

    ideas = (
        Idea.objects.current()
        .filter(process=process, is_hidden=False)
        .aggregate(all=Count("pk"), on_site=Count("pk", filter=Q(workshop__isnull=False)))
    )
    workshops = workshop_totals(process=process)
    return {
        "ideas": ideas["all"],
        "ideas_on_site": ideas["on_site"],
        "draft_comments": DraftComment.objects.filter(process=process, is_hidden=False).count(),
        "survey_responses": SurveyResponse.objects.filter(survey__process=process).count(),
        "workshops": workshops["count"],
        "workshop_participants": workshops["participants"],
    }


@dataclass
class MeasureContributions:
    ideas: list[Idea]
    draft_comments: list[DraftComment]

    def __bool__(self) -> bool:
        return bool(self.ideas or self.draft_comments)


def contributions_for_measure(*, measure: Any) -> MeasureContributions:
    """The visible contributions taken into this measure (two queries), for the measure sheet."""
    return MeasureContributions(
        ideas=list(
            Idea.objects.current()
            .filter(measure=measure, status=IdeaStatus.TAKEN, is_hidden=False, process__is_published=True)
            .select_related("process", "author", "workshop")
            .order_by("-answered_at", "-pk")[:50]
        ),
        draft_comments=list(
            DraftComment.objects.filter(
                measure=measure, status=IdeaStatus.TAKEN, is_hidden=False, process__is_published=True
            )
            .select_related("process", "author")
            .order_by("-answered_at", "-pk")[:50]
        ),
    )

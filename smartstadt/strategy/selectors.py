"""Reads for the strategy pages: lists, the overview, suggestions from the inventory and the gap analysis."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from smartstadt.core.permissions import Viewer, roles_of
from smartstadt.frameworks.models import Framework, Term
from smartstadt.inventory.models import Entry
from smartstadt.regions.models import District

from .elements import ElementKind
from .models import Challenge, FieldOfAction, Goal, Horizon, Measure, Strategy, StrategyVersion
from .services import linkable_entries

# --- Strategies -------------------------------------------------------------------------------------------


def published_strategies() -> QuerySet[Strategy]:
    return Strategy.objects.published().select_related("municipality", "region").order_by("municipality__name", "title")


def team_strategies(*, user: Viewer) -> QuerySet[Strategy]:
    """The strategies the user's teams edit (all of them for the platform admin)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Strategy.objects.select_related("municipality", "region").order_by("municipality__name", "title")
    team = roles_of(user).team_municipalities
    return (
        Strategy.objects.filter(municipality_id__in=team)
        .select_related("municipality", "region")
        .order_by("municipality__name", "title")
    )


def _get(pk: int) -> Strategy:
    strategy = Strategy.objects.select_related("municipality", "region", "topic_framework").filter(pk=pk).first()
    if strategy is None:
        raise Http404
    return strategy


def get_strategy_for(*, viewer: Viewer, pk: int) -> Strategy:
    """A strategy the viewer may read: published, or the working state for members of its municipality."""
    strategy = _get(pk)
    if not viewer.has_perm("strategy.view_strategy", strategy):
        # An unpublished strategy does not exist for the public.
        if not getattr(viewer, "is_authenticated", False):
            raise Http404
        raise PermissionDenied
    return strategy


def get_strategy_for_edit(*, user: Viewer, pk: int) -> Strategy:
    strategy = _get(pk)
    if not user.has_perm("strategy.change_strategy", strategy):
        raise PermissionDenied
    return strategy


def get_element(*, strategy: Strategy, kind: ElementKind, pk: int) -> Any:
    """A part of the strategy by kind and key; 404 for parts of other strategies."""
    lookup = {"measure__strategy": strategy} if kind.belongs_to_measure else {"strategy": strategy}
    element = kind.model._default_manager.filter(pk=pk, **lookup).first()
    if element is None:
        raise Http404
    return element


def get_measure(*, strategy: Strategy, pk: int) -> Measure:
    measure = (
        Measure.objects.filter(strategy=strategy, pk=pk)
        .select_related("lead_organisation", "strategy__municipality", "strategy__topic_framework")
        .prefetch_related(
            Prefetch("topic_terms", queryset=Term.objects.select_related("framework")),
            "goals",
            Prefetch("challenges", queryset=Challenge.objects.prefetch_related("goals")),
            "fields_of_action",
            Prefetch("entries", queryset=Entry.objects.select_related("municipality")),
            "partner_municipalities",
            "districts",
            "indicators",
            "milestones",
        )
        .first()
    )
    if measure is None:
        raise Http404
    return measure


@dataclass
class Overview:
    strategy: Strategy
    guiding_principles: list[Any]
    goals: list[Goal]
    challenges: list[Challenge]
    fields_of_action: list[FieldOfAction]
    measures: list[Measure]
    versions: list[StrategyVersion]


def strategy_overview(*, strategy: Strategy) -> Overview:
    """Everything of a strategy for its overview and public page, in a fixed number of queries."""
    measures = (
        Measure.objects.filter(strategy=strategy)
        .select_related("lead_organisation")
        .prefetch_related("goals", "challenges", "fields_of_action", "topic_terms")
    )
    return Overview(
        strategy=strategy,
        guiding_principles=list(strategy.guiding_principles.all()),
        goals=list(
            Goal.objects.filter(strategy=strategy).annotate(challenge_count=Count("challenges")).order_by("order", "pk")
        ),
        challenges=list(
            Challenge.objects.filter(strategy=strategy).prefetch_related(
                "goals", Prefetch("entries", queryset=Entry.objects.select_related("municipality")), "measures"
            )
        ),
        fields_of_action=list(
            FieldOfAction.objects.filter(strategy=strategy).prefetch_related(
                Prefetch("terms", queryset=Term.objects.select_related("framework")), "measures"
            )
        ),
        measures=list(measures),
        versions=list(strategy.versions.select_related("created_by").order_by("-number")),
    )


# --- Solution suggestions ----------------------------------------------------------------------------------

SUGGESTIONS = 5
# Below this score what a text and an entry share is a word or two (as the analysis app's MIN_SCORE).
MIN_SCORE = 0.05
_WORD = re.compile(r"\w{5,}")


@dataclass(frozen=True)
class Suggestion:
    entry: Entry
    score: float | None  # None: found by the keyword search (the analysis index is empty)
    reasons: tuple[str, ...] = ()


def element_text(element: Challenge | Measure) -> str:
    parts = [element.title, element.description]
    if isinstance(element, Measure):
        parts += [element.objective]
    return "\n".join(part for part in parts if part)


def suggestions_for(*, element: Challenge | Measure, k: int = SUGGESTIONS) -> list[Suggestion]:
    """Published entries of the region that address the challenge or measure, not linked yet, best first.

    From the analysis engine; where its index is empty, the entries whose title or summary share the most
    longer words with the text (a plain keyword search).
    """
    from smartstadt.analysis.engine import Scope, get_engine

    strategy = element.strategy
    candidates = linkable_entries(strategy).exclude(pk__in=element.entries.values("pk"))
    text = element_text(element)
    engine = get_engine()
    found: list[Suggestion] = []
    if engine.size:
        allowed = set(candidates.values_list("pk", flat=True))
        # The engine filters by municipality only: ask for more and keep those of the region.
        matches = engine.similar_to_text(text, k=max(k * 8, 40), scope=Scope.PUBLISHED, min_score=MIN_SCORE)
        chosen = [match for match in matches if match.id in allowed][:k]
        entries = Entry.objects.select_related("municipality").in_bulk([match.id for match in chosen])
        found = [Suggestion(entries[m.id], m.score, m.reasons) for m in chosen if m.id in entries]
        if len(found) >= k:
            return found
        # Entries written since the index was last updated: found by their words until the index knows them.
        candidates = candidates.exclude(pk__in=[pk for pk in allowed if engine.contains(pk)])
    return found + _keyword_suggestions(candidates, text, k - len(found))


def _keyword_suggestions(candidates: QuerySet[Entry], text: str, k: int) -> list[Suggestion]:
    """The entries whose title or summary share the most longer words with the text."""
    words = sorted({word.lower() for word in _WORD.findall(text)}, key=len, reverse=True)[:12]
    if not words or k <= 0:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(summary__icontains=word)
    found = list(candidates.filter(condition).select_related("municipality")[:200])

    def hits(entry: Entry) -> int:
        haystack = f"{entry.title} {entry.summary}".lower()
        return sum(word in haystack for word in words)

    found.sort(key=lambda entry: (-hits(entry), entry.title))
    return [Suggestion(entry, None) for entry in found[:k]]


# --- Gap analysis -------------------------------------------------------------------------------------------


@dataclass
class Gap:
    title: str
    detail: str
    fix_url: str
    fix_label: str


@dataclass
class GapSection:
    key: str
    label: str
    explanation: str
    gaps: list[Gap] = field(default_factory=list)


# A horizon is overloaded when it holds more than this share of the measures that have a horizon, and at least
# HORIZON_MIN of them: a strategy whose measures all start at once cannot be carried out.
HORIZON_SHARE = 0.5
HORIZON_MIN = 4


def _url(name: str, strategy: Strategy, *args: Any, query: str = "") -> str:
    return reverse(f"strategy:{name}", args=[strategy.pk, *args]) + (f"?{query}" if query else "")


def gap_analysis(*, strategy: Strategy) -> list[GapSection]:
    """Where the strategy's chain vision → goals → challenges → measures breaks, each gap with where to fix it."""
    goals = list(Goal.objects.filter(strategy=strategy).annotate(n=Count("challenges")).order_by("order", "pk"))
    challenges = list(Challenge.objects.filter(strategy=strategy).annotate(n=Count("measures")).order_by("order", "pk"))
    measures = list(
        Measure.objects.filter(strategy=strategy).prefetch_related(
            "goals", Prefetch("challenges", queryset=Challenge.objects.prefetch_related("goals"))
        )
    )
    new_challenge = _url("element_create", strategy, "herausforderungen")
    new_measure = _url("element_create", strategy, "massnahmen")

    no_challenge = GapSection(
        "goals",
        _("Goals without challenges"),
        _("A goal that no challenge threatens gives the measures nothing to aim at."),
    )
    for goal in goals:
        if not goal.n:
            no_challenge.gaps.append(
                Gap(goal.title, "", f"{new_challenge}?goal={goal.pk}", _("Add a challenge for this goal"))
            )

    no_measure = GapSection(
        "challenges",
        _("Challenges without measures"),
        _("Nothing in the strategy answers these challenges yet."),
    )
    for challenge in challenges:
        if not challenge.n:
            no_measure.gaps.append(
                Gap(
                    challenge.title,
                    "",
                    f"{new_measure}?challenge={challenge.pk}",
                    _("Add a measure for this challenge"),
                )
            )

    aimless = GapSection(
        "measures",
        _("Measures without a goal or challenge"),
        _("“Smart” is a means to an end: every measure names the challenge it addresses and the goal it serves."),
    )
    for measure in measures:
        challenges_of = list(measure.challenges.all())
        goals_of = set(measure.goals.all()) | {goal for c in challenges_of for goal in c.goals.all()}
        missing = []
        if not challenges_of:
            missing.append(_("addresses no challenge"))
        if not goals_of:
            missing.append(_("serves no goal"))
        if missing:
            aimless.gaps.append(
                Gap(
                    str(measure),
                    ", ".join(missing),
                    _url("element_edit", strategy, "massnahmen", measure.pk),
                    _("Edit the measure"),
                )
            )

    return [
        no_challenge,
        no_measure,
        aimless,
        _term_gaps(strategy),
        _district_gaps(strategy),
        _horizon_gaps(strategy, measures),
    ]


def strategy_frameworks(strategy: Strategy) -> QuerySet[Framework]:
    """The frameworks a strategy is measured against: its topic framework, the municipality's own, Giffinger."""
    condition = Q(municipality=strategy.municipality) | Q(slug=Framework.GIFFINGER)
    if strategy.topic_framework_id:
        condition |= Q(pk=strategy.topic_framework_id)
    return Framework.objects.filter(condition)


def _term_gaps(strategy: Strategy) -> GapSection:
    section = GapSection(
        "terms",
        _("Topics with neither entries nor measures"),
        _("Topic fields and Smart City dimensions in which the municipality has no inventory entry and no measure."),
    )
    municipality = strategy.municipality
    terms = (
        Term.objects.filter(framework__in=strategy_frameworks(strategy), parent__isnull=True)
        .select_related("framework")
        .annotate(
            entry_count=Count("entries", filter=Q(entries__municipality=municipality), distinct=True),
            measure_count=Count("strategy_measures", filter=Q(strategy_measures__strategy=strategy), distinct=True),
            field_count=Count("fields_of_action", filter=Q(fields_of_action__strategy=strategy), distinct=True),
        )
        .order_by("framework__order", "framework__name", "order", "label")
    )
    new_measure = _url("element_create", strategy, "massnahmen")
    for term in terms:
        if not (term.entry_count or term.measure_count or term.field_count):
            section.gaps.append(
                Gap(
                    term.label,
                    term.framework.short_name or term.framework.name,
                    f"{new_measure}?term={term.pk}",
                    _("Add a measure on this topic"),
                )
            )
    return section


def _district_gaps(strategy: Strategy) -> GapSection:
    section = GapSection(
        "districts",
        _("Districts without measures"),
        _("Boroughs in which no measure takes place (neither in the borough nor in one of its quarters)."),
    )
    covered = set(
        District.objects.filter(strategy_measures__strategy=strategy).values_list("pk", "parent_id").distinct()
    )
    covered_ids = {pk for pk, _parent in covered} | {parent for _pk, parent in covered if parent}
    new_measure = _url("element_create", strategy, "massnahmen")
    for district in District.objects.filter(municipality=strategy.municipality, parent__isnull=True).order_by("name"):
        if district.pk not in covered_ids:
            section.gaps.append(
                Gap(
                    district.name,
                    district.get_kind_display(),
                    f"{new_measure}?district={district.pk}",
                    _("Add a measure in this district"),
                )
            )
    return section


def _horizon_gaps(strategy: Strategy, measures: list[Measure]) -> GapSection:
    section = GapSection(
        "horizons",
        _("Overloaded horizons"),
        _(
            "A horizon is overloaded when more than half of the measures with a horizon (and at least %(min)s) "
            "fall into it. Measures without a horizon are listed, too."
        )
        % {"min": HORIZON_MIN},
    )
    with_horizon = [m for m in measures if m.horizon]
    for horizon in Horizon:
        inside = [m for m in with_horizon if m.horizon == horizon]
        if len(inside) >= HORIZON_MIN and len(inside) > HORIZON_SHARE * len(with_horizon):
            section.gaps.append(
                Gap(
                    str(horizon.label),
                    _("%(n)s of %(total)s measures") % {"n": len(inside), "total": len(with_horizon)},
                    _url("overview", strategy, query=f"horizont={horizon.value}") + "#massnahmen",
                    _("Review these measures"),
                )
            )
    for measure in measures:
        if not measure.horizon:
            section.gaps.append(
                Gap(
                    str(measure),
                    _("no horizon"),
                    _url("element_edit", strategy, "massnahmen", measure.pk),
                    _("Set the horizon"),
                )
            )
    return section

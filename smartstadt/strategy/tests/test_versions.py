"""Snapshots and their comparison: measures added, removed and changed; texts word by word."""

from __future__ import annotations

from typing import Any

import pytest

from smartstadt.strategy import services
from smartstadt.strategy.models import Measure, Strategy
from smartstadt.strategy.versions import Segment, compare_snapshots, strategy_snapshot, word_diff

from .factories import ChallengeFactory, GoalFactory, GuidingPrincipleFactory, MeasureFactory, StrategyFactory


def test_word_diff_marks_whole_words() -> None:
    assert word_diff("Wir testen Neues.", "Wir testen mutig Neues.") == [
        Segment("equal", "Wir testen "),
        Segment("insert", "mutig "),
        Segment("equal", "Neues."),
    ]
    assert word_diff("alte Fassung", "neue Fassung") == [
        Segment("delete", "alte"),
        Segment("insert", "neue"),
        Segment("equal", " Fassung"),
    ]
    assert word_diff("", "") == []


@pytest.fixture
def strategy(personas: Any) -> Strategy:
    return StrategyFactory(municipality=personas.municipality_a, vision="Die Stadt wird digital.")


def test_compare_finds_added_removed_and_changed_measures(personas: Any, strategy: Strategy) -> None:
    goal = GoalFactory(strategy=strategy, title="Die Chancenstadt")
    kept = MeasureFactory(strategy=strategy, title="Quartiersbüros", description="Beratung im Quartier.")
    gone = MeasureFactory(strategy=strategy, title="Faxgeräte")
    GuidingPrincipleFactory(strategy=strategy, text="Wir testen Neues.")
    old = strategy_snapshot(strategy)

    gone.delete()
    MeasureFactory(strategy=strategy, title="Datenplattform")
    Measure.objects.filter(pk=kept.pk).update(
        description="Beratung und Kurse im Quartier.", priority="high", horizon="short"
    )
    kept.goals.set([goal])
    kept.milestones.create(title="Start", year=2025)
    Strategy.objects.filter(pk=strategy.pk).update(vision="Die Stadt wird gemeinsam digital.")
    comparison = compare_snapshots(old, strategy_snapshot(strategy))

    measures = comparison.section("measures")
    assert any("Datenplattform" in title for title in measures.added)
    assert any("Faxgeräte" in title for title in measures.removed)
    (changed,) = measures.changed
    assert "Quartiersbüros" in changed.title
    by_label = {change.label: change for change in changed.fields}
    description = by_label["Beschreibung"] if "Beschreibung" in by_label else by_label["Description"]
    assert [s.text.strip() for s in description.segments if s.op == "insert"] == ["und Kurse"]
    assert not [s for s in description.segments if s.op == "delete"]
    goals = next(change for change in changed.fields if change.added == ["Die Chancenstadt"])
    assert goals.removed == []
    priority = next(change for change in changed.fields if change.old == "–" and change.new not in ("", "–"))
    assert priority.new
    assert any(
        change.added == ["Start (2025, offen)"] or change.added == ["Start (2025, open)"] for change in changed.fields
    )
    (vision,) = comparison.texts
    assert [s.text.strip() for s in vision.segments if s.op == "insert"] == ["gemeinsam"]
    assert not comparison.section("guiding_principles")
    assert not comparison.is_empty


def test_same_state_compares_empty_and_reordering_is_noticed(personas: Any, strategy: Strategy) -> None:
    first = ChallengeFactory(strategy=strategy, title="Mobilität", order=0)
    ChallengeFactory(strategy=strategy, title="Ressourcen", order=1)
    old = strategy_snapshot(strategy)
    assert compare_snapshots(old, strategy_snapshot(strategy)).is_empty
    services.element_move(actor=personas.team_a, element=first, offset=1)
    comparison = compare_snapshots(old, strategy_snapshot(strategy))
    challenges = comparison.section("challenges")
    assert challenges.moved
    assert not challenges.added
    assert not challenges.changed


def test_a_frozen_version_does_not_follow_later_renames(personas: Any, strategy: Strategy) -> None:
    goal = GoalFactory(strategy=strategy, title="Die nachhaltige Stadt")
    challenge = ChallengeFactory(strategy=strategy, title="Ressourcen")
    challenge.goals.set([goal])
    version = services.version_freeze(actor=personas.team_a, strategy=strategy, label="Entwurf 1")
    services.element_update(actor=personas.team_a, element=goal, data={"title": "Die grüne Stadt"})
    version.refresh_from_db()
    assert version.snapshot["challenges"][0]["goals"] == ["Die nachhaltige Stadt"]
    comparison = compare_snapshots(version.snapshot, strategy_snapshot(strategy))
    (changed_challenge,) = comparison.section("challenges").changed
    (change,) = changed_challenge.fields
    assert change.added == ["Die grüne Stadt"]
    assert change.removed == ["Die nachhaltige Stadt"]


def test_snapshot_query_count_is_fixed(personas: Any, strategy: Strategy, django_assert_max_num_queries: Any) -> None:
    for number in range(20):
        measure = MeasureFactory(strategy=strategy, title=f"Maßnahme {number}")
        measure.milestones.create(title="Start", year=2025)
        measure.indicators.create(name="Nutzende", target=100)
    with django_assert_max_num_queries(20):
        snapshot = strategy_snapshot(strategy)
    assert len(snapshot["measures"]) == 20

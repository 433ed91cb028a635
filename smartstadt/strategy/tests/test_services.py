"""Services: writes with permission check and change history; ordering; links; versions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from smartstadt.core.history import history_for
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.regions.tests.factories import DistrictFactory
from smartstadt.strategy import services
from smartstadt.strategy.elements import KINDS
from smartstadt.strategy.models import Goal, Measure, Milestone, Strategy, VersionKind

from .factories import ChallengeFactory, GoalFactory, MeasureFactory, StrategyFactory


@pytest.fixture
def strategy(personas: Any) -> Strategy:
    return StrategyFactory(municipality=personas.municipality_a, title="Strategie A")


def test_team_creates_a_strategy_with_history(personas: Any) -> None:
    strategy = services.strategy_create(
        actor=personas.team_a, municipality=personas.municipality_a, data={"title": "Smart-City-Strategie A"}
    )
    assert strategy.municipality == personas.municipality_a
    record = history_for(strategy).get()
    assert record.actor == personas.team_a
    assert record.changes["title"]["new"] == "Smart-City-Strategie A"
    with pytest.raises(ValidationError):
        services.strategy_create(actor=personas.team_a, municipality=personas.municipality_a, data={"title": "X"})


@pytest.mark.parametrize("who", ["team_b", "editor_a", "citizen", "expert_a"])
def test_others_may_not_create_or_change(personas: Any, strategy: Strategy, who: str) -> None:
    actor = getattr(personas, who)
    with pytest.raises(PermissionDenied):
        services.strategy_create(actor=actor, municipality=personas.municipality_a, data={"title": "X"})
    with pytest.raises(PermissionDenied):
        services.strategy_update(actor=actor, strategy=strategy, data={"vision": "Fremd"})
    with pytest.raises(PermissionDenied):
        services.element_create(actor=actor, kind=KINDS["ziele"], parent=strategy, data={"title": "Fremd"})
    assert not Goal.objects.filter(strategy=strategy).exists()


def test_elements_are_appended_numbered_and_tracked(personas: Any, strategy: Strategy) -> None:
    goal = services.element_create(
        actor=personas.team_a, kind=KINDS["ziele"], parent=strategy, data={"title": "Die Chancenstadt"}
    )
    challenge = services.element_create(
        actor=personas.team_a,
        kind=KINDS["herausforderungen"],
        parent=strategy,
        data={"title": "(digitale) Spaltung", "goals": [goal]},
    )
    first = services.element_create(
        actor=personas.team_a,
        kind=KINDS["massnahmen"],
        parent=strategy,
        data={"title": "Quartiersbüros", "challenges": [challenge], "priority": "high", "horizon": "short"},
    )
    second = services.element_create(
        actor=personas.team_a, kind=KINDS["massnahmen"], parent=strategy, data={"title": "Datenplattform"}
    )
    assert isinstance(first, Measure)
    assert isinstance(second, Measure)
    assert (first.number, first.order, second.number, second.order) == ("1", 0, "2", 1)
    assert list(first.challenges.all()) == [challenge]
    assert history_for(first).get().changes["challenges"]["new"] == [challenge.pk]
    services.element_update(actor=personas.team_a, element=first, data={"title": "Digitale Quartiersbüros"})
    assert history_for(first).first().changes == {  # type: ignore[union-attr]
        "title": {"old": "Quartiersbüros", "new": "Digitale Quartiersbüros"}
    }


def test_relations_must_stay_inside_the_strategy(personas: Any, strategy: Strategy) -> None:
    foreign_goal = GoalFactory(strategy=StrategyFactory(municipality=personas.municipality_b))
    foreign_district = DistrictFactory(municipality=personas.municipality_b)
    with pytest.raises(ValidationError) as error:
        services.element_create(
            actor=personas.team_a,
            kind=KINDS["massnahmen"],
            parent=strategy,
            data={"title": "X", "goals": [foreign_goal], "districts": [foreign_district]},
        )
    assert set(error.value.message_dict) == {"goals", "districts"}
    assert not Measure.objects.filter(strategy=strategy).exists()  # nothing half-saved


def test_move_up_and_down_keeps_a_dense_order(personas: Any, strategy: Strategy) -> None:
    goals = [GoalFactory(strategy=strategy, title=t, order=i * 10) for i, t in enumerate("ABC")]
    services.element_move(actor=personas.team_a, element=goals[2], offset=-1)
    assert list(Goal.objects.filter(strategy=strategy).values_list("title", "order")) == [
        ("A", 0),
        ("C", 1),
        ("B", 2),
    ]
    # the first one cannot go further up; nothing changes
    services.element_move(actor=personas.team_a, element=Goal.objects.get(title="A"), offset=-1)
    assert list(Goal.objects.filter(strategy=strategy).values_list("title", flat=True)) == ["A", "C", "B"]
    with pytest.raises(PermissionDenied):
        services.element_move(actor=personas.team_b, element=goals[0], offset=1)


def test_reorder_needs_every_item_once(personas: Any, strategy: Strategy) -> None:
    goals = [GoalFactory(strategy=strategy, title=t) for t in "ABC"]
    kind = KINDS["ziele"]
    with pytest.raises(ValidationError):
        services.elements_reorder(actor=personas.team_a, kind=kind, parent=strategy, ids=[goals[0].pk, goals[1].pk])
    with pytest.raises(ValidationError):
        services.elements_reorder(
            actor=personas.team_a, kind=kind, parent=strategy, ids=[goals[0].pk, goals[0].pk, goals[1].pk]
        )
    services.elements_reorder(actor=personas.team_a, kind=kind, parent=strategy, ids=[g.pk for g in reversed(goals)])
    assert list(Goal.objects.filter(strategy=strategy).values_list("title", flat=True)) == ["C", "B", "A"]
    assert history_for(goals[0]).first().note_text == gettext("reordered")  # type: ignore[union-attr]


def test_deleting_renumbers_and_removes_the_children(personas: Any, strategy: Strategy) -> None:
    first, second, third = (MeasureFactory(strategy=strategy, order=i) for i in range(3))
    Milestone.objects.create(measure=second, title="Start", year=2025)
    services.element_delete(actor=personas.team_a, element=second)
    assert list(Measure.objects.filter(strategy=strategy).values_list("pk", "order")) == [
        (first.pk, 0),
        (third.pk, 1),
    ]
    assert not Milestone.objects.filter(measure_id=second.pk).exists()


def test_milestone_needs_date_or_year_not_both(personas: Any, strategy: Strategy) -> None:
    import datetime

    measure = MeasureFactory(strategy=strategy)
    with pytest.raises(ValidationError):
        services.element_create(
            actor=personas.team_a,
            kind=KINDS["meilensteine"],
            parent=measure,
            data={"title": "Start", "date": datetime.date(2025, 1, 1), "year": 2025},
        )
    milestone = services.element_create(
        actor=personas.team_a, kind=KINDS["meilensteine"], parent=measure, data={"title": "Start", "year": 2025}
    )
    assert isinstance(milestone, Milestone)
    assert milestone.order == 0


def test_linking_entries_of_the_region_only(personas: Any, strategy: Strategy) -> None:
    challenge = ChallengeFactory(strategy=strategy)
    own = EntryFactory(municipality=personas.municipality_b)  # same region as A
    elsewhere = EntryFactory()  # another region
    draft = EntryFactory(municipality=personas.municipality_a, publication_state="draft")
    assert services.element_link_entry(actor=personas.team_a, element=challenge, entry=own)
    assert not services.element_link_entry(actor=personas.team_a, element=challenge, entry=own)  # already linked
    for entry in (elsewhere, draft):
        with pytest.raises(ValidationError):
            services.element_link_entry(actor=personas.team_a, element=challenge, entry=entry)
    assert list(challenge.entries.all()) == [own]
    assert services.element_link_entry(actor=personas.team_a, element=challenge, entry=own, linked=False)
    assert not challenge.entries.exists()


def test_publishing(personas: Any, strategy: Strategy) -> None:
    services.strategy_set_published(actor=personas.team_a, strategy=strategy, published=True)
    strategy.refresh_from_db()
    assert strategy.is_published
    assert strategy.published_at is not None
    with pytest.raises(PermissionDenied):
        services.strategy_set_published(actor=personas.team_b, strategy=strategy, published=False)


def test_freezing_numbers_versions_and_keeps_a_full_snapshot(personas: Any, strategy: Strategy) -> None:
    goal = GoalFactory(strategy=strategy, title="Die nachhaltige Stadt")
    measure = MeasureFactory(strategy=strategy, title="Sensoren")
    measure.goals.set([goal])
    first = services.version_freeze(actor=personas.team_a, strategy=strategy, label="Entwurf 1")
    second = services.version_freeze(
        actor=personas.team_a, strategy=strategy, label=" beschlossene   Fassung ", kind=VersionKind.ADOPTED
    )
    assert (first.number, second.number, second.label) == (1, 2, "beschlossene Fassung")
    assert first.snapshot["measures"][0]["title"] == "Sensoren"
    assert first.snapshot["measures"][0]["goals"] == ["Die nachhaltige Stadt"]
    assert first.snapshot["goals"][0]["title"] == "Die nachhaltige Stadt"
    # the history names the version instead of holding the snapshot a second time
    assert history_for(first).get().changes["snapshot"]["new"] == "1: Entwurf 1"
    with pytest.raises(ValidationError):
        services.version_freeze(actor=personas.team_a, strategy=strategy, label="  ")
    with pytest.raises(PermissionDenied):
        services.version_freeze(actor=personas.team_b, strategy=strategy, label="Entwurf 3")

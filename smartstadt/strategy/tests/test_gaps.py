"""The gap analysis finds each kind of gap and links it to where it is fixed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from smartstadt.frameworks.models import Framework, Term
from smartstadt.inventory.tests.factories import EntryFactory
from smartstadt.regions.tests.factories import DistrictFactory
from smartstadt.strategy.models import Strategy
from smartstadt.strategy.selectors import HORIZON_MIN, gap_analysis

from .factories import ChallengeFactory, GoalFactory, MeasureFactory, StrategyFactory


@pytest.fixture
def strategy(personas: Any) -> Strategy:
    return StrategyFactory(municipality=personas.municipality_a)


def gaps_by_key(strategy: Strategy) -> dict[str, list[str]]:
    return {section.key: [gap.title for gap in section.gaps] for section in gap_analysis(strategy=strategy)}


def test_chain_gaps(strategy: Strategy) -> None:
    served = GoalFactory(strategy=strategy, title="Die Chancenstadt")
    GoalFactory(strategy=strategy, title="Die attraktive Stadt")
    answered = ChallengeFactory(strategy=strategy, title="Spaltung")
    answered.goals.set([served])
    ChallengeFactory(strategy=strategy, title="Mobilität")
    good = MeasureFactory(strategy=strategy, number="1", title="Quartiersbüros", horizon="short")
    good.challenges.set([answered])  # its goal comes through the challenge
    no_goal = MeasureFactory(strategy=strategy, number="2", title="Sensoren", horizon="short")
    no_goal.challenges.set([ChallengeFactory(strategy=strategy, title="Ressourcen")])
    MeasureFactory(strategy=strategy, number="3", title="Apps", horizon="long")

    gaps = gaps_by_key(strategy)
    assert gaps["goals"] == ["Die attraktive Stadt"]
    assert gaps["challenges"] == ["Mobilität"]
    assert gaps["measures"] == ["2 Sensoren", "3 Apps"]
    section = next(s for s in gap_analysis(strategy=strategy) if s.key == "measures")
    assert section.gaps[0].fix_url == reverse("strategy:element_edit", args=[strategy.pk, "massnahmen", no_goal.pk])
    goal_gap = next(s for s in gap_analysis(strategy=strategy) if s.key == "goals").gaps[0]
    assert goal_gap.fix_url.endswith(
        "/herausforderungen/neu/?goal=" + str(strategy.goals.get(title="Die attraktive Stadt").pk)
    )


def test_terms_without_entries_or_measures(strategy: Strategy) -> None:
    framework = Framework.objects.create(
        slug="themen-a", name="Themen A", short_name="Themen", municipality=strategy.municipality
    )
    with_entry, with_measure, with_field, empty = (
        Term.objects.create(framework=framework, code=code, label=code.capitalize(), order=i)
        for i, code in enumerate(["bildung", "mobilitaet", "wohnen", "klima"])
    )
    EntryFactory(municipality=strategy.municipality).terms.set([with_entry])
    EntryFactory().terms.set([empty])  # an entry of another municipality does not close the gap
    MeasureFactory(strategy=strategy).topic_terms.set([with_measure])
    from .factories import FieldOfActionFactory

    FieldOfActionFactory(strategy=strategy).terms.set([with_field])
    titles = gaps_by_key(strategy)["terms"]
    assert "Klima" in titles
    assert not {"Bildung", "Mobilitaet", "Wohnen"} & set(titles)


def test_districts_without_measures(strategy: Strategy) -> None:
    north = DistrictFactory(municipality=strategy.municipality, name="Nord", kind="borough")
    south = DistrictFactory(municipality=strategy.municipality, name="Süd", kind="borough")
    quarter = DistrictFactory(municipality=strategy.municipality, name="Altstadt", parent=north)
    MeasureFactory(strategy=strategy).districts.set([quarter])  # a quarter covers its borough
    assert gaps_by_key(strategy)["districts"] == ["Süd"]
    gap = next(s for s in gap_analysis(strategy=strategy) if s.key == "districts").gaps[0]
    assert gap.fix_url.endswith(f"?district={south.pk}")


def test_overloaded_horizon_and_measures_without_horizon(strategy: Strategy) -> None:
    for number in range(HORIZON_MIN):
        MeasureFactory(strategy=strategy, number=str(number), title=f"Kurz {number}", horizon="short")
    MeasureFactory(strategy=strategy, number="9", title="Lang", horizon="long")
    MeasureFactory(strategy=strategy, number="10", title="Offen", horizon="")
    horizons = next(s for s in gap_analysis(strategy=strategy) if s.key == "horizons")
    assert len(horizons.gaps) == 2
    assert horizons.gaps[0].fix_url.endswith("?horizont=short#massnahmen")
    assert horizons.gaps[1].title == "10 Offen"
    # balanced: nothing overloaded
    MeasureFactory.create_batch(HORIZON_MIN - 1, strategy=strategy, horizon="long")
    horizons = next(s for s in gap_analysis(strategy=strategy) if s.key == "horizons")
    assert [gap.title for gap in horizons.gaps] == ["10 Offen"]


def test_the_demo_strategy_shows_its_open_links(demo_region: None) -> None:
    strategy = Strategy.objects.get(municipality__slug="oberhausen", region__isnull=True)
    gaps = gaps_by_key(strategy)
    # the sources name no challenge per goal, no measure per challenge: all of it is for the team to decide
    assert len(gaps["goals"]) == 4
    assert len(gaps["challenges"]) == 4
    assert len(gaps["measures"]) == 11
    # Osterfeld and Sterkrade have no measure; Alt-Oberhausen has the Marienviertel furniture
    assert "Alt-Oberhausen" not in gaps["districts"]
    assert {"Osterfeld", "Sterkrade"} <= set(gaps["districts"])

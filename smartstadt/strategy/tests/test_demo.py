from __future__ import annotations

import pytest
from django.core.management import call_command

from smartstadt.core.models import ChangeRecord
from smartstadt.demo.loader import LoadReport
from smartstadt.strategy.demo import load_strategy
from smartstadt.strategy.models import Measure, Strategy


@pytest.fixture
def oberhausen_strategy(demo_region: None) -> Strategy:
    return Strategy.objects.select_related("municipality").get(municipality__slug="oberhausen", region__isnull=True)


def test_demo_strategy_carries_oberhausens_facts(oberhausen_strategy: Strategy) -> None:
    strategy = oberhausen_strategy
    assert strategy.is_published
    assert strategy.motto == "Oberhausen – gemeinsam smart"
    assert "Betriebssystem" in strategy.vision
    first = strategy.guiding_principles.first()
    assert first is not None
    assert first.text == "Wir verlängern die Stadtentwicklung in den digitalen Raum."
    assert strategy.guiding_principles.count() == 6
    assert list(strategy.goals.values_list("title", flat=True)) == [
        "Die prosperierende Stadt",
        "Die Chancenstadt",
        "Die nachhaltige Stadt",
        "Die attraktive Stadt",
    ]
    assert set(strategy.challenges.values_list("title", flat=True)) == {
        "(digitale) Spaltung",
        "Mobilität",
        "Nutzung von Ressourcen",
        "neue Arbeits- und Wirtschaftswelt",
    }
    assert {"Beteiligung", "Bildung", "Gesundheit", "Energie"} <= set(
        strategy.fields_of_action.values_list("title", flat=True)
    )
    assert strategy.topic_framework is not None
    assert strategy.topic_framework.slug == "oberhausen-masterplan"


def test_demo_measures_build_on_their_inventory_entries(oberhausen_strategy: Strategy) -> None:
    measures = Measure.objects.filter(strategy=oberhausen_strategy)
    assert measures.count() == 11
    quartier = measures.get(title="Selbstbestimmt im Quartier")
    assert quartier.number == "1"
    assert quartier.period == "Herbst 2022 – Juni 2023"
    assert set(quartier.fields_of_action.values_list("title", flat=True)) == {"Beteiligung", "Bildung", "Gesundheit"}
    assert list(quartier.entries.values_list("external_id", flat=True)) == ["oberhausen--selbstbestimmt-im-quartier"]
    # Bezug zu Themenfeldern: the Masterplan topic fields of the entry
    assert set(quartier.topic_terms.values_list("framework__slug", flat=True)) == {"oberhausen-masterplan"}
    fund = measures.get(title="Co-Creation-Fund: Gemeinsam smart")
    assert fund.budget_eur == 550000
    assert fund.milestones.get().date.isoformat() == "2024-12-31"
    furniture = measures.get(title__startswith="Smarte Stadtmöbel")
    assert list(furniture.districts.values_list("slug", flat=True)) == ["oberhausen-mitte"]
    # no invented facts: the sources give neither priority nor horizon
    assert not measures.exclude(priority="").exists()
    assert not measures.exclude(horizon="").exists()


def test_loading_the_demo_strategy_twice_changes_nothing(oberhausen_strategy: Strategy) -> None:
    before = ChangeRecord.objects.count()
    report = LoadReport()
    load_strategy(report)
    assert ChangeRecord.objects.count() == before
    assert all("unverändert" in key for key in report.counts), report.counts
    call_command("load_demo", "--quiet")
    assert Strategy.objects.filter(municipality__slug="oberhausen").count() == 1
    assert Measure.objects.filter(strategy=oberhausen_strategy).count() == 11

"""The document model: what the documents say, from the working state and from a frozen version."""

from __future__ import annotations

from decimal import Decimal

import pytest

from smartstadt.core.permissions import System
from smartstadt.documents.content import build_strategy_document
from smartstadt.strategy.models import Strategy
from smartstadt.strategy.services import version_freeze

from .conftest import TOPICS


def test_measure_sheet_carries_the_fields_of_the_seed_sheet(strategy_a):
    doc = build_strategy_document(strategy_a)
    sheet = doc.measure("1")
    assert sheet.heading == "1) Quartiersbüros"
    assert [(box.label, box.checked) for box in sheet.topics] == [
        (TOPICS[0], True),
        (TOPICS[1], True),
        (TOPICS[2], False),
    ]
    assert [str(box) for box in sheet.priority_boxes] == ["☒ Sehr hoch", "☐ Hoch", "☐ Mittel"]
    assert [str(box) for box in sheet.horizon_boxes] == ["☒ Kurzfristig", "☐ Mittelfristig", "☐ Langfristig"]
    assert sheet.objective == "Ältere Menschen erreichen"
    assert sheet.description_paragraphs == ["Erster Absatz.", "Zweiter Absatz."]
    assert sheet.stakeholders == "Stadtverwaltung und Stadtwerke"
    assert sheet.challenges == ["Digitale Spaltung"]
    assert sheet.budget_text == "1.000\N{NO-BREAK SPACE}€"
    assert sheet.indicators[0].target == "250,5"
    assert sheet.milestones[0].when == "2026"
    assert doc.measure("3").priority_label == "keine Angabe"


def test_council_paper_sums_budgets_by_funding(strategy_a):
    finances = build_strategy_document(strategy_a).finances
    assert finances.total == Decimal("3500.50")
    assert finances.with_funding == Decimal("1000.00")
    assert finances.without_funding == Decimal("2500.50")
    assert finances.measures_with_budget == 2
    assert finances.measures_without_budget == ["3) Sensoren"]
    assert finances.total_text == "3.500,50\N{NO-BREAK SPACE}€"


def test_a_frozen_version_keeps_its_content(strategy_a):
    version = version_freeze(actor=System("Test"), strategy=strategy_a, label="Entwurf 1")
    strategy_a.measures.filter(number="2").update(title="Neue Datenplattform")
    frozen = build_strategy_document(strategy_a, version=version)
    current = build_strategy_document(strategy_a)
    assert frozen.version_label == "Entwurf 1"
    assert frozen.measure("2").title == "Datenplattform"
    assert current.measure("2").title == "Neue Datenplattform"
    assert current.version_label == "Arbeitsstand"


@pytest.mark.usefixtures("demo_region")
def test_demo_strategy_has_the_inventory_figures_and_masterplan_boxes():
    strategy = Strategy.objects.get(municipality__slug="oberhausen", region__isnull=True)
    doc = build_strategy_document(strategy)
    titles = [table.title for table in doc.inventory.tables]
    assert titles == ["Einträge nach Smart-City-Dimension", "Einträge nach Status", "Einträge nach Art"]
    assert doc.inventory.total == len(doc.inventory.entries) > 0
    by_kind = doc.inventory.tables[2]
    assert by_kind.total == doc.inventory.total  # every entry has exactly one kind
    assert "<svg" in by_kind.svg
    assert "<title>Einträge nach Art</title>" in by_kind.svg
    assert len(doc.measures) >= 10
    assert [box.label for box in doc.measures[0].topics][-1] == "Smart City Oberhausen"
    assert len(doc.measures[0].topics) == 5


def test_entry_status_reads_as_on_the_pages_and_in_spreadsheets() -> None:
    # One table of status labels: the model's choices, in German even when the reader chose English.
    from django.utils import translation

    from smartstadt.documents import wording
    from smartstadt.documents.kit import german
    from smartstadt.inventory.models import EntryStatus

    with translation.override("en"):
        assert wording.entry_status("running") == "läuft" == german(EntryStatus.RUNNING.label)
        assert wording.entry_status("stopped") == "gestoppt"
        assert wording.entry_status("no-such-status") == "no-such-status"

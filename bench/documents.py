"""Rendering a strategy with 150 measures (docs/documents.md): ``run(recorder)``.

Oberhausen's demo strategy is grown to 150 measures inside a transaction that is rolled back afterwards, so the
benchmark database (or, standalone, the developer's) stays as it was. The measures repeat the texts of the demo
measures with a number of their own, each with three topic fields, a challenge, a goal, a budget, two indicators
and two milestones, so that every measure sheet is as full as a real one. Recorded: the seconds to render the
strategy document to PDF (target ≤ 15 s) and to DOCX (target ≤ 5 s), the pages of the PDF and the file sizes.

Standalone: ``DEBUG=1 .venv/bin/python bench/documents.py`` (needs the demo region: ``manage.py load_demo``).
"""

from __future__ import annotations

import datetime
import importlib
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.cases import Recorder

MEASURES = 150
PDF_TARGET = 15.0
DOCX_TARGET = 5.0


def _grow(strategy: Any) -> int:
    """Add synthetic measures until the strategy has MEASURES; returns how many it has."""
    from smartstadt.frameworks.models import Term
    from smartstadt.strategy.models import Challenge, Goal, Indicator, Measure, Milestone, Priority
    from smartstadt.strategy.models import Horizon as HorizonChoice

    templates = list(Measure.objects.filter(strategy=strategy).order_by("order"))
    if not templates:
        raise RuntimeError("Die Demo-Strategie hat keine Maßnahmen: erst manage.py load_demo ausführen.")
    topics = list(Term.objects.filter(framework_id=strategy.topic_framework_id, parent__isnull=True))
    challenges = list(Challenge.objects.filter(strategy=strategy))
    goals = list(Goal.objects.filter(strategy=strategy))
    priorities, horizons = list(Priority), list(HorizonChoice)
    start = len(templates)
    created = Measure.objects.bulk_create(
        [
            Measure(
                strategy=strategy,
                order=index,
                number=str(index + 1),
                title=f"{templates[index % len(templates)].title} ({index + 1})",
                priority=priorities[index % 3],
                horizon=horizons[(index // 3) % 3],
                objective=f"Ziel ist, {templates[index % len(templates)].title} stadtweit umzusetzen.",
                description=templates[index % len(templates)].description,
                stakeholders=templates[index % len(templates)].stakeholders or "Stadtverwaltung, städtische Töchter",
                lead_organisation_id=templates[index % len(templates)].lead_organisation_id,
                period="2025–2027",
                budget_eur=Decimal(25_000 + 5_000 * (index % 20)),
                funding="Modellprojekte Smart Cities (Bund), Eigenanteil 35 %" if index % 2 else "",
            )
            for index in range(start, MEASURES)
        ]
    )
    through_topics, through_challenges, through_goals = [], [], []
    indicators, milestones = [], []
    for offset, measure in enumerate(created):
        for term in topics[offset % 3 : offset % 3 + 3]:
            through_topics.append(Measure.topic_terms.through(measure_id=measure.pk, term_id=term.pk))
        if challenges:
            challenge = challenges[offset % len(challenges)]
            through_challenges.append(Measure.challenges.through(measure_id=measure.pk, challenge_id=challenge.pk))
        if goals:
            goal = goals[offset % len(goals)]
            through_goals.append(Measure.goals.through(measure_id=measure.pk, goal_id=goal.pk))
        indicators += [
            Indicator(measure=measure, order=0, name="Erreichte Personen", unit="Personen", baseline=0, target=500),
            Indicator(measure=measure, order=1, name="Beteiligte Partner", unit="", baseline=2, target=8, year=2027),
        ]
        milestones += [
            Milestone(measure=measure, order=0, title="Auftakt mit den Partnern", date=datetime.date(2025, 3, 1)),
            Milestone(measure=measure, order=1, title="Abschlussbericht an den Rat", year=2027),
        ]
    Measure.topic_terms.through.objects.bulk_create(through_topics)
    Measure.challenges.through.objects.bulk_create(through_challenges)
    Measure.goals.through.objects.bulk_create(through_goals)
    Indicator.objects.bulk_create(indicators)
    Milestone.objects.bulk_create(milestones)
    return Measure.objects.filter(strategy=strategy).count()


def run(recorder: Recorder) -> None:
    from django.db import transaction
    from django.urls import get_resolver

    from smartstadt.documents.rendering import render
    from smartstadt.strategy.models import Strategy

    strategy = Strategy.objects.filter(municipality__slug="oberhausen", region__isnull=True).first()
    if strategy is None:
        recorder.add("documents.skipped", 0, "", notes="Keine Demo-Strategie Oberhausen: load_demo fehlt.")
        return
    get_resolver().url_patterns  # noqa: B018  (import the URLs now: the first link of a page would, timed)
    # The task worker imports WeasyPrint and python-docx once, with its first document (about 0.7 s); the figures
    # are those of the documents after that.
    for module in ("weasyprint", "docx"):
        importlib.import_module(module)
    with transaction.atomic():
        count = _grow(strategy)
        notes = f"{count} Maßnahmen (Demo-Strategie Oberhausen, synthetisch erweitert)"
        started, cpu = time.perf_counter(), time.process_time()
        pdf = render(strategy=strategy, kind="strategy", format="pdf")
        seconds = time.perf_counter() - started
        recorder.add("documents.strategy_pdf.seconds", seconds, "s", notes=f"{notes}; Ziel ≤ {PDF_TARGET:g} s")
        recorder.add(
            "documents.strategy_pdf.cpu_seconds",
            time.process_time() - cpu,
            "s",
            notes="Rechenzeit des Prozesses: auf einer ausgelasteten Maschine aussagekräftiger als die Uhrzeit",
        )
        recorder.add("documents.strategy_pdf.pages", pdf.pages or 0, "pages", notes=notes)
        recorder.add("documents.strategy_pdf.bytes", len(pdf.content), "bytes", notes=notes)
        started, cpu = time.perf_counter(), time.process_time()
        docx = render(strategy=strategy, kind="strategy", format="docx")
        seconds = time.perf_counter() - started
        recorder.add("documents.strategy_docx.seconds", seconds, "s", notes=f"{notes}; Ziel ≤ {DOCX_TARGET:g} s")
        recorder.add("documents.strategy_docx.cpu_seconds", time.process_time() - cpu, "s", notes=notes)
        recorder.add("documents.strategy_docx.bytes", len(docx.content), "bytes", notes=notes)
        started = time.perf_counter()
        council = render(strategy=strategy, kind="council", format="pdf")
        recorder.add(
            "documents.council_pdf.seconds", time.perf_counter() - started, "s", notes=f"{notes}; Beschlussvorlage"
        )
        recorder.add("documents.council_pdf.pages", council.pages or 0, "pages", notes=notes)
        transaction.set_rollback(True)  # the synthetic measures go again


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.standalone import main

    sys.exit(main(run))

"""Demo strategy: Oberhausen's Smart City strategy as far as the public facts of data/oberhausen.yaml reach.

Vision, Leitsätze, the four development goals, the challenges named, the fields of action (those the project
overview assigns to measures, and the innovation fields of the model project's profile) and the measures of the
model project, each built on its inventory entry (data/projects.jsonl) with the facts given there. The sources
say nothing about which challenge threatens which goal, nor about priorities and horizons: those links stay
empty for the team to set (the gap page shows them).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from smartstadt.demo.loader import LoadReport, demo_step, read_jsonl, read_yaml, upsert
from smartstadt.frameworks.models import Framework, Term
from smartstadt.inventory.models import Entry
from smartstadt.regions.models import Municipality

from .models import Challenge, FieldOfAction, Goal, GuidingPrinciple, Measure, Milestone, Strategy

# The measures of oberhausen.yaml ("measures", by title) and the entries of projects.jsonl that describe them.
MEASURE_ENTRIES = {
    "Selbstbestimmt im Quartier": "oberhausen--selbstbestimmt-im-quartier",
    "Co-Kreation": "oberhausen--co-kreation",
    "Beacon-Projekt": "oberhausen--beacon-projekt",
    "Co-Creation-Fund: Gemeinsam smart": "oberhausen--co-creation-fund-gemeinsam-smart",
    "Smart City Hub (angekündigt)": "oberhausen--smart-city-hub",
    "Energieeinsparung in den Rathäusern (angekündigt)": (
        "oberhausen--energieeinsparung-in-den-rathaeusern-durch-moderne-technik"
    ),
    "Beteiligung an der Urbanen Datenplattform NRW (KDN)": (
        "oberhausen--urbane-datenplattform-nrw-beteiligung-oberhausen"
    ),
    "Smarte Stadtmöbel / AR-Beteiligung Marienviertel": (
        "oberhausen--smarte-stadtmoebel-und-ar-beteiligung-im-marienviertel"
    ),
    "iSTEK-Plattform": "oberhausen--istek-plattform",
    "Oberhausen fast & connected (Masterplan Wirtschaft)": "oberhausen--oberhausen-fast-connected-fokusprojekt",
    "Narrowband-IoT-Netz ('Maschinennetz') von Vodafone; WBO prüft Füllstandsmeldung von Abfallbehältern": (
        "oberhausen--narrowband-iot-maschinennetz"
    ),
}
# Milestones of council_and_milestones that belong to one measure (by the event's own words).
MEASURE_MILESTONES = {
    "oberhausen--co-creation-fund-gemeinsam-smart": ["Antragsfrist Co-Creation-Fund"],
    "oberhausen--smarte-stadtmoebel-und-ar-beteiligung-im-marienviertel": [
        "Infobörse im Marienviertel (AR-Stadtmöbel, VR-Drohnenaufnahmen)"
    ],
}


def _projects() -> dict[str, dict[str, Any]]:
    return {project["id"]: project for project in read_jsonl("projects.jsonl") if project["city"] == "Oberhausen"}


def load_strategy(report: LoadReport) -> Strategy | None:
    oberhausen = Municipality.objects.filter(slug="oberhausen").first()
    if oberhausen is None:
        report.messages.append("Oberhausen fehlt: Strategie übersprungen.")
        return None
    facts = read_yaml("oberhausen.yaml")
    projects = _projects()
    vision = facts["smart_city_vision"]
    existing = Strategy.objects.filter(municipality=oberhausen, region__isnull=True).first()
    strategy_project = projects["oberhausen--smart-city-strategie"]
    strategy = upsert(
        Strategy,
        report,
        lookup={"municipality": oberhausen, "region": None},
        values={
            "title": "Smart-City-Strategie Oberhausen",
            "motto": vision["application_2021"]["motto"],
            "vision": vision["current"]["summary"]
            + "\n\nAus der Bewerbung 2021: "
            + vision["application_2021"]["summary"],
            "summary": strategy_project["summary_de"],
            "topic_framework": Framework.objects.filter(slug="oberhausen-masterplan").first(),
            "is_published": True,
            "published_at": existing.published_at if existing and existing.published_at else timezone.now(),
            "source_url": vision["current"]["source"],
            "source_note": (
                "Vision, Leitsätze, Ziele, Herausforderungen, Handlungsfelder und Maßnahmen nach den öffentlichen "
                "Quellen (Smart-City-Dialog, Stadt Oberhausen, iSTEK); Kurzfassungen sind Paraphrasen. Welche "
                "Herausforderung welches Ziel bedroht, Prioritäten und Umsetzungshorizonte nennen die Quellen nicht."
            ),
        },
    )
    for order, text in enumerate(facts["leitsaetze"]["items"]):
        upsert(GuidingPrinciple, report, lookup={"strategy": strategy, "text": text}, values={"order": order})
    goals = facts["entwicklungsziele"]
    for order, title in enumerate(goals["items"]):
        upsert(
            Goal,
            report,
            lookup={"strategy": strategy, "title": title},
            values={
                "order": order,
                "description": "Eines der vier Entwicklungsziele des Modellprojekts; zugleich Leitziel des iSTEK.",
            },
        )
    for order, title in enumerate(goals["challenges_named"]):
        upsert(Challenge, report, lookup={"strategy": strategy, "title": title}, values={"order": order})
    fields = load_fields_of_action(strategy, facts, report)
    load_measures(strategy, facts, projects, fields, report)
    return strategy


def load_fields_of_action(strategy: Strategy, facts: dict[str, Any], report: LoadReport) -> dict[str, FieldOfAction]:
    source_terms = {
        term.label: term
        for term in Term.objects.filter(framework__slug=f"{strategy.municipality.slug}-handlungsfelder")
    }
    seen = facts["handlungsfelder_projektuebersicht"]
    innovation = facts["innovationsfelder_mpsc"]
    rows = [(title, "Handlungsfeld der Maßnahmen auf der Projektübersicht der Stadt.") for title in seen["items_seen"]]
    rows += [(title, "Kommunales Innovationsfeld laut Steckbrief des Modellprojekts.") for title in innovation["items"]]
    fields: dict[str, FieldOfAction] = {}
    for order, (title, description) in enumerate(rows):
        fields[title] = upsert(
            FieldOfAction,
            report,
            lookup={"strategy": strategy, "title": title},
            values={"order": order, "description": description},
            m2m={"terms": [source_terms[title]] if title in source_terms else []},
        )
    return fields


def _milestones(facts: dict[str, Any]) -> dict[str, datetime.date]:
    return {
        row["event"]: datetime.date.fromisoformat(row["date"])
        for row in facts["council_and_milestones"]
        if len(str(row["date"])) == 10
    }


def load_measures(
    strategy: Strategy,
    facts: dict[str, Any],
    projects: dict[str, dict[str, Any]],
    fields: dict[str, FieldOfAction],
    report: LoadReport,
) -> None:
    entries = {
        entry.external_id: entry
        for entry in Entry.objects.filter(municipality=strategy.municipality).prefetch_related("terms", "districts")
    }
    milestone_dates = _milestones(facts)
    number = 0
    for row in facts["measures"]:
        external_id = MEASURE_ENTRIES.get(row["title"])
        project = projects.get(external_id or "")
        entry = entries.get(external_id or "")
        if project is None or entry is None:
            report.messages.append(f"Maßnahme „{row['title']}“: kein Eintrag im Bestand, übersprungen.")
            continue
        number += 1
        topic_terms = [
            term
            for term in entry.terms.all()
            if strategy.topic_framework_id and term.framework_id == strategy.topic_framework_id
        ]
        values: dict[str, Any] = {
            "order": number - 1,
            "number": str(number),
            "description": project["summary_de"],
            "stakeholders": ", ".join(project.get("partners", [])),
            "lead_organisation": entry.lead_organisation,
            "period": row.get("period") or _years(project.get("years")),
            "source_url": row.get("source") or project["source_url"],
        }
        if external_id == "oberhausen--co-creation-fund-gemeinsam-smart":
            # "bis 50.000 Euro je Projekt, insgesamt bis 550.000 Euro" (mpsc_funding.fund)
            values["budget_eur"] = Decimal("550000.00")
            values["funding"] = "Modellprojekte Smart Cities des Bundes: " + facts["mpsc_funding"]["fund"]
        measure = upsert(
            Measure,
            report,
            lookup={"strategy": strategy, "title": project["title"]},
            values=values,
            m2m={
                "topic_terms": topic_terms,
                "fields_of_action": [fields[t] for t in row.get("handlungsfelder", []) if t in fields],
                "entries": [entry],
                "districts": list(entry.districts.all()),
            },
        )
        for order, event in enumerate(MEASURE_MILESTONES.get(external_id or "", [])):
            if event in milestone_dates:
                upsert(
                    Milestone,
                    report,
                    lookup={"measure": measure, "title": event},
                    values={"order": order, "date": milestone_dates[event], "done": True},
                )


def _years(value: Any) -> str:
    if isinstance(value, list):
        return "–".join(str(item) for item in value)
    return str(value or "").rstrip("-")


@demo_step("Strategie: Smart-City-Strategie Oberhausen", order=60)
def strategy_step(report: LoadReport) -> None:
    load_strategy(report)

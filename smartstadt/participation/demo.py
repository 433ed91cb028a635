"""Demo participation: Oberhausen's public participation on the draft of its Smart City strategy.

The facts (data/oberhausen.yaml, council_and_milestones): draft version 0.9 presented to the Wirtschafts- und
Digitalisierungsausschuss on 29 November 2022; the broad citizens' participation on the draft started on
12 December 2022; version 1.0 followed in 2023 (the sources give no exact date). The sources name no end of the
public phase, so it stays open here and the process runs in the demo. The contributions are invented examples,
marked as such in their title and with ``is_example``; they are not what citizens of Oberhausen wrote.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q

from smartstadt.core.models import User
from smartstadt.demo.loader import LoadReport, demo_step, read_yaml, upsert
from smartstadt.regions.models import District, Municipality
from smartstadt.strategy.models import FieldOfAction, Strategy

from .models import Comment, Idea, IdeaStatus, Phase, PhaseKind, Process, Support

PROCESS_SLUG = "oberhausen-smart-city-strategie"
EXAMPLE_PREFIX = "Beispielbeitrag: "
DEMO_CITIZEN = "buergerin"

# (title without prefix, text, field of action, district slug, status, answer)
EXAMPLE_IDEAS: list[tuple[str, str, str, str, str, str]] = [
    (
        "Digitale Sprechstunde in den Quartiersbüros",
        "Wer kein Smartphone hat, braucht einen Ort, an dem jemand beim Online-Antrag hilft. Die Quartiersbüros "
        "könnten einmal pro Woche eine digitale Sprechstunde anbieten, gemeinsam mit der Volkshochschule.",
        "Beteiligung",
        "sterkrade",
        IdeaStatus.UNDER_CONSIDERATION,
        "Beispielantwort: Vielen Dank! Die Idee passt zum Projekt „Selbstbestimmt im Quartier“, das die Stadt mit "
        "der Volkshochschule und den Quartiersbüros vorbereitet. Wir prüfen, ob eine feste Sprechstunde möglich ist.",
    ),
    (
        "Abfahrtszeiten in Echtzeit an mehr Haltestellen",
        "An vielen Haltestellen in Osterfeld gibt es keine Anzeige. Echtzeitdaten auf einfachen Anzeigen oder per "
        "QR-Code würden das Warten leichter machen.",
        "Mobilität und Infrastruktur",
        "osterfeld",
        IdeaStatus.RECEIVED,
        "",
    ),
    (
        "Energieverbrauch städtischer Gebäude offenlegen",
        "Die Stadt könnte den Strom- und Wärmeverbrauch ihrer Rathäuser und Schulen monatlich als offene Daten "
        "veröffentlichen. So sieht man, ob die Einsparmaßnahmen wirken.",
        "Energie",
        "alt-oberhausen",
        IdeaStatus.RECEIVED,
        "",
    ),
]
EXAMPLE_COMMENT = (
    "Beispielbeitrag: Gute Idee – am besten auch am Samstagvormittag, dann können Berufstätige kommen.",
    "Digitale Sprechstunde in den Quartiersbüros",
)


def _milestone(facts: dict[str, Any], words: str) -> datetime.date | None:
    for row in facts.get("council_and_milestones", []):
        if words in row["event"] and len(str(row["date"])) == 10:
            return datetime.date.fromisoformat(str(row["date"]))
    return None


def _source(facts: dict[str, Any], words: str) -> str:
    return next((row["source"] for row in facts.get("council_and_milestones", []) if words in row["event"]), "")


def load_process(report: LoadReport) -> Process | None:
    facts = read_yaml("oberhausen.yaml")
    oberhausen = Municipality.objects.filter(slug="oberhausen").first()
    if oberhausen is None:
        report.messages.append("Beteiligung übersprungen: Oberhausen fehlt.")
        return None
    strategy = Strategy.objects.filter(municipality=oberhausen, region__isnull=True).order_by("pk").first()
    draft_shown = _milestone(facts, "Entwurfsfassung 0.9")
    public_start = _milestone(facts, "Start der breiten Bürgerbeteiligung")
    process = upsert(
        Process,
        report,
        lookup={"slug": PROCESS_SLUG},
        values={
            "municipality": oberhausen,
            "strategy": strategy,
            "title": "Beteiligung zum Entwurf der Smart-City-Strategie Oberhausen",
            "summary": (
                "Die Stadt Oberhausen stellte den Entwurf ihrer Smart-City-Strategie zur Diskussion: Bürgerinnen "
                "und Bürger bringen Ideen ein, unterstützen und kommentieren sie."
            ),
            "description": (
                "Das Smart-City-Team liest jede Idee und antwortet öffentlich: ob sie in die Strategie "
                "übernommen wird, noch geprüft wird oder warum nicht. Die Beiträge in dieser Demo sind "
                "erfundene Beispiele."
            ),
            "source_url": _source(facts, "Start der breiten Bürgerbeteiligung"),
            "is_published": True,
        },
    )
    phases = [
        (
            PhaseKind.INFORMATION,
            "Entwurf 0.9 vorgestellt",
            "Der Entwurf der Smart-City-Strategie wurde im Wirtschafts- und Digitalisierungsausschuss vorgestellt.",
            draft_shown,
        ),
        (
            PhaseKind.IDEAS,
            "Breite Bürgerbeteiligung zum Strategieentwurf",
            "Ideen einreichen, unterstützen und kommentieren. Die Quellen nennen kein Ende dieser Phase.",
            public_start,
        ),
        (
            PhaseKind.RESULTS,
            "Smart-City-Strategie 1.0",
            "Die Strategie in der Fassung 1.0 mit den Antworten auf die Beiträge (2023; genaues Datum in den "
            "Quellen nicht gefunden).",
            None,
        ),
    ]
    for order, (kind, title, description, starts_on) in enumerate(phases):
        upsert(
            Phase,
            report,
            lookup={"process": process, "kind": kind},
            values={"title": title, "description": description, "starts_on": starts_on, "order": order},
        )
    return process


def load_examples(process: Process, report: LoadReport) -> None:
    # Runs after the demo accounts (order 90): the examples belong to the demo citizen where she exists.
    citizen = User.objects.filter(username=DEMO_CITIZEN).first()
    districts = {district.slug: district for district in District.objects.filter(municipality=process.municipality)}
    fields = (
        {field.title: field for field in FieldOfAction.objects.filter(strategy_id=process.strategy_id)}
        if process.strategy_id
        else {}
    )
    start = next((phase.starts_on for phase in process.phases.all() if phase.kind == PhaseKind.IDEAS), None)
    created = datetime.datetime.combine(start or datetime.date(2022, 12, 12), datetime.time(10), tzinfo=datetime.UTC)
    ideas: dict[str, Idea] = {}
    for number, (title, text, field, district, status, answer) in enumerate(EXAMPLE_IDEAS):
        values: dict[str, Any] = {
            "author": citizen,
            "text": text,
            "field_of_action": fields.get(field),
            "district": districts.get(district),
            "is_example": True,
            "created_at": created + datetime.timedelta(days=number),
            "status": status,
            "answer": answer,
            "answered_at": created + datetime.timedelta(days=30) if answer else None,
        }
        ideas[title] = upsert(Idea, report, lookup={"process": process, "title": EXAMPLE_PREFIX + title}, values=values)
    text, idea_title = EXAMPLE_COMMENT
    upsert(
        Comment,
        report,
        lookup={"idea": ideas[idea_title], "text": text},
        values={"author": citizen, "is_example": True, "created_at": created + datetime.timedelta(days=2)},
    )
    if citizen is not None:
        Support.objects.get_or_create(idea=ideas[idea_title], user=citizen)
    # The counters as the services would have left them (the loader writes rows directly).
    for idea in Idea.objects.filter(process=process).annotate(
        supports_now=Count("supports", distinct=True),
        comments_now=Count("comments", filter=Q(comments__is_hidden=False), distinct=True),
    ):
        if (idea.support_count, idea.comment_count) != (idea.supports_now, idea.comments_now):
            Idea.objects.filter(pk=idea.pk).update(support_count=idea.supports_now, comment_count=idea.comments_now)


@demo_step("Beteiligung: Entwurf der Smart-City-Strategie Oberhausen", order=95)
def participation_step(report: LoadReport) -> None:
    process = load_process(report)
    if process is not None:
        load_examples(process, report)

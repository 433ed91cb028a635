"""Demo participation: Oberhausen's public participation on the draft of its Smart City strategy.

The facts (data/oberhausen.yaml, council_and_milestones): draft version 0.9 presented to the Wirtschafts- und
Digitalisierungsausschuss on 29 November 2022; the broad citizens' participation on the draft started on
12 December 2022; version 1.0 followed in 2023 (the sources give no exact date). The sources name no end of the
public phase, so it stays open here and the process runs in the demo. The contributions are invented examples,
marked as such in their title and with ``is_example``; they are not what citizens of Oberhausen wrote. The same
holds for the draft version commented here (rebuilt from the public facts of the demo strategy, not the real
text of draft 0.9), the "Beispielumfrage" and the example on-site event with its results.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q

from smartstadt.core.models import User
from smartstadt.demo.loader import LoadReport, demo_step, read_yaml, upsert
from smartstadt.regions.models import District, Municipality
from smartstadt.strategy.models import FieldOfAction, Strategy, StrategyVersion, VersionKind
from smartstadt.strategy.versions import strategy_snapshot

from .caching import changed
from .models import (
    Comment,
    DraftComment,
    Idea,
    IdeaStatus,
    Option,
    Phase,
    PhaseKind,
    Process,
    Question,
    QuestionKind,
    Support,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    Workshop,
)

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
            PhaseKind.DRAFT_COMMENTS,
            "Kommentieren des Strategieentwurfs",
            "Den Entwurf Absatz für Absatz und Maßnahme für Maßnahme kommentieren. Die Quellen nennen kein Ende.",
            public_start,
        ),
        (
            PhaseKind.SURVEY,
            "Beispielumfrage zu den Handlungsfeldern",
            "Eine erfundene Beispielumfrage der Demo: Welche Handlungsfelder sind Ihnen am wichtigsten?",
            public_start,
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
    # Ideas come last among the phases that start on the same day, so they stay the headline "current" phase.
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


DRAFT_LABEL = "Entwurf 0.9 (Nachbildung aus den öffentlichen Angaben)"
SURVEY_TITLE = "Beispielumfrage: Welche Handlungsfelder sind Ihnen am wichtigsten?"
WORKSHOP_TITLE = "Beispielveranstaltung: Bürgerforum Smart City im Quartier"


def load_draft_version(process: Process, report: LoadReport) -> None:
    """The frozen version citizens comment. Frozen once: loading again never rewrites its snapshot."""
    strategy = process.strategy
    if strategy is None:
        return
    version = StrategyVersion.objects.filter(strategy=strategy, label=DRAFT_LABEL).first()
    if version is None:
        last = strategy.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = upsert(
            StrategyVersion,
            report,
            lookup={"strategy": strategy, "label": DRAFT_LABEL},
            values={
                "number": last + 1,
                "kind": VersionKind.DRAFT,
                "note": "Demo: aus den öffentlichen Angaben der Demo-Strategie eingefroren, nicht der Originaltext.",
                "snapshot": strategy_snapshot(strategy),
            },
        )
    if process.draft_version_id != version.pk:
        upsert(Process, report, lookup={"pk": process.pk}, values={"draft_version": version})
        process.draft_version = version


def load_draft_example(process: Process, citizen: User | None, report: LoadReport) -> None:
    version = process.draft_version
    if version is None or not version.snapshot.get("strategy", {}).get("vision"):
        return
    upsert(
        DraftComment,
        report,
        lookup={"process": process, "paragraph": "vision", "text": EXAMPLE_PREFIX + DRAFT_EXAMPLE_TEXT},
        values={
            "version": version,
            "paragraph_title": "Vision",
            "author": citizen,
            "is_example": True,
            "created_at": datetime.datetime(2022, 12, 14, 18, tzinfo=datetime.UTC),
        },
    )


DRAFT_EXAMPLE_TEXT = (
    "Die Vision gefällt mir. Bitte sagen Sie auch, wie ältere Menschen ohne Internet mitgenommen werden."
)

# (kind, text, options, required)
SURVEY_QUESTIONS: list[tuple[str, str, list[str], bool]] = [
    (QuestionKind.RANKING, "Bringen Sie diese Handlungsfelder in Ihre Reihenfolge: 1 = am wichtigsten.", [], True),
    (
        QuestionKind.SINGLE,
        "Wie haben Sie von der Beteiligung erfahren?",
        ["Zeitung", "Website der Stadt", "Soziale Medien", "Freunde oder Familie", "Anders"],
        False,
    ),
    (
        QuestionKind.MULTIPLE,
        "Welche digitalen Angebote der Stadt nutzen Sie schon?",
        ["Online-Terminvergabe", "Online-Anträge", "Mängelmelder", "Offene Daten"],
        False,
    ),
    (QuestionKind.RATING, "Wie gut fühlen Sie sich über die Smart-City-Strategie informiert?", [], False),
    (QuestionKind.TEXT, "Was möchten Sie dem Smart-City-Team noch sagen?", [], False),
]
RANKED_FIELDS = 4


def load_survey(process: Process, report: LoadReport) -> None:
    fields = list(FieldOfAction.objects.filter(strategy=process.strategy).order_by("order", "pk")[:RANKED_FIELDS])
    survey = upsert(
        Survey,
        report,
        lookup={"process": process, "title": SURVEY_TITLE},
        values={
            "description": (
                "Eine erfundene Beispielumfrage der Demo-Daten, keine echte Umfrage der Stadt Oberhausen. "
                "Sie können Ihre Antworten ändern, solange die Umfrage läuft."
            ),
            "is_published": True,
            "results_public": True,
            "is_example": True,
            "created_at": datetime.datetime(2022, 12, 12, 9, tzinfo=datetime.UTC),
        },
    )
    questions: list[Question] = []
    for position_in_survey, (kind, wording, options, required) in enumerate(SURVEY_QUESTIONS):
        values: dict[str, Any] = {"kind": kind, "order": position_in_survey, "required": required}
        if kind == QuestionKind.RATING:
            values.update(scale_max=5, scale_low_label="gar nicht", scale_high_label="sehr gut")
        question = upsert(Question, report, lookup={"survey": survey, "text": wording}, values=values)
        names = [field.title for field in fields] if kind == QuestionKind.RANKING else options
        for position, name in enumerate(names):
            upsert(Option, report, lookup={"question": question, "text": name}, values={"order": position})
        questions.append(question)
    if SurveyResponse.objects.filter(survey=survey).exists():
        return
    # Three anonymous example answer sets, so the results page shows charts from the start.
    ranking, single, multiple, rating, free_text = questions
    ranked: list[Option] = list(ranking.options.order_by("order"))
    for number in range(3):
        response = SurveyResponse.objects.create(
            survey=survey,
            is_example=True,
            created_at=datetime.datetime(2022, 12, 13 + number, 12, tzinfo=datetime.UTC),
            updated_at=datetime.datetime(2022, 12, 13 + number, 12, tzinfo=datetime.UTC),
        )
        rotated = ranked[number:] + ranked[:number]
        answers = [
            SurveyAnswer(response=response, question=ranking, option=option, rank=rank)
            for rank, option in enumerate(rotated, start=1)
        ]
        answers.append(
            SurveyAnswer(response=response, question=single, option=single.options.order_by("order")[number])
        )
        answers += [
            SurveyAnswer(response=response, question=multiple, option=o) for o in multiple.options.all()[: number + 1]
        ]
        answers.append(SurveyAnswer(response=response, question=rating, rating=2 + number))
        if number == 0:
            answers.append(
                SurveyAnswer(response=response, question=free_text, text="Beispielantwort: Mehr Infos im Stadtteil.")
            )
        SurveyAnswer.objects.bulk_create(answers)
        report.note(SurveyResponse, "neu")


def load_workshop(process: Process, report: LoadReport) -> None:
    workshop = upsert(
        Workshop,
        report,
        lookup={"process": process, "title": WORKSHOP_TITLE},
        values={
            "kind": Workshop.Kind.CITIZENS_FORUM,
            "held_on": datetime.date(2023, 1, 18),
            "place": "Beispielort: Quartiersbüro",
            "participant_count": 24,
            "participant_kinds": "Bürgerinnen und Bürger, Quartiersbüro, Volkshochschule (Beispiel)",
            "results": (
                "Erfundenes Beispiel der Demo-Daten. Die Teilnehmenden wünschen sich Hilfe beim Umgang mit "
                "digitalen Angeboten vor Ort und offene Daten zum Energieverbrauch der Stadt."
            ),
            "is_example": True,
        },
    )
    upsert(
        Idea,
        report,
        lookup={"process": process, "title": EXAMPLE_PREFIX + "Digitallotsen in jedem Stadtteil"},
        values={
            "author": None,
            "workshop": workshop,
            "text": "Ehrenamtliche Digitallotsen helfen im Stadtteil beim Online-Antrag (gesammelt im Bürgerforum).",
            "is_example": True,
            "created_at": datetime.datetime(2023, 1, 18, 12, tzinfo=datetime.UTC),
        },
    )


@demo_step("Beteiligung: Entwurf der Smart-City-Strategie Oberhausen", order=95)
def participation_step(report: LoadReport) -> None:
    process = load_process(report)
    if process is not None:
        load_draft_version(process, report)
        load_examples(process, report)
        load_draft_example(process, User.objects.filter(username=DEMO_CITIZEN).first(), report)
        load_survey(process, report)
        load_workshop(process, report)
        changed()
